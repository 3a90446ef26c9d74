"""When a partnership's sessions fall: the schedule's rules as plain Python, with no Django.

A partnership's regular time is a series of *rhythms*. A rhythm is a weekday, a wall-clock
time, a length and a cadence (every week or every two weeks), kept in one IANA time zone and
starting on a first day. Accepting a change, or pausing, ends the rhythm in force (`ends_at`);
a new one carries on from its own first day. Each session a rhythm brings is an *occurrence*,
named by the instant the rhythm gives it (`original`), which never changes, even when that one
session is moved; a skipped one is simply not there.

Wall-clock times follow RFC 5545 (section 3.3.5), so Felt and every calendar app that reads
the feed agree on the instant:

- a time that does not exist on a night the clocks go forward (02:30 in Berlin on the last
  Sunday of March) is read with the offset from before the change, so it falls one hour later
  on the wall (03:30). Felt never chooses such a time silently: a regular time or a move that
  would land in a missing hour is refused with an explanation (see `first_clock_change`), and
  should one ever be produced (a rule change in the time zone database, say) the occurrence
  says so (`wall` is `Wall.MISSING`) and the page explains it;
- a time that happens twice on a night the clocks go back is the first of the two (summer
  time). Felt refuses these too when they are chosen, for the same reason, and marks any that
  arise (`Wall.REPEATED`).

Every instant here is an aware datetime in UTC; wall times are naive `date` and `time`.
"""

from __future__ import annotations

import enum
import functools
import math
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, available_timezones

from felt.room.core import LENGTH_MINUTES

WEEKLY = 1
EVERY_TWO_WEEKS = 2
INTERVALS = (WEEKLY, EVERY_TWO_WEEKS)
WEEKDAYS = range(7)  # Monday is 0, as in `date.weekday()`

# The room opens this long before a session begins, and stays open for its planned length.
JOIN_OPENS_BEFORE = timedelta(minutes=10)
# One session may be moved at most this far from the time its rhythm gives it.
MOVE_REACH = timedelta(days=28)
# How far ahead a chosen regular time is checked against the clocks changing.
FORESIGHT = timedelta(days=3 * 366)
# A partnership has lapsed when no session has happened for this many cadence intervals (and
# a day's grace, so the note never arrives while the third session might still be going on).
LAPSE_INTERVALS = 3
LAPSE_GRACE = timedelta(days=1)

_KEY = re.compile(r"^(?P<rhythm>[1-9][0-9]{0,17})-(?P<original>[0-9]{8}T[0-9]{6}Z)$")
_KEY_FORMAT = "%Y%m%dT%H%M%SZ"


class Wall(enum.StrEnum):
    """What a wall-clock time is on one day in one time zone."""

    EXISTS = "exists"
    MISSING = "missing"  # skipped by the clocks going forward
    REPEATED = "repeated"  # shown twice, the clocks going back


@functools.cache
def known_zones() -> frozenset[str]:
    return frozenset(available_timezones())


def zone(name: str) -> ZoneInfo:
    if name not in known_zones():
        raise ValueError(f"unknown time zone {name!r}")
    return ZoneInfo(name)


def wall_of(day: date, at: time, zone_name: str) -> Wall:
    naive = datetime.combine(day, at)
    first = naive.replace(tzinfo=zone(zone_name))
    if first.utcoffset() == first.replace(fold=1).utcoffset():
        return Wall.EXISTS
    # Two offsets apply: either the time is missing (it does not come back from UTC as itself)
    # or it happens twice.
    if first.astimezone(UTC).astimezone(first.tzinfo).replace(tzinfo=None) != naive:
        return Wall.MISSING
    return Wall.REPEATED


def instant(day: date, at: time, zone_name: str) -> datetime:
    """The instant a wall-clock time names, read as RFC 5545 reads it (see the module's notes)."""
    return datetime.combine(day, at, tzinfo=zone(zone_name)).astimezone(UTC)


def local(moment: datetime, zone_name: str) -> datetime:
    """The wall clock in a time zone at an instant (an aware datetime in that zone)."""
    return moment.astimezone(zone(zone_name))


def first_weekday_on_or_after(day: date, weekday: int) -> date:
    return day + timedelta(days=(weekday - day.weekday()) % 7)


@dataclass(frozen=True)
class Rhythm:
    id: int
    weekday: int
    at: time
    length: int  # minutes
    interval: int  # weeks between sessions
    zone: str
    first_day: date
    ends_at: datetime | None = None  # sessions that would start at or after this are not its

    def __post_init__(self):
        if self.weekday not in WEEKDAYS or self.first_day.weekday() != self.weekday:
            raise ValueError("the first day must fall on the rhythm's weekday")
        if self.interval not in INTERVALS:
            raise ValueError(f"interval must be one of {INTERVALS}")
        if not LENGTH_MINUTES[0] <= self.length <= LENGTH_MINUTES[1]:
            raise ValueError(f"length must be {LENGTH_MINUTES[0]}-{LENGTH_MINUTES[1]} minutes")
        if self.at.tzinfo is not None or self.at.second or self.at.microsecond:
            raise ValueError("the time is a naive wall-clock time in whole minutes")
        if self.ends_at is not None and self.ends_at.utcoffset() is None:
            raise ValueError("ends_at must be an aware datetime")
        zone(self.zone)

    @property
    def step(self) -> timedelta:
        return timedelta(weeks=self.interval)

    @property
    def duration(self) -> timedelta:
        return timedelta(minutes=self.length)

    @property
    def first_start(self) -> datetime:
        return self.start_on(self.first_day)

    def start_on(self, day: date) -> datetime:
        return instant(day, self.at, self.zone)

    def _grid_days(self, earliest: date, latest: date) -> Iterator[date]:
        """The rhythm's days from `earliest` to `latest` (inclusive), ignoring `ends_at`."""
        step_days = 7 * self.interval
        k = max(0, math.ceil((earliest - self.first_day).days / step_days))
        day = self.first_day + timedelta(days=k * step_days)
        while day <= latest:
            yield day
            day += timedelta(days=step_days)

    def _in_force(self, start: datetime) -> bool:
        return self.ends_at is None or start < self.ends_at

    def days_between(self, start: datetime, end: datetime) -> Iterator[tuple[date, datetime]]:
        """Each of the rhythm's days whose session starts in [start, end), with that instant."""
        if end <= start:
            return
        # Wall dates differ from UTC dates by at most a day; two days' margin is plenty.
        earliest = start.astimezone(UTC).date() - timedelta(days=2)
        latest = end.astimezone(UTC).date() + timedelta(days=2)
        for day in self._grid_days(earliest, latest):
            moment = self.start_on(day)
            if start <= moment < end and self._in_force(moment):
                yield day, moment

    def day_of(self, original: datetime) -> date | None:
        """The rhythm's day whose session starts at `original`, or None if it gives none then."""
        if not self._in_force(original):
            return None
        around = original.astimezone(UTC).date()
        for day in self._grid_days(around - timedelta(days=2), around + timedelta(days=2)):
            if self.start_on(day) == original:
                return day
        return None

    def last_start(self) -> datetime | None:
        """The start of the rhythm's last session, or None if it has none (or never ends)."""
        if self.ends_at is None:
            return None
        latest = self.ends_at.astimezone(UTC).date() + timedelta(days=2)
        last = None
        for day in self._grid_days(self.first_day, latest):
            moment = self.start_on(day)
            if moment >= self.ends_at:
                break
            last = moment
        return last

    def next_day_at_or_after(self, moment: datetime) -> date:
        """The first of the rhythm's days (ignoring `ends_at`) whose session starts at or after
        `moment`: where the same rhythm picks up again after a pause."""
        earliest = max(moment.astimezone(UTC).date() - timedelta(days=2), self.first_day)
        for day in self._grid_days(earliest, earliest + timedelta(weeks=3)):
            if self.start_on(day) >= moment:
                return day
        raise AssertionError("a rhythm has a day in every three weeks")


def occurrence_key(rhythm_id: int, original: datetime) -> str:
    return f"{rhythm_id}-{original.astimezone(UTC).strftime(_KEY_FORMAT)}"


def parse_occurrence_key(key: str) -> tuple[int, datetime] | None:
    """The rhythm and original instant a key names, or None if it is not a key at all."""
    match = _KEY.match(key or "")
    if match is None:
        return None
    try:
        original = datetime.strptime(match["original"], _KEY_FORMAT).replace(tzinfo=UTC)
    except ValueError:
        return None
    return int(match["rhythm"]), original


@dataclass(frozen=True)
class Change:
    """One session of a rhythm skipped (`moved_to` is None) or moved to another instant."""

    rhythm_id: int
    original: datetime
    moved_to: datetime | None = None

    @property
    def skipped(self) -> bool:
        return self.moved_to is None


@dataclass(frozen=True)
class Occurrence:
    rhythm: Rhythm
    original: datetime
    start: datetime

    @property
    def key(self) -> str:
        return occurrence_key(self.rhythm.id, self.original)

    @property
    def moved(self) -> bool:
        return self.start != self.original

    @property
    def length(self) -> int:
        return self.rhythm.length

    @property
    def end(self) -> datetime:
        # Real minutes: a session across the night the clocks change still lasts its length.
        return self.start + self.rhythm.duration

    @property
    def opens_at(self) -> datetime:
        return self.start - JOIN_OPENS_BEFORE

    @property
    def wall(self) -> Wall:
        """Whether the rhythm's wall-clock time exists on this session's day in its time zone."""
        day = self.rhythm.day_of(self.original)
        return Wall.EXISTS if day is None else wall_of(day, self.rhythm.at, self.rhythm.zone)

    def joinable(self, now: datetime) -> bool:
        return self.opens_at <= now < self.end

    def over(self, now: datetime) -> bool:
        return now >= self.end

    def begun(self, now: datetime) -> bool:
        return now >= self.start


def occurrences(
    rhythms: Iterable[Rhythm], changes: Iterable[Change], start: datetime, end: datetime
) -> list[Occurrence]:
    """The sessions that start in [start, end), skips left out and moves applied, by time."""
    rhythms = list(rhythms)
    by_original = {(change.rhythm_id, change.original): change for change in changes}
    found = []
    for rhythm in rhythms:
        for _day, original in rhythm.days_between(start, end):
            if (rhythm.id, original) not in by_original:
                found.append(Occurrence(rhythm, original, original))
    by_id = {rhythm.id: rhythm for rhythm in rhythms}
    for change in by_original.values():
        rhythm = by_id.get(change.rhythm_id)
        if (
            rhythm is not None
            and change.moved_to is not None
            and start <= change.moved_to < end
            and rhythm.day_of(change.original) is not None
        ):
            found.append(Occurrence(rhythm, change.original, change.moved_to))
    found.sort(key=lambda occurrence: (occurrence.start, occurrence.rhythm.id, occurrence.original))
    return found


def find(
    rhythms: Iterable[Rhythm], changes: Iterable[Change], rhythm_id: int, original: datetime
) -> Occurrence | None:
    """The occurrence a rhythm gives at `original`, as changed; None if there is none or it
    was skipped."""
    rhythm = next((r for r in rhythms if r.id == rhythm_id), None)
    if rhythm is None or rhythm.day_of(original) is None:
        return None
    for change in changes:
        if change.rhythm_id == rhythm_id and change.original == original:
            if change.moved_to is None:
                return None
            return Occurrence(rhythm, original, change.moved_to)
    return Occurrence(rhythm, original, original)


@dataclass(frozen=True)
class ClockChange:
    """A day a chosen wall-clock time falls into the clocks changing."""

    day: date
    wall: Wall


def first_clock_change(
    *, weekday: int, at: time, zone_name: str, interval: int, first_day: date, until: date
) -> ClockChange | None:
    """The first day, up to `until`, on which a rhythm's wall time is missing or repeated."""
    if first_day.weekday() != weekday:
        raise ValueError("the first day must fall on the weekday")
    step = timedelta(weeks=interval)
    day = first_day
    while day <= until:
        wall = wall_of(day, at, zone_name)
        if wall is not Wall.EXISTS:
            return ClockChange(day=day, wall=wall)
        day += step
    return None


def first_session_day(
    *, weekday: int, at: time, zone_name: str, starts_on: date, not_before: datetime
) -> date:
    """The first day on or after `starts_on` on the weekday whose session is not in the past."""
    day = first_weekday_on_or_after(starts_on, weekday)
    while instant(day, at, zone_name) < not_before:
        day += timedelta(weeks=1)
    return day


def lapsed(*, since: datetime, interval: int, now: datetime) -> bool:
    """Whether no session for LAPSE_INTERVALS cadence intervals (and the grace) has passed."""
    return now >= since + LAPSE_INTERVALS * timedelta(weeks=interval) + LAPSE_GRACE
