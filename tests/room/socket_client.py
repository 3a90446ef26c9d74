"""A small real WebSocket client for the room, speaking the same messages as room.js."""

from __future__ import annotations

import asyncio
import json
import uuid

from websockets.asyncio.client import connect


class RoomClient:
    def __init__(self, server, session_id: int, cookie: str | None):
        self.server = server
        self.session_id = session_id
        self.cookie = cookie
        self.seq = 0
        self.state: dict | None = None
        self.inbox: list[dict] = []

    async def __aenter__(self):
        headers = {"Cookie": f"sessionid={self.cookie}"} if self.cookie else {}
        self.ws = await connect(
            f"ws://127.0.0.1:{self.server.port}/ws/sessions/{self.session_id}/",
            additional_headers=headers,
            origin=f"http://127.0.0.1:{self.server.port}",
            open_timeout=10,
        )
        hello = await self.next("hello")
        self.you = hello["you"]
        return self

    async def __aexit__(self, *exc):
        await self.ws.close()

    def _absorb(self, message: dict) -> None:
        if message["type"] in ("hello", "state") and message["seq"] >= self.seq:
            self.seq = message["seq"]
            self.state = message["state"]
            self.derived = message["derived"]

    async def next(self, kind: str | tuple, timeout: float = 10) -> dict:
        kinds = (kind,) if isinstance(kind, str) else kind
        for i, message in enumerate(self.inbox):
            if message["type"] in kinds:
                return self.inbox.pop(i)
        async with asyncio.timeout(timeout):
            while True:
                message = json.loads(await self.ws.recv())
                self._absorb(message)
                if message["type"] in kinds:
                    return message
                self.inbox.append(message)

    async def wait_for_seq(self, seq: int, timeout: float = 10) -> dict:
        async with asyncio.timeout(timeout):
            while self.seq < seq:
                await self.next("state")
        return self.state

    async def send_raw(self, text: str) -> None:
        await self.ws.send(text)

    async def command(
        self,
        kind: str,
        args: dict | None = None,
        *,
        seq: int | None = None,
        command_id: str | None = None,
    ) -> dict:
        """Send a command and return the server's answer to it ("applied" or "error")."""
        message = {
            "type": "command",
            "id": command_id or uuid.uuid4().hex,
            "kind": kind,
            "args": args or {},
            "seq": self.seq if seq is None else seq,
        }
        await self.ws.send(json.dumps(message))
        answer = await self.next(("applied", "error"))
        if answer["type"] == "applied":
            # The new state follows (or came just before); have it before going on.
            await self.wait_for_seq(answer["seq"])
        return answer
