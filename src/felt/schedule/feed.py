"""A member's sessions as an iCalendar feed (RFC 5545), built with `icalendar`. No Django here.

Each rhythm is one recurring event: DTSTART in the rhythm's own time zone (with its VTIMEZONE),
an RRULE (weekly, every one or two weeks, UNTIL its last session when it has ended), an EXDATE
for each skipped session and, for each moved one, an override carrying the same UID and a
RECURRENCE-ID naming the session it replaces. A moved session's new start is written in UTC,
which names one instant even on a night the clocks go back. Durations are exact (PT...M), as
Felt's sessions are. The words of each event (a title naming the partner, the join link) are
given by the caller, already translated.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from icalendar import Calendar, Event

from .occurrences import Change, Rhythm, zone

_BYDAY = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
PRODID = "-//Felt//Focusing Partnership sessions//EN"


@dataclass(frozen=True)
class Series:
    """One rhythm of one partnership, as one member's calendar shows it."""

    rhythm: Rhythm
    changes: tuple[Change, ...]
    uid: str
    summary: str
    description: str
    url: str
    sequence: int = 0


def _wall(rhythm: Rhythm, day: date) -> datetime:
    # The rhythm's wall time on that day, in its zone, exactly as the RRULE names it: a
    # skipped or moved session is matched to its instance by this value.
    return datetime.combine(day, rhythm.at, tzinfo=zone(rhythm.zone))


def _event(item: Series, stamp: datetime) -> Event:
    event = Event()
    event.add("uid", item.uid)
    event.add("dtstamp", stamp)
    event.add("sequence", item.sequence)
    event.add("summary", item.summary)
    event.add("description", item.description)
    event.add("url", item.url)
    event.add("duration", item.rhythm.duration)
    event.add("transp", "OPAQUE")
    return event


def series_events(item: Series, *, stamp: datetime) -> list[Event]:
    """The master event and its overrides; none when the rhythm gives no session at all."""
    rhythm = item.rhythm
    rule: dict = {"freq": "weekly", "byday": _BYDAY[rhythm.weekday]}
    if rhythm.interval != 1:
        rule["interval"] = rhythm.interval
    if rhythm.ends_at is not None:
        last = rhythm.last_start()
        if last is None:
            return []
        rule["until"] = last
    master = _event(item, stamp)
    master.add("dtstart", _wall(rhythm, rhythm.first_day))
    master.add("rrule", rule)
    events = [master]
    skipped = []
    for change in sorted(item.changes, key=lambda change: change.original):
        if change.rhythm_id != rhythm.id:
            continue
        day = rhythm.day_of(change.original)
        if day is None:
            continue  # not one of this rhythm's sessions (any more): nothing to override
        if change.moved_to is None:
            skipped.append(_wall(rhythm, day))
            continue
        override = _event(item, stamp)
        override.add("recurrence-id", _wall(rhythm, day))
        override.add("dtstart", change.moved_to.astimezone(UTC))
        events.append(override)
    if skipped:
        master.add("exdate", skipped)
    return events


def build_feed(items: Iterable[Series], *, name: str, stamp: datetime, horizon: date) -> bytes:
    """The whole calendar. `horizon` is how far ahead the time zone definitions reach."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    # Ask calendar apps to look again every hour, so a skip or a move reaches them soon.
    calendar.add("refresh-interval", timedelta(hours=1), parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", "PT1H")
    earliest = horizon
    for item in items:
        for event in series_events(item, stamp=stamp):
            calendar.add_component(event)
        earliest = min(earliest, item.rhythm.first_day)
    calendar.add_missing_timezones(
        first_date=earliest - timedelta(days=7), last_date=horizon + timedelta(days=7)
    )
    return calendar.to_ical()
