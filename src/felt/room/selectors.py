"""Reading sessions."""

from __future__ import annotations

from datetime import timedelta

from django.db.models import Q
from django.http import Http404
from django.utils import timezone

from .models import Presence, Session


def sessions_of(*, member):
    return Session.objects.filter(
        Q(partnership__member_a=member) | Q(partnership__member_b=member)
    ).select_related("partnership__member_a", "partnership__member_b")


def get_session_for(*, member, pk: int) -> Session:
    """The session, if `member` is one of its two partners; anyone else learns nothing of it."""
    session = sessions_of(member=member).filter(pk=pk).first()
    if session is None:
        raise Http404("No such session.")
    return session


def open_sessions_of(*, member) -> list[Session]:
    sessions = list(
        sessions_of(member=member).exclude(phase="ended").filter(partnership__status="active")
    )
    for session in sessions:
        session.partner_name = session.partnership.partner_of(member).display_name
    return sessions


def presence_of(*, session: Session) -> dict[str, bool]:
    """Which partners have a live socket in the room, judged by recent heartbeats."""
    from .services import PRESENCE_FRESH_SECONDS

    fresh = timezone.now() - timedelta(seconds=PRESENCE_FRESH_SECONDS)
    here = set(
        Presence.objects.filter(session=session, last_seen__gte=fresh).values_list(
            "member_id", flat=True
        )
    )
    partnership = session.partnership
    return {"a": partnership.member_a_id in here, "b": partnership.member_b_id in here}
