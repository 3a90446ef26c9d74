"""The call's signalling messages: what one partner's browser may pass to the other's.

No Django here. The server never reads a call's content: it checks that a signalling message
has the one shape each kind allows (so a broken or hostile client gets a clear sentence and
nothing is passed on), then relays it to the other partner of the session, and forgets it.

    {"type": "signal", "kind": "offer", "peer": "<this tab's id>", "to": "<their tab's id>"|null,
     "payload": {"sdp": "v=0..."}}

`peer` is a random id each browser tab makes for itself, so that after a reload the other side
can tell the new page from the one that left, and ignore anything still in flight from it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

# The kinds, in the order a call uses them: announce a tab, negotiate (offer/answer, then
# candidates), say whether mic and camera are on, and leave.
SIGNAL_KINDS = ("hello", "offer", "answer", "candidate", "media", "bye")

# A whole signalling message may be this large (the room's other messages stay at 4 KB): an
# audio-and-video offer from Chromium is 4-7 KB, more once it carries candidates on a resend.
MAX_SIGNAL_BYTES = 16 * 1024
MAX_SDP_CHARS = 15_000
MAX_CANDIDATE_CHARS = 1024
MAX_MID_CHARS = 32
MAX_UFRAG_CHARS = 256
MAX_MLINE_INDEX = 63

PEER_ID = re.compile(r"^[A-Za-z0-9_-]{8,64}$")
MESSAGE_KEYS = {"type", "kind", "peer", "to", "payload"}


class SignalRefused(Exception):
    """A signalling message the room does not pass on. `reason` is one sentence for the sender."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Signal:
    kind: str
    peer: str
    to: str | None
    payload: dict


_UNREADABLE = "That call message could not be read, so it was not passed on."


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _optional_text(value: Any, limit: int) -> bool:
    return value is None or (isinstance(value, str) and len(value) <= limit)


def _description(payload: dict) -> dict:
    if set(payload) != {"sdp"}:
        raise SignalRefused(_UNREADABLE)
    sdp = payload["sdp"]
    if not isinstance(sdp, str) or not sdp.startswith("v=0"):
        raise SignalRefused(_UNREADABLE)
    if len(sdp) > MAX_SDP_CHARS:
        raise SignalRefused("That call description was too large, so it was not passed on.")
    return {"sdp": sdp}


def _candidate(payload: dict) -> dict:
    allowed = {"candidate", "sdpMid", "sdpMLineIndex", "usernameFragment"}
    if "candidate" not in payload or not set(payload) <= allowed:
        raise SignalRefused(_UNREADABLE)
    candidate = payload["candidate"]
    mid = payload.get("sdpMid")
    index = payload.get("sdpMLineIndex")
    ufrag = payload.get("usernameFragment")
    if not (
        isinstance(candidate, str)
        and len(candidate) <= MAX_CANDIDATE_CHARS
        and (candidate == "" or candidate.startswith("candidate:"))
        and _optional_text(mid, MAX_MID_CHARS)
        and (index is None or (_is_int(index) and 0 <= index <= MAX_MLINE_INDEX))
        and _optional_text(ufrag, MAX_UFRAG_CHARS)
        and (mid is not None or index is not None)
    ):
        raise SignalRefused(_UNREADABLE)
    return {
        "candidate": candidate,
        "sdpMid": mid,
        "sdpMLineIndex": index,
        "usernameFragment": ufrag,
    }


def _media(payload: dict) -> dict:
    if set(payload) != {"audio", "video"} or not all(
        isinstance(payload[key], bool) for key in ("audio", "video")
    ):
        raise SignalRefused(_UNREADABLE)
    return {"audio": payload["audio"], "video": payload["video"]}


def _empty(payload: dict) -> dict:
    if payload:
        raise SignalRefused(_UNREADABLE)
    return {}


_PAYLOADS = {
    "hello": _empty,
    "offer": _description,
    "answer": _description,
    "candidate": _candidate,
    "media": _media,
    "bye": _empty,
}


def check_signal(message: dict) -> Signal:
    """The signal in `message`, rebuilt from its checked fields only, or `SignalRefused`."""
    if not set(message) <= MESSAGE_KEYS:
        raise SignalRefused(_UNREADABLE)
    kind = message.get("kind")
    if not isinstance(kind, str) or kind not in SIGNAL_KINDS:
        raise SignalRefused("That is not a kind of call message the room knows.")
    peer = message.get("peer")
    to = message.get("to")
    if not isinstance(peer, str) or not PEER_ID.match(peer):
        raise SignalRefused(_UNREADABLE)
    if to is not None and (not isinstance(to, str) or not PEER_ID.match(to)):
        raise SignalRefused(_UNREADABLE)
    payload = message.get("payload", {})
    if not isinstance(payload, dict):
        raise SignalRefused(_UNREADABLE)
    return Signal(kind=kind, peer=peer, to=to, payload=_PAYLOADS[kind](payload))


class Allowance:
    """How many signalling messages one open tab may still send: a burst, refilled steadily.

    A call needs a few dozen messages to start and a handful for each reconnection; a tab that
    sends far more is broken or hostile, and its partner's browser should not have to take it.
    """

    def __init__(self, *, burst: int = 120, per_second: float = 4.0):
        self.burst = burst
        self.per_second = per_second
        self.tokens = float(burst)
        self.at: float | None = None

    def take(self, now: float) -> bool:
        if self.at is not None:
            self.tokens = min(self.burst, self.tokens + max(0.0, now - self.at) * self.per_second)
        self.at = now
        if self.tokens < 1:
            return False
        self.tokens -= 1
        return True
