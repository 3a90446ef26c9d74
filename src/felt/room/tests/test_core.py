"""Example tests of the session room's rules (felt.room.core).

Plain functions on plain data: no database, no Django. Expected values are worked out from the
inputs of each test (minutes, seconds, who owes whom), never copied from the code's output.
"""

from __future__ import annotations

import json

import pytest

from felt.room.core import (
    END_SIGNALS,
    GIVE_BACK_MAX_MINUTES,
    HANDLERS,
    LENGTH_MINUTES,
    LISTENING_MODES,
    MAX_REQUESTS,
    PHASES,
    REQUEST_KINDS,
    SHORTEST_TURN_MINUTES,
    WAYS_TO_MEET,
    Command,
    Refused,
    RoomState,
    apply,
    new_state,
    parse_command,
)

T0 = 1_700_000_000.0  # a server time, in seconds since the epoch
MIN = 60.0

# A plan whose numbers are easy to follow: 50 minutes, of which 4 + 2 + 4 are shared, leaving
# 40 minutes for the two turns, so 20 minutes each.
PLAN = {"length": 50, "arrival": 4, "between": 2, "closing": 4}
TURN_MINUTES = 20


# -- helpers --------------------------------------------------------------------------------


def act(state: RoomState, kind: str, who: str, now: float, **args) -> tuple[RoomState, list]:
    return apply(state, parse_command(kind, args), who, now)


def run(state: RoomState, kind: str, who: str, now: float, **args) -> RoomState:
    return act(state, kind, who, now, **args)[0]


def assert_sentence(reason: str) -> None:
    assert isinstance(reason, str)
    assert reason[:1].isupper(), reason
    assert reason.endswith("."), reason


def refused(state: RoomState, kind: str, who: str, now: float, **args) -> str:
    """Assert the command is refused with a sentence and the state is left exactly as it was."""
    before = state.to_dict()
    with pytest.raises(Refused) as info:
        act(state, kind, who, now, **args)
    assert state.to_dict() == before
    assert_sentence(info.value.reason)
    return info.value.reason


def both_ready(state: RoomState, now: float) -> RoomState:
    state = run(state, "ready", "a", now)
    return run(state, "ready", "b", now)


def planned(state: RoomState) -> RoomState:
    return run(state, "set_plan", "a", T0 - MIN, **PLAN)


def in_turn_1(state: RoomState | None = None) -> tuple[RoomState, float]:
    """A session with PLAN, arrival taken in full, now at the start of turn 1."""
    state = planned(state or new_state())
    state = both_ready(state, T0)
    turn_1_at = T0 + PLAN["arrival"] * MIN
    return both_ready(state, turn_1_at), turn_1_at


def in_turn_2(state: RoomState | None = None) -> tuple[RoomState, float]:
    """Turn 1 taken exactly on time, the between pause in full, now at the start of turn 2."""
    state, turn_1_at = in_turn_1(state)
    state = run(state, "complete_turn", state.focuser, turn_1_at + TURN_MINUTES * MIN)
    turn_2_at = turn_1_at + (TURN_MINUTES + PLAN["between"]) * MIN
    return both_ready(state, turn_2_at), turn_2_at


def in_closing() -> tuple[RoomState, float]:
    state, turn_2_at = in_turn_2()
    closing_at = turn_2_at + TURN_MINUTES * MIN
    return run(state, "complete_turn", state.focuser, closing_at), closing_at


def kinds(events: list) -> list[str]:
    return [event["kind"] for event in events]


# -- a new session ----------------------------------------------------------------------------


def test_a_new_session_waits_with_equal_turns_and_an_empty_ledger():
    state = new_state()
    assert state.phase == "waiting"
    assert state.seq == 0
    assert state.ledger == {"a": 0, "b": 0}
    assert state.plan.planned_minutes("turn_1") == state.plan.planned_minutes("turn_2")
    plan = state.plan
    assert 2 * plan.turn <= plan.length - plan.arrival - plan.between - plan.closing
    assert plan.turn >= SHORTEST_TURN_MINUTES
    assert state.started_at is None and state.ended_at is None


def test_a_new_session_remembers_who_focuses_first():
    assert new_state(first_focuser="b").plan.first_focuser == "b"


def test_a_new_session_refuses_someone_who_is_not_a_partner_as_first_focuser():
    with pytest.raises(ValueError):
        new_state(first_focuser="c")


def test_a_new_session_takes_each_partners_listening_preferences_as_a_copy():
    wishes = {"b": {"mode": "silence", "end_signal": "visual"}}
    state = new_state(listening=wishes)
    wishes["b"]["mode"] = "often"
    assert state.listening["b"] == {"mode": "silence", "end_signal": "visual"}
    assert state.listening["a"] == {"mode": "now_and_then", "end_signal": "chime"}


# -- the whole session ------------------------------------------------------------------------


def test_a_whole_session_runs_every_phase_and_the_overrun_is_owed_by_the_first_focuser():
    overrun_seconds = 90
    state = planned(new_state(first_focuser="a"))
    assert state.plan.turn == TURN_MINUTES

    arrival_at = T0
    turn_1_at = arrival_at + PLAN["arrival"] * MIN
    between_at = turn_1_at + TURN_MINUTES * MIN + overrun_seconds
    turn_2_at = between_at + PLAN["between"] * MIN
    closing_at = turn_2_at + (TURN_MINUTES - 1) * MIN  # b finishes a minute early
    ended_at = closing_at + PLAN["closing"] * MIN

    state = both_ready(state, arrival_at)
    assert state.phase == "arrival"
    state = both_ready(state, turn_1_at)
    assert (state.phase, state.focuser, state.listener) == ("turn_1", "a", "b")
    state, events = act(state, "complete_turn", "a", between_at)
    assert {"kind": "turn_completed", "phase": "turn_1", "focuser": "a", "overrun": 90} in [
        {k: v for k, v in e.items() if k != "seq"} for e in events
    ]
    assert state.phase == "between"
    state = both_ready(state, turn_2_at)
    assert (state.phase, state.focuser, state.listener) == ("turn_2", "b", "a")
    state = run(state, "complete_turn", "b", closing_at)
    assert state.phase == "closing"
    state = both_ready(state, ended_at)

    assert state.phase == "ended"
    assert state.started_at == arrival_at
    assert state.ended_at == ended_at
    assert state.ledger == {"a": overrun_seconds, "b": 0}
    assert [(s["phase"], s["start"], s["end"], s["paused"]) for s in state.segments] == [
        ("arrival", arrival_at, turn_1_at, 0.0),
        ("turn_1", turn_1_at, between_at, 0.0),
        ("between", between_at, turn_2_at, 0.0),
        ("turn_2", turn_2_at, closing_at, 0.0),
        ("closing", closing_at, ended_at, 0.0),
    ]
    turn_1, turn_2 = state.turns
    assert turn_1["focuser"] == "a"
    assert turn_1["planned"] == TURN_MINUTES * MIN
    assert turn_1["active"] == TURN_MINUTES * MIN + overrun_seconds
    assert turn_1["overrun"] == overrun_seconds
    assert turn_2["focuser"] == "b"
    assert turn_2["active"] == (TURN_MINUTES - 1) * MIN
    assert turn_2["overrun"] == 0


def test_an_overrun_in_the_second_turn_is_owed_by_the_second_focuser():
    state, turn_1_at = in_turn_1(new_state(first_focuser="b"))
    assert state.focuser == "b"
    between_at = turn_1_at + TURN_MINUTES * MIN
    state = run(state, "complete_turn", "b", between_at)
    turn_2_at = between_at + PLAN["between"] * MIN
    state = both_ready(state, turn_2_at)
    assert state.focuser == "a"
    state = run(state, "complete_turn", "a", turn_2_at + (TURN_MINUTES + 3) * MIN)
    assert state.ledger == {"a": 3 * MIN, "b": 0}


def test_both_partners_overrunning_each_owe_their_own_overrun():
    state, turn_1_at = in_turn_1()
    between_at = turn_1_at + TURN_MINUTES * MIN + 40
    state = run(state, "complete_turn", "a", between_at)
    turn_2_at = between_at + PLAN["between"] * MIN
    state = both_ready(state, turn_2_at)
    state = run(state, "complete_turn", "b", turn_2_at + TURN_MINUTES * MIN + 25)
    assert state.ledger == {"a": 40, "b": 25}


def test_a_turn_ending_on_time_or_early_adds_nothing_to_the_ledger():
    state, turn_1_at = in_turn_1()
    state = run(state, "complete_turn", "a", turn_1_at + TURN_MINUTES * MIN)
    assert state.turns[-1]["overrun"] == 0
    turn_2_at = turn_1_at + (TURN_MINUTES + PLAN["between"]) * MIN
    state = both_ready(state, turn_2_at)
    state = run(state, "complete_turn", "b", turn_2_at + 5 * MIN)
    assert state.turns[-1]["overrun"] == 0
    assert state.ledger == {"a": 0, "b": 0}


def test_an_overrun_is_counted_in_whole_seconds():
    state, turn_1_at = in_turn_1()
    state = run(state, "complete_turn", "a", turn_1_at + TURN_MINUTES * MIN + 12.75)
    assert state.turns[-1]["overrun"] == 13
    assert isinstance(state.ledger["a"], int)


def test_the_overrun_uses_fast_minutes_when_a_minute_is_one_second():
    state = new_state(minute_seconds=1.0)
    state = run(state, "set_plan", "a", T0, **PLAN)
    state = both_ready(state, T0)
    state = both_ready(state, T0 + PLAN["arrival"])
    state = run(state, "complete_turn", "a", T0 + PLAN["arrival"] + TURN_MINUTES + 7)
    assert state.turns[-1]["planned"] == TURN_MINUTES
    assert state.ledger == {"a": 7, "b": 0}


# -- only the focuser ends a turn -----------------------------------------------------------------


def test_listener_cannot_end_the_focusers_turn():
    state, turn_1_at = in_turn_1()
    assert state.listener == "b"
    refused(state, "complete_turn", "b", turn_1_at + 30 * MIN)


def test_listener_cannot_end_the_second_focusers_turn_either():
    state, turn_2_at = in_turn_2()
    assert state.listener == "a"
    refused(state, "complete_turn", "a", turn_2_at + MIN)


def test_saying_ready_does_not_move_a_turn_on():
    state, turn_1_at = in_turn_1()
    refused(state, "ready", "a", turn_1_at + MIN)
    refused(state, "ready", "b", turn_1_at + MIN)


def test_completing_a_turn_outside_a_turn_is_refused():
    state = new_state()
    refused(state, "complete_turn", "a", T0)
    state = both_ready(state, T0)
    refused(state, "complete_turn", "a", T0 + MIN)


# -- shared phases move on when both are ready --------------------------------------------------


def test_a_shared_phase_waits_until_both_partners_are_ready():
    state = run(new_state(), "ready", "a", T0)
    assert state.phase == "waiting"
    assert state.ready == ["a"]
    state, events = act(state, "ready", "b", T0 + 5)
    assert state.phase == "arrival"
    assert state.ready == []
    assert state.phase_started_at == T0 + 5
    assert state.started_at == T0 + 5
    assert {"kind": "phase_changed", "phase": "arrival", "seq": state.seq} in events


def test_saying_ready_twice_is_refused():
    state = run(new_state(), "ready", "b", T0)
    refused(state, "ready", "b", T0 + 1)


def test_a_partner_can_take_back_being_ready():
    state = run(new_state(), "ready", "a", T0)
    state = run(state, "not_ready", "a", T0 + 1)
    assert state.ready == []
    state = run(state, "ready", "b", T0 + 2)
    assert state.phase == "waiting"


def test_taking_back_readiness_that_was_never_given_is_refused():
    refused(run(new_state(), "ready", "a", T0), "not_ready", "b", T0)
    state, turn_1_at = in_turn_1()
    refused(state, "not_ready", "a", turn_1_at)


# -- pause and resume ---------------------------------------------------------------------------


def test_both_pressing_pause_leaves_one_pause():
    state, turn_1_at = in_turn_1()
    state = run(state, "pause", "a", turn_1_at + MIN)
    reason = refused(state, "pause", "b", turn_1_at + MIN + 1)
    assert "paused" in reason
    assert len(state.pauses) == 1
    assert (state.paused_at, state.paused_by) == (turn_1_at + MIN, "a")


def test_paused_time_is_not_counted_as_turn_time():
    pause_minutes = 3
    state, turn_1_at = in_turn_1()
    state = run(state, "pause", "b", turn_1_at + 5 * MIN)
    state = run(state, "resume", "a", turn_1_at + (5 + pause_minutes) * MIN)
    # Twenty minutes of focusing plus the pause: no overrun.
    end = turn_1_at + (TURN_MINUTES + pause_minutes) * MIN
    state = run(state, "complete_turn", "a", end)
    turn = state.turns[-1]
    assert turn["active"] == TURN_MINUTES * MIN
    assert turn["overrun"] == 0
    assert state.segments[-1]["paused"] == pause_minutes * MIN
    assert state.pauses == [
        {
            "phase": "turn_1",
            "by": "b",
            "start": turn_1_at + 5 * MIN,
            "end": turn_1_at + (5 + pause_minutes) * MIN,
        }
    ]


def test_turn_time_beyond_the_plan_after_a_pause_is_an_overrun():
    state, turn_1_at = in_turn_1()
    state = run(state, "pause", "a", turn_1_at + MIN)
    state = run(state, "resume", "a", turn_1_at + 3 * MIN)
    state = run(state, "pause", "b", turn_1_at + 10 * MIN)
    state = run(state, "resume", "b", turn_1_at + 11 * MIN)
    # 3 minutes paused in all; 20 minutes planned; the turn ran 24 minutes of clock time.
    state = run(state, "complete_turn", "a", turn_1_at + 24 * MIN)
    assert state.turns[-1]["active"] == 21 * MIN
    assert state.ledger["a"] == 1 * MIN


def test_a_pause_still_open_when_the_turn_completes_ends_at_that_moment():
    state, turn_1_at = in_turn_1()
    state = run(state, "pause", "b", turn_1_at + 15 * MIN)
    end = turn_1_at + 30 * MIN
    state = run(state, "complete_turn", "a", end)
    assert state.paused_at is None and state.paused_by is None
    assert state.pauses[-1]["end"] == end
    assert state.turns[-1]["active"] == 15 * MIN
    assert state.turns[-1]["overrun"] == 0
    assert state.phase_paused == 0.0  # the new phase starts unpaused


def test_either_partner_can_resume():
    state, turn_1_at = in_turn_1()
    state = run(state, "pause", "a", turn_1_at + MIN)
    state, events = act(state, "resume", "b", turn_1_at + 2 * MIN)
    assert state.paused_at is None
    assert kinds(events) == ["resumed"]


def test_resuming_when_not_paused_is_refused():
    state, turn_1_at = in_turn_1()
    refused(state, "resume", "a", turn_1_at + MIN)


def test_the_session_cannot_be_paused_before_it_begins():
    refused(new_state(), "pause", "a", T0)


def test_shared_phases_can_be_paused_too():
    state = both_ready(new_state(), T0)
    state = run(state, "pause", "a", T0 + 10)
    assert state.pauses[-1]["phase"] == "arrival"
    state = both_ready(state, T0 + 70)
    assert state.phase == "turn_1"
    assert state.segments[-1] == {"phase": "arrival", "start": T0, "end": T0 + 70, "paused": 60}


def test_time_in_phase_stands_still_while_paused():
    state, turn_1_at = in_turn_1()
    state = run(state, "pause", "a", turn_1_at + 4 * MIN)
    assert state.active_seconds_in_phase(turn_1_at + 9 * MIN) == 4 * MIN
    state = run(state, "resume", "a", turn_1_at + 6 * MIN)
    assert state.active_seconds_in_phase(turn_1_at + 7 * MIN) == 5 * MIN


# -- giving back time owed ----------------------------------------------------------------------


def test_no_give_back_is_offered_when_nothing_is_owed():
    state = new_state(owed_at_start=0)
    assert state.give_back_offer() is None
    reason = refused(state, "accept_give_back", "a", T0)
    assert "owes" in reason


def test_no_give_back_is_offered_for_less_than_half_a_minute_owed():
    state = new_state(owed_at_start=20, minute_seconds=MIN)
    assert state.give_back_offer() is None
    refused(state, "accept_give_back", "b", T0)


def test_the_give_back_is_offered_to_b_when_a_owes_b():
    state = new_state(owed_at_start=7 * 60, minute_seconds=MIN)
    assert state.give_back_offer() == ("b", 7)


def test_the_give_back_is_offered_to_a_when_b_owes_a():
    state = new_state(owed_at_start=-5 * 60, minute_seconds=MIN)
    assert state.give_back_offer() == ("a", 5)


def test_the_give_back_is_rounded_to_whole_minutes():
    assert new_state(owed_at_start=7 * 60 + 20).give_back_offer() == ("b", 7)
    assert new_state(owed_at_start=-(7 * 60 + 40)).give_back_offer() == ("a", 8)


def test_the_give_back_is_capped_for_one_session():
    state = new_state(owed_at_start=-(GIVE_BACK_MAX_MINUTES + 25) * 60)
    assert state.give_back_offer() == ("a", GIVE_BACK_MAX_MINUTES)


def test_the_give_back_counts_fast_minutes_when_a_minute_is_one_second():
    assert new_state(owed_at_start=12, minute_seconds=1.0).give_back_offer() == ("b", 12)


def test_the_give_back_is_applied_only_once_both_accept():
    owed_minutes = 6
    state = run(
        new_state(owed_at_start=owed_minutes * 60, first_focuser="a"), "set_plan", "a", T0, **PLAN
    )
    state, events = act(state, "accept_give_back", "a", T0 + 1)
    assert kinds(events) == ["give_back_agreed"]
    assert state.plan.give_back_to is None
    assert state.plan.give_back_minutes == 0
    assert state.ledger == {"a": 0, "b": 0}
    assert state.plan.planned_minutes("turn_2") == TURN_MINUTES

    state, events = act(state, "accept_give_back", "b", T0 + 2)
    assert kinds(events) == ["give_back_agreed", "give_back_accepted"]
    assert events[-1]["to"] == "b" and events[-1]["minutes"] == owed_minutes
    assert state.plan.give_back_to == "b"
    assert state.plan.give_back_minutes == owed_minutes
    # Agreed, but nothing is given until b's longer turn has been taken.
    assert state.ledger == {"a": 0, "b": 0}
    # Only the owed partner's turn is longer.
    assert state.plan.planned_minutes("turn_1") == TURN_MINUTES
    assert state.plan.planned_minutes("turn_2") == TURN_MINUTES + owed_minutes


def test_agreeing_to_a_give_back_twice_is_refused():
    state = run(new_state(owed_at_start=300), "accept_give_back", "b", T0)
    reason = refused(state, "accept_give_back", "b", T0 + 1)
    assert "already" in reason


def test_a_give_back_already_agreed_by_both_cannot_be_agreed_again():
    state = run(new_state(owed_at_start=300), "accept_give_back", "b", T0)
    state = run(state, "accept_give_back", "a", T0)
    refused(state, "accept_give_back", "a", T0)
    refused(state, "accept_give_back", "b", T0)


def test_a_give_back_can_be_agreed_only_before_the_session_begins():
    state = run(new_state(owed_at_start=300), "accept_give_back", "a", T0)
    state = both_ready(state, T0)
    refused(state, "accept_give_back", "b", T0 + 1)
    assert state.plan.give_back_to is None


def test_a_session_ended_before_the_longer_turn_gives_nothing_back():
    owed_minutes = 4
    state = new_state(owed_at_start=-owed_minutes * 60, first_focuser="b")
    state = run(state, "accept_give_back", "a", T0 - 10)
    state = run(state, "accept_give_back", "b", T0 - 10)
    state, turn_1_at = in_turn_1(state)
    # b (the debtor) focuses first; the session ends before a's longer turn.
    state, events = act(state, "end_session", "a", turn_1_at + 60)
    assert "give_back_given" not in kinds(events)
    assert state.ledger == {"a": 0, "b": 0}


def test_the_owed_partner_may_use_the_given_back_minutes_without_overrunning():
    owed_minutes = 4
    state = new_state(owed_at_start=-owed_minutes * 60, first_focuser="a")
    state = run(state, "accept_give_back", "a", T0 - 10)
    state = run(state, "accept_give_back", "b", T0 - 10)
    state, turn_1_at = in_turn_1(state)
    assert state.focuser == "a"
    state = run(state, "complete_turn", "a", turn_1_at + (TURN_MINUTES + owed_minutes) * MIN)
    assert state.turns[-1]["overrun"] == 0
    assert state.ledger == {"a": 0, "b": -owed_minutes * 60}


def test_the_owed_partner_overrunning_the_longer_turn_still_owes_the_extra():
    owed_minutes = 4
    state = new_state(owed_at_start=-owed_minutes * 60, first_focuser="a")
    state = run(state, "accept_give_back", "a", T0 - 10)
    state = run(state, "accept_give_back", "b", T0 - 10)
    state, turn_1_at = in_turn_1(state)
    end = turn_1_at + (TURN_MINUTES + owed_minutes) * MIN + 50
    state = run(state, "complete_turn", "a", end)
    assert state.turns[-1]["overrun"] == 50
    assert state.ledger == {"a": 50, "b": -owed_minutes * 60}


def test_the_debtor_using_the_given_back_minutes_overruns():
    owed_minutes = 4
    state = new_state(owed_at_start=-owed_minutes * 60, first_focuser="b")
    state = run(state, "accept_give_back", "a", T0 - 10)
    state = run(state, "accept_give_back", "b", T0 - 10)
    state, turn_1_at = in_turn_1(state)
    assert state.focuser == "b"  # b owes a, so b's turn is not longer
    state = run(state, "complete_turn", "b", turn_1_at + (TURN_MINUTES + owed_minutes) * MIN)
    assert state.turns[-1]["overrun"] == owed_minutes * 60
    # b's overrun is owed; the give-back to a waits for a's longer turn.
    assert state.ledger == {"a": 0, "b": owed_minutes * 60}


# -- the plan -----------------------------------------------------------------------------------


def test_a_valid_plan_is_set_with_two_equal_turns():
    state, events = act(new_state(), "set_plan", "b", T0, **PLAN)
    plan = state.plan
    assert (plan.length, plan.arrival, plan.between, plan.closing) == (50, 4, 2, 4)
    assert plan.planned_minutes("turn_1") == plan.planned_minutes("turn_2") == TURN_MINUTES
    assert kinds(events) == ["plan_changed"]
    assert events[0]["by"] == "b"


def test_an_odd_number_of_turn_minutes_leaves_the_spare_minute_unused_rather_than_unequal():
    state = run(new_state(), "set_plan", "a", T0, length=45, arrival=2, between=2, closing=0)
    # 41 minutes for turns: two equal turns of 20, never 20 and 21.
    assert state.plan.planned_minutes("turn_1") == state.plan.planned_minutes("turn_2") == 20


def test_the_shortest_turn_allowed_is_accepted():
    state = run(new_state(), "set_plan", "a", T0, length=30, arrival=10, between=0, closing=0)
    assert state.plan.turn == SHORTEST_TURN_MINUTES


@pytest.mark.parametrize(
    "change",
    [
        {"length": 29},
        {"length": 121},
        {"length": 0},
        {"arrival": -1},
        {"arrival": 11},
        {"between": -1},
        {"between": 11},
        {"closing": -1},
        {"closing": 11},
    ],
)
def test_a_plan_with_a_number_out_of_range_is_refused_and_nothing_changes(change):
    reason = refused(new_state(), "set_plan", "a", T0, **{**PLAN, **change})
    assert "from" in reason and "minutes" in reason


@pytest.mark.parametrize(
    "change",
    [
        {"length": 60.0},
        {"length": "60"},
        {"arrival": None},
        {"between": 1.5},
        {"closing": [2]},
        {"length": True},
        {"arrival": False},
    ],
)
def test_a_plan_with_a_number_that_is_not_a_whole_number_is_refused(change):
    reason = refused(new_state(), "set_plan", "a", T0, **{**PLAN, **change})
    assert "whole number" in reason


def test_a_plan_with_a_missing_number_is_refused():
    args = dict(PLAN)
    del args["closing"]
    refused(new_state(), "set_plan", "a", T0, **args)


def test_a_plan_with_turns_too_short_is_refused_and_nothing_changes():
    # 30 - 10 - 1 - 0 = 19 minutes for two turns: each would be 9 minutes.
    reason = refused(new_state(), "set_plan", "a", T0, length=30, arrival=10, between=1, closing=0)
    assert str(SHORTEST_TURN_MINUTES) in reason


def test_changing_the_plan_asks_both_to_confirm_again():
    state = run(new_state(), "ready", "a", T0)
    state = run(state, "set_plan", "b", T0 + 1, **PLAN)
    assert state.ready == []
    state = run(state, "ready", "b", T0 + 2)
    assert state.phase == "waiting"


def test_the_plan_cannot_change_once_the_session_has_begun():
    state = both_ready(new_state(), T0)
    refused(state, "set_plan", "a", T0 + 1, **PLAN)


# -- who focuses first ----------------------------------------------------------------------------


def test_choosing_who_focuses_first_decides_the_first_turn():
    state = run(new_state(first_focuser="a"), "choose_first_focuser", "a", T0, focuser="b")
    state, turn_1_at = in_turn_1(state)
    assert state.focuser == "b"
    refused(state, "complete_turn", "a", turn_1_at + MIN)
    state = run(state, "complete_turn", "b", turn_1_at + MIN)
    assert state.turns[-1]["focuser"] == "b"


def test_who_focuses_first_can_still_be_chosen_during_arrival():
    state = both_ready(new_state(), T0)
    state = run(state, "ready", "a", T0 + 1)
    state, events = act(state, "choose_first_focuser", "b", T0 + 2, focuser="b")
    assert state.plan.first_focuser == "b"
    assert state.ready == []  # a new question: both confirm again
    assert events[0]["focuser"] == "b" and events[0]["by"] == "b"


@pytest.mark.parametrize("stage", ["turn_1", "between", "turn_2", "closing", "ended"])
def test_who_focuses_first_cannot_be_chosen_once_the_first_turn_has_begun(stage):
    state, turn_1_at = in_turn_1()
    now = turn_1_at + MIN
    while state.phase != stage:
        if state.phase in ("turn_1", "turn_2"):
            state = run(state, "complete_turn", state.focuser, now)
        else:
            state = both_ready(state, now)
        now += MIN
    refused(state, "choose_first_focuser", "a", now, focuser="b")


@pytest.mark.parametrize("focuser", ["c", None, "", "A", 1])
def test_only_one_of_the_two_partners_can_be_chosen_to_focus_first(focuser):
    refused(new_state(), "choose_first_focuser", "a", T0, focuser=focuser)


# -- requests -----------------------------------------------------------------------------------


def test_the_focuser_can_ask_the_listener_for_what_they_need():
    state, turn_1_at = in_turn_1()
    for request in REQUEST_KINDS:
        state, events = act(state, "request", "a", turn_1_at + 5, request=request)
        assert events[0]["request"] == request
    assert [r["kind"] for r in state.requests] == list(REQUEST_KINDS)
    assert [r["id"] for r in state.requests] == list(range(1, len(REQUEST_KINDS) + 1))
    assert all(r["by"] == "a" and r["phase"] == "turn_1" for r in state.requests)
    assert all(r["at"] == turn_1_at + 5 and r["seen_at"] is None for r in state.requests)


def test_the_listener_cannot_make_requests():
    state, turn_1_at = in_turn_1()
    reason = refused(state, "request", "b", turn_1_at, request="slow_down")
    assert "focuser" in reason


def test_in_the_second_turn_requests_come_from_the_second_focuser():
    state, turn_2_at = in_turn_2()
    refused(state, "request", "a", turn_2_at, request="say_back")
    state = run(state, "request", "b", turn_2_at, request="say_back")
    state = run(state, "acknowledge", "a", turn_2_at + 2, id=1)
    assert state.requests[0]["seen_at"] == turn_2_at + 2


def test_requests_are_refused_outside_the_turns():
    refused(new_state(), "request", "a", T0, request="a_moment")
    state = both_ready(new_state(), T0)
    refused(state, "request", "a", T0, request="a_moment")


@pytest.mark.parametrize("request_kind", ["advice", "", None, 3])
def test_a_request_that_is_not_one_of_the_requests_is_refused(request_kind):
    state, turn_1_at = in_turn_1()
    refused(state, "request", "a", turn_1_at, request=request_kind)


def test_the_listener_acknowledges_a_request():
    state, turn_1_at = in_turn_1()
    state = run(state, "request", "a", turn_1_at + 1, request="stay_silent")
    state, events = act(state, "acknowledge", "b", turn_1_at + 3, id=1)
    assert state.requests[0]["seen_at"] == turn_1_at + 3
    assert events[0] == {
        "kind": "request_seen",
        "id": 1,
        "request": "stay_silent",
        "by": "b",
        "seq": state.seq,
    }


def test_the_focuser_cannot_acknowledge_their_own_request():
    state, turn_1_at = in_turn_1()
    state = run(state, "request", "a", turn_1_at, request="say_back")
    refused(state, "acknowledge", "a", turn_1_at + 1, id=1)


def test_a_request_is_acknowledged_only_once():
    state, turn_1_at = in_turn_1()
    state = run(state, "request", "a", turn_1_at, request="say_back")
    state = run(state, "acknowledge", "b", turn_1_at + 1, id=1)
    refused(state, "acknowledge", "b", turn_1_at + 2, id=1)


@pytest.mark.parametrize("request_id", [2, 0, -1, None, "1", 1.0, True])
def test_acknowledging_a_request_that_does_not_exist_is_refused(request_id):
    state, turn_1_at = in_turn_1()
    state = run(state, "request", "a", turn_1_at, request="say_back")
    refused(state, "acknowledge", "b", turn_1_at + 1, id=request_id)


def test_a_session_holds_a_bounded_number_of_requests():
    state, turn_1_at = in_turn_1()
    state.requests = [
        {
            "id": i,
            "kind": "say_back",
            "by": "a",
            "phase": "turn_1",
            "at": turn_1_at,
            "seen_at": None,
        }
        for i in range(1, MAX_REQUESTS + 1)
    ]
    refused(state, "request", "a", turn_1_at + 1, request="say_back")


# -- listening preferences ----------------------------------------------------------------------


def test_each_partner_sets_only_their_own_listening_preferences():
    state = new_state()
    for mode in LISTENING_MODES:
        for signal in END_SIGNALS:
            state = run(state, "set_listening", "b", T0, mode=mode, end_signal=signal)
            assert state.listening["b"] == {"mode": mode, "end_signal": signal}
            assert state.listening["a"] == {"mode": "now_and_then", "end_signal": "chime"}


def test_listening_preferences_can_change_during_a_turn():
    state, turn_1_at = in_turn_1()
    state = run(state, "set_listening", "a", turn_1_at, mode="silence", end_signal="none")
    assert state.listening["a"] == {"mode": "silence", "end_signal": "none"}


@pytest.mark.parametrize(
    "args", [{"mode": "loud", "end_signal": "chime"}, {"mode": "often", "end_signal": "bang"}, {}]
)
def test_unknown_listening_preferences_are_refused(args):
    refused(new_state(), "set_listening", "a", T0, **args)


# -- ending the session ---------------------------------------------------------------------------


def test_ending_the_session_while_waiting_ends_it_before_it_began():
    state, events = act(new_state(), "end_session", "b", T0)
    assert state.phase == "ended"
    assert state.ended_at == T0
    assert state.started_at is None
    assert state.segments == [] and state.turns == []
    assert state.ledger == {"a": 0, "b": 0}
    assert kinds(events) == ["ended_early", "phase_changed"]
    assert events[0]["by"] == "b"
    assert events[1]["phase"] == "ended"


def test_ending_the_session_mid_turn_records_the_turn_so_far():
    state, turn_1_at = in_turn_1()
    end = turn_1_at + 7 * MIN
    state, events = act(state, "end_session", "b", end)  # either partner may end
    assert state.phase == "ended"
    assert state.ended_at == end
    assert kinds(events) == ["ended_early", "turn_completed", "phase_changed"]
    assert state.turns[-1]["active"] == 7 * MIN
    assert state.turns[-1]["overrun"] == 0
    assert [s["phase"] for s in state.segments] == ["arrival", "turn_1"]
    assert state.segments[0]["start"] == state.started_at
    assert state.segments[-1]["end"] == end
    assert state.ledger == {"a": 0, "b": 0}


def test_ending_the_session_after_an_overrun_still_counts_the_overrun():
    state, turn_2_at = in_turn_2()
    state = run(state, "end_session", "a", turn_2_at + (TURN_MINUTES + 2) * MIN)
    assert state.ledger == {"a": 0, "b": 2 * MIN}


def test_ending_the_session_while_paused_closes_the_pause():
    state, turn_1_at = in_turn_1()
    state = run(state, "pause", "a", turn_1_at + 2 * MIN)
    state = run(state, "end_session", "a", turn_1_at + 5 * MIN)
    assert state.pauses[-1]["end"] == turn_1_at + 5 * MIN
    assert state.paused_at is None
    assert state.turns[-1]["active"] == 2 * MIN


def test_ending_from_closing_is_not_ending_early():
    state, closing_at = in_closing()
    state, events = act(state, "end_session", "a", closing_at + MIN)
    assert state.phase == "ended"
    assert "ended_early" not in kinds(events)
    assert state.segments[-1] == {
        "phase": "closing",
        "start": closing_at,
        "end": closing_at + MIN,
        "paused": 0.0,
    }


VALID_ARGS = {
    "set_plan": PLAN,
    "choose_first_focuser": {"focuser": "b"},
    "accept_give_back": {},
    "ready": {},
    "not_ready": {},
    "set_listening": {"mode": "often", "end_signal": "chime"},
    "request": {"request": "say_back"},
    "acknowledge": {"id": 1},
    "complete_turn": {},
    "pause": {},
    "resume": {},
    "end_session": {},
    "set_way_to_meet": {"way": "phone"},
}


def test_every_command_kind_has_example_arguments_here():
    assert set(VALID_ARGS) == set(HANDLERS)


@pytest.mark.parametrize("kind", sorted(HANDLERS))
@pytest.mark.parametrize("who", ["a", "b"])
def test_nothing_can_be_done_once_the_session_has_ended(kind, who):
    state, turn_1_at = in_turn_1(new_state(owed_at_start=600))
    state = run(state, "request", "a", turn_1_at, request="say_back")
    state = run(state, "pause", "a", turn_1_at + 1)
    state = run(state, "end_session", "a", turn_1_at + 2)
    refused(state, kind, who, turn_1_at + 3, **VALID_ARGS[kind])


# -- command shape --------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["dance", "", "Ready", " ready", "READY", "__init__", None, 3])
def test_an_unknown_command_kind_is_refused(kind):
    with pytest.raises(Refused) as info:
        parse_command(kind, {})
    assert_sentence(info.value.reason)


@pytest.mark.parametrize("args", [[], "ready", 3, ("a",)])
def test_command_arguments_that_are_not_a_mapping_are_refused(args):
    with pytest.raises(Refused) as info:
        parse_command("ready", args)
    assert_sentence(info.value.reason)


def test_a_command_with_no_arguments_has_empty_arguments():
    assert parse_command("ready", None) == Command(kind="ready", args={})


def test_a_command_made_without_parsing_is_still_checked():
    with pytest.raises(Refused):
        apply(new_state(), Command(kind="dance", args={}), "a", T0)


@pytest.mark.parametrize("who", ["c", "", None, "A", "ab"])
def test_only_the_two_partners_can_act(who):
    state = new_state()
    with pytest.raises(Refused) as info:
        apply(state, parse_command("ready", {}), who, T0)
    assert_sentence(info.value.reason)
    assert state.to_dict() == new_state().to_dict()


# -- the state as data ----------------------------------------------------------------------------


def test_each_applied_command_counts_once_and_its_events_carry_that_count():
    state = new_state()
    state, events = act(state, "ready", "a", T0)
    assert state.seq == 1
    assert all(event["seq"] == 1 for event in events)
    state, events = act(state, "ready", "b", T0)
    assert state.seq == 2
    assert len(events) == 2
    assert all(event["seq"] == 2 for event in events)


def test_a_refused_command_does_not_count():
    state = run(new_state(), "ready", "a", T0)
    refused(state, "ready", "a", T0)
    assert state.seq == 1


def test_applying_a_command_leaves_the_given_state_untouched():
    state, turn_1_at = in_turn_1()
    before = state.to_dict()
    after = run(state, "complete_turn", "a", turn_1_at + 30 * MIN)
    assert state.to_dict() == before
    assert after.phase == "between"


def test_the_clock_never_goes_back():
    state = run(new_state(), "ready", "a", T0 + 100)
    state = run(state, "ready", "b", T0 + 50)  # a late message with an earlier time
    assert state.clock == T0 + 100
    assert state.started_at == T0 + 100
    state = run(state, "pause", "a", T0)
    assert state.paused_at == T0 + 100


def test_the_state_round_trips_through_json_exactly():
    state = new_state(owed_at_start=-300, first_focuser="b", minute_seconds=1.0)
    state = run(state, "accept_give_back", "a", T0)
    state = run(state, "accept_give_back", "b", T0)
    state, turn_1_at = in_turn_1(state)
    state = run(state, "request", "b", turn_1_at + 1, request="slow_down")
    state = run(state, "acknowledge", "a", turn_1_at + 2, id=1)
    state = run(state, "pause", "a", turn_1_at + 3)
    data = state.to_dict()
    text = json.dumps(data)
    again = RoomState.from_dict(json.loads(text))
    assert again.to_dict() == data
    assert again == state
    # The copy is independent of the original.
    again.requests[0]["seen_at"] = None
    assert state.requests[0]["seen_at"] == turn_1_at + 2


def test_the_phases_are_in_the_order_a_session_runs():
    assert PHASES == ("waiting", "arrival", "turn_1", "between", "turn_2", "closing", "ended")


def test_a_new_session_takes_its_planned_length_within_the_bounds():
    assert new_state(length=90).plan.length == 90
    for length in (LENGTH_MINUTES[0] - 1, LENGTH_MINUTES[1] + 1):
        with pytest.raises(ValueError):
            new_state(length=length)


# -- how the partners meet --------------------------------------------------------------------------


def without_way(state: RoomState) -> dict:
    """Everything a change of the way to meet must leave alone (it counts as one change)."""
    data = state.to_dict()
    data["plan"].pop("way_to_meet")
    data.pop("seq")
    return data


def test_a_new_session_meets_by_video_unless_told_otherwise():
    assert new_state().plan.way_to_meet == "video"
    for way in WAYS_TO_MEET:
        assert new_state(way_to_meet=way).plan.way_to_meet == way


@pytest.mark.parametrize("way", ["", "Video", "zoom", None])
def test_a_new_session_refuses_a_way_to_meet_it_does_not_know(way):
    with pytest.raises(ValueError):
        new_state(way_to_meet=way)


def test_the_ways_to_meet_are_the_call_and_the_room_alone():
    assert WAYS_TO_MEET == ("video", "audio", "phone", "in_person")


@pytest.mark.parametrize("who", ["a", "b"])
def test_either_partner_changes_the_way_to_meet_before_the_session_begins(who):
    state, events = act(new_state(), "set_way_to_meet", who, T0, way="audio")
    assert state.plan.way_to_meet == "audio"
    assert events == [{"kind": "way_to_meet_changed", "way": "audio", "by": who, "seq": 1}]


def test_continuing_by_phone_mid_turn_keeps_the_turn_and_the_clock():
    state, turn_1_at = in_turn_1()
    state = run(state, "request", "a", turn_1_at + 60, request="slow_down")
    state = run(state, "pause", "b", turn_1_at + 120)
    state = run(state, "resume", "b", turn_1_at + 150)
    now = turn_1_at + 7 * MIN
    before = state

    # The listener's call dropped; he says they go on by phone.
    after = run(state, "set_way_to_meet", "b", now, way="phone")

    assert after.plan.way_to_meet == "phone"
    assert after.seq == before.seq + 1
    assert after.clock == now
    before_data, after_data = without_way(before), without_way(after)
    before_data["clock"] = after_data["clock"]
    assert after_data == before_data
    # The same time in the turn as without the change: 7 minutes less the 30 seconds paused.
    assert after.active_seconds_in_phase(now) == 7 * MIN - 30
    assert after.focuser == "a"
    # And the turn ends as it would have.
    ended = run(after, "complete_turn", "a", turn_1_at + (TURN_MINUTES + 2) * MIN)
    assert ended.turns[0]["active"] == (TURN_MINUTES + 2) * MIN - 30
    assert ended.turns[0]["overrun"] == round(2 * MIN - 30)


def test_changing_the_way_keeps_each_partners_readiness():
    state = run(new_state(), "ready", "a", T0)
    state = run(state, "set_way_to_meet", "b", T0 + 1, way="in_person")
    assert state.ready == ["a"]
    state = run(state, "ready", "b", T0 + 2)
    assert state.phase == "arrival"


def at_stage(stage: str) -> tuple[RoomState, float]:
    """A session in `stage`, and a moment inside it."""
    if stage == "arrival":
        return both_ready(planned(new_state()), T0), T0 + MIN
    if stage == "turn_1":
        return in_turn_1()
    if stage == "between":
        state, turn_1_at = in_turn_1()
        done = turn_1_at + 5 * MIN
        return run(state, "complete_turn", "a", done), done + MIN
    if stage == "turn_2":
        return in_turn_2()
    return in_closing()


@pytest.mark.parametrize("stage", ["arrival", "turn_1", "between", "turn_2", "closing"])
def test_the_way_to_meet_can_change_in_every_phase_until_the_end(stage):
    state, now = at_stage(stage)
    assert state.phase == stage
    after = run(state, "set_way_to_meet", "a", now, way="phone")
    assert after.phase == stage and after.plan.way_to_meet == "phone"


def test_choosing_the_way_already_chosen_is_refused_kindly():
    state = new_state(way_to_meet="phone")
    assert refused(state, "set_way_to_meet", "a", T0, way="phone") == (
        "You are already meeting by phone."
    )


@pytest.mark.parametrize("way", ["", "zoom", "Phone", None, 1, ["phone"]])
def test_a_way_to_meet_the_room_does_not_know_is_refused(way):
    refused(new_state(), "set_way_to_meet", "a", T0, way=way)


def test_the_way_to_meet_round_trips_and_an_older_state_without_it_meets_by_video():
    state = run(new_state(), "set_way_to_meet", "a", T0, way="audio")
    data = json.loads(json.dumps(state.to_dict()))
    assert RoomState.from_dict(data) == state
    del data["plan"]["way_to_meet"]
    assert RoomState.from_dict(data).plan.way_to_meet == "video"
