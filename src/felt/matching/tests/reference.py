"""The matching rules written out again, plainly, for the tests to check the engine against.

Nothing here is shared with the engine: no numpy, no bit tricks, no candidate search. Each
member's free UTC half hours are found by walking the horizon half hour by half hour and
reading the member's wall clock with zoneinfo; every rule is a set operation on those.
It is slow, and meant for a dozen members at a time.
"""

from __future__ import annotations

import functools
import zoneinfo
from datetime import datetime, timedelta

HALF_HOUR = timedelta(minutes=30)
WEEK_HALF_HOURS = 7 * 48


def wall_clock_half_hour(moment: datetime, zone_name: str) -> int:
    local = moment.astimezone(zoneinfo.ZoneInfo(zone_name))
    return local.weekday() * 48 + local.hour * 2 + local.minute // 30


@functools.lru_cache(maxsize=256)
def _wall_clock(zone_name: str, start: datetime, weeks: int) -> tuple[tuple[int, int], ...]:
    """For each UTC half hour from `start`: the wall-clock half hours of its first and last
    minute in the zone."""
    total = weeks * WEEK_HALF_HOURS + 48
    return tuple(
        (
            wall_clock_half_hour(start + index * HALF_HOUR, zone_name),
            wall_clock_half_hour(start + index * HALF_HOUR + timedelta(minutes=29), zone_name),
        )
        for index in range(total)
    )


def free_half_hours(seeker, start: datetime, weeks: int) -> set[int]:
    """Indices (from `start`) of the UTC half hours in which the member is free for the whole
    half hour: its first and its last minute fall in half hours the member marked."""
    return {
        index
        for index, (first, last) in enumerate(_wall_clock(seeker.time_zone, start, weeks))
        if first in seeker.availability and last in seeker.availability
    }


def experience_points(first: str, second: str) -> int:
    levels = {first, second}
    if "new" in levels and levels & {"seasoned", "trainer"}:
        return 3  # a newer focuser with a seasoned one
    if "new" not in levels:
        return 2  # two who have practised
    if levels == {"new", "trained"}:
        return 1
    return 0  # two new ones


class Reference:
    def __init__(self, seekers, *, start: datetime, weeks: int, excluded=()):
        self.seekers = {seeker.id: seeker for seeker in seekers}
        self.start = start
        self.weeks = weeks
        self.excluded = {frozenset(pair) for pair in excluded}
        self.free = {seeker.id: free_half_hours(seeker, start, weeks) for seeker in seekers}

    def shared_ways(self, a, b) -> set[str]:
        ways = set(a.ways & b.ways) - {"in_person"}
        area_a = " ".join(a.area.casefold().split())
        area_b = " ".join(b.area.casefold().split())
        if "in_person" in a.ways and "in_person" in b.ways and area_a and area_a == area_b:
            ways.add("in_person")
        return ways

    def weekly_overlaps(self, a, b) -> list[int]:
        both = self.free[a.id] & self.free[b.id]
        return [
            sum(
                1
                for index in both
                if week * WEEK_HALF_HOURS <= index < (week + 1) * WEEK_HALF_HOURS
            )
            for week in range(self.weeks)
        ]

    def has_session_every_week(self, a, b) -> bool:
        both = self.free[a.id] & self.free[b.id]
        length = min(a.session_minutes, b.session_minutes) // 30
        for week in range(self.weeks):
            found = False
            for begin in range(week * WEEK_HALF_HOURS, (week + 1) * WEEK_HALF_HOURS):
                if all(begin + k in both for k in range(length)):
                    found = True
                    break
            if not found:
                return False
        return True

    def why_not(self, first_id: int, second_id: int) -> str | None:
        """The first rule the pair breaks, or None when they can be a pair."""
        a, b = self.seekers[first_id], self.seekers[second_id]
        if a.id == b.id:
            return "the same member"
        if frozenset((a.id, b.id)) in self.excluded:
            return "excluded"
        if not a.languages & b.languages:
            return "no shared language"
        if not self.shared_ways(a, b):
            return "no shared way to meet"
        if a.helpers_only and not b.helper or b.helpers_only and not a.helper:
            return "a wish for a helping profession"
        if not self.has_session_every_week(a, b):
            return "no session-long overlap in some week"
        return None

    def score(self, first_id: int, second_id: int) -> int:
        a, b = self.seekers[first_id], self.seekers[second_id]
        overlap = min(self.weekly_overlaps(a, b))
        return (
            1000
            + 10 * min(overlap, 16)
            + (6 if a.cadence == b.cadence else 0)
            + experience_points(a.experience, b.experience)
        )

    def possible_pairs(self) -> dict[tuple[int, int], int]:
        ids = sorted(self.seekers)
        return {
            (a, b): self.score(a, b)
            for k, a in enumerate(ids)
            for b in ids[k + 1 :]
            if self.why_not(a, b) is None
        }

    def greedy_total(self) -> int:
        """A greedy pairing: the best-scoring pair first, then the best of the rest, ..."""
        taken: set[int] = set()
        total = 0
        for (a, b), score in sorted(
            self.possible_pairs().items(), key=lambda item: (-item[1], item[0])
        ):
            if a not in taken and b not in taken:
                taken |= {a, b}
                total += score
        return total
