"""A call between two partners' headless Chromium pages, inside a private network namespace.

Run by tests/call/harness.py (and bench/call.py) as
`unshare -n python -m tests.call.netns_call <scenario> --template DB --workdir DIR [--runs N]`;
never on the host's own network. It brings up loopback, starts Felt on 127.0.0.1 with a copy of
a migrated SQLite database, and coturn when the scenario needs it, drives the two pages with
Chromium's fake microphone and camera, and prints one JSON line with what it saw. Every process
it starts is stopped by its own PID.

Scenarios:
  direct   ICE with host candidates only (no STUN or TURN configured); then the call's
           controls, and the session switching to audio only and then to in person
  relay    forced through coturn (iceTransportPolicy "relay") with Felt's TURN credentials; then
           coturn is stopped mid-turn: the call is lost and "continue by phone" keeps the session
  wrong-secret  forced through coturn, but Felt has the wrong secret: the call must not connect
  reload   direct, mid-turn; one partner reloads the page and the call must come back
  timed-direct, timed-relay   --runs calls in a row, timed (bench/call.py)
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import secrets
import shutil
import signal
import socket
import struct
import subprocess
import sys
import time
import uuid
from pathlib import Path

from playwright.async_api import async_playwright

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--allow-loopback-in-peer-connection",
    "--use-fake-ui-for-media-stream",
    "--use-fake-device-for-media-stream",
]
TURN_PORT = 3478
REALM = "felt.test"


# -- the namespace's own processes ----------------------------------------------------------------


class SqliteCopies:
    """Stands in for tests.live.Database: each server gets a fresh copy of the template."""

    def __init__(self, template: Path, workdir: Path):
        self.template = template
        self.workdir = workdir

    def fresh(self) -> str:
        copy = self.workdir / f"felt-{uuid.uuid4().hex[:8]}.sqlite3"
        shutil.copy(self.template, copy)
        return f"sqlite:///{copy}"


def stun_answers(port: int, timeout: float = 0.3) -> bool:
    """Whether a STUN server answers a binding request on 127.0.0.1:port (RFC 5389)."""
    request = struct.pack("!HHI12s", 0x0001, 0, 0x2112A442, secrets.token_bytes(12))
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as udp:
        udp.settimeout(timeout)
        try:
            udp.sendto(request, ("127.0.0.1", port))
            answer, _ = udp.recvfrom(2048)
        except OSError:
            return False
    return len(answer) >= 20 and struct.unpack("!H", answer[:2])[0] == 0x0101


class Coturn:
    """Debian's coturn on 127.0.0.1, checking TURN REST credentials against `secret`."""

    def __init__(self, workdir: Path, secret: str):
        self.workdir = workdir
        self.secret = secret
        self.process: subprocess.Popen | None = None
        self.log_path = workdir / "coturn.log"

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                "/usr/bin/turnserver",
                "-n",  # no configuration file: everything is on this line
                f"--listening-port={TURN_PORT}",
                "--listening-ip=127.0.0.1",
                "--relay-ip=127.0.0.1",
                "--min-port=49160",
                "--max-port=49200",
                "--use-auth-secret",
                f"--static-auth-secret={self.secret}",
                f"--realm={REALM}",
                "--fingerprint",
                "--no-cli",
                "--no-tls",
                "--no-dtls",
                "--no-tcp-relay",
                # Loopback is all there is in here; a real deployment never allows it.
                "--allow-loopback-peers",
                f"--pidfile={self.workdir / 'coturn.pid'}",
                f"--userdb={self.workdir / 'turndb'}",
                f"--log-file={self.log_path}",
                "--simple-log",
                "--no-stdout-log",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"coturn stopped at start:\n{self.log()}")
            if stun_answers(TURN_PORT):
                return
            time.sleep(0.05)
        raise RuntimeError(f"coturn did not answer within 15 seconds:\n{self.log()}")

    def stop(self) -> None:
        if self.process is None:
            return
        os.kill(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.kill(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)
        self.process = None

    def log(self) -> str:
        try:
            return self.log_path.read_text(errors="replace")[-3000:]
        except OSError:
            return ""


# -- the two people ---------------------------------------------------------------------------------


class Person:
    def __init__(self, name: str, page, errors: list):
        self.name = name
        self.page = page
        self.errors = errors

    async def stats(self) -> dict | None:
        return await self.page.evaluate("() => window.feltCall ? window.feltCall.stats() : null")

    async def call_state(self) -> str | None:
        return await self.page.locator("#call").get_attribute("data-call-state")

    async def text(self, selector: str) -> str:
        return (await self.page.locator(selector).text_content() or "").strip()

    async def room(self) -> dict:
        root = self.page.locator("#room")
        remaining = await self.page.locator("#clock").get_attribute("data-remaining-seconds")
        return {
            "seq": int(await root.get_attribute("data-seq") or -1),
            "phase": await root.get_attribute("data-phase"),
            "remaining": int(remaining) if remaining not in (None, "") else None,
        }


async def open_person(browser, server, name: str, cookie: str, path: str) -> Person:
    context = await browser.new_context(base_url=server.url)
    await context.add_cookies([{"name": "sessionid", "value": cookie, "url": server.url}])
    page = await context.new_page()
    page.set_default_timeout(20000)
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(f"pageerror: {error}"))

    def console(message):
        # A socket refused while a page reloads is the network, not the page.
        if message.type == "error" and not message.text.startswith("WebSocket connection to"):
            errors.append(f"console: {message.text}")

    page.on("console", console)
    person = Person(name, page, errors)
    person.path = path
    return person


async def until(check, *, timeout: float, interval: float = 0.025):
    """Poll `check()` (a coroutine function) until it returns something true; return that."""
    deadline = time.monotonic() + timeout
    while True:
        value = await check()
        if value:
            return value
        if time.monotonic() > deadline:
            return value
        await asyncio.sleep(interval)


async def first_bytes(person: Person, kind: str, *, timeout: float) -> float | None:
    """The moment (time.time()) this page first saw bytes of `kind` from its partner."""

    async def check():
        stats = await person.stats()
        return stats and stats[f"{kind}BytesReceived"] > 0

    if await until(check, timeout=timeout):
        return time.time()
    return None


async def both_ready(*people: Person) -> None:
    for person in people:
        await person.page.locator("#ready-button").click()


async def wait_for_phase(person: Person, phase: str, timeout: float = 15) -> bool:
    async def check():
        return (await person.room())["phase"] == phase

    return bool(await until(check, timeout=timeout, interval=0.05))


async def media_both_ways(ada: Person, bo: Person, timeout: float) -> dict:
    """Wait until each page receives the other's audio and video; report what each saw."""

    async def flowing(person: Person):
        stats = await person.stats()
        if stats and stats["audioBytesReceived"] > 0 and stats["videoBytesReceived"] > 0:
            return stats
        return None

    seen = await asyncio.gather(
        until(lambda: flowing(ada), timeout=timeout), until(lambda: flowing(bo), timeout=timeout)
    )
    out = {}
    for person, stats in zip((ada, bo), seen, strict=True):
        if not stats:
            stats = await person.stats()
        out[person.name] = {
            "stats": stats,
            "call_state": await person.call_state(),
            "status": await person.text("#call-status"),
        }
    return out


# -- scenarios ----------------------------------------------------------------------------------------


async def timed_call(browser, server, world, session, *, timeout: float) -> dict:
    """Open both pages at once; time until each has its partner's audio (and video)."""
    path = f"/sessions/{session}/"
    ada = await open_person(browser, server, "ada", world["Ada"]["cookie"], path)
    bo = await open_person(browser, server, "bo", world["Bo"]["cookie"], path)
    started = time.time()
    await asyncio.gather(ada.page.goto(path), bo.page.goto(path))
    loaded = time.time()
    audio = await asyncio.gather(
        first_bytes(ada, "audio", timeout=timeout), first_bytes(bo, "audio", timeout=timeout)
    )
    result = {
        "loaded_seconds": loaded - started,
        "audio_seconds": None
        if None in audio
        else max(at for at in audio if at is not None) - started,
    }
    result["media"] = await media_both_ways(ada, bo, timeout=timeout)
    result["timings"] = {
        person.name: await person.page.evaluate("() => window.feltCall.timings")
        for person in (ada, bo)
    }
    result["errors"] = ada.errors + bo.errors
    result["people"] = (ada, bo)
    return result


async def close(*people: Person) -> None:
    for person in people:
        await person.page.context.close()


async def scenario_timed(browser, server, world, session, runs: int) -> dict:
    seconds = []
    steps = []
    last = None
    for _ in range(runs):
        last = await timed_call(browser, server, world, session, timeout=30)
        await close(*last.pop("people"))
        seconds.append(last["audio_seconds"])
        steps.append(last["timings"])
    return {"audio_seconds": seconds, "steps": steps, "last": last}


async def bytes_now(person: Person) -> tuple[int, int]:
    stats = await person.stats()
    return (stats["audioBytesReceived"], stats["videoBytesReceived"]) if stats else (0, 0)


async def flow(person: Person, seconds: float = 1.5) -> dict:
    """How many audio and video bytes arrive at this page over the next `seconds`."""
    audio, video = await bytes_now(person)
    await asyncio.sleep(seconds)
    audio_after, video_after = await bytes_now(person)
    return {"audio": audio_after - audio, "video": video_after - video}


async def scenario_direct(browser, server, world, session) -> dict:
    """A call, its controls, then the ways to meet: audio only, then in person."""
    call = await timed_call(browser, server, world, session, timeout=30)
    ada, bo = call.pop("people")
    out = {"media": call["media"]}

    # Bo mutes and turns his camera off: Ada is told, in words, where his picture was.
    await bo.page.locator("#call-mute").click()
    await bo.page.locator("#call-camera").click()

    async def note_is(person: Person, text: str):
        note = person.page.locator("#call-remote-note")
        return await note.is_visible() and (await note.text_content() or "").strip() == text

    out["told_muted_and_camera_off"] = bool(
        await until(lambda: note_is(ada, "Bo's camera is off. Bo is muted."), timeout=10)
    )
    out["bo_controls_off"] = {
        "mute_pressed": await bo.page.locator("#call-mute").get_attribute("aria-pressed"),
        "camera_pressed": await bo.page.locator("#call-camera").get_attribute("aria-pressed"),
        "self_note": await bo.text("#call-self-note"),
        "self_note_visible": await bo.page.locator("#call-self-note").is_visible(),
    }
    # And back on: the note goes, and his picture flows again.
    await bo.page.locator("#call-camera").click()
    await bo.page.locator("#call-mute").click()

    async def picture_back():
        return not await ada.page.locator("#call-remote-note").is_visible()

    out["picture_back"] = bool(await until(picture_back, timeout=10))
    out["flow_after_camera_back"] = await flow(ada)
    # Bo hides his own picture; his choices of microphone and camera are listed.
    await bo.page.locator("#call-self-view").click()
    out["self_view_hidden"] = not await bo.page.locator("#call-self-figure").is_visible()
    out["devices"] = {
        "microphones": await bo.page.locator("#call-microphone option").count(),
        "cameras": await bo.page.locator("#call-camera-select option").count(),
    }

    # Ada chooses audio only for this session: both cameras go off, the voices go on.
    seq = (await ada.room())["seq"]
    await ada.page.locator("#meeting-way-change summary").click()
    await ada.page.locator("#meeting-way-select").select_option("audio")
    await ada.page.get_by_role("button", name="Change for this session").click()

    async def way_is(person: Person, way: str):
        return await person.page.locator("#call").get_attribute("data-way") == way

    out["audio_way"] = await asyncio.gather(
        until(lambda: way_is(ada, "audio"), timeout=10),
        until(lambda: way_is(bo, "audio"), timeout=10),
    )
    await asyncio.sleep(1.0)  # the last video frames in flight
    out["audio_only"] = {
        "ada_flow": await flow(ada),
        "bo_flow": await flow(bo),
        "camera_buttons_visible": [
            await person.page.locator("#call-camera").is_visible() for person in (ada, bo)
        ],
        "bo_status": await bo.text("#call-status"),
        "ada_note": await ada.text("#call-remote-note"),
        "seq": (await bo.room())["seq"],
        "seq_before": seq,
    }

    # Then in person: no call at all, only the room's structure.
    await ada.page.locator("#meeting-way-select").select_option("in_person")
    await ada.page.get_by_role("button", name="Change for this session").click()

    async def no_call(person: Person):
        return (
            await person.call_state() == "off"
            and not await person.page.locator("#call").is_visible()
        )

    out["in_person"] = await asyncio.gather(
        until(lambda: no_call(ada), timeout=10), until(lambda: no_call(bo), timeout=10)
    )
    out["in_person_text"] = await bo.text("#meeting-way-text")
    out["in_person_stats"] = await bo.stats()
    out["errors"] = ada.errors + bo.errors
    await close(ada, bo)
    return out


async def scenario_relay(browser, server, world, session, coturn: Coturn) -> dict:
    call = await timed_call(browser, server, world, session, timeout=30)
    ada, bo = call.pop("people")
    # Into the first turn, so "continue by phone" can be seen to keep a running turn's clock.
    await both_ready(ada, bo)
    await wait_for_phase(ada, "arrival")
    await both_ready(ada, bo)
    in_turn = await wait_for_phase(ada, "turn_1") and await wait_for_phase(bo, "turn_1")
    before = {"ada": await ada.room(), "bo": await bo.room()}

    # The relay goes away: the call is lost, and the page offers to continue by phone.
    coturn.stop()
    lost_at = time.time()

    async def offers_phone(person: Person):
        return await person.page.locator("#call-continue-by-phone").is_visible()

    offered = await asyncio.gather(
        until(lambda: offers_phone(ada), timeout=40, interval=0.1),
        until(lambda: offers_phone(bo), timeout=40, interval=0.1),
    )
    lost = {
        "seconds": time.time() - lost_at,
        "offered": offered,
        "ada": {"state": await ada.call_state(), "status": await ada.text("#call-status")},
        "bo": {"state": await bo.call_state(), "status": await bo.text("#call-status")},
    }
    during = {"ada": await ada.room(), "bo": await bo.room()}
    if all(offered):
        await bo.page.locator("#call-continue-by-phone").click()

    async def phone(person: Person):
        return (
            await person.call_state() == "off"
            and not await person.page.locator("#call").is_visible()
        )

    by_phone = await asyncio.gather(
        until(lambda: phone(ada), timeout=10, interval=0.05),
        until(lambda: phone(bo), timeout=10, interval=0.05),
    )
    after = {"ada": await ada.room(), "bo": await bo.room()}
    call["lost"] = lost | {
        "in_turn": in_turn,
        "before": before,
        "during": during,
        "after": after,
        "by_phone": by_phone,
        "way_text": await ada.text("#meeting-way-text"),
        "call_controls_visible": await ada.page.locator("#call-mute").is_visible(),
    }
    call["errors"] = ada.errors + bo.errors
    await close(ada, bo)
    return call


async def scenario_wrong_secret(browser, server, world, session) -> dict:
    path = f"/sessions/{session}/"
    ada = await open_person(browser, server, "ada", world["Ada"]["cookie"], path)
    bo = await open_person(browser, server, "bo", world["Bo"]["cookie"], path)
    await asyncio.gather(ada.page.goto(path), bo.page.goto(path))

    async def failed(person: Person):
        return await person.call_state() == "failed"

    started = time.time()
    seen_failed = await asyncio.gather(
        until(lambda: failed(ada), timeout=30, interval=0.1),
        until(lambda: failed(bo), timeout=30, interval=0.1),
    )
    out = {"failed_seconds": time.time() - started, "failed": seen_failed}
    for person in (ada, bo):
        out[person.name] = {
            "state": await person.call_state(),
            "status": await person.text("#call-status"),
            "offers_phone": await person.page.locator("#call-continue-by-phone").is_visible(),
            "stats": await person.stats(),
        }
    out["errors"] = ada.errors + bo.errors
    await close(ada, bo)
    return out


async def scenario_reload(browser, server, world, session) -> dict:
    call = await timed_call(browser, server, world, session, timeout=30)
    ada, bo = call.pop("people")
    await both_ready(ada, bo)
    await wait_for_phase(ada, "arrival")
    await both_ready(ada, bo)
    in_turn = await wait_for_phase(ada, "turn_1") and await wait_for_phase(bo, "turn_1")
    before = {"ada": await ada.room(), "bo": await bo.room(), "at": time.time()}

    made = (await ada.stats())["connections"]
    await bo.page.reload()
    reloaded_at = time.time()

    async def renegotiated():
        # Ada's page makes a fresh connection with the page that came back.
        stats = await ada.stats()
        return stats and stats["connections"] > made

    fresh = bool(await until(renegotiated, timeout=30))
    again = await media_both_ways(ada, bo, timeout=30)
    back_seconds = time.time() - reloaded_at
    # Both pages draw the clock from the server's time: let the reloaded one draw once more.
    await asyncio.sleep(0.5)
    after = {"ada": await ada.room(), "bo": await bo.room(), "at": time.time()}

    # Ada opens the room in a second window: the call moves there, the first steps back and
    # says so; "take the call in this window" brings it back.
    ada_again = await open_person(browser, server, "ada_again", world["Ada"]["cookie"], ada.path)
    await ada_again.page.goto(ada.path)

    async def states(*want):
        return [await p.call_state() for p in (ada, ada_again, bo)] == list(want)

    moved = bool(await until(lambda: states("elsewhere", "connected", "connected"), timeout=20))
    elsewhere_status = await ada.text("#call-status")
    await ada.page.get_by_role("button", name="Take the call in this window").click()
    back = bool(await until(lambda: states("connected", "elsewhere", "connected"), timeout=20))
    two_windows = {
        "moved": moved,
        "status": elsewhere_status,
        "back": back,
        "flow": await flow(ada),
        "errors": ada_again.errors,
    }
    out = {
        "first": call["media"],
        "in_turn": in_turn,
        "before": before,
        "connections_before": made,
        "fresh_connection": fresh,
        "again": again,
        "back_seconds": back_seconds,
        "after": after,
        "two_windows": two_windows,
        "errors": call["errors"] + ada.errors + bo.errors,
    }
    await close(ada, bo)
    return out


# -- putting it together --------------------------------------------------------------------------


def network_up() -> None:
    if not Path("/proc/self/ns/net").exists():
        raise RuntimeError("no network namespaces here")
    subprocess.run(["ip", "link", "set", "lo", "up"], check=True)


async def main_async(args) -> dict:
    # PostgreSQL and Redis on the host's loopback cannot be reached from here: this server
    # keeps SQLite and the in-process channel layer whatever the outer run uses.
    for name in ("FELT_DATABASE_URL", "FELT_REDIS_URL"):
        os.environ.pop(name, None)
    from tests.live import LiveFelt

    workdir = Path(args.workdir)
    scenario = args.scenario
    turn_secret = "felt-call-test-" + secrets.token_hex(16)
    coturn = None
    server = None
    ice_env: dict[str, str] = {}
    if scenario in ("relay", "wrong-secret", "timed-relay"):
        coturn = Coturn(workdir, turn_secret)
        ice_env = {
            "FELT_TURN_URLS": f"turn:127.0.0.1:{TURN_PORT}?transport=udp",
            "FELT_TURN_SECRET": turn_secret if scenario != "wrong-secret" else "not-the-secret",
            "FELT_ICE_TRANSPORT_POLICY": "relay",
        }
    try:
        if coturn:
            coturn.start()
        server = LiveFelt(SqliteCopies(Path(args.template), workdir), workdir, minute_seconds=60)
        server.env.update(ice_env)
        server.start()
        world = server.make_partners("Ada", "Bo")
        session = server.start_session(world["partnership"], world["Ada"]["id"])
        async with async_playwright() as playwright:
            browser = await playwright.chromium.launch(
                executable_path=CHROMIUM, args=CHROMIUM_FLAGS
            )
            try:
                if scenario in ("timed-direct", "timed-relay"):
                    result = await scenario_timed(browser, server, world, session, args.runs)
                elif scenario == "direct":
                    result = await scenario_direct(browser, server, world, session)
                elif scenario == "relay":
                    result = await scenario_relay(browser, server, world, session, coturn)
                elif scenario == "wrong-secret":
                    result = await scenario_wrong_secret(browser, server, world, session)
                elif scenario == "reload":
                    result = await scenario_reload(browser, server, world, session)
                else:
                    raise SystemExit(f"unknown scenario {scenario!r}")
            finally:
                await browser.close()
        log = server.log()
        result["server_log_mentions_secret"] = turn_secret in log
        result["server_log_signal_lines"] = sum(
            1 for line in log.splitlines() if "signal relayed" in line
        )
        if coturn:
            result["coturn_log_tail"] = coturn.log()[-1500:]
        return result
    finally:
        if server is not None:
            server.stop()
        if coturn is not None:
            coturn.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "scenario",
        choices=["direct", "relay", "wrong-secret", "reload", "timed-direct", "timed-relay"],
    )
    parser.add_argument("--template", required=True)
    parser.add_argument("--workdir", required=True)
    parser.add_argument("--runs", type=int, default=1)
    args = parser.parse_args()
    network_up()
    result = asyncio.run(main_async(args))
    sys.stdout.write(json.dumps(result, default=str) + "\n")


if __name__ == "__main__":
    main()
