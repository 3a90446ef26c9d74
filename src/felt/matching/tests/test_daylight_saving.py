"""Members whose clocks change on different dates are matched on the times that truly overlap.

In 2027 the United States moves its clocks forward on 14 March and the European Union on
28 March. For the two weeks between, New York is five hours behind Berlin instead of six. A
Berlin member free on Mondays 18:00-20:00 and a New York member free on Mondays 12:00-14:00
share two hours in ordinary weeks but only one in those two. The expected times are worked
out here with zoneinfo on the real dates, independently of the engine.
"""

from __future__ import annotations

import zoneinfo
from datetime import UTC, date, datetime, time, timedelta

import pytest

from felt.matching import availability, engine
from felt.matching.availability import Horizon, slot_of

BERLIN = "Europe/Berlin"
NEW_YORK = "America/New_York"
# Monday 8 March 2027 to Sunday 4 April 2027: a week before, the two weeks between, a week after.
MARCH = Horizon(start=datetime(2027, 3, 8, tzinfo=UTC), weeks=4)
MONDAYS = [date(2027, 3, 8) + timedelta(weeks=week) for week in range(4)]


def member(member_id: int, zone: str, day: int, start: time, end: time, **fields) -> engine.Seeker:
    first = slot_of(day, start.hour, start.minute)
    after = slot_of(day, end.hour, end.minute)
    return engine.Seeker(
        id=member_id,
        time_zone=zone,
        availability=frozenset(range(first, after)),
        languages=frozenset({"en"}),
        ways=frozenset({"video"}),
        **fields,
    )


def on_the_day(day: date, start: time, end: time, zone: str) -> tuple[datetime, datetime]:
    tz = zoneinfo.ZoneInfo(zone)
    return (
        datetime.combine(day, start, tzinfo=tz).astimezone(UTC),
        datetime.combine(day, end, tzinfo=tz).astimezone(UTC),
    )


def expected_overlaps(windows_a, windows_b) -> list[tuple[datetime, datetime]]:
    found = []
    for (a_start, a_end), (b_start, b_end) in zip(windows_a, windows_b, strict=True):
        start, end = max(a_start, b_start), min(a_end, b_end)
        if start < end:
            found.append((start, end))
    return found


@pytest.fixture
def ada():
    return member(1, BERLIN, 0, time(18, 0), time(20, 0))


@pytest.fixture
def noor():
    return member(2, NEW_YORK, 0, time(12, 0), time(14, 0))


def test_the_shared_times_are_the_true_ones_on_each_date(ada, noor):
    expected = expected_overlaps(
        [on_the_day(day, time(18, 0), time(20, 0), BERLIN) for day in MONDAYS],
        [on_the_day(day, time(12, 0), time(14, 0), NEW_YORK) for day in MONDAYS],
    )

    shared = engine.shared_times(ada, noor, horizon=MARCH)

    assert shared == expected
    # What that means in hours: two, then one and one while only New York has changed, then
    # two again once Berlin has changed too.
    assert [(end - start) / timedelta(hours=1) for start, end in shared] == [2, 1, 1, 2]
    assert engine.weekly_overlap_slots(ada, noor, horizon=MARCH) == [4, 2, 2, 4]


def test_the_pair_is_possible_for_an_hour_a_week_and_scored_on_the_least_week(ada, noor):
    pair = engine.assess(ada, noor, horizon=MARCH)

    assert pair is not None
    assert pair.weekly_overlap_minutes == 60  # not the 120 of an ordinary week


def test_a_longer_session_does_not_fit_in_the_weeks_between_the_changes(noor):
    ada_for_longer = member(1, BERLIN, 0, time(18, 0), time(20, 0), session_minutes=90)
    noor_for_longer = member(2, NEW_YORK, 0, time(12, 0), time(14, 0), session_minutes=90)

    assert engine.assess(ada_for_longer, noor_for_longer, horizon=MARCH) is None
    # The same two in January, when nobody's clock changes, fit a longer session.
    january = Horizon(start=datetime(2027, 1, 4, tzinfo=UTC), weeks=4)
    assert engine.assess(ada_for_longer, noor_for_longer, horizon=january) is not None
    # The shorter of the two lengths counts: one of them happy with an hour is enough.
    assert engine.assess(ada_for_longer, noor, horizon=MARCH) is not None


def test_a_round_does_not_match_on_a_time_that_one_clock_change_takes_away(ada, noor):
    # Sam, in New York on Mondays 11:00-13:00, shares an hour with Ada in ordinary weeks,
    # which a single reference week would take for every week; in the two weeks between the
    # changes they share nothing.
    sam = member(3, NEW_YORK, 0, time(11, 0), time(13, 0))
    sam_with_ada = expected_overlaps(
        [on_the_day(day, time(18, 0), time(20, 0), BERLIN) for day in MONDAYS],
        [on_the_day(day, time(11, 0), time(13, 0), NEW_YORK) for day in MONDAYS],
    )
    assert [start.date() for start, _end in sam_with_ada] == [MONDAYS[0], MONDAYS[3]]

    # (Noor and Sam, both in New York, declined each other in an earlier round.)
    result = engine.match([ada, noor, sam], horizon=MARCH, excluded=[(2, 3)])

    assert engine.assess(ada, sam, horizon=MARCH) is None
    assert [(pair.a, pair.b) for pair in result.pairs] == [(1, 2)]
    assert result.matchable == 2


def test_each_sees_the_weekly_time_that_holds_every_week_in_their_own_clock(ada, noor):
    both = engine.overlap_bits(ada, noor, horizon=MARCH)

    in_berlin = availability.windows_of(availability.weekly_pattern(both, BERLIN, MARCH))
    in_new_york = availability.windows_of(availability.weekly_pattern(both, NEW_YORK, MARCH))

    # 18:00-19:00 in Berlin is free for both on every one of the four Mondays; 19:00-20:00
    # is not (in the weeks between, it is 14:00 in New York).
    assert in_berlin == [(0, slot_of(0, 18) % 48, slot_of(0, 19) % 48)]
    assert in_new_york == [(0, slot_of(0, 13) % 48, slot_of(0, 14) % 48)]


@pytest.mark.parametrize(
    ("zone_a", "window_a", "zone_b", "window_b", "start"),
    [
        # Europe goes forward on 28 March 2027, Sydney back on 4 April: three offsets.
        (
            BERLIN,
            (time(7, 0), time(9, 0)),
            "Australia/Sydney",
            (time(16, 0), time(19, 0)),
            date(2027, 3, 22),
        ),
        # Sydney went forward on 3 October 2027; Europe goes back on the 31st.
        (
            BERLIN,
            (time(7, 0), time(10, 0)),
            "Australia/Sydney",
            (time(16, 0), time(19, 0)),
            date(2027, 10, 11),
        ),
        # London goes back on 31 October 2027, New York a week later.
        (
            "Europe/London",
            (time(17, 0), time(19, 0)),
            NEW_YORK,
            (time(12, 0), time(14, 0)),
            date(2027, 10, 25),
        ),
        # A quarter-hour zone, Kathmandu (UTC+5:45), with Berlin across Europe's change.
        (
            "Asia/Kathmandu",
            (time(20, 0), time(23, 0)),
            BERLIN,
            (time(15, 0), time(18, 0)),
            date(2027, 3, 15),
        ),
    ],
)
def test_other_zones_and_clock_changes_agree_with_the_calendar(
    zone_a, window_a, zone_b, window_b, start
):
    horizon = Horizon(start=datetime.combine(start, time(0), tzinfo=UTC), weeks=4)
    weekday = start.weekday()
    a = member(1, zone_a, weekday, *window_a)
    b = member(2, zone_b, weekday, *window_b)

    shared = engine.shared_times(a, b, horizon=horizon)

    # Each member's window on each real date, from zoneinfo; the engine works in whole UTC
    # half hours, so the expected overlap is trimmed to those.
    days = [start + timedelta(weeks=week) for week in range(4)]
    expected = []
    for s, e in expected_overlaps(
        [on_the_day(day, *window_a, zone_a) for day in days],
        [on_the_day(day, *window_b, zone_b) for day in days],
    ):
        s = s + timedelta(minutes=(-s.minute) % 30)
        e = e - timedelta(minutes=e.minute % 30)
        if s < e:
            expected.append((s, e))
    assert shared == expected
