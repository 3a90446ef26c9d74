"""The call's signalling messages (felt.room.signalling): one shape per kind, nothing else passed on."""

from __future__ import annotations

import pytest

from felt.room.signalling import (
    MAX_SDP_CHARS,
    SIGNAL_KINDS,
    Allowance,
    Signal,
    SignalRefused,
    check_signal,
)

PEER = "tab0123456789abcd"
OTHER = "tabfedcba98765432"
SDP = "v=0\r\no=- 4611731400430051336 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n"
CANDIDATE = {
    "candidate": "candidate:1 1 udp 2122260223 127.0.0.1 50000 typ host generation 0",
    "sdpMid": "0",
    "sdpMLineIndex": 0,
    "usernameFragment": "abcd",
}
PAYLOADS = {
    "hello": {},
    "offer": {"sdp": SDP},
    "answer": {"sdp": SDP},
    "candidate": CANDIDATE,
    "media": {"audio": True, "video": False},
    "bye": {},
}


def message(kind="offer", **changes):
    base = {"type": "signal", "kind": kind, "peer": PEER, "to": OTHER, "payload": PAYLOADS[kind]}
    base.update(changes)
    return base


def refused(msg) -> str:
    with pytest.raises(SignalRefused) as info:
        check_signal(msg)
    reason = info.value.reason
    assert reason[:1].isupper() and reason.endswith("."), reason
    return reason


def test_every_kind_has_an_example_here():
    assert set(PAYLOADS) == set(SIGNAL_KINDS)


@pytest.mark.parametrize("kind", SIGNAL_KINDS)
def test_each_kind_in_its_shape_is_passed_on_as_it_came(kind):
    assert check_signal(message(kind)) == Signal(
        kind=kind, peer=PEER, to=OTHER, payload=PAYLOADS[kind]
    )


def test_a_hello_to_everyone_has_no_addressee():
    assert check_signal(message("hello", to=None)).to is None


def test_a_candidate_may_leave_out_what_the_browser_did_not_give():
    signal = check_signal(message("candidate", payload={"candidate": "", "sdpMid": "0"}))
    assert signal.payload == {
        "candidate": "",
        "sdpMid": "0",
        "sdpMLineIndex": None,
        "usernameFragment": None,
    }


@pytest.mark.parametrize("kind", ["", "Offer", "restart", "command", None, 3, ["offer"]])
def test_a_kind_the_room_does_not_know_is_refused(kind):
    assert "not a kind of call message" in refused(message("offer") | {"kind": kind})


@pytest.mark.parametrize(
    "changes",
    [
        {"peer": None},
        {"peer": "short"},
        {"peer": "x" * 65},
        {"peer": "tab with spaces!"},
        {"peer": 12345678},
        {"to": ""},
        {"to": "tab/../../etc"},
        {"to": 12345678},
        {"payload": "v=0"},
        {"payload": ["v=0"]},
        {"extra": "field"},
        {"from": "a"},
    ],
)
def test_a_malformed_envelope_is_refused(changes):
    assert "could not be read" in refused(message("offer", **changes))


@pytest.mark.parametrize(
    "payload",
    [
        {},
        {"sdp": None},
        {"sdp": 42},
        {"sdp": "hello"},
        {"sdp": SDP, "type": "offer"},
        {"sdp": SDP, "note": "anything"},
    ],
)
def test_a_description_must_be_an_sdp_and_nothing_else(payload):
    refused(message("offer", payload=payload))
    refused(message("answer", payload=payload))


def test_a_description_too_large_is_refused():
    big = "v=0\r\n" + "a=x\r\n" * (MAX_SDP_CHARS // 5)
    assert len(big) > MAX_SDP_CHARS
    assert "too large" in refused(message("offer", payload={"sdp": big}))
    fits = big[:MAX_SDP_CHARS]
    assert check_signal(message("offer", payload={"sdp": fits})).payload == {"sdp": fits}


@pytest.mark.parametrize(
    "changes",
    [
        {"candidate": None},
        {"candidate": "a=candidate:1"},
        {"candidate": "candidate:" + "1" * 1024},
        {"sdpMid": 0},
        {"sdpMid": "m" * 33},
        {"sdpMLineIndex": -1},
        {"sdpMLineIndex": 64},
        {"sdpMLineIndex": True},
        {"sdpMLineIndex": "0"},
        {"usernameFragment": 7},
        {"sdpMid": None, "sdpMLineIndex": None},
        {"relay": "turn:evil.example"},
    ],
)
def test_a_malformed_candidate_is_refused(changes):
    refused(message("candidate", payload=CANDIDATE | changes))


def test_a_candidate_needs_its_candidate_line():
    payload = dict(CANDIDATE)
    del payload["candidate"]
    refused(message("candidate", payload=payload))


@pytest.mark.parametrize(
    "payload",
    [{}, {"audio": True}, {"audio": 1, "video": 0}, {"audio": True, "video": False, "x": 1}],
)
def test_the_media_state_is_two_yes_or_no_answers(payload):
    refused(message("media", payload=payload))


@pytest.mark.parametrize("kind", ["hello", "bye"])
def test_hello_and_bye_carry_nothing(kind):
    refused(message(kind, payload={"sdp": SDP}))


def test_a_missing_payload_counts_as_empty():
    msg = message("bye")
    del msg["payload"]
    assert check_signal(msg).payload == {}


def test_the_allowance_lets_a_burst_through_then_refills_steadily():
    allowance = Allowance(burst=3, per_second=2.0)
    assert [allowance.take(100.0) for _ in range(4)] == [True, True, True, False]
    assert allowance.take(100.4) is False  # 0.8 of a message back: not yet one
    assert allowance.take(100.6) is True  # 1.2 back, one used
    assert allowance.take(1000.0) and allowance.take(1000.0) and allowance.take(1000.0)
    assert allowance.take(1000.0) is False  # never more than the burst saved up


def test_a_clock_going_back_gives_nothing_back():
    allowance = Allowance(burst=1, per_second=10.0)
    assert allowance.take(50.0) is True
    assert allowance.take(40.0) is False
