"""The room's socket: one per open browser tab of a partner in a session.

Every message is checked for shape and size before anything else; a bad one gets one clear
sentence back and changes nothing, and the connection stays open. The server never logs what
a member typed: only the command's kind, and only when it is one the room knows.
"""

from __future__ import annotations

import json
import logging
import time

from channels.consumer import get_handler_name
from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer

from felt.core.errors import FeltError

from . import core, selectors, services, signalling
from .models import Session

log = logging.getLogger(__name__)

MAX_MESSAGE_BYTES = 4096
# Only the call's signalling may be larger (a video offer is several KB); uvicorn refuses any
# frame over 64 KB before it reaches the room.
MAX_SIGNAL_BYTES = signalling.MAX_SIGNAL_BYTES
# Close codes (4000-4999 are the application's own).
NOT_LOGGED_IN = 4401
NOT_YOURS = 4403


class RoomConsumer(AsyncWebsocketConsumer):
    session_id: int
    who: str | None = None
    touched_at: float = float("-inf")
    allowance: signalling.Allowance

    async def dispatch(self, message):
        # Channels closes stale database connections before every handler, on the database
        # thread; here every database call already goes through database_sync_to_async, which
        # does the same, so a state fanned out to each tab need not queue behind the database.
        handler = getattr(self, get_handler_name(message), None)
        if handler is None:
            raise ValueError(f"No handler for message type {message['type']}")
        await handler(message)

    async def connect(self):
        user = self.scope.get("user")
        if user is None or not user.is_authenticated:
            await self.close(code=NOT_LOGGED_IN)
            return
        self.session_id = int(self.scope["url_route"]["kwargs"]["session_id"])
        self.who = await self._role(user)
        if self.who is None:
            # Refused before the socket opens: a stranger learns nothing about the session.
            log.warning("room socket refused session=%s member=%s", self.session_id, user.pk)
            await self.close(code=NOT_YOURS)
            return
        self.group = services.group_name(self.session_id)
        self.allowance = signalling.Allowance()
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.accept()
        hello = await self._hello(user)
        self.touched_at = time.monotonic()
        await self.send_json(hello)
        await self._announce_presence()

    async def disconnect(self, code):
        if self.who is None:
            return
        await self.channel_layer.group_discard(self.group, self.channel_name)
        await database_sync_to_async(services.mark_absent)(channel_name=self.channel_name)
        await self._announce_presence()

    async def receive(self, text_data=None, bytes_data=None):
        if bytes_data is not None or text_data is None:
            await self._error("The room understands only text messages.")
            return
        size = len(text_data.encode())
        if size > MAX_SIGNAL_BYTES:
            await self._too_large(size)
            return
        try:
            message = json.loads(text_data)
        except ValueError:
            await self._error("That message could not be read, so nothing changed.")
            return
        if not isinstance(message, dict):
            await self._error("That message could not be read, so nothing changed.")
            return
        kind = message.get("type")
        if size > MAX_MESSAGE_BYTES and kind != "signal":
            await self._too_large(size)
            return
        if kind == "signal":
            await self._signal(message)
        elif kind == "ice_servers":
            # Made fresh on each request: TURN credentials are short-lived and this member's own.
            config = services.call_config(member=self.scope["user"])
            await self.send_json({"type": "ice_servers", **config})
        elif kind == "command":
            await self._command(message)
        elif kind == "ping":
            await self._heartbeat()
        elif kind == "sync":
            await self.send_json(await self._snapshot_message())
        else:
            await self._error("That is not a kind of message the room knows.")

    async def _command(self, message: dict) -> None:
        user = self.scope["user"]
        command_id = message.get("id") if isinstance(message.get("id"), str) else None
        try:
            command_id, kind, args, seq = services.check_command_message(message)
            applied = await database_sync_to_async(services.apply_command)(
                session_id=self.session_id,
                member=user,
                command_id=command_id,
                kind=kind,
                args=args,
                seq=seq,
            )
        except services.StaleCommand as stale:
            await self._error(stale.message, command_id=command_id, stale=True)
            await self.send_json(await self._snapshot_message())
            return
        except FeltError as error:
            known = message.get("kind") if message.get("kind") in core.HANDLERS else "unknown"
            log.info("room command refused session=%s command=%s", self.session_id, known)
            await self._error(error.message, command_id=command_id)
            return
        if applied.broadcast is not None:
            await self.channel_layer.group_send(self.group, applied.broadcast)
        await self.send_json(
            {
                "type": "applied",
                "command_id": command_id,
                "seq": applied.seq,
                "duplicate": applied.duplicate,
            }
        )

    async def _signal(self, message: dict) -> None:
        """Pass one call message to the other partner's open tabs; never store or log its content."""
        try:
            signal = signalling.check_signal(message)
        except signalling.SignalRefused as refusal:
            known = (
                message.get("kind") if message.get("kind") in signalling.SIGNAL_KINDS else "unknown"
            )
            log.info("signal dropped session=%s kind=%s reason=malformed", self.session_id, known)
            await self._error(refusal.reason)
            return
        if not self.allowance.take(time.monotonic()):
            log.info(
                "signal dropped session=%s kind=%s reason=too_many", self.session_id, signal.kind
            )
            await self._error("Too many call messages at once; the call will try again shortly.")
            return
        await self.channel_layer.group_send(
            self.group,
            {
                "type": "room.signal",
                "from_channel": self.channel_name,
                "from": self.who,
                "kind": signal.kind,
                "peer": signal.peer,
                "to": signal.to,
                "payload": signal.payload,
            },
        )
        log.info("signal relayed session=%s kind=%s by=%s", self.session_id, signal.kind, self.who)

    async def room_signal(self, event):
        # Only the other partner hears it: never the sender's own tab, nor another tab of the
        # same partner (two tabs of one person would otherwise answer each other's partner).
        if event["from_channel"] == self.channel_name or event["from"] == self.who:
            return
        await self.send_json(
            {
                "type": "signal",
                "kind": event["kind"],
                "from": event["from"],
                "peer": event["peer"],
                "to": event["to"],
                "payload": event["payload"],
            }
        )

    async def room_state(self, event):
        await self.send_json({"type": "state", **event["snapshot"], "events": event["events"]})

    async def room_presence(self, event):
        await self.send_json({"type": "presence", "connected": event["connected"]})

    # -- helpers -------------------------------------------------------------------------

    async def send_json(self, content: dict) -> None:
        await self.send(text_data=json.dumps(content))

    async def _error(self, sentence: str, *, command_id: str | None = None, stale=False):
        await self.send_json(
            {"type": "error", "message": sentence, "command_id": command_id, "stale": stale}
        )

    async def _too_large(self, size: int) -> None:
        log.info("room message dropped session=%s reason=too_large bytes=%s", self.session_id, size)
        await self._error("That message was too large for the room, so it was not used.")

    async def _heartbeat(self) -> None:
        # Presence counts as fresh for PRESENCE_FRESH_SECONDS; writing it at most every half
        # of that keeps it fresh without a database write for every ping.
        now = time.monotonic()
        if now - self.touched_at >= services.PRESENCE_FRESH_SECONDS / 2:
            await database_sync_to_async(self._touch)()
            self.touched_at = now
        await self.send_json({"type": "pong"})

    def _touch(self) -> None:
        session = Session.objects.only("id").get(pk=self.session_id)
        services.mark_present(
            session=session, member=self.scope["user"], channel_name=self.channel_name
        )

    @database_sync_to_async
    def _role(self, user) -> str | None:
        session = Session.objects.select_related("partnership").filter(pk=self.session_id).first()
        if session is None:
            return None
        return services.role_of(partnership=session.partnership, member=user)

    @database_sync_to_async
    def _hello(self, user) -> dict:
        session = Session.objects.select_related("partnership").get(pk=self.session_id)
        services.mark_present(session=session, member=user, channel_name=self.channel_name)
        return {"type": "hello", "you": self.who, **services.snapshot(session)}

    @database_sync_to_async
    def _snapshot_message(self) -> dict:
        session = Session.objects.get(pk=self.session_id)
        return {"type": "state", **services.snapshot(session), "events": []}

    async def _announce_presence(self) -> None:
        connected = await database_sync_to_async(self._presence)()
        await self.channel_layer.group_send(
            self.group, {"type": "room.presence", "connected": connected}
        )

    def _presence(self) -> dict:
        session = Session.objects.select_related("partnership").get(pk=self.session_id)
        return selectors.presence_of(session=session)
