"""Reading partnerships, invitations and the time ledger. Nothing here writes."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime

from django.db.models import Case, Q, QuerySet, Sum, Value, When
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .models import Block, Invitation, LedgerEntry, Partnership

# A partnership that is still going: the pair may meet, pause, or end it.
OPEN_STATUSES = (Partnership.Status.ACTIVE, Partnership.Status.PAUSED)


@dataclass(frozen=True)
class PartnershipOfMember:
    """One of a member's partnerships, seen from that member's side."""

    partnership: Partnership
    partner: object  # a Member


@dataclass(frozen=True)
class PastTurn:
    focuser_name: str
    focuser_is_viewer: bool
    minutes: int  # how long the turn ran, in the session's own minutes


@dataclass(frozen=True)
class PastSession:
    pk: int
    when: datetime
    finished: bool
    turns: list[PastTurn]


def token_hash(token: str) -> str:
    """What is kept of an invitation's secret: its SHA-256, so a copy of the database opens nothing."""
    return hashlib.sha256(token.encode()).hexdigest()


def _of_member(member) -> Q:
    return Q(member_a=member) | Q(member_b=member)


def _between(first, second) -> Q:
    return Q(member_a=first, member_b=second) | Q(member_a=second, member_b=first)


def partnerships_of(*, member) -> list[PartnershipOfMember]:
    """The member's partnerships with each partner, the ones still going first."""
    partnerships = (
        Partnership.objects.filter(_of_member(member))
        .select_related("member_a", "member_b")
        .annotate(
            is_ended=Case(
                When(status=Partnership.Status.ENDED, then=Value(1)),
                default=Value(0),
            )
        )
        .order_by("is_ended", "-created_at", "-pk")
    )
    return [PartnershipOfMember(partnership=p, partner=p.partner_of(member)) for p in partnerships]


def unseen_endings_for(*, member) -> QuerySet[Partnership]:
    """Partnerships the partner ended whose kind notice this member has not yet acknowledged."""
    return (
        Partnership.objects.filter(
            _of_member(member),
            status=Partnership.Status.ENDED,
            ending_seen_by_other=False,
            ended_by__isnull=False,
        )
        .exclude(ended_by=member)
        .select_related("ended_by")
        .order_by("-ended_at", "-pk")
    )


def get_partnership_for(*, member, pk: int) -> Partnership:
    """The partnership, if `member` is one of its two people; for anyone else it does not exist."""
    try:
        return Partnership.objects.select_related("member_a", "member_b", "ended_by").get(
            _of_member(member), pk=pk
        )
    except Partnership.DoesNotExist:
        raise Http404("No such partnership.") from None


def open_partnerships_between(*, first, second) -> QuerySet[Partnership]:
    """The two members' partnerships that are still going (active or paused)."""
    return Partnership.objects.filter(_between(first, second), status__in=OPEN_STATUSES)


def open_partnerships_of(*, member) -> QuerySet[Partnership]:
    return Partnership.objects.filter(_of_member(member), status__in=OPEN_STATUSES)


def is_blocked_between(*, first, second) -> bool:
    """Whether either of the two has blocked the other."""
    return Block.objects.filter(
        Q(blocker=first, blocked=second) | Q(blocker=second, blocked=first)
    ).exists()


def has_blocked(*, blocker, blocked) -> bool:
    return Block.objects.filter(blocker=blocker, blocked=blocked).exists()


def time_owed(*, partnership: Partnership, member) -> int:
    """Seconds of listening `member` owes the partner; negative when the partner owes them."""
    partner = partnership.partner_of(member)
    totals = partnership.ledger.aggregate(
        mine=Sum("seconds", filter=Q(member=member), default=0),
        theirs=Sum("seconds", filter=Q(member=partner), default=0),
    )
    return totals["mine"] - totals["theirs"]


def time_owed_in_words(*, partnership: Partnership, viewer) -> str:
    """The ledger as one sentence for `viewer`: who owes whom, in minutes."""
    owed = time_owed(partnership=partnership, member=viewer)
    if owed == 0:
        return _("Your time is even.")
    name = partnership.partner_of(viewer).display_name
    minutes = round(abs(owed) / 60)
    if minutes == 0:
        if owed > 0:
            return _("You owe %(name)s less than a minute.") % {"name": name}
        return _("%(name)s owes you less than a minute.") % {"name": name}
    if owed > 0:
        sentence = ngettext(
            "You owe %(name)s %(minutes)d minute.",
            "You owe %(name)s %(minutes)d minutes.",
            minutes,
        )
    else:
        sentence = ngettext(
            "%(name)s owes you %(minutes)d minute.",
            "%(name)s owes you %(minutes)d minutes.",
            minutes,
        )
    return sentence % {"name": name, "minutes": minutes}


def ledger_entries_of(*, partnership: Partnership) -> QuerySet[LedgerEntry]:
    return partnership.ledger.select_related("member")


def _moment(epoch: float | None) -> datetime | None:
    if epoch is None:
        return None
    return datetime.fromtimestamp(epoch, tz=UTC)


def session_history(*, partnership: Partnership, viewer) -> list[PastSession]:
    """The pair's sessions that began, newest first: when, and who focused for how long.

    Only the room's structure is read (phases and times); a session's state never holds
    anything either person said, and nothing of it is shown here beyond the clock.
    """
    names = {
        "a": partnership.member_a.display_name,
        "b": partnership.member_b.display_name,
    }
    viewer_side = "a" if viewer.pk == partnership.member_a_id else "b"
    history = []
    for session in partnership.sessions.all():
        state = session.state or {}
        started = _moment(state.get("started_at"))
        if started is None:
            continue
        # A demonstration may run a planned minute in a few real seconds; count in its minutes.
        minute_seconds = state.get("minute_seconds") or 60
        turns = [
            PastTurn(
                focuser_name=names.get(turn.get("focuser"), ""),
                focuser_is_viewer=turn.get("focuser") == viewer_side,
                minutes=round((turn.get("active") or 0) / minute_seconds),
            )
            for turn in state.get("turns", [])
        ]
        history.append(
            PastSession(
                pk=session.pk,
                when=started,
                finished=session.phase == "ended" or state.get("ended_at") is not None,
                turns=turns,
            )
        )
    history.sort(key=lambda past: past.when, reverse=True)
    return history


def invitation_for_token(*, token: str) -> Invitation | None:
    """The invitation a link's secret opens, or None for a link we never made."""
    return (
        Invitation.objects.select_related("inviter", "used_by")
        .filter(token_hash=token_hash(token))
        .first()
    )


def open_invitations_of(*, member) -> QuerySet[Invitation]:
    """Invitations the member sent that nobody has answered yet and that have not expired."""
    return Invitation.objects.filter(
        inviter=member, used_at__isnull=True, expires_at__gt=timezone.now()
    ).order_by("expires_at")
