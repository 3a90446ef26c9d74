"""The session room under load: many rooms, two real WebSocket partners each, a live server.

Run from the repository root:

    .venv/bin/python bench/room.py                      # 50, 200 and 500 rooms, both setups
    .venv/bin/python bench/room.py --rooms 100 --seconds 30 --config embedded
    .venv/bin/python bench/room.py --smoke              # 5 rooms for 5 seconds: does it run?

This is a benchmark, not a test: it prints figures and never fails because of them. It exits
non-zero only when the benchmark itself could not run (a server did not start, or no command
was measured at all).

Two setups are measured, each with a server process of its own started here:

- "embedded": one `felt serve` process, a fresh migrated SQLite file, the in-process
  channel layer (Felt's default).
- "redis": `felt serve --workers 2`, Redis as the channel layer and a fresh PostgreSQL
  database (created here and dropped at the end), so the two partners of a room may sit on
  different processes.

For each number of rooms N, 2N members, N partnerships and N sessions are made in one
`felt shell -c` call, two sockets per room are opened in batches, each room is walked into
its first turn, and then every room sends one command about every 2 seconds (randomised,
from either partner: pause/resume, request/acknowledge, listening changes), with each
socket also sending the room page's heartbeat ping every 20 seconds. A command's latency is
the time from sending it to both partners' sockets having the state with its new seq.

The client (this process, one asyncio loop) and the server share the machine's cores, so
the figures are for both together on one machine.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import os
import random
import resource
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import textwrap
import time
import urllib.request
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

FELT = [sys.executable, "-m", "felt.cli"]
HOST = "127.0.0.1"
PG_PORT = 5432
REDIS_PORT = 6379
REDIS_DB = 3
GOAL = "500 rooms p99 < 100 ms"
COMMAND_TIMEOUT = 5.0
CATCH_UP_SECONDS = 30.0
CONNECT_BATCH = 50
HEARTBEAT_SECONDS = 20.0
MEAN_COMMAND_GAP = 2.0


# -- the server --------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def base_env(workdir: Path) -> dict:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("DJANGO_") and key not in ("FELT_DATABASE_URL", "FELT_REDIS_URL")
    }
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "felt.settings",
            "FELT_DEBUG": "1",
            "FELT_SECRET_KEY": "felt-bench-only-" + uuid.uuid4().hex,
            "FELT_DATA_DIR": str(workdir),
            "FELT_ALLOWED_HOSTS": HOST,
            "FELT_LOG_LEVEL": "WARNING",
        }
    )
    return env


def run_felt(args: list[str], env: dict, timeout: float = 300) -> str:
    result = subprocess.run(
        FELT + args, env=env, capture_output=True, text=True, timeout=timeout, check=False
    )
    if result.returncode != 0:
        raise RuntimeError(f"felt {args[0]} failed:\n{result.stdout}\n{result.stderr}")
    return result.stdout


class Postgres:
    """A throwaway PostgreSQL database on 127.0.0.1, dropped by `drop()`."""

    def __init__(self):
        self.name = f"felt_bench_{os.getpid()}"
        self.user: str | None = None
        self.created = False

    def _admin(self, user: str | None):
        import psycopg

        return psycopg.connect(
            host=HOST, port=PG_PORT, user=user, dbname="test", autocommit=True, connect_timeout=3
        )

    def reachable(self) -> str | None:
        """None if a user can create databases here, else why not."""
        last = "no user tried"
        for user in (None, "postgres"):
            try:
                with self._admin(user) as conn:
                    row = conn.execute(
                        "select current_user, rolsuper or rolcreatedb from pg_roles "
                        "where rolname = current_user"
                    ).fetchone()
            except Exception as error:  # noqa: BLE001 - any failure means "not usable"
                last = str(error).strip().splitlines()[0] if str(error).strip() else repr(error)
                continue
            if row and row[1]:
                self.user = row[0]
                return None
            last = f"user {row[0] if row else user} may not create databases"
        return last

    def create(self) -> str:
        with self._admin(self.user) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{self.name}"')
        self.created = True
        return f"postgres://{self.user}@{HOST}:{PG_PORT}/{self.name}"

    def counters(self) -> dict:
        """New database connections and committed transactions so far (pg_stat_database)."""
        try:
            with self._admin(self.user) as conn:
                conn.execute("select pg_stat_clear_snapshot()")
                row = conn.execute(
                    "select sessions, xact_commit from pg_stat_database where datname = %s",
                    (self.name,),
                ).fetchone()
        except Exception:  # noqa: BLE001 - a figure we can do without
            return {}
        return {"pg_connections": row[0], "pg_commits": row[1]} if row else {}

    def drop(self) -> None:
        if not self.created:
            return
        with self._admin(self.user) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')
        self.created = False


def redis_reachable() -> str | None:
    try:
        with socket.create_connection((HOST, REDIS_PORT), timeout=2) as s:
            s.sendall(b"PING\r\n")
            answer = s.recv(64)
    except OSError as error:
        return str(error)
    return None if answer.startswith(b"+PONG") else f"unexpected answer {answer[:20]!r}"


class Server:
    """One `felt serve` process (with its workers), stopped by its own PID."""

    def __init__(self, env: dict, workdir: Path, workers: int):
        self.port = free_port()
        self.url = f"http://{HOST}:{self.port}"
        self.env = env | {"FELT_BASE_URL": self.url}
        self.workers = workers
        self.log_path = workdir / f"server-{self.port}.log"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        log = open(self.log_path, "ab")  # noqa: SIM115 - lives as long as the process
        command = FELT + ["serve", "--host", HOST, "--port", str(self.port)]
        if self.workers > 1:
            command += ["--workers", str(self.workers)]
        self.process = subprocess.Popen(command, env=self.env, stdout=log, stderr=subprocess.STDOUT)
        log.close()
        deadline = time.monotonic() + 60
        answered = 0
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the server stopped at start:\n{self.log_tail()}")
            try:
                with urllib.request.urlopen(self.url + "/", timeout=2) as response:
                    if response.status == 200:
                        answered += 1
                        # A few answers in a row, so every worker has had time to come up.
                        if answered >= 2 * self.workers + 1:
                            time.sleep(0.5 * self.workers)
                            return
            except OSError:
                answered = 0
            time.sleep(0.2)
        raise RuntimeError(f"the server did not answer within 60 seconds:\n{self.log_tail()}")

    def stop(self) -> None:
        if self.process is None:
            return
        if self.process.poll() is None:
            os.kill(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.kill(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)
        self.process = None

    def log_tail(self, lines: int = 40) -> str:
        try:
            text = self.log_path.read_text(errors="replace")
        except OSError:
            return "(no server log)"
        return "\n".join(text.splitlines()[-lines:])

    def cpu_seconds(self) -> float:
        """CPU time used so far by the server process and all its descendants."""
        if self.process is None:
            return 0.0
        return tree_cpu_seconds(self.process.pid)

    def shell(self, code: str, timeout: float = 600) -> dict:
        out = run_felt(["shell", "-c", textwrap.dedent(code)], self.env, timeout=timeout)
        return json.loads(out.strip().splitlines()[-1])


def tree_cpu_seconds(root: int) -> float:
    parents: dict[int, int] = {}
    times: dict[int, float] = {}
    tick = os.sysconf("SC_CLK_TCK")
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                stat = f.read()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2 :].split()
        parents[int(entry)] = int(fields[1])
        times[int(entry)] = (int(fields[11]) + int(fields[12])) / tick
    total, todo = 0.0, [root]
    while todo:
        pid = todo.pop()
        total += times.get(pid, 0.0)
        todo.extend(child for child, parent in parents.items() if parent == pid)
    return total


# -- making the rooms --------------------------------------------------------------------

MAKE_ROOMS = """
import json
from datetime import timedelta
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session as LoginSession
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import get_random_string
from felt.accounts.models import Member
from felt.partnerships.models import Partnership
from felt.room import core
from felt.room.models import Session

n, prefix = {n}, {prefix!r}
now = timezone.now()
with transaction.atomic():
    members = []
    for i in range(n):
        for side in "ab":
            m = Member(email=f"{{prefix}}-{{i}}-{{side}}@example.org",
                       display_name=f"Bench {{i}}{{side}}", email_verified_at=now)
            m.set_unusable_password()
            members.append(m)
    members = Member.objects.bulk_create(members, batch_size=500)
    store = SessionStore()
    logins, cookies = [], []
    for m in members:
        key = get_random_string(32, "abcdefghijklmnopqrstuvwxyz0123456789")
        data = {{SESSION_KEY: str(m.pk),
                BACKEND_SESSION_KEY: "django.contrib.auth.backends.ModelBackend",
                HASH_SESSION_KEY: m.get_session_auth_hash()}}
        logins.append(LoginSession(session_key=key, session_data=store.encode(data),
                                   expire_date=now + timedelta(days=1)))
        cookies.append(key)
    LoginSession.objects.bulk_create(logins, batch_size=500)
    partnerships = Partnership.objects.bulk_create(
        [Partnership(member_a=members[2 * i], member_b=members[2 * i + 1]) for i in range(n)],
        batch_size=500)
    state = core.new_state(minute_seconds=settings.FELT_ROOM_MINUTE_SECONDS).to_dict()
    sessions = Session.objects.bulk_create(
        [Session(partnership=p, started_by=members[2 * i], state=state)
         for i, p in enumerate(partnerships)], batch_size=500)
print(json.dumps([[s.pk, cookies[2 * i], cookies[2 * i + 1]] for i, s in enumerate(sessions)]))
"""


# -- the client --------------------------------------------------------------------------


@dataclass
class Figures:
    latencies: list[float] = field(default_factory=list)  # seconds
    error_replies: int = 0
    timeouts: int = 0
    connection_failures: int = 0
    setup_failures: int = 0  # rooms that could not be walked into their first turn
    error_samples: list[str] = field(default_factory=list)

    @property
    def errors(self) -> int:
        return self.error_replies + self.timeouts + self.connection_failures

    def note(self, text: str) -> None:
        if len(self.error_samples) < 5:
            self.error_samples.append(text)


class Pending:
    __slots__ = ("expected", "sent_at", "seen", "done", "error")

    def __init__(self, expected: int, sent_at: float, done: asyncio.Future):
        self.expected = expected
        self.sent_at = sent_at
        self.seen: set[str] = set()
        self.done = done
        self.error: str | None = None


class Room:
    def __init__(self, bench: Bench, session_id: int, cookies: dict[str, str]):
        self.bench = bench
        self.session_id = session_id
        self.cookies = cookies
        self.sockets: dict[str, object] = {}
        self.seq = 0
        self.state: dict = {}
        self.pending: Pending | None = None
        self.readers: list[asyncio.Task] = []
        self.broken = False
        self.lost = False  # a command's state never came: ask the server for the state
        self.until: float | None = None  # end of the measured window (loop time)

    # Sockets ---------------------------------------------------------------------------

    async def open(self, who: str) -> None:
        port = self.bench.port
        ws = await connect(
            f"ws://{HOST}:{port}/ws/sessions/{self.session_id}/",
            additional_headers={"Cookie": f"sessionid={self.cookies[who]}"},
            origin=f"http://{HOST}:{port}",
            open_timeout=30,
            ping_interval=None,  # like a browser: the server pings, the client answers
            max_queue=None,
        )
        async with asyncio.timeout(30):
            hello = json.loads(await ws.recv())
        if hello.get("type") != "hello" or hello.get("you") != who:
            await ws.close()
            raise RuntimeError(f"unexpected first message {hello.get('type')!r}")
        self._absorb(hello)
        self.sockets[who] = ws
        self.readers.append(asyncio.create_task(self._read(who, ws)))

    async def _read(self, who: str, ws) -> None:
        clock = time.perf_counter  # monotonic; uvloop's loop.time() ticks in whole ms
        try:
            async for raw in ws:
                message = json.loads(raw)
                kind = message.get("type")
                if kind == "state":
                    self._absorb(message)
                    pending = self.pending
                    if pending is not None and message["seq"] >= pending.expected:
                        pending.seen.add(who)
                        if len(pending.seen) == 2 and not pending.done.done():
                            pending.done.set_result(clock() - pending.sent_at)
                elif kind == "error":
                    pending = self.pending
                    if pending is not None and not pending.done.done():
                        pending.error = message.get("message") or "error"
                        pending.done.set_result(None)
        except ConnectionClosed:
            pass
        if not self.bench.closing:
            self.broken = True
            self.bench.figures.connection_failures += 1
            self.bench.figures.note(f"socket of room {self.session_id} closed by the server")
            pending = self.pending
            if pending is not None and not pending.done.done():
                pending.error = "connection closed"
                pending.done.set_result(None)

    def _absorb(self, message: dict) -> None:
        if message["seq"] >= self.seq:
            self.seq = message["seq"]
            self.state = message["state"]

    async def close(self) -> None:
        for ws in self.sockets.values():
            try:
                await ws.close()
            except Exception:  # noqa: BLE001 - closing is best effort
                pass
        for task in self.readers:
            task.cancel()

    # Commands --------------------------------------------------------------------------

    async def command(self, who: str, kind: str, args: dict | None = None) -> float | str:
        """Send one command; the latency in seconds once both partners have its state, or a
        sentence saying what went wrong."""
        loop = asyncio.get_running_loop()
        pending = Pending(self.seq + 1, 0.0, loop.create_future())
        message = json.dumps(
            {
                "type": "command",
                "id": uuid.uuid4().hex,
                "kind": kind,
                "args": args or {},
                "seq": self.seq,
            }
        )
        self.pending = pending
        pending.sent_at = time.perf_counter()
        try:
            await self.sockets[who].send(message)
            try:
                async with asyncio.timeout(COMMAND_TIMEOUT):
                    latency = await asyncio.shield(pending.done)
            except TimeoutError:
                # Too late to count, but the command is still queued at the server: wait for
                # it (unmeasured) rather than pile more work on a server that is behind.
                wait = CATCH_UP_SECONDS
                if self.until is not None:
                    wait = min(wait, max(0.0, self.until + 2.0 - loop.time()))
                try:
                    async with asyncio.timeout(wait):
                        await pending.done
                except TimeoutError:
                    self.lost = True
                return "timeout"
        except ConnectionClosed:
            return "connection closed"
        finally:
            self.pending = None
        if pending.error is not None:
            return pending.error
        return latency

    async def resync(self) -> None:
        self.lost = False
        for ws in self.sockets.values():
            try:
                await ws.send('{"type": "sync"}')
            except ConnectionClosed:
                pass
        await asyncio.sleep(1.0)

    def next_command(self) -> tuple[str, str, dict]:
        """A command that is valid in the first turn, from either partner."""
        state = self.state
        focuser = state["plan"]["first_focuser"]
        listener = "b" if focuser == "a" else "a"
        either = random.choice("ab")
        if state["paused_at"] is not None:
            return either, "resume", {}
        unseen = [r["id"] for r in state["requests"] if r["seen_at"] is None]
        if unseen and random.random() < 0.6:
            return listener, "acknowledge", {"id": unseen[0]}
        roll = random.random()
        if roll < 0.4 and len(state["requests"]) < 400:
            kind = random.choice(("say_back", "stay_silent", "slow_down", "a_moment"))
            return focuser, "request", {"request": kind}
        if roll < 0.8:
            return either, "pause", {}
        mode = random.choice(("often", "now_and_then", "silence"))
        signal_ = random.choice(("chime", "visual", "two_minutes", "none"))
        return either, "set_listening", {"mode": mode, "end_signal": signal_}

    async def walk_in(self) -> bool:
        """Both ready twice: waiting -> arrival -> turn_1."""
        for who in ("a", "b", "a", "b"):
            outcome = await self.command(who, "ready")
            if outcome == "timeout" and not self.lost:
                continue  # slow, but done
            if not isinstance(outcome, float):
                self.bench.figures.note(f"walking room {self.session_id} in: {outcome}")
                return False
        return self.state.get("phase") == "turn_1"

    async def drive(self, until: float) -> None:
        loop = asyncio.get_running_loop()
        figures = self.bench.figures
        self.until = until
        next_at = loop.time() + random.uniform(0, 2 * MEAN_COMMAND_GAP)
        while True:
            if next_at >= until or self.broken:
                return
            delay = next_at - loop.time()
            if delay > 0:
                await asyncio.sleep(delay)
            next_at = loop.time() + random.uniform(0.5, 2 * MEAN_COMMAND_GAP - 0.5)
            who, kind, args = self.next_command()
            outcome = await self.command(who, kind, args)
            if isinstance(outcome, float):
                figures.latencies.append(outcome)
                continue
            if outcome == "connection closed":
                continue  # counted once, by the reader
            figures.note(f"{kind} in room {self.session_id}: {outcome}")
            if outcome == "timeout":
                figures.timeouts += 1
                if not self.lost or loop.time() >= until:
                    continue
            else:
                figures.error_replies += 1
            await self.resync()

    async def heartbeat(self, until: float) -> None:
        """The room page's ping every 20 seconds, at a random offset per socket."""
        loop = asyncio.get_running_loop()

        async def beat(ws) -> None:
            at = loop.time() + random.uniform(0, HEARTBEAT_SECONDS)
            while at < until:
                await asyncio.sleep(at - loop.time())
                try:
                    await ws.send('{"type": "ping"}')
                except ConnectionClosed:
                    return
                at += HEARTBEAT_SECONDS

        await asyncio.gather(*(beat(ws) for ws in self.sockets.values()))


class Bench:
    def __init__(self, port: int):
        self.port = port
        self.figures = Figures()
        self.closing = False


async def loop_lag(until: float, lags: list[float]) -> None:
    """How late this client's own event loop wakes up: its share of the latencies."""
    loop = asyncio.get_running_loop()
    while loop.time() < until:
        before = time.perf_counter()
        await asyncio.sleep(0.05)
        lags.append(max(0.0, time.perf_counter() - before - 0.05))


async def run_rooms(server: Server, rooms_spec: list, seconds: float, log, probe=None) -> dict:
    bench = Bench(server.port)
    figures = bench.figures
    rooms = [Room(bench, sid, {"a": ca, "b": cb}) for sid, ca, cb in rooms_spec]
    loop = asyncio.get_running_loop()

    # Open the sockets in batches, so the server is not asked for a thousand at once.
    started = time.monotonic()
    for i in range(0, len(rooms), CONNECT_BATCH // 2):
        batch = rooms[i : i + CONNECT_BATCH // 2]
        outcomes = await asyncio.gather(
            *(room.open(who) for room in batch for who in ("a", "b")), return_exceptions=True
        )
        for outcome in outcomes:
            if isinstance(outcome, BaseException):
                figures.connection_failures += 1
                figures.note(f"opening a socket: {outcome!r}")
    opened = [room for room in rooms if len(room.sockets) == 2]
    log(f"    {2 * len(opened)} sockets open in {time.monotonic() - started:.1f} s")

    # Walk every room into its first turn (not measured), a batch at a time.
    started = time.monotonic()
    ready: list[Room] = []
    for i in range(0, len(opened), CONNECT_BATCH):
        batch = opened[i : i + CONNECT_BATCH]
        outcomes = await asyncio.gather(*(room.walk_in() for room in batch))
        ready.extend(room for room, ok in zip(batch, outcomes, strict=True) if ok)
    figures.setup_failures = len(opened) - len(ready)
    log(f"    {len(ready)} rooms in their first turn in {time.monotonic() - started:.1f} s")
    await asyncio.sleep(1.0)

    # The measured part.
    lags: list[float] = []
    until = loop.time() + seconds
    cpu_server, cpu_client, wall = server.cpu_seconds(), time.process_time(), time.monotonic()
    before = probe() if probe else {}
    await asyncio.gather(
        loop_lag(until, lags),
        *(room.drive(until) for room in ready),
        *(room.heartbeat(until) for room in ready),
    )
    wall = time.monotonic() - wall
    cpu_server = server.cpu_seconds() - cpu_server
    cpu_client = time.process_time() - cpu_client
    after = probe() if probe else {}

    bench.closing = True
    for i in range(0, len(rooms), CONNECT_BATCH):
        await asyncio.gather(*(room.close() for room in rooms[i : i + CONNECT_BATCH]))

    result = summarise(figures, len(rooms), wall, cpu_server, cpu_client, lags)
    for key, value in after.items():
        result[key + "_per_s"] = round((value - before.get(key, 0)) / wall, 1)
    return result


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(fraction * len(ordered)) - 1)]


def summarise(figures: Figures, n: int, wall: float, cpu_server, cpu_client, lags) -> dict:
    ms = [value * 1000 for value in figures.latencies]
    result: dict = {
        "rooms": n,
        "commands": len(ms),
        "p50_ms": round(percentile(ms, 0.50), 1) if ms else None,
        "p99_ms": round(percentile(ms, 0.99), 1) if ms else None,
        "max_ms": round(max(ms), 1) if ms else None,
        "errors": figures.errors,
        "error_replies": figures.error_replies,
        "timeouts": figures.timeouts,
        "connection_failures": figures.connection_failures,
        "rooms_not_started": figures.setup_failures,
        "commands_per_s": round(len(ms) / wall, 1) if wall else None,
        "server_cpu_pct": round(100 * cpu_server / wall) if wall else None,
        "client_cpu_pct": round(100 * cpu_client / wall) if wall else None,
        "client_loop_lag_p99_ms": round(percentile(lags, 0.99) * 1000, 1) if lags else None,
    }
    # The percentiles are of the commands that completed; when more than 1% did not (error or
    # over the time limit), the true p99 is worse than shown.
    attempts = len(ms) + figures.error_replies + figures.timeouts
    result["p99_understated"] = attempts > 0 and (attempts - len(ms)) > 0.01 * attempts
    if figures.error_samples:
        result["error_samples"] = figures.error_samples
    return result


# -- one setup ---------------------------------------------------------------------------


def run_config(
    name: str, rooms: list[int], seconds: float, log, postgres: Postgres | None = None
) -> dict:
    """Start the setup's server, measure each number of rooms, stop it. Raises on failure."""
    workdir = Path(tempfile.mkdtemp(prefix=f"felt-bench-{name}-"))
    server: Server | None = None
    results: dict = {}
    try:
        env = base_env(workdir)
        workers = 1
        if postgres is not None:
            env["FELT_DATABASE_URL"] = postgres.create()
            env["FELT_REDIS_URL"] = f"redis://{HOST}:{REDIS_PORT}/{REDIS_DB}"
            workers = 2
        run_felt(["migrate", "--no-input", "-v", "0"], env)
        server = Server(env, workdir, workers)
        server.start()
        log(f"  server on port {server.port}, {workers} worker process(es)")
        for n in rooms:
            log(f"  {n} rooms (about {n / MEAN_COMMAND_GAP:g} commands/s offered):")
            started = time.monotonic()
            spec = server.shell(MAKE_ROOMS.format(n=n, prefix=f"bench{n}x{uuid.uuid4().hex[:6]}"))
            log(f"    {2 * n} members and {n} sessions made in {time.monotonic() - started:.1f} s")
            probe = postgres.counters if postgres is not None else None
            results[str(n)] = run_async(run_rooms(server, spec, seconds, log, probe))
            row = results[str(n)]
            log(
                f"    {row['commands']} commands measured, p99 {row['p99_ms']} ms, "
                f"{row['errors']} errors"
            )
            if server.process is None or server.process.poll() is not None:
                raise RuntimeError(f"the server stopped during the run:\n{server.log_tail()}")
            if n != rooms[-1]:
                time.sleep(2.0)  # let the server finish the closed sockets before the next size
    finally:
        if server is not None:
            server.stop()
        if postgres is not None:
            try:
                postgres.drop()
            except Exception as error:  # noqa: BLE001 - report, then go on cleaning up
                log(f"  could not drop database {postgres.name}: {error}")
        shutil.rmtree(workdir, ignore_errors=True)
    return results


def run_async(coroutine):
    try:
        import uvloop

        with asyncio.Runner(loop_factory=uvloop.new_event_loop) as runner:
            return runner.run(coroutine)
    except ImportError:
        return asyncio.run(coroutine)


# -- output ------------------------------------------------------------------------------


def table(name: str, results: dict) -> str:
    head = (
        f"{'rooms':>6} {'commands':>9} {'p50 ms':>8} {'p99 ms':>8} {'max ms':>8} {'errors':>7}"
        f" {'cmd/s':>7} {'server CPU':>11} {'client CPU':>11} {'client lag p99':>15}"
    )
    lines = [f"{name}:", head]

    def show(value, suffix=""):
        return "-" if value is None else f"{value}{suffix}"

    for n, row in results.items():
        p99 = show(row["p99_ms"]) + ("*" if row["p99_understated"] else "")
        lines.append(
            f"{n:>6} {row['commands']:>9} {show(row['p50_ms']):>8} {p99:>8}"
            f" {show(row['max_ms']):>8} {row['errors']:>7} {show(row['commands_per_s']):>7}"
            f" {show(row['server_cpu_pct'], '%'):>11} {show(row['client_cpu_pct'], '%'):>11}"
            f" {show(row['client_loop_lag_p99_ms'], ' ms'):>15}"
        )
        if "pg_connections_per_s" in row:
            lines.append(
                f"{'':>6} PostgreSQL: {row['pg_connections_per_s']} new connections/s, "
                f"{row.get('pg_commits_per_s', '-')} commits/s"
            )
        if row["errors"] or row["rooms_not_started"]:
            lines.append(
                f"{'':>6} errors: {row['error_replies']} error replies, {row['timeouts']} "
                f"timeouts (> {COMMAND_TIMEOUT:g} s), {row['connection_failures']} connection "
                f"failures; {row['rooms_not_started']} rooms not started"
            )
            for sample in row.get("error_samples", []):
                lines.append(f"{'':>8}e.g. {sample[:150]}")
    return "\n".join(lines)


def room_counts(text: str) -> list[int]:
    try:
        counts = [int(part) for part in text.split(",") if part.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(
            "--rooms takes whole numbers separated by commas, such as 50,200,500"
        ) from None
    if not counts or any(count < 1 or count > 5000 for count in counts):
        raise argparse.ArgumentTypeError("--rooms takes numbers from 1 to 5000, such as 50,200")
    return counts


def positive_seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not 1 <= value <= 3600:
        raise argparse.ArgumentTypeError("--seconds takes a number from 1 to 3600")
    return value


def command_gap(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = 0.0
    if not 1.0 <= value <= 600.0:
        raise argparse.ArgumentTypeError("--gap takes a number of seconds from 1 to 600")
    return value


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="bench/room.py",
        description="Load the session room of a live Felt server with many rooms and report "
        "command latency (send to both partners having the new state).",
    )
    parser.add_argument(
        "--rooms", type=room_counts, default=[50, 200, 500], help="room counts (50,200,500)"
    )
    parser.add_argument(
        "--seconds", type=positive_seconds, default=20.0, help="measured seconds per count (20)"
    )
    parser.add_argument(
        "--config", choices=("embedded", "redis", "both"), default="both", help="setup (both)"
    )
    parser.add_argument(
        "--gap",
        type=command_gap,
        default=MEAN_COMMAND_GAP,
        help=f"mean seconds between two commands in one room ({MEAN_COMMAND_GAP:g}; a real "
        "session sends one every half minute or so)",
    )
    parser.add_argument(
        "--smoke", action="store_true", help="5 rooms for 5 seconds, both setups: does it run?"
    )
    args = parser.parse_args(argv)
    if args.smoke:
        args.rooms, args.seconds, args.config = [5], 5.0, "both"
    return args


def load_average() -> str:
    try:
        return " ".join(f"{value:.2f}" for value in os.getloadavg())
    except OSError:
        return "unknown"


def raise_file_limit(needed: int) -> None:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft >= needed:
        return
    target = needed if hard == resource.RLIM_INFINITY else min(needed, hard)
    resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))


def main(argv: list[str] | None = None) -> int:
    global MEAN_COMMAND_GAP
    args = parse_args(argv)
    MEAN_COMMAND_GAP = args.gap
    root = Path(__file__).resolve().parent.parent
    os.chdir(root)
    # Sockets here plus the server's own (it inherits the limit), with room to spare.
    raise_file_limit(4 * max(args.rooms) + 1024)

    def log(text: str) -> None:
        print(text, flush=True)

    cores = os.cpu_count()
    log(
        f"Felt room benchmark: rooms {','.join(map(str, args.rooms))}, {args.seconds:g} s each, "
        f"one command per room every ~{MEAN_COMMAND_GAP:g} s, heartbeat every "
        f"{HEARTBEAT_SECONDS:g} s per socket."
    )
    log(
        f"Note: the client (this process, one asyncio loop) and the server share this machine's "
        f"{cores} CPU core(s); the figures are for both together. CPU % is of one core."
    )
    log(
        "Server CPU counts the felt processes only (not PostgreSQL or Redis); cmd/s counts "
        "commands measured within the time limit."
    )
    log(f"Load average before starting: {load_average()} (anything else running skews this).")

    configs = ["embedded", "redis"] if args.config == "both" else [args.config]
    everything: dict = {}
    failed = False
    for name in configs:
        log(f"\n== {name} ==")
        postgres = None
        if name == "redis":
            why = redis_reachable()
            if why is None:
                postgres = Postgres()
                why = postgres.reachable()
                why = None if why is None else f"PostgreSQL on {HOST}:{PG_PORT}: {why}"
            else:
                why = f"Redis on {HOST}:{REDIS_PORT}: {why}"
            if why is not None:
                log(f"Skipping the redis setup: {why}.")
                everything[name] = {"skipped": why}
                continue
        started = time.monotonic()
        try:
            results = run_config(name, args.rooms, args.seconds, log, postgres)
        except Exception as error:  # noqa: BLE001 - report the benchmark itself failing
            log(f"The {name} benchmark could not run: {error}")
            everything[name] = {"failed": str(error).splitlines()[0]}
            failed = True
            continue
        log(f"  ({name} took {time.monotonic() - started:.0f} s in all)")
        everything[name] = results
        if any(row["commands"] == 0 for row in results.values()):
            log(f"The {name} benchmark measured no commands for some room count.")
            failed = True

    log("")
    for name, results in everything.items():
        if "skipped" in results or "failed" in results:
            log(f"{name}: {results.get('skipped') or results.get('failed')}")
        else:
            log(table(name, results))
        log("")
    log(
        "* p50/p99/max are of the commands that completed within "
        f"{COMMAND_TIMEOUT:g} s; a * marks a p99 understated because over 1% did not."
    )
    log(
        f"(client and server share {cores} CPU core(s); server CPU counts all server "
        f"processes; load average now {load_average()}; goal: {GOAL})"
    )
    summary: dict = {}
    for name, results in everything.items():
        if "skipped" in results or "failed" in results:
            summary[name] = results
            continue
        summary[name] = {
            n: {key: value for key, value in row.items() if key != "error_samples"}
            for n, row in results.items()
        }
    summary["goal"] = GOAL
    summary["cpu_count"] = cores
    print(json.dumps(summary, separators=(",", ":")), flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
