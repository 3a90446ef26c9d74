"""The session room's rules, as plain Python: (state, command, who, now) -> new state and events.

No Django here. The two partners are "a" and "b"; the shell maps them to members. Times are
seconds since the epoch, read from the server's clock only. A command that breaks a rule is
refused with one sentence for the person who sent it, and the state is left as it was.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Any

PARTNERS = ("a", "b")
PHASES = ("waiting", "arrival", "turn_1", "between", "turn_2", "closing", "ended")
TURNS = ("turn_1", "turn_2")
# Phases that move on when both partners say they are ready.
SHARED_PHASES = ("waiting", "arrival", "between", "closing")

LISTENING_MODES = ("often", "now_and_then", "silence")
END_SIGNALS = ("chime", "visual", "two_minutes", "none")
REQUEST_KINDS = ("say_back", "stay_silent", "slow_down", "a_moment")
# How the two meet: a call in the room (video, or audio only), or the room for its structure
# alone while they talk by phone or sit together. The partnership keeps a usual way; a session
# may change it for itself (a lost call goes on by phone) without touching turns or clock.
WAYS_TO_MEET = ("video", "audio", "phone", "in_person")
CALL_WAYS = ("video", "audio")

LENGTH_MINUTES = (30, 120)
ARRIVAL_MINUTES = (0, 10)
BETWEEN_MINUTES = (0, 10)
CLOSING_MINUTES = (0, 10)
SHORTEST_TURN_MINUTES = 10
# The most a single session gives back of time owed, so one session does not become lopsided.
GIVE_BACK_MAX_MINUTES = 15
MAX_REQUESTS = 500


class Refused(Exception):
    """A command that the rules do not allow now. `reason` is shown to the sender."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def other(who: str) -> str:
    return "b" if who == "a" else "a"


@dataclass
class Plan:
    length: int = 60
    arrival: int = 3
    between: int = 2
    closing: int = 2
    first_focuser: str = "a"
    way_to_meet: str = "video"
    # Minutes of owed time given back to one partner in this session, once both accept.
    give_back_to: str | None = None
    give_back_minutes: int = 0

    @property
    def turn(self) -> int:
        """Each turn's planned minutes; the two are always equal before any give-back."""
        return (self.length - self.arrival - self.between - self.closing) // 2

    def focuser_of(self, phase: str) -> str | None:
        if phase == "turn_1":
            return self.first_focuser
        if phase == "turn_2":
            return other(self.first_focuser)
        return None

    def planned_minutes(self, phase: str) -> int:
        if phase in TURNS:
            extra = self.give_back_minutes if self.give_back_to == self.focuser_of(phase) else 0
            return self.turn + extra
        return {"arrival": self.arrival, "between": self.between, "closing": self.closing}.get(
            phase, 0
        )


@dataclass
class RoomState:
    plan: Plan = field(default_factory=Plan)
    minute_seconds: float = 60.0
    phase: str = "waiting"
    seq: int = 0
    clock: float = 0.0  # the latest server time the state has seen; it never goes back
    started_at: float | None = None
    ended_at: float | None = None
    phase_started_at: float | None = None
    phase_paused: float = 0.0  # seconds paused so far in the current phase
    paused_at: float | None = None
    paused_by: str | None = None
    ready: list[str] = field(default_factory=list)
    # Each finished phase: {"phase", "start", "end", "paused"}. Together they cover the session.
    segments: list[dict] = field(default_factory=list)
    pauses: list[dict] = field(default_factory=list)
    turns: list[dict] = field(default_factory=list)
    listening: dict = field(
        default_factory=lambda: {
            who: {"mode": "now_and_then", "end_signal": "chime"} for who in PARTNERS
        }
    )
    requests: list[dict] = field(default_factory=list)
    # Time owed between the partners when the session was made, in seconds: positive means
    # "a" owes "b". It decides the give-back offered; the ledger itself lives in the shell.
    owed_at_start: int = 0
    give_back_accepted_by: list[str] = field(default_factory=list)
    # What this session adds to the ledger: seconds each partner owes the other because of it
    # (overruns, less a give-back once the owed partner's longer turn has been taken).
    ledger: dict = field(default_factory=lambda: {"a": 0, "b": 0})

    # -- serialisation -------------------------------------------------------------------

    def to_dict(self) -> dict[str, Any]:
        data = copy.deepcopy(self.__dict__)
        data["plan"] = dict(self.plan.__dict__)
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> RoomState:
        data = copy.deepcopy(data)
        plan = Plan(**data.pop("plan"))
        return cls(plan=plan, **data)

    # -- reading -------------------------------------------------------------------------

    @property
    def focuser(self) -> str | None:
        return self.plan.focuser_of(self.phase)

    @property
    def listener(self) -> str | None:
        focuser = self.focuser
        return other(focuser) if focuser else None

    def give_back_offer(self) -> tuple[str, int] | None:
        """(who is owed, minutes) offered as a longer turn in this session, if anyone is owed."""
        owed = self.owed_at_start
        if owed == 0:
            return None
        owed_to = "b" if owed > 0 else "a"
        minutes = min(GIVE_BACK_MAX_MINUTES, round(abs(owed) / self.minute_seconds))
        return (owed_to, minutes) if minutes > 0 else None

    def active_seconds_in_phase(self, now: float) -> float:
        if self.phase_started_at is None:
            return 0.0
        until = self.paused_at if self.paused_at is not None else max(now, self.clock)
        return max(0.0, until - self.phase_started_at - self.phase_paused)


def new_state(
    *,
    length: int = 60,
    first_focuser: str = "a",
    owed_at_start: int = 0,
    minute_seconds: float = 60.0,
    listening: dict | None = None,
    way_to_meet: str = "video",
) -> RoomState:
    if first_focuser not in PARTNERS:
        raise ValueError("first_focuser must be 'a' or 'b'")
    if way_to_meet not in WAYS_TO_MEET:
        raise ValueError(f"way_to_meet must be one of {', '.join(WAYS_TO_MEET)}")
    if not LENGTH_MINUTES[0] <= length <= LENGTH_MINUTES[1]:
        raise ValueError(f"length must be {LENGTH_MINUTES[0]}-{LENGTH_MINUTES[1]} minutes")
    state = RoomState(
        plan=Plan(length=length, first_focuser=first_focuser, way_to_meet=way_to_meet),
        minute_seconds=minute_seconds,
        owed_at_start=owed_at_start,
    )
    if listening:
        for who in PARTNERS:
            if who in listening:
                state.listening[who] = dict(listening[who])
    return state


# -- commands ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Command:
    kind: str
    args: dict


def _int_arg(args: dict, name: str, bounds: tuple[int, int], label: str) -> int:
    value = args.get(name)
    if isinstance(value, bool) or not isinstance(value, int):
        raise Refused(f"Please give the {label} as a whole number of minutes.")
    low, high = bounds
    if not low <= value <= high:
        raise Refused(f"The {label} can be from {low} to {high} minutes.")
    return value


def _choice_arg(args: dict, name: str, choices: tuple[str, ...], sentence: str) -> str:
    value = args.get(name)
    if value not in choices:
        raise Refused(sentence)
    return value


def parse_command(kind: Any, args: Any) -> Command:
    """Check a command's shape before any rule is applied."""
    if not isinstance(kind, str) or kind not in HANDLERS:
        raise Refused("That is not something the room knows how to do.")
    if args is None:
        args = {}
    if not isinstance(args, dict):
        raise Refused("That request was not in a form the room understands.")
    return Command(kind=kind, args=args)


def apply(state: RoomState, command: Command, who: str, now: float) -> tuple[RoomState, list]:
    """Apply one partner's command at server time `now`.

    Returns the new state and the events both partners should hear of; raises `Refused`
    with a reason, leaving `state` untouched.
    """
    if who not in PARTNERS:
        raise Refused("Only the two partners of this session can act in it.")
    handler = HANDLERS.get(command.kind)
    if handler is None:
        raise Refused("That is not something the room knows how to do.")
    new = copy.deepcopy(state)
    new.clock = max(new.clock, now)
    events = handler(new, command.args, who, new.clock)
    new.seq += 1
    for event in events:
        event["seq"] = new.seq
    return new, events


def _require_not_ended(state: RoomState) -> None:
    if state.phase == "ended":
        raise Refused("This session has ended.")


def _require_phase(state: RoomState, phases: tuple[str, ...], sentence: str) -> None:
    _require_not_ended(state)
    if state.phase not in phases:
        raise Refused(sentence)


def _close_pause(state: RoomState, now: float) -> None:
    if state.paused_at is None:
        return
    state.phase_paused += now - state.paused_at
    state.pauses[-1]["end"] = now
    state.paused_at = None
    state.paused_by = None


def _advance(state: RoomState, now: float, events: list, *, to: str | None = None) -> None:
    """Close the current phase (and its turn) and open the next, or `to` if given."""
    _close_pause(state, now)
    current = state.phase
    if current != "waiting":
        state.segments.append(
            {
                "phase": current,
                "start": state.phase_started_at,
                "end": now,
                "paused": state.phase_paused,
            }
        )
    if current in TURNS:
        focuser = state.plan.focuser_of(current)
        planned = state.plan.planned_minutes(current) * state.minute_seconds
        active = now - state.phase_started_at - state.phase_paused
        overrun = max(0, round(active - planned))
        state.turns.append(
            {
                "phase": current,
                "focuser": focuser,
                "planned": planned,
                "active": active,
                "overrun": overrun,
                "start": state.phase_started_at,
                "end": now,
            }
        )
        if overrun:
            state.ledger[focuser] += overrun
        events.append(
            {"kind": "turn_completed", "phase": current, "focuser": focuser, "overrun": overrun}
        )
        if focuser == state.plan.give_back_to:
            # Owed time counts as given back once the longer turn has really been taken, so
            # a session that ends before it leaves the debt where it was.
            minutes = state.plan.give_back_minutes
            state.ledger[other(focuser)] -= round(minutes * state.minute_seconds)
            events.append({"kind": "give_back_given", "to": focuser, "minutes": minutes})
    following = to or PHASES[PHASES.index(current) + 1]
    state.phase = following
    state.ready = []
    state.phase_paused = 0.0
    if current == "waiting":
        state.started_at = now
    if following == "ended":
        state.ended_at = now
        state.phase_started_at = None
    else:
        state.phase_started_at = now
    events.append({"kind": "phase_changed", "phase": following})


def _set_plan(state: RoomState, args: dict, who: str, now: float) -> list:
    _require_phase(state, ("waiting",), "The plan can be changed only before the session begins.")
    length = _int_arg(args, "length", LENGTH_MINUTES, "session length")
    arrival = _int_arg(args, "arrival", ARRIVAL_MINUTES, "arrival time")
    between = _int_arg(args, "between", BETWEEN_MINUTES, "pause between turns")
    closing = _int_arg(args, "closing", CLOSING_MINUTES, "closing time")
    if (length - arrival - between - closing) // 2 < SHORTEST_TURN_MINUTES:
        raise Refused(
            f"With that plan each turn would be shorter than {SHORTEST_TURN_MINUTES} minutes; "
            "please choose a longer session or shorter pauses."
        )
    plan = state.plan
    plan.length, plan.arrival, plan.between, plan.closing = length, arrival, between, closing
    # A changed plan is a new question: both confirm again.
    state.ready = []
    return [{"kind": "plan_changed", "by": who}]


def _choose_first_focuser(state: RoomState, args: dict, who: str, now: float) -> list:
    _require_phase(
        state,
        ("waiting", "arrival"),
        "Who focuses first can be chosen only before the first turn begins.",
    )
    first = _choice_arg(args, "focuser", PARTNERS, "Please choose one of the two partners.")
    state.plan.first_focuser = first
    state.ready = []
    return [{"kind": "first_focuser_chosen", "focuser": first, "by": who}]


def _accept_give_back(state: RoomState, args: dict, who: str, now: float) -> list:
    _require_phase(
        state, ("waiting",), "Time owed can be given back only before the session begins."
    )
    offer = state.give_back_offer()
    if offer is None:
        raise Refused("Neither of you owes the other any time just now.")
    if state.plan.give_back_to is not None:
        raise Refused("You have both already agreed to give that time back.")
    if who in state.give_back_accepted_by:
        raise Refused("You have already agreed; your partner has not yet.")
    state.give_back_accepted_by.append(who)
    events = [{"kind": "give_back_agreed", "by": who}]
    if set(state.give_back_accepted_by) == set(PARTNERS):
        owed_to, minutes = offer
        state.plan.give_back_to = owed_to
        state.plan.give_back_minutes = minutes
        events.append({"kind": "give_back_accepted", "to": owed_to, "minutes": minutes})
    return events


def _ready(state: RoomState, args: dict, who: str, now: float) -> list:
    _require_phase(
        state,
        SHARED_PHASES,
        "During a turn only the focuser moves on, by saying they are complete.",
    )
    if who in state.ready:
        raise Refused("You have already said you are ready; waiting for your partner.")
    state.ready.append(who)
    events = [{"kind": "ready", "by": who}]
    if set(state.ready) == set(PARTNERS):
        _advance(state, now, events)
    return events


def _not_ready(state: RoomState, args: dict, who: str, now: float) -> list:
    _require_phase(state, SHARED_PHASES, "There is nothing to take back just now.")
    if who not in state.ready:
        raise Refused("You had not said you were ready.")
    state.ready.remove(who)
    return [{"kind": "not_ready", "by": who}]


def _set_listening(state: RoomState, args: dict, who: str, now: float) -> list:
    _require_not_ended(state)
    mode = _choice_arg(
        args, "mode", LISTENING_MODES, "Please choose how often you would like to be said back to."
    )
    signal = _choice_arg(
        args, "end_signal", END_SIGNALS, "Please choose how the end of your turn is signalled."
    )
    state.listening[who] = {"mode": mode, "end_signal": signal}
    return [{"kind": "listening_changed", "by": who}]


def _request(state: RoomState, args: dict, who: str, now: float) -> list:
    _require_phase(state, TURNS, "Requests are for the focuser during their turn.")
    if who != state.focuser:
        raise Refused("Only the focuser makes requests during their turn.")
    kind = _choice_arg(args, "request", REQUEST_KINDS, "That is not one of the requests.")
    if len(state.requests) >= MAX_REQUESTS:
        raise Refused("This session has had as many requests as it can hold.")
    request_id = len(state.requests) + 1
    state.requests.append(
        {
            "id": request_id,
            "kind": kind,
            "by": who,
            "phase": state.phase,
            "at": now,
            "seen_at": None,
        }
    )
    return [{"kind": "request_sent", "request": kind, "id": request_id, "by": who}]


def _acknowledge(state: RoomState, args: dict, who: str, now: float) -> list:
    _require_not_ended(state)
    request_id = args.get("id")
    if isinstance(request_id, bool) or not isinstance(request_id, int):
        raise Refused("That request could not be found.")
    matches = [r for r in state.requests if r["id"] == request_id]
    if not matches:
        raise Refused("That request could not be found.")
    request = matches[0]
    if who == request["by"]:
        raise Refused("Your partner acknowledges your requests, not you.")
    if request["seen_at"] is not None:
        raise Refused("That request was already acknowledged.")
    request["seen_at"] = now
    return [{"kind": "request_seen", "id": request_id, "request": request["kind"], "by": who}]


def _complete_turn(state: RoomState, args: dict, who: str, now: float) -> list:
    _require_phase(state, TURNS, "There is no turn going on to complete.")
    if who != state.focuser:
        raise Refused("Only the focuser can end their turn.")
    events: list = []
    _advance(state, now, events)
    return events


def _pause(state: RoomState, args: dict, who: str, now: float) -> list:
    _require_phase(
        state,
        ("arrival", "turn_1", "between", "turn_2", "closing"),
        "The session can be paused once it has begun.",
    )
    if state.paused_at is not None:
        raise Refused("The session is already paused.")
    state.paused_at = now
    state.paused_by = who
    state.pauses.append({"phase": state.phase, "by": who, "start": now, "end": None})
    return [{"kind": "paused", "by": who}]


def _resume(state: RoomState, args: dict, who: str, now: float) -> list:
    _require_not_ended(state)
    if state.paused_at is None:
        raise Refused("The session is not paused.")
    _close_pause(state, now)
    return [{"kind": "resumed", "by": who}]


def _set_way_to_meet(state: RoomState, args: dict, who: str, now: float) -> list:
    # Allowed in every phase until the end: when a call fails mid-turn the partners go on by
    # phone, and nothing else moves, so the turn, its clock and any readiness stay as they are.
    _require_not_ended(state)
    way = _choice_arg(
        args,
        "way",
        WAYS_TO_MEET,
        "Please choose video, audio only, phone or in person.",
    )
    if way == state.plan.way_to_meet:
        raise Refused(_ALREADY_MEETING[way])
    state.plan.way_to_meet = way
    return [{"kind": "way_to_meet_changed", "way": way, "by": who}]


_ALREADY_MEETING = {
    "video": "You are already meeting by video.",
    "audio": "You are already meeting by audio only.",
    "phone": "You are already meeting by phone.",
    "in_person": "You are already meeting in person.",
}


def _end_session(state: RoomState, args: dict, who: str, now: float) -> list:
    _require_not_ended(state)
    events: list = [{"kind": "ended_early", "by": who}] if state.phase != "closing" else []
    if state.phase == "waiting":
        state.phase = "ended"
        state.ended_at = now
        state.ready = []
        events.append({"kind": "phase_changed", "phase": "ended"})
        return events
    _advance(state, now, events, to="ended")
    return events


HANDLERS = {
    "set_plan": _set_plan,
    "choose_first_focuser": _choose_first_focuser,
    "accept_give_back": _accept_give_back,
    "ready": _ready,
    "not_ready": _not_ready,
    "set_listening": _set_listening,
    "request": _request,
    "acknowledge": _acknowledge,
    "complete_turn": _complete_turn,
    "pause": _pause,
    "resume": _resume,
    "end_session": _end_session,
    "set_way_to_meet": _set_way_to_meet,
}
