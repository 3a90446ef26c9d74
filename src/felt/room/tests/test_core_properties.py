"""Property tests of the session room's rules (felt.room.core), with hypothesis.

Random commands from both partners (and from strangers), with random and often wrong arguments,
at random server times that mostly move forward, sometimes jump far ahead and sometimes go back.
After every step the rules' invariants are checked against values worked out here, from the
state's own records, independently of the code under test.

Times are whole quarter seconds, which binary floating point holds exactly: every difference and
sum of times below is exact, so the accounting of seconds can be checked with `==`.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from felt.room.core import (
    END_SIGNALS,
    GIVE_BACK_MAX_MINUTES,
    HANDLERS,
    LISTENING_MODES,
    PARTNERS,
    PHASES,
    REQUEST_KINDS,
    SHARED_PHASES,
    SHORTEST_TURN_MINUTES,
    TURNS,
    WAYS_TO_MEET,
    Refused,
    RoomState,
    apply,
    new_state,
    parse_command,
)

SEQUENCES = settings(
    max_examples=200,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
QUICK = settings(max_examples=200, deadline=None)

LENGTH = (30, 120)
SHARED_MAX = 10  # arrival, between and closing may each be 0 to 10 minutes


def the_other(who: str) -> str:
    return {"a": "b", "b": "a"}[who]


def offer_for(owed_at_start: int, minute_seconds: float) -> tuple[str, int] | None:
    """What the rules say should be offered back: to whoever is owed, whole minutes, capped."""
    if owed_at_start == 0:
        return None
    owed_to = "b" if owed_at_start > 0 else "a"  # positive: a owes b
    minutes = min(GIVE_BACK_MAX_MINUTES, round(abs(owed_at_start) / minute_seconds))
    return (owed_to, minutes) if minutes else None


def assert_sentence(reason: Any) -> None:
    assert isinstance(reason, str)
    assert reason[:1].isupper(), reason
    assert reason.endswith("."), reason


# -- strategies ---------------------------------------------------------------------------------


def pick(*choices: st.SearchStrategy) -> st.SearchStrategy:
    """One of the strategies, about as likely as the next (repeat one to weight it)."""
    which = st.integers(0, len(choices) - 1)

    @st.composite
    def chosen(draw):
        return draw(choices[draw(which)])

    return chosen()


def quarter_seconds(low: int, high: int) -> st.SearchStrategy:
    """Seconds in whole quarters, from low/4 to high/4."""
    return st.integers(low, high).map(lambda quarters: quarters * 0.25)


start_times = quarter_seconds(0, 8_000_000_000)

time_steps = pick(
    quarter_seconds(0, 240),  # within a minute
    quarter_seconds(0, 240),
    quarter_seconds(0, 4 * 3600),  # within an hour
    quarter_seconds(0, 4 * 3600),
    st.integers(3600, 3 * 86400).map(float),  # a large jump ahead
    quarter_seconds(-4 * 3600, -1),  # a late message: the clock seems to go back
    st.just(0.0),
)

junk = st.one_of(
    st.none(),
    st.booleans(),
    st.floats(allow_nan=False, allow_infinity=False, width=32),
    st.text(max_size=3),
    st.integers(-3, 130),
    st.lists(st.integers(), max_size=2),
)


def whole_minutes(low: int, high: int) -> st.SearchStrategy:
    return pick(
        st.integers(low, high),
        st.integers(low, high),
        st.integers(low, high),
        st.integers(low, high),
        st.integers(low - 3, high + 3),
        junk,
    )


plan_args = st.fixed_dictionaries(
    {
        "length": whole_minutes(*LENGTH),
        "arrival": whole_minutes(0, SHARED_MAX),
        "between": whole_minutes(0, SHARED_MAX),
        "closing": whole_minutes(0, SHARED_MAX),
    }
)

ARGS = {
    "set_plan": plan_args,
    "choose_first_focuser": st.fixed_dictionaries(
        {"focuser": st.sampled_from(["a", "b", "a", "b", "c", None, 1, True])}
    ),
    "set_listening": st.fixed_dictionaries(
        {
            "mode": st.sampled_from(LISTENING_MODES + ("loud", None)),
            "end_signal": st.sampled_from(END_SIGNALS + ("bang",)),
        }
    ),
    "request": st.fixed_dictionaries(
        {"request": st.sampled_from(REQUEST_KINDS + ("advice", None))}
    ),
    "set_way_to_meet": st.fixed_dictionaries(
        {"way": st.sampled_from(WAYS_TO_MEET + WAYS_TO_MEET + ("zoom", "", None, 2))}
    ),
    "acknowledge": st.fixed_dictionaries(
        {
            "id": pick(
                st.integers(1, 3),
                st.integers(1, 3),
                st.integers(1, 6),
                st.integers(-1, 8),
                st.sampled_from([True, False, "1", 1.0, None]),
            )
        }
    ),
}

odd_args = st.one_of(
    st.none(),
    st.sampled_from([[], "ready", 3, ("a",)]),
    st.dictionaries(st.text(max_size=8), junk, max_size=3),
)

# Weighted so that sessions often get all the way through; a few kinds the room does not know.
KIND_WEIGHTS = {
    "ready": 20,
    "complete_turn": 10,
    "request": 8,
    "acknowledge": 10,
    "pause": 3,
    "resume": 3,
    "accept_give_back": 3,
    "set_plan": 2,
    "not_ready": 1,
    "choose_first_focuser": 1,
    "set_listening": 1,
    "end_session": 1,
    "set_way_to_meet": 3,
    "dance": 1,
    "": 1,
    None: 1,
    7: 1,
    "READY": 1,
}
KINDS = [kind for kind, weight in KIND_WEIGHTS.items() for _ in range(weight)]
WHO = ["a", "b"] * 8 + ["c", None, ""]


@dataclass(frozen=True)
class Step:
    kind: Any
    args: Any
    who: Any
    dt: float


@st.composite
def steps(draw, kinds: list = KINDS) -> Step:
    kind = draw(st.sampled_from(kinds))
    usual = ARGS.get(kind, st.just({})) if isinstance(kind, str) else st.just({})
    args = draw(odd_args if draw(st.integers(0, 7)) == 7 else usual)
    return Step(kind=kind, args=args, who=draw(st.sampled_from(WHO)), dt=draw(time_steps))


# What partners often do before the session begins, so that agreed give-backs and changed
# plans are common in the scripts below.
preludes = st.lists(
    steps(kinds=["accept_give_back", "accept_give_back", "set_plan", "choose_first_focuser"]),
    max_size=4,
)

new_sessions = st.builds(
    lambda first, owed, minute, way: new_state(
        first_focuser=first, owed_at_start=owed, minute_seconds=minute, way_to_meet=way
    ),
    st.sampled_from(PARTNERS),
    st.one_of(
        st.just(0),
        st.integers(-90, 90),
        st.integers(-40 * 60, 40 * 60),
        st.integers(-(10**7), 10**7),
    ),
    st.sampled_from([1.0, 60.0]),
    st.sampled_from(WAYS_TO_MEET),
)


# -- the invariants -----------------------------------------------------------------------------


def check_state(state: RoomState) -> None:
    """Everything that must hold of any state the rules can reach."""
    plan = state.plan
    assert state.phase in PHASES
    ended = state.phase == "ended"

    # Equal turns: the same base length for both, fitting the plan, never below the shortest.
    first = plan.first_focuser
    assert first in PARTNERS
    second = the_other(first)
    room_for_turns = plan.length - plan.arrival - plan.between - plan.closing
    base = plan.turn
    assert 2 * base <= room_for_turns <= 2 * base + 1
    assert base >= SHORTEST_TURN_MINUTES
    extra = {who: plan.give_back_minutes if plan.give_back_to == who else 0 for who in PARTNERS}
    assert plan.planned_minutes("turn_1") == base + extra[first]
    assert plan.planned_minutes("turn_2") == base + extra[second]
    assert plan.planned_minutes("turn_1") - plan.planned_minutes("turn_2") in (
        0,
        plan.give_back_minutes,
        -plan.give_back_minutes,
    )

    # The give-back: only what is owed, to whom it is owed, and only when both agreed.
    accepted = state.give_back_accepted_by
    assert len(set(accepted)) == len(accepted) and set(accepted) <= set(PARTNERS)
    if plan.give_back_to is None:
        assert plan.give_back_minutes == 0
        assert set(accepted) != set(PARTNERS)
    else:
        assert set(accepted) == set(PARTNERS)
        assert (plan.give_back_to, plan.give_back_minutes) == offer_for(
            state.owed_at_start, state.minute_seconds
        )
        assert 0 < plan.give_back_minutes <= GIVE_BACK_MAX_MINUTES
    if accepted:
        assert offer_for(state.owed_at_start, state.minute_seconds) is not None

    # Readiness is only for the shared phases, and never both at once (that moves the phase on).
    assert len(set(state.ready)) == len(state.ready) and set(state.ready) <= set(PARTNERS)
    assert set(state.ready) != set(PARTNERS)
    if state.phase not in SHARED_PHASES:
        assert state.ready == []

    # Every second is accounted for: contiguous segments, from the start to the end.
    segments = state.segments
    assert [s["phase"] for s in segments] == list(PHASES[1 : 1 + len(segments)])
    assert ended == (state.ended_at is not None)
    if state.started_at is None:
        assert segments == [] and state.turns == [] and state.pauses == []
        assert state.phase in ("waiting", "ended")
        assert state.phase_started_at is None
    else:
        cursor = state.started_at
        for segment in segments:
            assert segment["start"] == cursor
            assert segment["end"] >= segment["start"]
            assert 0 <= segment["paused"] <= segment["end"] - segment["start"]
            cursor = segment["end"]
        if ended:
            assert segments, "a session that began and ended has at least its arrival"
            assert cursor == state.ended_at
            assert state.phase_started_at is None
        else:
            assert len(segments) == PHASES.index(state.phase) - 1
            assert state.phase_started_at == cursor
            assert state.phase_started_at <= state.clock
    if state.ended_at is not None:
        assert state.ended_at <= state.clock
    if state.phase == "waiting":
        assert state.started_at is None

    # Pauses: one at a time, never overlapping, each inside the phase it paused.
    spans = {s["phase"]: (s["start"], s["end"]) for s in segments}
    if not ended and state.phase_started_at is not None:
        spans[state.phase] = (state.phase_started_at, state.clock)
    previous_end = -math.inf
    for index, pause in enumerate(state.pauses):
        assert pause["by"] in PARTNERS
        assert pause["phase"] in spans and pause["phase"] not in ("waiting", "ended")
        low, high = spans[pause["phase"]]
        assert pause["start"] >= previous_end
        assert low <= pause["start"] <= high
        if pause["end"] is None:
            assert index == len(state.pauses) - 1
            assert pause["phase"] == state.phase
            assert (state.paused_at, state.paused_by) == (pause["start"], pause["by"])
        else:
            assert pause["start"] <= pause["end"] <= high
            previous_end = pause["end"]
    open_pauses = [p for p in state.pauses if p["end"] is None]
    if state.paused_at is None:
        assert open_pauses == [] and state.paused_by is None
    else:
        assert len(open_pauses) == 1 and not ended
    for phase_name in spans:
        paused = sum(
            p["end"] - p["start"]
            for p in state.pauses
            if p["phase"] == phase_name and p["end"] is not None
        )
        recorded = next(
            (s["paused"] for s in segments if s["phase"] == phase_name), state.phase_paused
        )
        assert recorded == paused

    # Each turn: who focused, how long it ran, and its overrun.
    turn_segments = [s for s in segments if s["phase"] in TURNS]
    assert len(state.turns) == len(turn_segments)
    for turn, segment in zip(state.turns, turn_segments, strict=True):
        focuser = first if segment["phase"] == "turn_1" else second
        planned = (base + extra[focuser]) * state.minute_seconds
        active = segment["end"] - segment["start"] - segment["paused"]
        assert turn["phase"] == segment["phase"]
        assert turn["focuser"] == focuser
        assert (turn["start"], turn["end"]) == (segment["start"], segment["end"])
        assert turn["planned"] == planned
        assert turn["active"] == active
        assert turn["overrun"] == max(0, round(active - planned))
        assert isinstance(turn["overrun"], int)

    # The ledger: overruns owed by whoever overran, less what was given back by the debtor.
    expected = {who: 0 for who in PARTNERS}
    for turn in state.turns:
        expected[turn["focuser"]] += turn["overrun"]
    # A give-back counts only once the owed partner's longer turn has been taken.
    if plan.give_back_to is not None and plan.give_back_to in {t["focuser"] for t in state.turns}:
        expected[the_other(plan.give_back_to)] -= plan.give_back_minutes * state.minute_seconds
    assert state.ledger == expected
    assert all(isinstance(seconds, int) for seconds in state.ledger.values())

    # Requests come from the focuser of their turn, during that turn.
    assert [r["id"] for r in state.requests] == list(range(1, len(state.requests) + 1))
    for request in state.requests:
        assert request["phase"] in TURNS and request["phase"] in spans
        assert request["kind"] in REQUEST_KINDS
        assert request["by"] == (first if request["phase"] == "turn_1" else second)
        low, high = spans[request["phase"]]
        assert low <= request["at"] <= high
        if request["seen_at"] is not None:
            assert request["at"] <= request["seen_at"] <= state.clock

    assert plan.way_to_meet in WAYS_TO_MEET

    for who in PARTNERS:
        assert state.listening[who]["mode"] in LISTENING_MODES
        assert state.listening[who]["end_signal"] in END_SIGNALS

    # The state is plain data: it survives JSON and comes back exactly.
    data = state.to_dict()
    assert RoomState.from_dict(data) == state
    again = RoomState.from_dict(json.loads(json.dumps(data)))
    assert again == state and again.to_dict() == data


def check_step(before: RoomState, after: RoomState, events: list, step: Step, now: float) -> None:
    """What must hold of one accepted command."""
    assert step.who in PARTNERS
    assert before.phase != "ended", "nothing is accepted once the session has ended"
    assert after.seq == before.seq + 1
    assert after.clock == max(before.clock, now)
    assert events and all(event["seq"] == after.seq for event in events)

    was, now_at = PHASES.index(before.phase), PHASES.index(after.phase)
    assert now_at >= was, "phases only move forward"
    if now_at != was:
        if step.kind == "end_session":
            assert after.phase == "ended"
        elif before.phase in TURNS:
            # Only the focuser ends a turn.
            assert step.kind == "complete_turn"
            assert step.who == before.plan.focuser_of(before.phase)
            assert now_at == was + 1
        else:
            # A shared phase moves on when the second of the two says ready.
            assert step.kind == "ready"
            assert before.ready == [the_other(step.who)]
            assert now_at == was + 1
    elif step.kind == "end_session":
        raise AssertionError("ending the session must end it")

    if step.kind == "complete_turn":
        assert before.phase in TURNS
        assert step.who == before.focuser and step.who != before.listener
        assert now_at == was + 1
    if step.kind == "request":
        assert before.phase in TURNS and step.who == before.focuser
        assert len(after.requests) == len(before.requests) + 1
    if step.kind == "acknowledge":
        request_id = step.args["id"]
        seen = [r for r in after.requests if r["id"] == request_id]
        was_seen = [r for r in before.requests if r["id"] == request_id]
        assert len(seen) == 1 and was_seen[0]["seen_at"] is None
        assert seen[0]["seen_at"] == after.clock
        assert step.who == the_other(seen[0]["by"]), "acknowledged by the other partner"
    if step.kind == "pause":
        assert before.paused_at is None and after.paused_by == step.who
    if step.kind == "resume":
        assert before.paused_at is not None and after.paused_at is None
    if step.kind in ("set_plan", "accept_give_back"):
        assert before.phase == "waiting"
    if step.kind == "choose_first_focuser":
        assert before.phase in ("waiting", "arrival")
    if step.kind != "accept_give_back":
        assert after.give_back_accepted_by == before.give_back_accepted_by
    if step.kind == "set_way_to_meet":
        # Another way to meet changes the way and nothing else: not the phase, not a turn,
        # not a second of the clock, not anyone's readiness.
        assert after.plan.way_to_meet == step.args["way"] != before.plan.way_to_meet
        assert except_way(after) == except_way(before) | {"clock": after.clock}
    else:
        assert after.plan.way_to_meet == before.plan.way_to_meet


def except_way(state: RoomState) -> dict:
    data = state.to_dict()
    data["plan"].pop("way_to_meet")
    data.pop("seq")
    return data


@SEQUENCES
@given(
    start=new_sessions,
    t0=start_times,
    prelude=preludes,
    script=st.lists(steps(), min_size=40, max_size=120),
)
def test_any_sequence_of_commands_keeps_every_rule(start, t0, prelude, script):
    script = prelude + script
    state = start
    check_state(state)
    now = t0
    turn_enders: list[tuple[str, Any, Any]] = []
    for step in script:
        now += step.dt
        before = state.to_dict()
        if state.phase in TURNS:
            # Whatever came before, the listener can never end the focuser's turn.
            try:
                apply(state, parse_command("complete_turn", {}), state.listener, now)
            except Refused as refusal:
                assert_sentence(refusal.reason)
            else:
                raise AssertionError("the listener ended the focuser's turn")
            assert state.to_dict() == before
        try:
            command = parse_command(step.kind, step.args)
            after, events = apply(state, command, step.who, now)
        except Refused as refusal:
            assert_sentence(refusal.reason)
            assert state.to_dict() == before, "a refused command changes nothing"
            continue
        assert state.to_dict() == before, "the given state is never changed in place"
        if state.phase in TURNS and after.phase != state.phase:
            turn_enders.append((state.phase, step.kind, step.who))
        check_step(state, after, events, step, now)
        check_state(after)
        state = after

    for phase, kind, who in turn_enders:
        focuser = state.plan.focuser_of(phase)
        assert kind == "end_session" or (kind == "complete_turn" and who == focuser)


# -- focused properties -------------------------------------------------------------------------


def both_ready(state: RoomState, now: float) -> RoomState:
    state, _ = apply(state, parse_command("ready", {}), "a", now)
    state, _ = apply(state, parse_command("ready", {}), "b", now)
    return state


def do(state: RoomState, kind: str, who: str, now: float, **args) -> RoomState:
    return apply(state, parse_command(kind, args), who, now)[0]


@st.composite
def plan_numbers(draw) -> tuple[int, int, int, int]:
    """Plans of every kind, many of them right at the edge of turns being long enough."""
    arrival, between, closing = (draw(st.integers(-3, SHARED_MAX + 3)) for _ in range(3))
    if draw(st.booleans()):
        length = draw(st.integers(0, 200))
    else:
        edge = 2 * SHORTEST_TURN_MINUTES
        length = arrival + between + closing + draw(st.integers(edge - 3, edge + 2))
    return length, arrival, between, closing


@QUICK
@given(numbers=plan_numbers())
def test_a_plan_is_accepted_exactly_when_every_number_fits_and_turns_are_long_enough(numbers):
    length, arrival, between, closing = numbers
    in_range = (
        LENGTH[0] <= length <= LENGTH[1]
        and 0 <= arrival <= SHARED_MAX
        and 0 <= between <= SHARED_MAX
        and 0 <= closing <= SHARED_MAX
    )
    long_enough = length - arrival - between - closing >= 2 * SHORTEST_TURN_MINUTES
    state = new_state()
    before = state.to_dict()
    args = {"length": length, "arrival": arrival, "between": between, "closing": closing}
    try:
        after = do(state, "set_plan", "a", 0.0, **args)
    except Refused as refusal:
        assert not (in_range and long_enough)
        assert_sentence(refusal.reason)
        assert state.to_dict() == before
    else:
        assert in_range and long_enough
        plan = after.plan
        assert (plan.length, plan.arrival, plan.between, plan.closing) == tuple(args.values())
        assert plan.planned_minutes("turn_1") == plan.planned_minutes("turn_2")
        assert 2 * plan.turn <= length - arrival - between - closing
        assert plan.turn >= SHORTEST_TURN_MINUTES


@QUICK
@given(
    field=st.sampled_from(["length", "arrival", "between", "closing"]),
    value=st.one_of(
        st.booleans(),
        st.floats(),
        st.text(max_size=4),
        st.none(),
        st.lists(st.integers(), max_size=2),
    ),
)
def test_a_plan_number_that_is_not_a_whole_number_is_refused(field, value):
    args = {"length": 60, "arrival": 3, "between": 2, "closing": 2, field: value}
    state = new_state()
    before = state.to_dict()
    try:
        do(state, "set_plan", "a", 0.0, **args)
    except Refused as refusal:
        assert "whole number" in refusal.reason
    else:
        raise AssertionError(f"{field}={value!r} was accepted")
    assert state.to_dict() == before


@QUICK
@given(kind=st.one_of(st.text(max_size=20), st.none(), st.integers(), st.binary(max_size=4)))
def test_a_command_kind_the_room_does_not_know_is_refused(kind):
    if kind in HANDLERS:
        return
    try:
        parse_command(kind, {})
    except Refused as refusal:
        assert_sentence(refusal.reason)
    else:
        raise AssertionError(f"{kind!r} was accepted")


@QUICK
@given(
    owed=st.one_of(st.integers(-(10**6), 10**6), st.integers(-120, 120)),
    minute_seconds=st.sampled_from([1.0, 60.0]),
    order=st.lists(st.sampled_from(PARTNERS), min_size=1, max_size=4),
)
def test_time_owed_is_given_back_to_the_owed_partner_only_once_both_accept(
    owed, minute_seconds, order
):
    state = new_state(owed_at_start=owed, minute_seconds=minute_seconds)
    if owed == 0:
        assert state.give_back_offer() is None
    else:
        owed_to = "b" if owed > 0 else "a"
        whole = round(abs(owed) / minute_seconds)
        expected_minutes = whole if whole < GIVE_BACK_MAX_MINUTES else GIVE_BACK_MAX_MINUTES
        expected = (owed_to, expected_minutes) if expected_minutes else None
        assert state.give_back_offer() == expected
    offer = state.give_back_offer()

    agreed: set[str] = set()
    for who in order:
        try:
            state = do(state, "accept_give_back", who, 0.0)
        except Refused:
            assert offer is None or who in agreed or agreed == set(PARTNERS)
            continue
        assert offer is not None and who not in agreed
        agreed.add(who)
        if agreed != set(PARTNERS):
            assert state.plan.give_back_to is None and state.ledger == {"a": 0, "b": 0}

    if offer is not None and agreed == set(PARTNERS):
        owed_to, minutes = offer
        debtor = the_other(owed_to)
        assert (state.plan.give_back_to, state.plan.give_back_minutes) == (owed_to, minutes)
        # Agreed, not yet given: the ledger waits for the longer turn itself.
        assert state.ledger == {"a": 0, "b": 0}
        turn_of = {state.plan.focuser_of(phase): phase for phase in TURNS}
        assert state.plan.planned_minutes(turn_of[owed_to]) == state.plan.turn + minutes
        assert state.plan.planned_minutes(turn_of[debtor]) == state.plan.turn
    else:
        assert state.plan.give_back_to is None
        assert state.ledger == {"a": 0, "b": 0}


@QUICK
@given(
    first=st.sampled_from(PARTNERS),
    minute_seconds=st.sampled_from([1.0, 60.0]),
    # Alternating stretches of focusing and pausing within one turn, in quarter seconds.
    stretches=st.lists(
        st.tuples(st.integers(0, 4 * 900), st.integers(0, 4 * 900)), min_size=1, max_size=6
    ),
    last=st.integers(0, 4 * 3600),
    pausers=st.lists(st.sampled_from(PARTNERS), min_size=6, max_size=6),
)
def test_paused_time_is_never_turn_time(first, minute_seconds, stretches, last, pausers):
    t = 1_000_000.0
    state = both_ready(new_state(first_focuser=first, minute_seconds=minute_seconds), t)
    state = both_ready(state, t)
    assert state.phase == "turn_1"
    focusing = 0.0
    paused = 0.0
    for (work, rest), who in zip(stretches, pausers, strict=False):
        t += work / 4
        focusing += work / 4
        state = do(state, "pause", who, t)
        t += rest / 4
        paused += rest / 4
        state = do(state, "resume", the_other(who), t)
    t += last / 4
    focusing += last / 4
    state = do(state, "complete_turn", first, t)

    planned = state.plan.turn * minute_seconds
    turn = state.turns[0]
    assert turn["active"] == focusing
    assert state.segments[-1]["paused"] == paused
    assert turn["overrun"] == max(0, round(focusing - planned))
    assert state.ledger == {first: turn["overrun"], the_other(first): 0}


@QUICK
@given(
    first=st.sampled_from(PARTNERS),
    minute_seconds=st.sampled_from([1.0, 60.0]),
    turn_1_seconds=st.integers(0, 2 * 3600),
    turn_2_seconds=st.integers(0, 2 * 3600),
)
def test_each_overrun_is_owed_by_the_partner_who_overran(
    first, minute_seconds, turn_1_seconds, turn_2_seconds
):
    t = 0.0
    state = new_state(first_focuser=first, minute_seconds=minute_seconds)
    state = both_ready(state, t)
    t += 7
    state = both_ready(state, t)
    t += turn_1_seconds
    state = do(state, "complete_turn", first, t)
    t += 11
    state = both_ready(state, t)
    t += turn_2_seconds
    state = do(state, "complete_turn", the_other(first), t)
    t += 13
    state = both_ready(state, t)
    assert state.phase == "ended"

    planned = state.plan.turn * minute_seconds
    assert state.ledger == {
        first: max(0, turn_1_seconds - planned),
        the_other(first): max(0, turn_2_seconds - planned),
    }
    assert state.ended_at - state.started_at == 7 + turn_1_seconds + 11 + turn_2_seconds + 13


@QUICK
@given(
    first=st.sampled_from(PARTNERS),
    minute_seconds=st.sampled_from([1.0, 60.0]),
    # Changes of the way to meet during the turn: after how many quarter seconds, by whom, to what.
    switches=st.lists(
        st.tuples(
            st.integers(0, 4 * 600), st.sampled_from(PARTNERS), st.sampled_from(WAYS_TO_MEET)
        ),
        max_size=8,
    ),
    last=st.integers(0, 4 * 3600),
)
def test_going_on_another_way_mid_turn_never_changes_the_turns_time(
    first, minute_seconds, switches, last
):
    t = 1_000_000.0
    state = both_ready(new_state(first_focuser=first, minute_seconds=minute_seconds), t)
    state = both_ready(state, t)
    untouched = state
    for quarters, who, way in switches:
        t += quarters / 4
        try:
            state = do(state, "set_way_to_meet", who, t, way=way)
        except Refused as refusal:
            assert way == state.plan.way_to_meet
            assert_sentence(refusal.reason)
    t += last / 4

    with_changes = do(state, "complete_turn", first, t)
    without = do(untouched, "complete_turn", first, t)
    assert with_changes.turns == without.turns
    assert with_changes.segments == without.segments
    assert with_changes.ledger == without.ledger
    assert with_changes.phase == without.phase == "between"
