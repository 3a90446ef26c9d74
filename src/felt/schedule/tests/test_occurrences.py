"""When sessions fall, across time zones and the nights the clocks change (felt.schedule.occurrences).

The expected instants are worked out here from the daylight-saving rules as the law states
them (the European Union: last Sunday of March to last Sunday of October, at 01:00 UTC; the
United States: second Sunday of March to first Sunday of November, at 02:00 local time; Japan:
none), not from the time zone database the code under test reads.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from felt.schedule import occurrences
from felt.schedule.occurrences import (
    Change,
    Rhythm,
    Wall,
    find,
    first_clock_change,
    first_session_day,
    lapsed,
    local,
    occurrence_key,
    parse_occurrence_key,
    wall_of,
)

BERLIN, NEW_YORK, TOKYO = "Europe/Berlin", "America/New_York", "Asia/Tokyo"
HOUR = timedelta(hours=1)


def nth_sunday(year: int, month: int, n: int) -> date:
    first = date(year, month, 1)
    return first + timedelta(days=(6 - first.weekday()) % 7, weeks=n - 1)


def last_sunday(year: int, month: int) -> date:
    last = date(year + month // 12, month % 12 + 1, 1) - timedelta(days=1)
    return last - timedelta(days=(last.weekday() - 6) % 7)


def eu_summer_time(moment: datetime) -> bool:
    year = moment.year
    begins = datetime.combine(last_sunday(year, 3), time(1), UTC)
    ends = datetime.combine(last_sunday(year, 10), time(1), UTC)
    return begins <= moment < ends


def us_daylight_time(moment: datetime) -> bool:
    year = moment.year
    begins = datetime.combine(nth_sunday(year, 3, 2), time(7), UTC)  # 02:00 EST
    ends = datetime.combine(nth_sunday(year, 11, 1), time(6), UTC)  # 02:00 EDT
    return begins <= moment < ends


def berlin_offset(moment: datetime) -> timedelta:
    return 2 * HOUR if eu_summer_time(moment) else HOUR


def new_york_offset(moment: datetime) -> timedelta:
    return -4 * HOUR if us_daylight_time(moment) else -5 * HOUR


def year_of(rhythm: Rhythm, year: int):
    return occurrences.occurrences(
        [rhythm], [], datetime(year, 1, 1, tzinfo=UTC), datetime(year + 1, 1, 1, tzinfo=UTC)
    )


def rhythm(**fields) -> Rhythm:
    defaults = {"id": 1, "length": 60, "interval": 1}
    return Rhythm(**(defaults | fields))


# -- daylight saving, both ways, in zones that change on different dates -----------------------


@pytest.mark.parametrize("year", [2026, 2027, 2028])
def test_a_berlin_morning_stays_nine_in_berlin_and_is_three_or_four_in_new_york(year):
    monday = nth_sunday(year, 1, 1) + timedelta(days=1)
    weekly = rhythm(weekday=0, at=time(9), zone=BERLIN, first_day=monday - timedelta(weeks=1))

    sessions = year_of(weekly, year)

    assert len(sessions) in (52, 53)
    four_oclock_days = []
    for session in sessions:
        day = local(session.start, BERLIN).date()
        # 09:00 on the wall in Berlin, every week of the year...
        assert local(session.start, BERLIN).time() == time(9)
        assert day.weekday() == 0
        # ...which is the instant the EU rule gives...
        naive_utc = datetime.combine(day, time(9), UTC)
        expected = naive_utc - HOUR
        if eu_summer_time(naive_utc - 2 * HOUR):
            expected = naive_utc - 2 * HOUR
        assert session.start == expected
        # ...and 03:00 in New York, or 04:00 on the weeks one side has changed and the other not.
        in_new_york = session.start + new_york_offset(session.start)
        assert local(session.start, NEW_YORK).replace(tzinfo=None) == in_new_york.replace(
            tzinfo=None
        )
        assert in_new_york.hour in (3, 4)
        if in_new_york.hour == 4:
            four_oclock_days.append(day)
    mismatched = [
        s.start.astimezone(UTC).date()
        for s in sessions
        if eu_summer_time(s.start) != us_daylight_time(s.start)
    ]
    assert four_oclock_days == mismatched
    # Both gaps between the two changes (spring and autumn) are seen.
    assert any(day.month == 3 for day in four_oclock_days)
    assert any(day.month in (10, 11) for day in four_oclock_days)


def test_a_new_york_evening_is_seen_in_berlin_at_the_hour_both_rules_give():
    tuesday = first_session_day(
        weekday=1,
        at=time(18),
        zone_name=NEW_YORK,
        starts_on=date(2027, 1, 1),
        not_before=datetime(2027, 1, 1, tzinfo=UTC),
    )
    weekly = rhythm(weekday=1, at=time(18), zone=NEW_YORK, first_day=tuesday)

    for session in year_of(weekly, 2027):
        assert local(session.start, NEW_YORK).time() == time(18)
        berlin_wall = session.start + berlin_offset(session.start)
        assert local(session.start, BERLIN).replace(tzinfo=None) == berlin_wall.replace(tzinfo=None)
        ny_wall = session.start + new_york_offset(session.start)
        assert ny_wall.hour == 18


def test_a_tokyo_session_keeps_one_instant_all_year_and_moves_only_for_those_with_summer_time():
    weekly = rhythm(weekday=2, at=time(20), zone=TOKYO, first_day=date(2027, 1, 6))

    sessions = year_of(weekly, 2027)

    assert len(sessions) == 52
    for session in sessions:
        # Japan keeps UTC+9 all year: always 11:00 UTC.
        assert session.start.astimezone(UTC).time() == time(11)
        assert local(session.start, BERLIN).hour == (13 if eu_summer_time(session.start) else 12)
        assert local(session.start, NEW_YORK).hour == (7 if us_daylight_time(session.start) else 6)
        assert session.wall is Wall.EXISTS


def test_every_two_weeks_is_fourteen_days_apart_on_the_wall_through_both_changes():
    fortnightly = rhythm(
        weekday=6, at=time(10, 30), zone=BERLIN, first_day=date(2027, 1, 3), interval=2
    )

    sessions = year_of(fortnightly, 2027)

    days = [local(s.start, BERLIN).date() for s in sessions]
    assert all(b - a == timedelta(days=14) for a, b in zip(days, days[1:], strict=False))
    assert all(local(s.start, BERLIN).time() == time(10, 30) for s in sessions)
    assert len(sessions) == 26


# -- times that do not exist, or exist twice -------------------------------------------------


@pytest.mark.parametrize("year", [2026, 2027])
def test_the_missing_and_the_doubled_hour_are_recognised_on_each_zones_own_night(year):
    berlin_spring, berlin_autumn = last_sunday(year, 3), last_sunday(year, 10)
    ny_spring, ny_autumn = nth_sunday(year, 3, 2), nth_sunday(year, 11, 1)
    assert wall_of(berlin_spring, time(2, 30), BERLIN) is Wall.MISSING
    assert wall_of(berlin_autumn, time(2, 30), BERLIN) is Wall.REPEATED
    assert wall_of(ny_spring, time(2, 30), NEW_YORK) is Wall.MISSING
    assert wall_of(ny_autumn, time(1, 30), NEW_YORK) is Wall.REPEATED
    # The other zone's night is an ordinary night.
    assert wall_of(ny_spring, time(2, 30), BERLIN) is Wall.EXISTS
    assert wall_of(berlin_autumn, time(2, 30), NEW_YORK) is Wall.EXISTS
    assert wall_of(ny_autumn, time(1, 30), BERLIN) is Wall.EXISTS
    # Just outside the change, the time is ordinary.
    assert wall_of(berlin_spring, time(3), BERLIN) is Wall.EXISTS
    assert wall_of(berlin_spring, time(1, 59), BERLIN) is Wall.EXISTS
    assert wall_of(berlin_autumn, time(3), BERLIN) is Wall.EXISTS


def test_tokyo_has_no_missing_or_doubled_time_on_any_day():
    day = date(2027, 1, 1)
    while day.year == 2027:
        for at in (time(0, 30), time(1, 30), time(2, 30), time(3, 30)):
            assert wall_of(day, at, TOKYO) is Wall.EXISTS
        day += timedelta(days=1)


def test_a_session_on_the_missing_hour_is_read_as_calendars_read_it_and_says_so():
    # RFC 5545: a missing time is read with the offset from before the change.
    sundays = rhythm(weekday=6, at=time(2, 30), zone=BERLIN, first_day=date(2027, 3, 7))
    spring = last_sunday(2027, 3)

    (session,) = occurrences.occurrences(
        [sundays],
        [],
        datetime.combine(spring, time(0), UTC),
        datetime.combine(spring, time(12), UTC),
    )

    assert session.start == datetime.combine(spring, time(2, 30), UTC) - HOUR  # CET, +01:00
    assert local(session.start, BERLIN).time() == time(3, 30)
    assert session.wall is Wall.MISSING


def test_a_session_on_the_doubled_hour_is_the_first_of_the_two_and_says_so():
    sundays = rhythm(weekday=6, at=time(2, 30), zone=BERLIN, first_day=date(2027, 10, 3))
    autumn = last_sunday(2027, 10)

    (session,) = occurrences.occurrences(
        [sundays],
        [],
        datetime.combine(autumn, time(0), UTC),
        datetime.combine(autumn, time(12), UTC),
    )

    assert session.start == datetime.combine(autumn, time(2, 30), UTC) - 2 * HOUR  # CEST, +02:00
    assert session.wall is Wall.REPEATED
    # A real hour long, though the wall clock shows 02:30 to 02:30.
    assert session.end - session.start == HOUR


@pytest.mark.parametrize(
    ("zone_name", "at", "expected"),
    [
        (BERLIN, time(2, 30), (last_sunday(2027, 3), Wall.MISSING)),
        (NEW_YORK, time(2, 30), (nth_sunday(2027, 3, 2), Wall.MISSING)),
        (NEW_YORK, time(1, 30), (nth_sunday(2027, 11, 1), Wall.REPEATED)),
        (TOKYO, time(2, 30), None),
        (BERLIN, time(9), None),
    ],
)
def test_a_regular_sunday_time_finds_its_first_night_of_a_clock_change(zone_name, at, expected):
    first_day = date(2026, 11, 29)

    found = first_clock_change(
        weekday=6,
        at=at,
        zone_name=zone_name,
        interval=1,
        first_day=first_day,
        until=first_day + occurrences.FORESIGHT,
    )

    assert (found and (found.day, found.wall)) == expected


# -- skips, moves, keys and bounds -------------------------------------------------------------


def test_a_skipped_session_is_gone_and_a_moved_one_keeps_its_name_at_its_new_time():
    weekly = rhythm(weekday=0, at=time(9), zone=BERLIN, first_day=date(2027, 1, 4))
    first, second, third = (
        weekly.start_on(date(2027, 1, 4) + timedelta(weeks=k)) for k in range(3)
    )
    moved_to = second + timedelta(days=1, hours=8)
    changes = [Change(1, first), Change(1, second, moved_to)]

    sessions = occurrences.occurrences(
        [weekly], changes, datetime(2027, 1, 1, tzinfo=UTC), datetime(2027, 1, 20, tzinfo=UTC)
    )

    assert [(s.original, s.start) for s in sessions] == [(second, moved_to), (third, third)]
    assert sessions[0].moved and not sessions[1].moved
    assert sessions[0].key == occurrence_key(1, second)
    assert find([weekly], changes, 1, first) is None
    assert find([weekly], changes, 1, second).start == moved_to
    assert find([weekly], changes, 1, second + timedelta(minutes=1)) is None
    assert find([weekly], changes, 2, third) is None


def test_a_session_moved_into_a_window_appears_there_and_not_where_it_was():
    weekly = rhythm(weekday=0, at=time(9), zone=BERLIN, first_day=date(2027, 1, 4))
    original = weekly.start_on(date(2027, 1, 11))
    later = original + timedelta(days=20)
    changes = [Change(1, original, later)]
    around_later = (later - HOUR, later + HOUR)

    assert [s.start for s in occurrences.occurrences([weekly], changes, *around_later)] == [later]
    around_original = (original - HOUR, original + HOUR)
    assert occurrences.occurrences([weekly], changes, *around_original) == []


def test_a_rhythm_that_ended_gives_nothing_from_its_end_on():
    start = datetime.combine(date(2027, 1, 4), time(8), UTC)
    ended = rhythm(
        weekday=0,
        at=time(9),
        zone=BERLIN,
        first_day=date(2027, 1, 4),
        ends_at=start + timedelta(weeks=2),
    )

    sessions = occurrences.occurrences([ended], [], start, start + timedelta(weeks=10))

    assert [s.start for s in sessions] == [start, start + timedelta(weeks=1)]
    assert ended.last_start() == start + timedelta(weeks=1)
    assert ended.day_of(start + timedelta(weeks=2)) is None


def test_a_paused_fortnightly_rhythm_picks_up_on_its_own_weeks():
    fortnightly = rhythm(
        weekday=3, at=time(19), zone=NEW_YORK, first_day=date(2027, 1, 7), interval=2
    )
    moment = datetime(2027, 2, 10, tzinfo=UTC)  # a Wednesday, in an "off" week

    day = fortnightly.next_day_at_or_after(moment)

    assert (day - date(2027, 1, 7)).days % 14 == 0
    assert fortnightly.start_on(day) >= moment
    assert fortnightly.start_on(day - timedelta(weeks=2)) < moment


def test_a_rhythm_paused_before_its_first_session_picks_up_at_its_first_session():
    later = rhythm(weekday=3, at=time(19), zone=NEW_YORK, first_day=date(2027, 2, 4), interval=2)

    assert later.next_day_at_or_after(datetime(2027, 1, 6, tzinfo=UTC)) == date(2027, 2, 4)


def test_the_first_session_is_the_first_such_day_whose_time_has_not_passed():
    monday_nine_berlin = datetime(2027, 1, 4, 8, tzinfo=UTC)

    just_before = first_session_day(
        weekday=0,
        at=time(9),
        zone_name=BERLIN,
        starts_on=date(2027, 1, 1),
        not_before=monday_nine_berlin - timedelta(minutes=1),
    )
    just_after = first_session_day(
        weekday=0,
        at=time(9),
        zone_name=BERLIN,
        starts_on=date(2027, 1, 1),
        not_before=monday_nine_berlin + timedelta(minutes=1),
    )

    assert just_before == date(2027, 1, 4)
    assert just_after == date(2027, 1, 11)


@given(rhythm_id=st.integers(1, 10**12), seconds=st.integers(0, 4 * 10**9))
@settings(max_examples=50, deadline=None)
def test_an_occurrence_key_names_its_rhythm_and_instant_and_nothing_else(rhythm_id, seconds):
    original = datetime.fromtimestamp(seconds, UTC)

    assert parse_occurrence_key(occurrence_key(rhythm_id, original)) == (rhythm_id, original)


@pytest.mark.parametrize(
    "forged",
    [
        "",
        "1",
        "abc",
        "1-20271301T090000Z",
        "0-20270104T080000Z",
        "1-20270104T080000",
        "-1-20270104T080000Z",
        "1-20270104T080000Z/../",
        "1 -20270104T080000Z",
        "x" * 500,
    ],
)
def test_a_made_up_key_names_nothing(forged):
    assert parse_occurrence_key(forged) is None


def test_a_partnership_has_lapsed_only_after_three_whole_intervals_and_a_days_grace():
    since = datetime(2027, 1, 4, 8, tzinfo=UTC)
    for interval in (1, 2):
        due = since + timedelta(weeks=3 * interval, days=1)
        assert not lapsed(since=since, interval=interval, now=due - timedelta(seconds=1))
        assert lapsed(since=since, interval=interval, now=due)


def test_a_rhythm_refuses_to_be_made_of_nonsense():
    good = {
        "id": 1,
        "weekday": 0,
        "at": time(9),
        "length": 60,
        "interval": 1,
        "zone": BERLIN,
        "first_day": date(2027, 1, 4),
    }
    Rhythm(**good)
    for wrong in (
        {"first_day": date(2027, 1, 5)},
        {"interval": 3},
        {"length": 29},
        {"length": 121},
        {"zone": "Mars/Olympus_Mons"},
        {"at": time(9, 0, 30)},
        {"ends_at": datetime(2027, 1, 1)},
    ):
        with pytest.raises(ValueError):
            Rhythm(**(good | wrong))
