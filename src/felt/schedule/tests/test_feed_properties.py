"""The calendar feed and Felt agree on every session: property tests with hypothesis.

Random schedules (several rhythms, in any time zone, weekly or every two weeks, at any minute
of the day including the ones the clocks skip or repeat, some ended), with random skips and
moves, are turned into Felt's iCalendar feed; `recurring-ical-events`, an independent
implementation of RFC 5545, expands the feed, and its list of sessions must be exactly the one
Felt's own rules give: same events, same original instants, same starts, same lengths.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import available_timezones

import recurring_ical_events
from hypothesis import HealthCheck, given, note, settings
from hypothesis import strategies as st
from icalendar import Calendar

from felt.schedule import feed, occurrences
from felt.schedule.occurrences import Change, Rhythm, first_weekday_on_or_after

# Zones with something to say: both hemispheres, half- and quarter-hour offsets, a 30-minute
# daylight saving (Lord Howe), changes at midnight (Santiago, Havana), summer time suspended
# in Ramadan (Casablanca), none at all (Tokyo, Kolkata), and UTC itself.
INTERESTING_ZONES = [
    "Europe/Berlin",
    "America/New_York",
    "Asia/Tokyo",
    "Europe/London",
    "Australia/Sydney",
    "Australia/Lord_Howe",
    "America/Santiago",
    "America/Havana",
    "Africa/Casablanca",
    "Asia/Kolkata",
    "Pacific/Chatham",
    "America/St_Johns",
    "Pacific/Auckland",
    "UTC",
]
ALL_ZONES = sorted(
    name for name in available_timezones() if "/" in name and not name.startswith("Etc/")
)

PROPERTIES = settings(
    max_examples=50,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
STAMP = datetime(2026, 11, 22, tzinfo=UTC)

zones = st.one_of(st.sampled_from(INTERESTING_ZONES), st.sampled_from(ALL_ZONES))
# Times near the changes (00:00 to 03:59) are drawn as often as the rest of the day.
hours = st.one_of(st.integers(0, 3), st.integers(0, 23))
days = st.dates(min_value=date(2024, 1, 1), max_value=date(2029, 12, 31))


@st.composite
def rhythms(draw, rhythm_id: int) -> Rhythm:
    weekday = draw(st.integers(0, 6))
    first_day = first_weekday_on_or_after(draw(days), weekday)
    made = Rhythm(
        id=rhythm_id,
        weekday=weekday,
        at=time(draw(hours), draw(st.sampled_from([0, 15, 30, 45, 59]))),
        length=draw(st.integers(*occurrences.LENGTH_MINUTES)),
        interval=draw(st.sampled_from(occurrences.INTERVALS)),
        zone=draw(zones),
        first_day=first_day,
    )
    if draw(st.booleans()):
        # Ended (changed or paused) at any moment, even before its first session.
        ends_at = made.first_start + timedelta(
            days=draw(st.integers(-10, 500)), minutes=draw(st.integers(0, 24 * 60))
        )
        made = Rhythm(**(made.__dict__ | {"ends_at": ends_at}))
    return made


@st.composite
def changes_of(draw, rhythm: Rhythm) -> list[Change]:
    """Skips and moves of some of the rhythm's sessions in its first two years."""
    span_end = rhythm.first_start + timedelta(weeks=104)
    originals = [moment for _day, moment in rhythm.days_between(rhythm.first_start, span_end)]
    if not originals:
        return []
    chosen = draw(
        st.lists(st.sampled_from(originals), unique=True, max_size=min(8, len(originals)))
    )
    made = []
    for original in chosen:
        if draw(st.booleans()):
            made.append(Change(rhythm.id, original))
        else:
            shift = timedelta(minutes=5 * draw(st.integers(-8064, 8064)))
            shift = shift if shift else timedelta(minutes=5)
            made.append(Change(rhythm.id, original, original + shift))
    return made


@st.composite
def schedules(draw):
    count = draw(st.integers(1, 3))
    made = [draw(rhythms(rhythm_id)) for rhythm_id in range(1, count + 1)]
    changes = [change for rhythm in made for change in draw(changes_of(rhythm))]
    window_start = datetime.combine(draw(days), time(draw(st.integers(0, 23))), UTC)
    window_end = window_start + timedelta(days=draw(st.integers(1, 2 * 366)))
    return made, changes, window_start, window_end


def felt_feed(rhythms_: list[Rhythm], changes: list[Change]) -> bytes:
    series = [
        feed.Series(
            rhythm=rhythm,
            changes=tuple(change for change in changes if change.rhythm_id == rhythm.id),
            uid=f"felt-rhythm-{rhythm.id}@felt.test",
            summary="Focusing session with Bo",
            description="Join the session: https://felt.test/schedule/1/now/",
            url="https://felt.test/schedule/1/now/",
        )
        for rhythm in rhythms_
    ]
    return feed.build_feed(series, name="Felt sessions", stamp=STAMP, horizon=date(2032, 1, 1))


def expanded_by_the_library(ical: bytes, start: datetime, end: datetime) -> list[tuple]:
    calendar = Calendar.from_ical(ical)
    # The library returns whatever overlaps the window; look wider and keep what starts in it.
    events = recurring_ical_events.of(calendar).between(
        start - timedelta(days=2), end + timedelta(days=2)
    )
    found = []
    for event in events:
        begins = event.start.astimezone(UTC)
        if start <= begins < end:
            found.append(
                (
                    int(str(event["UID"]).split("-")[-1].split("@")[0]),
                    event["RECURRENCE-ID"].dt.astimezone(UTC),
                    begins,
                    # The library adds a duration on the wall clock; Felt's are real minutes.
                    # Both are compared as the duration the event declares.
                    event.duration,
                )
            )
    return sorted(found)


def expanded_by_felt(rhythms_, changes, start, end) -> list[tuple]:
    return sorted(
        (o.rhythm.id, o.original, o.start, o.rhythm.duration)
        for o in occurrences.occurrences(rhythms_, changes, start, end)
    )


@given(schedules())
@PROPERTIES
def test_the_feed_expanded_independently_gives_exactly_felts_sessions(schedule):
    rhythms_, changes, start, end = schedule
    ical = felt_feed(rhythms_, changes)
    note(ical.decode())

    assert expanded_by_the_library(ical, start, end) == expanded_by_felt(
        rhythms_, changes, start, end
    )


@given(schedules())
@PROPERTIES
def test_every_skip_is_missing_and_every_move_is_found_at_its_new_time(schedule):
    rhythms_, changes, start, end = schedule
    found = {
        (o.rhythm.id, o.original): o for o in occurrences.occurrences(rhythms_, changes, start, end)
    }
    for change in changes:
        shown = found.get((change.rhythm_id, change.original))
        if change.skipped:
            assert shown is None
        elif shown is not None:
            assert shown.start == change.moved_to
            assert start <= change.moved_to < end


@given(st.sampled_from(INTERESTING_ZONES), st.integers(0, 6), hours, days, st.sampled_from([1, 2]))
@PROPERTIES
def test_each_session_is_the_wall_time_in_its_zone_unless_that_time_is_missing(
    zone_name, weekday, hour, day, interval
):
    made = Rhythm(
        id=1,
        weekday=weekday,
        at=time(hour, 30),
        length=60,
        interval=interval,
        zone=zone_name,
        first_day=first_weekday_on_or_after(day, weekday),
    )
    start = made.first_start
    for session in occurrences.occurrences([made], [], start, start + timedelta(weeks=60)):
        wall = occurrences.local(session.start, zone_name)
        if session.wall is occurrences.Wall.MISSING:
            assert wall.time() != made.at
            assert session.start == session.original
        else:
            assert (wall.weekday(), wall.time()) == (weekday, made.at)
