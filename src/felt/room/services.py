"""Changing a session: the shell around the room's functional core.

Each change loads the session under a row lock, asks the core, stores the new state with the
command's receipt in one transaction, and only after commit tells both partners.
"""

from __future__ import annotations

import logging
import re
import time
from dataclasses import dataclass

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.conf import settings
from django.db import IntegrityError, transaction

from felt.core.errors import FeltError
from felt.partnerships import selectors as partnership_selectors
from felt.partnerships import services as partnership_services
from felt.partnerships.models import LedgerEntry, Partnership

from . import core, turn
from .models import CommandReceipt, Session

log = logging.getLogger(__name__)

COMMAND_ID = re.compile(r"^[A-Za-z0-9_-]{8,64}$")


def group_name(session_id: int) -> str:
    return f"session_{session_id}"


def role_of(*, partnership: Partnership, member) -> str | None:
    if member.pk == partnership.member_a_id:
        return "a"
    if member.pk == partnership.member_b_id:
        return "b"
    return None


def snapshot(session: Session) -> dict:
    """What both partners' screens are drawn from: the state, what the core derives from it
    (so no rule is written twice in the browser) and the server's clock."""
    state = core.RoomState.from_dict(session.state)
    offer = state.give_back_offer()
    return {
        "seq": session.seq,
        "state": session.state,
        "derived": {
            "focuser": state.focuser,
            "planned_seconds": state.plan.planned_minutes(state.phase) * state.minute_seconds,
            "turn_minutes": state.plan.turn,
            "give_back_offer": list(offer) if offer else None,
        },
        "server_now": time.time(),
    }


def state_message(session: Session, events: list) -> dict:
    """The channel-layer message that carries a new state to every tab in the room."""
    return {"type": "room.state", "snapshot": snapshot(session), "events": events}


def broadcast_state(session: Session, events: list) -> None:
    """Tell both partners of a change made outside the room's socket (after commit)."""
    layer = get_channel_layer()
    async_to_sync(layer.group_send)(group_name(session.pk), state_message(session, events))


def start_session(
    *, partnership: Partnership, member, length: int | None = None, occurrence: str = ""
) -> Session:
    """Open the room for a partnership, or the one already open, so both land in the same room.

    A scheduled occurrence brings its planned `length` (minutes) and its key along.
    """
    if role_of(partnership=partnership, member=member) is None:
        raise FeltError("Only the two partners can start a session together.")
    with transaction.atomic():
        partnership = Partnership.objects.select_for_update().get(pk=partnership.pk)
        if partnership.status != Partnership.Status.ACTIVE:
            raise FeltError("This partnership is not active, so a session cannot start just now.")
        open_session = partnership.sessions.exclude(phase="ended").first()
        if open_session is not None:
            return open_session
        last = partnership.sessions.filter(phase="ended").first()
        first_focuser = "a"
        listening = None
        if last is not None:
            # Take turns at going first, and keep each partner's way of being listened to.
            first_focuser = core.other(last.state["plan"]["first_focuser"])
            listening = last.state.get("listening")
        # The ledger counts planned minutes as 60 seconds; the core counts real seconds (the
        # same thing unless a demonstration shortens the minute).
        owed = partnership_selectors.time_owed(partnership=partnership, member=partnership.member_a)
        minute = settings.FELT_ROOM_MINUTE_SECONDS
        state = core.new_state(
            length=length or core.Plan().length,
            first_focuser=first_focuser,
            owed_at_start=round(owed * minute / 60),
            minute_seconds=minute,
            listening=listening,
            # The partnership's usual way; the session may change it for itself.
            way_to_meet=partnership.way_to_meet,
        )
        return Session.objects.create(
            partnership=partnership,
            started_by=member,
            occurrence=occurrence,
            state=state.to_dict(),
        )


def call_config(*, member) -> dict:
    """What one partner's browser needs to open the call: ICE servers (with TURN credentials
    made for this member, short-lived) and whether every call must go through the relay.

    The TURN secret stays here; the browser gets only a username and password that expire.
    """
    servers, expires_at = turn.ice_servers(
        stun_urls=settings.FELT_STUN_URLS,
        turn_urls=settings.FELT_TURN_URLS,
        secret=settings.FELT_TURN_SECRET,
        member_id=member.pk,
        now=time.time(),
        ttl_seconds=settings.FELT_TURN_TTL_SECONDS,
    )
    return {
        "ice_servers": servers,
        "ice_transport_policy": settings.FELT_ICE_TRANSPORT_POLICY,
        "expires_at": expires_at,
    }


@dataclass(frozen=True)
class Applied:
    seq: int
    duplicate: bool = False
    # For the socket to send to the room once the transaction has committed.
    broadcast: dict | None = None


def check_command_message(message: dict) -> tuple[str, str, dict, int]:
    """The shape of a command from a client: id, kind, args and the seq it was based on."""
    command_id = message.get("id")
    if not isinstance(command_id, str) or not COMMAND_ID.match(command_id):
        raise FeltError("That command had no usable id, so it was not applied.")
    seq = message.get("seq")
    if isinstance(seq, bool) or not isinstance(seq, int) or seq < 0:
        raise FeltError("That command did not say which state it was based on.")
    args = message.get("args", {})
    try:
        command = core.parse_command(message.get("kind"), args)
    except core.Refused as refusal:
        raise FeltError(refusal.reason) from None
    return command_id, command.kind, command.args, seq


def apply_command(
    *, session_id: int, member, command_id: str, kind: str, args: dict, seq: int
) -> Applied:
    """Apply one partner's command at most once; raise FeltError, changing nothing, if refused."""
    with transaction.atomic():
        try:
            session = (
                Session.objects.select_for_update().select_related("partnership").get(pk=session_id)
            )
        except Session.DoesNotExist:
            raise FeltError("This session no longer exists.") from None
        who = role_of(partnership=session.partnership, member=member)
        if who is None:
            raise FeltError("Only the two partners of this session can act in it.")
        receipt = CommandReceipt.objects.filter(session=session, command_id=command_id).first()
        if receipt is not None:
            # A retry after a dropped connection: it was applied once; say so, do nothing.
            return Applied(seq=receipt.seq, duplicate=True)
        if seq > session.seq:
            raise FeltError("That command named a state the session has not reached.")
        if seq < session.phase_seq:
            # Meant for an earlier part of the session (a "ready" for the arrival that has
            # since ended, say): applying it now would do something nobody chose.
            raise StaleCommand(session.seq)
        state = core.RoomState.from_dict(session.state)
        try:
            new_state, events = core.apply(
                state, core.Command(kind=kind, args=args), who, time.time()
            )
        except core.Refused as refusal:
            raise FeltError(refusal.reason) from None
        session.state = new_state.to_dict()
        session.seq = new_state.seq
        if new_state.phase != session.phase:
            session.phase = new_state.phase
            session.phase_seq = new_state.seq
        session.save(update_fields=["state", "seq", "phase", "phase_seq"])
        try:
            with transaction.atomic():
                CommandReceipt.objects.create(
                    session=session, command_id=command_id, member=member, seq=session.seq
                )
        except IntegrityError:
            raise FeltError("That command id was already used; please try again.") from None
        _record_ledger(session, events)
    log.info("room session=%s seq=%s command=%s by=%s", session.pk, session.seq, kind, who)
    # The caller sends it after this returns, i.e. after commit: the database thread never
    # waits on the event loop, and no partner hears of a change that was rolled back.
    return Applied(seq=session.seq, broadcast=state_message(session, events))


class StaleCommand(FeltError):
    def __init__(self, current_seq: int):
        super().__init__(
            "That was meant for an earlier part of the session, so it was not applied; "
            "your screen is up to date now."
        )
        self.current_seq = current_seq


def _record_ledger(session: Session, events: list) -> None:
    if not any(event["kind"] in ("turn_completed", "give_back_given") for event in events):
        return
    partnership = session.partnership
    to_ledger_seconds = 60 / session.state["minute_seconds"]
    members = {"a": partnership.member_a, "b": partnership.member_b}
    for event in events:
        if event["kind"] == "turn_completed" and event["overrun"] > 0:
            partnership_services.record_ledger_entry(
                partnership=partnership,
                member=members[event["focuser"]],
                seconds=round(event["overrun"] * to_ledger_seconds),
                kind=LedgerEntry.Kind.OVERRUN,
                session=session,
            )
        elif event["kind"] == "give_back_given":
            debtor = core.other(event["to"])
            partnership_services.record_ledger_entry(
                partnership=partnership,
                member=members[debtor],
                seconds=-event["minutes"] * 60,
                kind=LedgerEntry.Kind.GIVE_BACK,
                session=session,
            )


PRESENCE_FRESH_SECONDS = 60


def mark_present(*, session: Session, member, channel_name: str) -> None:
    from django.utils import timezone

    from .models import Presence

    Presence.objects.update_or_create(
        channel_name=channel_name,
        defaults={"session": session, "member": member, "last_seen": timezone.now()},
    )


def mark_absent(*, channel_name: str) -> None:
    from .models import Presence

    Presence.objects.filter(channel_name=channel_name).delete()
