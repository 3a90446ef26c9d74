"""Reading schedules: a partnership's sessions, a member's next ones, a member's calendar.

Nothing here writes. The sessions themselves come from the functional core
(`occurrences.py`), fed with the rhythms and changes kept in the database.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from django.conf import settings
from django.db.models import Max, Q
from django.urls import reverse
from django.utils.translation import gettext as _

from felt.partnerships import selectors as partnership_selectors
from felt.partnerships.models import Partnership

from . import feed, occurrences
from .models import CalendarFeed, OccurrenceChange, Proposal, ReminderPreference, Rhythm, Schedule
from .occurrences import Occurrence

# The longest a session lasts: one that began this long ago may still be going on.
_LONGEST = timedelta(minutes=occurrences.LENGTH_MINUTES[1])
# How far ahead pages look for sessions.
DASHBOARD_AHEAD = timedelta(weeks=6)
SCHEDULE_PAGE_AHEAD = timedelta(weeks=26)
# How far ahead a calendar's time zone definitions reach (the feed is fetched again often).
FEED_HORIZON = timedelta(days=5 * 366)


@dataclass(frozen=True)
class Upcoming:
    """One session ahead, seen by one member."""

    partnership: Partnership
    partner: object  # a Member
    occurrence: Occurrence
    joinable: bool


def token_hash(token: str) -> str:
    """What is kept of a calendar link's secret: its SHA-256."""
    return hashlib.sha256(token.encode()).hexdigest()


def schedule_of(*, partnership: Partnership) -> Schedule | None:
    return Schedule.objects.filter(partnership=partnership).first()


def rhythm_in_force(*, schedule: Schedule | None) -> Rhythm | None:
    if schedule is None:
        return None
    return schedule.rhythms.filter(ends_at__isnull=True).first()


def latest_rhythm(*, schedule: Schedule | None) -> Rhythm | None:
    """The rhythm in force, or the one that ended last (what a paused schedule would resume)."""
    if schedule is None:
        return None
    return schedule.rhythms.order_by("-first_day", "-id").first()


def open_proposal_of(*, partnership: Partnership) -> Proposal | None:
    return (
        Proposal.objects.filter(partnership=partnership, status=Proposal.Status.OPEN)
        .select_related("proposed_by")
        .first()
    )


def first_start_of(*, proposal: Proposal, now: datetime) -> datetime:
    """When the first session would be, were the proposal accepted now."""
    starts_on = max(proposal.starts_on, today_in(proposal.time_zone, now))
    day = occurrences.first_session_day(
        weekday=proposal.weekday,
        at=proposal.time,
        zone_name=proposal.time_zone,
        starts_on=starts_on,
        not_before=now,
    )
    return occurrences.instant(day, proposal.time, proposal.time_zone)


def _may_give_sessions_after(moment: datetime) -> Q:
    """Rhythms with a session at or after `moment`: in force, ended after it, or ended shortly
    before it with a session moved to later (a move reaches MOVE_REACH at most)."""
    return Q(ends_at__isnull=True) | Q(
        ends_at__gt=moment - occurrences.MOVE_REACH - timedelta(days=1)
    )


def _core(partnership: Partnership, start: datetime, end: datetime):
    """The rhythms and changes that can give a session starting in [start, end)."""
    rhythms = [
        rhythm.as_core()
        for rhythm in Rhythm.objects.filter(
            _may_give_sessions_after(start),
            schedule__partnership=partnership,
            first_day__lte=(end + occurrences.MOVE_REACH + timedelta(days=2)).date(),
        )
    ]
    if not rhythms:
        return [], []
    # A moved session stays within MOVE_REACH of its original time.
    reach = occurrences.MOVE_REACH + timedelta(days=1)
    changes = [
        change.as_core()
        for change in OccurrenceChange.objects.filter(
            rhythm_id__in=[rhythm.id for rhythm in rhythms],
            original_start__gte=start - reach,
            original_start__lt=end + reach,
        )
    ]
    return rhythms, changes


def occurrences_of(*, partnership: Partnership, start: datetime, end: datetime) -> list[Occurrence]:
    """The partnership's sessions starting in [start, end). Only an active partnership meets."""
    if partnership.status != Partnership.Status.ACTIVE:
        return []
    rhythms, changes = _core(partnership, start, end)
    return occurrences.occurrences(rhythms, changes, start, end)


def upcoming_of(
    *, partnership: Partnership, now: datetime, ahead: timedelta = SCHEDULE_PAGE_AHEAD, limit=8
) -> list[Occurrence]:
    """The sessions not yet over, soonest first (one going on now included)."""
    found = occurrences_of(partnership=partnership, start=now - _LONGEST, end=now + ahead)
    return [occurrence for occurrence in found if not occurrence.over(now)][:limit]


def occurrence_in(*, partnership: Partnership, key: str) -> Occurrence | None:
    """The session a key names in this partnership, as it now stands; None if the key names
    nothing here (made up, another partnership's, or skipped)."""
    parsed = occurrences.parse_occurrence_key(key)
    if parsed is None:
        return None
    rhythm_id, original = parsed
    rhythm = Rhythm.objects.filter(pk=rhythm_id, schedule__partnership=partnership).first()
    if rhythm is None:
        return None
    changes = [change.as_core() for change in rhythm.changes.filter(original_start=original)]
    return occurrences.find([rhythm.as_core()], changes, rhythm_id, original)


def change_in(*, partnership: Partnership, key: str) -> OccurrenceChange | None:
    """The skip or move a key names in this partnership, if it is one of its sessions."""
    parsed = occurrences.parse_occurrence_key(key)
    if parsed is None:
        return None
    rhythm_id, original = parsed
    change = (
        OccurrenceChange.objects.filter(
            rhythm_id=rhythm_id, rhythm__schedule__partnership=partnership, original_start=original
        )
        .select_related("rhythm")
        .first()
    )
    if change is None or change.rhythm.as_core().day_of(original) is None:
        return None
    return change


@dataclass(frozen=True)
class Skipped:
    key: str
    original: datetime


def skipped_of(*, partnership: Partnership, now: datetime) -> list[Skipped]:
    """Sessions ahead that one of the partners skipped (they can still be put back)."""
    skipped = []
    for change in (
        OccurrenceChange.objects.filter(
            rhythm__schedule__partnership=partnership,
            moved_to__isnull=True,
            original_start__gt=now,
        )
        .select_related("rhythm")
        .order_by("original_start")
    ):
        if change.rhythm.as_core().day_of(change.original_start) is not None:
            skipped.append(
                Skipped(
                    key=occurrences.occurrence_key(change.rhythm_id, change.original_start),
                    original=change.original_start,
                )
            )
    return skipped


def next_sessions_of(
    *, member, now: datetime, ahead: timedelta = DASHBOARD_AHEAD, limit: int = 5
) -> list[Upcoming]:
    """The member's next sessions across all their partnerships, soonest first."""
    found = []
    for item in partnership_selectors.partnerships_of(member=member):
        if item.partnership.status != Partnership.Status.ACTIVE:
            continue
        for occurrence in upcoming_of(
            partnership=item.partnership, now=now, ahead=ahead, limit=limit
        ):
            found.append(
                Upcoming(
                    partnership=item.partnership,
                    partner=item.partner,
                    occurrence=occurrence,
                    joinable=occurrence.joinable(now),
                )
            )
    found.sort(key=lambda upcoming: (upcoming.occurrence.start, upcoming.partnership.pk))
    return found[:limit]


def last_meeting_of(*, partnership: Partnership) -> datetime | None:
    """When the partners last met in the room (a session that went past waiting for both)."""
    return partnership.sessions.exclude(phase="waiting").aggregate(last=Max("created_at"))["last"]


def lapse_since(*, partnership: Partnership, rhythm: Rhythm) -> datetime:
    """From when a lapse is counted: the last meeting, or the first session of the rhythm in
    force (a new time, or a resumed one, starts the count afresh), whichever is later."""
    counting_from = rhythm.as_core().first_start
    last = last_meeting_of(partnership=partnership)
    return counting_from if last is None else max(last, counting_from)


def reminder_lead_of(*, member) -> int:
    """Minutes before a session the member wants an email; 0 for none."""
    preference = ReminderPreference.objects.filter(member=member).first()
    return ReminderPreference.DEFAULT if preference is None else preference.lead_minutes


def has_calendar_feed(*, member) -> bool:
    return CalendarFeed.objects.filter(member=member).exists()


def member_for_feed_token(*, token: str):
    """The member a calendar link belongs to; None for a link revoked, renewed or never made."""
    if not token or len(token) > 100:
        return None
    feed_row = (
        CalendarFeed.objects.filter(token_hash=token_hash(token), member__is_active=True)
        .select_related("member")
        .first()
    )
    return None if feed_row is None else feed_row.member


def join_url(*, partnership: Partnership) -> str:
    """The one link that always leads to the partnership's session now, or the next one."""
    return settings.FELT_BASE_URL + reverse("schedule:now", args=[partnership.pk])


def occurrence_url(*, partnership: Partnership, key: str) -> str:
    return settings.FELT_BASE_URL + reverse("schedule:occurrence", args=[partnership.pk, key])


def _feed_host() -> str:
    from urllib.parse import urlsplit

    return urlsplit(settings.FELT_BASE_URL).hostname or "felt.invalid"


def calendar_of(*, member, now: datetime) -> bytes:
    """The member's calendar: every rhythm of their active partnerships with sessions ahead."""
    items = []
    host = _feed_host()
    for item in partnership_selectors.partnerships_of(member=member):
        partnership = item.partnership
        if partnership.status != Partnership.Status.ACTIVE:
            continue
        schedule = schedule_of(partnership=partnership)
        if schedule is None:
            continue
        rhythms = list(schedule.rhythms.filter(_may_give_sessions_after(now)))
        if not rhythms:
            continue
        changes = [
            change.as_core()
            for change in OccurrenceChange.objects.filter(rhythm__in=rhythms).order_by(
                "original_start"
            )
        ]
        link = join_url(partnership=partnership)
        name = item.partner.display_name
        for rhythm in rhythms:
            items.append(
                feed.Series(
                    rhythm=rhythm.as_core(),
                    changes=tuple(change for change in changes if change.rhythm_id == rhythm.pk),
                    uid=f"felt-rhythm-{rhythm.pk}@{host}",
                    summary=_("Focusing session with %(name)s") % {"name": name},
                    description=_("Join the session: %(link)s") % {"link": link},
                    url=link,
                    sequence=schedule.revision,
                )
            )
    return feed.build_feed(
        items,
        name=_("Felt sessions"),
        stamp=now.astimezone(UTC).replace(microsecond=0),
        horizon=(now + FEED_HORIZON).date(),
    )


def today_in(zone_name: str, now: datetime) -> date:
    return occurrences.local(now, zone_name).date()
