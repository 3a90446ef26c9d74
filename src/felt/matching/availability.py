"""Weekly availability, from a member's own week to real UTC times. Plain Python: no Django.

A member marks half hours of an ordinary week in their own time zone: slot 0 is Monday
00:00-00:30, slot 47 Monday 23:30-24:00, slot 335 Sunday 23:30-24:00. Those are wall-clock
times, and a wall clock moves against UTC twice a year, on dates that differ between
countries (the United States in the second week of March, Europe in the last week). So a week
grid alone cannot say when two members are both free: that is only true of real dates.

A `Horizon` is the stretch of real time a matching round looks at: a number of whole weeks
from a UTC midnight, in UTC half hours, plus one day more so that a session starting late in
the last week can still run to its end. `utc_availability` turns a week grid into the UTC
half hours of the horizon in which the member is truly free, with the clocks of their zone on
each of those dates. Half hours are the unit everywhere: a zone whose offset is not a whole
half hour (Nepal is UTC+5:45) keeps a UTC half hour only when the member is free for all of
it, so nobody is matched on a time they did not offer.
"""

from __future__ import annotations

import functools
import zoneinfo
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import numpy as np

SLOT_MINUTES = 30
SLOTS_PER_DAY = 24 * 60 // SLOT_MINUTES  # 48
DAYS_PER_WEEK = 7
SLOTS_PER_WEEK = SLOTS_PER_DAY * DAYS_PER_WEEK  # 336
SLOT = timedelta(minutes=SLOT_MINUTES)
WEEK = timedelta(days=DAYS_PER_WEEK)
# The day after the last week: a session that starts on its last evening may end after it.
TAIL_SLOTS = SLOTS_PER_DAY
WEEKS_AHEAD = 6


class UnknownTimeZone(ValueError):
    pass


@functools.cache
def zone(name: str) -> zoneinfo.ZoneInfo:
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError) as error:
        raise UnknownTimeZone(name) from error


@dataclass(frozen=True)
class Horizon:
    """`weeks` whole weeks of real time from `start`, a UTC midnight, in UTC half hours."""

    start: datetime
    weeks: int = WEEKS_AHEAD

    def __post_init__(self) -> None:
        if self.start.tzinfo is None or self.start.utcoffset() != timedelta(0):
            raise ValueError("a horizon starts at a UTC time")
        if (self.start.hour, self.start.minute, self.start.second, self.start.microsecond) != (
            0,
            0,
            0,
            0,
        ):
            raise ValueError("a horizon starts at midnight UTC")
        if self.weeks < 1:
            raise ValueError("a horizon is at least one week long")

    @classmethod
    def after(cls, moment: datetime, weeks: int = WEEKS_AHEAD) -> Horizon:
        """The horizon starting at the first UTC midnight after `moment`: whole days only."""
        utc = moment.astimezone(UTC)
        midnight = datetime(utc.year, utc.month, utc.day, tzinfo=UTC)
        return cls(start=midnight + timedelta(days=1), weeks=weeks)

    @property
    def week_slots(self) -> int:
        return self.weeks * SLOTS_PER_WEEK

    @property
    def slots(self) -> int:
        return self.week_slots + TAIL_SLOTS

    @property
    def end(self) -> datetime:
        """The end of the last whole week (the tail day is only for sessions that began before)."""
        return self.start + self.weeks * WEEK

    def instant(self, slot: int) -> datetime:
        return self.start + slot * SLOT


# -- a week grid ---------------------------------------------------------------------------


def slot_of(day: int, hour: int, minute: int = 0) -> int:
    """The half hour of the week that begins at `day` (0 = Monday) `hour`:`minute`."""
    return day * SLOTS_PER_DAY + (hour * 60 + minute) // SLOT_MINUTES


def windows_of(slots) -> list[tuple[int, int, int]]:
    """Marked half hours as (day, first slot of the day, slot after the last) windows.

    A window never crosses midnight: Monday 23:00 to Tuesday 01:00 is two windows, one per day,
    as a member sees them in the week grid.
    """
    marked = sorted(set(slots))
    windows: list[tuple[int, int, int]] = []
    for slot in marked:
        day, within = divmod(slot, SLOTS_PER_DAY)
        if windows and windows[-1][0] == day and windows[-1][2] == within:
            windows[-1] = (day, windows[-1][1], within + 1)
        else:
            windows.append((day, within, within + 1))
    return windows


def slots_of(windows) -> frozenset[int]:
    return frozenset(
        day * SLOTS_PER_DAY + within
        for day, first, after in windows
        for within in range(first, after)
    )


def grid_of(slots) -> np.ndarray:
    """A week grid as 336 booleans."""
    grid = np.zeros(SLOTS_PER_WEEK, dtype=bool)
    marked = np.fromiter(slots, dtype=np.int64)
    if marked.size:
        if marked.min() < 0 or marked.max() >= SLOTS_PER_WEEK:
            raise ValueError("a half hour outside the week")
        grid[marked] = True
    return grid


# -- from a week grid to the UTC half hours of a horizon ------------------------------------


def _local_slot(moment: datetime, tz: zoneinfo.ZoneInfo) -> int:
    local = moment.astimezone(tz)
    return local.weekday() * SLOTS_PER_DAY + (local.hour * 60 + local.minute) // SLOT_MINUTES


@functools.lru_cache(maxsize=512)
def local_slots(zone_name: str, horizon: Horizon) -> tuple[np.ndarray, np.ndarray]:
    """For each UTC half hour of the horizon, the member's half hours of the week it falls in.

    The first array is the local half hour in which the UTC half hour begins, the second the
    one in which its last minute lies; they differ only in zones with a quarter-hour offset.
    The clocks are the zone's own on each date: a local time skipped when the clocks go
    forward is never reached, and one repeated when they go back is reached twice.
    """
    tz = zone(zone_name)
    first = np.empty(horizon.slots, dtype=np.int16)
    last = np.empty(horizon.slots, dtype=np.int16)
    moment = horizon.start
    for slot in range(horizon.slots):
        first[slot] = _local_slot(moment, tz)
        last[slot] = _local_slot(moment + SLOT - timedelta(minutes=1), tz)
        moment += SLOT
    first.flags.writeable = False
    last.flags.writeable = False
    return first, last


def utc_availability(grids: np.ndarray, zone_name: str, horizon: Horizon) -> np.ndarray:
    """The UTC half hours of the horizon in which each member is free.

    `grids` is one week grid (336 booleans) or a stack of them (members x 336) for members of
    the same zone; the result has `horizon.slots` booleans per member.
    """
    first, last = local_slots(zone_name, horizon)
    grids = np.asarray(grids, dtype=bool)
    return grids[..., first] & grids[..., last]


def words_for(bits: np.ndarray) -> np.ndarray:
    """Boolean rows packed into 64-bit words; bit k of word w is column 64 w + k."""
    bits = np.atleast_2d(np.asarray(bits, dtype=bool))
    rows, columns = bits.shape
    width = -(-columns // 64)
    padded = np.zeros((rows, width * 64), dtype=bool)
    padded[:, :columns] = bits
    packed = np.packbits(padded, axis=1, bitorder="little")
    return np.ascontiguousarray(packed).view("<u8").astype(np.uint64, copy=False)


def bools_for(words: np.ndarray, columns: int) -> np.ndarray:
    words = np.atleast_2d(np.ascontiguousarray(words, dtype="<u8"))
    unpacked = np.unpackbits(words.view(np.uint8), axis=1, bitorder="little")
    return unpacked[:, :columns].astype(bool)


# -- from UTC half hours back to times people read ------------------------------------------


def intervals_of(bits: np.ndarray, horizon: Horizon) -> list[tuple[datetime, datetime]]:
    """Runs of free half hours as UTC (start, end) intervals, within the horizon's weeks.

    A run that begins in the last week and goes on into the tail day keeps its true end.
    """
    bits = np.asarray(bits, dtype=bool)
    padded = np.concatenate(([False], bits, [False])).astype(np.int8)
    edges = np.diff(padded)
    starts = np.flatnonzero(edges == 1)
    ends = np.flatnonzero(edges == -1)
    return [
        (horizon.instant(int(first)), horizon.instant(int(after)))
        for first, after in zip(starts, ends, strict=True)
        if first < horizon.week_slots
    ]


def weekly_pattern(bits: np.ndarray, zone_name: str, horizon: Horizon) -> frozenset[int]:
    """The half hours of the week, in `zone_name`'s wall-clock time, that are free in every
    week of the horizon: the times one can name as "Tuesdays 18:00" and rely on.

    A wall-clock half hour counts as free in a week when every UTC half hour it overlaps is
    free (in a quarter-hour zone it overlaps two). One that the clocks skip on some date is
    judged on the dates it does occur.
    """
    first, last = local_slots(zone_name, horizon)
    first, last = first[: horizon.week_slots], last[: horizon.week_slots]
    free = np.asarray(bits, dtype=bool)[: horizon.week_slots]
    occurs = np.bincount(first, minlength=SLOTS_PER_WEEK) + np.bincount(
        last, minlength=SLOTS_PER_WEEK
    )
    busy = np.bincount(first[~free], minlength=SLOTS_PER_WEEK) + np.bincount(
        last[~free], minlength=SLOTS_PER_WEEK
    )
    return frozenset(np.flatnonzero((occurs > 0) & (busy == 0)).tolist())
