"""Week grids and the real UTC times they stand for (felt.matching.availability)."""

from datetime import UTC, datetime, timedelta

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from felt.matching import availability
from felt.matching.availability import Horizon, slot_of


@given(st.frozensets(st.integers(0, 7 * 48 - 1)))
def test_windows_and_half_hours_are_the_same_week(slots):
    windows = availability.windows_of(slots)
    assert availability.slots_of(windows) == slots
    for day, first, after in windows:
        assert 0 <= day < 7 and 0 <= first < after <= 48
    # Merged: no two windows of a day touch.
    for (day, _first, after), (next_day, next_first, _after) in zip(
        windows, windows[1:], strict=False
    ):
        assert (day, after) != (next_day, next_first)


def test_a_grid_refuses_a_half_hour_outside_the_week():
    with pytest.raises(ValueError):
        availability.grid_of({336})
    with pytest.raises(ValueError):
        availability.grid_of({-1})


def test_a_horizon_starts_at_a_utc_midnight_after_the_moment():
    horizon = Horizon.after(datetime(2027, 3, 3, 23, 59, tzinfo=UTC))
    assert horizon.start == datetime(2027, 3, 4, tzinfo=UTC)
    assert horizon.end == datetime(2027, 4, 15, tzinfo=UTC)
    with pytest.raises(ValueError):
        Horizon(start=datetime(2027, 3, 4, 1, tzinfo=UTC))
    with pytest.raises(ValueError):
        Horizon(start=datetime(2027, 3, 4))


def test_a_quarter_hour_zone_keeps_only_whole_utc_half_hours():
    # Kathmandu is UTC+5:45: Monday 20:00-21:00 there is 14:15-15:15 UTC, which holds only
    # the UTC half hours 14:30-15:00 entirely.
    horizon = Horizon(start=datetime(2027, 1, 4, tzinfo=UTC), weeks=1)
    grid = availability.grid_of(range(slot_of(0, 20), slot_of(0, 21)))
    free = availability.utc_availability(grid, "Asia/Kathmandu", horizon)
    times = availability.intervals_of(free, horizon)
    assert times == [
        (datetime(2027, 1, 4, 14, 30, tzinfo=UTC), datetime(2027, 1, 4, 15, 0, tzinfo=UTC))
    ]
    # Seen from Kathmandu, the whole UTC half hour covers no whole half hour of its clock.
    assert availability.weekly_pattern(free, "Asia/Kathmandu", horizon) == frozenset()
    # A longer stretch in UTC is a named weekly time there: 14:00-16:00 UTC covers 20:00-21:30.
    both = np.zeros(horizon.slots, dtype=bool)
    both[28:32] = True
    assert availability.windows_of(
        availability.weekly_pattern(both, "Asia/Kathmandu", horizon)
    ) == [(0, 40, 43)]


def test_a_time_the_clocks_skip_is_never_free():
    # Europe/Berlin skips 02:00-03:00 on Sunday 28 March 2027.
    horizon = Horizon(start=datetime(2027, 3, 22, tzinfo=UTC), weeks=1)
    grid = availability.grid_of(range(slot_of(6, 2), slot_of(6, 3)))
    free = availability.utc_availability(grid, "Europe/Berlin", horizon)
    assert not free.any()


def test_a_stretch_that_runs_on_past_the_last_week_keeps_its_true_end():
    horizon = Horizon(start=datetime(2027, 1, 4, tzinfo=UTC), weeks=1)
    bits = np.zeros(horizon.slots, dtype=bool)
    bits[horizon.week_slots - 2 : horizon.week_slots + 2] = True  # Sunday 23:00 to Monday 01:00
    assert availability.intervals_of(bits, horizon) == [
        (horizon.end - timedelta(hours=1), horizon.end + timedelta(hours=1))
    ]
