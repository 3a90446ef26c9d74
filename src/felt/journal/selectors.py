"""Reading a member's journal. Only ever the asking member's own rows; nothing here writes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from uuid import UUID

from django.conf import settings
from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from felt.room import selectors as room_selectors

from .models import CheckIn, Journal, JournalEntry

CHECK_IN_INVITATION_AFTER = timedelta(days=7)


def minimum_iterations() -> int:
    """The fewest PBKDF2 iterations a passphrase may be wrapped with on this server."""
    return settings.FELT_JOURNAL_PBKDF2_ITERATIONS


def journal_of(*, member) -> Journal | None:
    """The member's journal keys and choices, or None before they set it up."""
    return Journal.objects.filter(member=member).first()


def entries_of(*, member) -> QuerySet[JournalEntry]:
    """The member's sealed entries, newest first."""
    return JournalEntry.objects.filter(member=member)


def check_ins_of(*, member) -> QuerySet[CheckIn]:
    """The member's sealed check-ins, oldest first (the order a chart draws them in)."""
    return CheckIn.objects.filter(member=member)


def get_entry_for(*, member, uid: UUID) -> JournalEntry:
    """The entry, if it is `member`'s own; for anyone else it does not exist."""
    entry = entries_of(member=member).filter(uid=uid).first()
    if entry is None:
        raise Http404("No such entry.")
    return entry


def get_check_in_for(*, member, uid: UUID) -> CheckIn:
    check_in = check_ins_of(member=member).filter(uid=uid).first()
    if check_in is None:
        raise Http404("No such check-in.")
    return check_in


def session_times_of(*, member) -> list[datetime]:
    """When each of the member's sessions began, oldest first: marks on the check-in chart.

    Only the room's clock is read; a session holds nothing anyone said.
    """
    times = []
    for session in room_selectors.sessions_of(member=member):
        started = (session.state or {}).get("started_at")
        if started is not None:
            times.append(datetime.fromtimestamp(started, tz=UTC))
    return sorted(times)


def check_in_due(*, member, journal: Journal | None = None, now: datetime | None = None) -> bool:
    """Whether to invite the member to a check-in: they asked for it weekly and a week passed."""
    journal = journal if journal is not None else journal_of(member=member)
    if journal is None or not journal.weekly_check_in_invitation:
        return False
    now = now or timezone.now()
    latest = check_ins_of(member=member).order_by("-created_at").first()
    return latest is None or now - latest.created_at >= CHECK_IN_INVITATION_AFTER
