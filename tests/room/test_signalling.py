"""The call's signalling over the room's socket, with real WebSockets against a real Felt.

Only the other partner of the session hears a partner's signalling: not the sender's own tabs,
not a stranger, not another session. Bad signalling gets one clear sentence and goes nowhere.
The TURN secret never leaves the server.
"""

import asyncio
import base64
import hashlib
import hmac
import json
import urllib.request

import pytest
from websockets.exceptions import InvalidStatus

from tests.live import LiveFelt
from tests.room.socket_client import RoomClient
from tests.room.test_socket import run

TURN_SECRET = "turn-secret-for-the-signalling-tests-0f9c2a"
PEER_A = "ada-tab-0001"
PEER_A2 = "ada-tab-0002"
PEER_B = "bo-tab-00001"
SDP_MARKER = "felt-private-sdp-marker"


def sdp(size: int = 0) -> str:
    text = f"v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns={SDP_MARKER}\r\nt=0 0\r\n"
    return text + "a=x\r\n" * max(0, (size - len(text)) // 5)


@pytest.fixture(scope="module")
def calls(live_database, tmp_path_factory):
    """One Felt with TURN configured for this module; Ada and Bo in one session, Cy and Dee in
    another. Signalling changes no session, so the tests can share them."""
    server = LiveFelt(live_database, tmp_path_factory.mktemp("signalling"))
    server.env.update(
        {
            "FELT_STUN_URLS": "stun:turn.example.org:3478",
            "FELT_TURN_URLS": "turn:turn.example.org:3478?transport=udp",
            "FELT_TURN_SECRET": TURN_SECRET,
            "FELT_TURN_TTL_SECONDS": "3600",
        }
    )
    server.start()
    try:
        world = server.make_partners("Ada", "Bo", "Cy", "Dee")
        sessions = server.shell(
            f"""
            import json
            from felt.accounts.models import Member
            from felt.partnerships.models import Partnership
            from felt.room.services import start_session
            ada, cy, dee = (Member.objects.get(pk=pk) for pk in
                            ({world["Ada"]["id"]}, {world["Cy"]["id"]}, {world["Dee"]["id"]}))
            theirs = Partnership.objects.create(member_a=cy, member_b=dee)
            ours = Partnership.objects.get(pk={world["partnership"]})
            print(json.dumps([start_session(partnership=ours, member=ada).pk,
                              start_session(partnership=theirs, member=cy).pk]))
            """
        )
        yield server, world, *sessions
    finally:
        server.stop()


def signal(kind: str, payload: dict, *, peer: str, to: str | None = None) -> str:
    return json.dumps({"type": "signal", "kind": kind, "peer": peer, "to": to, "payload": payload})


def test_a_partners_signalling_reaches_the_other_partner_only(calls):
    server, world, session, other_session = calls

    async def scenario():
        async with (
            RoomClient(server, session, world["Ada"]["cookie"]) as ada,
            RoomClient(server, session, world["Ada"]["cookie"]) as ada_again,
            RoomClient(server, session, world["Bo"]["cookie"]) as bo,
            RoomClient(server, other_session, world["Cy"]["cookie"]) as cy,
            RoomClient(server, other_session, world["Dee"]["cookie"]) as dee,
        ):
            offer = {"sdp": sdp()}
            await ada.send_raw(signal("offer", offer, peer=PEER_A, to=PEER_B))
            heard = await bo.next("signal")
            assert heard == {
                "type": "signal",
                "kind": "offer",
                "from": "a",
                "peer": PEER_A,
                "to": PEER_B,
                "payload": offer,
            }
            # Each socket hears in order: had Ada's offer reached any of the others, it would
            # come before what is sent to them next.
            await bo.send_raw(signal("answer", {"sdp": sdp()}, peer=PEER_B, to=PEER_A))
            for tab in (ada, ada_again):
                answer = await tab.next("signal")
                assert (answer["kind"], answer["from"], answer["peer"]) == ("answer", "b", PEER_B)
            await dee.send_raw(signal("hello", {}, peer="dee-tab-0001"))
            from_dee = await cy.next("signal")
            assert (from_dee["kind"], from_dee["from"]) == ("hello", "b")
            # And Cy's session's signalling stays in Cy's session.
            await cy.send_raw(signal("hello", {}, peer="cy-tab-00001"))
            assert (await dee.next("signal"))["from"] == "a"
            await ada.send_raw(signal("bye", {}, peer=PEER_A, to=PEER_B))
            assert (await bo.next("signal"))["kind"] == "bye"
            for tab in (ada, ada_again, bo, cy, dee):
                assert [m for m in tab.inbox if m["type"] == "signal"] == []
            # Signalling never changes the session.
            before = ada.seq
            await ada.send_raw(json.dumps({"type": "sync"}))
            assert (await ada.next("state"))["seq"] == before

    run(scenario())
    log = server.log()
    assert f"signal relayed session={session} kind=offer by=a" in log
    assert SDP_MARKER not in log


def test_a_stranger_is_refused_before_any_signalling(calls):
    server, world, session, _other = calls

    async def scenario():
        with pytest.raises(InvalidStatus) as refused:
            async with RoomClient(server, session, world["Cy"]["cookie"]):
                pass
        return refused.value.response.status_code

    assert run(scenario()) == 403


BAD_SIGNALS = [
    (signal("restart", {}, peer=PEER_A), "not a kind of call message"),
    (signal("offer", {"sdp": "hello"}, peer=PEER_A), "could not be read"),
    (signal("offer", {"sdp": sdp(), "type": "offer"}, peer=PEER_A), "could not be read"),
    (signal("offer", {"sdp": sdp()}, peer="x"), "could not be read"),
    (signal("offer", {"sdp": sdp()}, peer=PEER_A, to="../../b"), "could not be read"),
    (signal("candidate", {"candidate": "candidate:1", "sdpMLineIndex": -1}, peer=PEER_A), "read"),
    (signal("media", {"audio": "yes", "video": False}, peer=PEER_A), "could not be read"),
    (json.dumps({"type": "signal", "kind": "offer", "peer": PEER_A, "payload": "v=0"}), "read"),
    (signal("offer", {"sdp": sdp(15_500)}, peer=PEER_A), "too large"),
    (signal("offer", {"sdp": sdp(17_000)}, peer=PEER_A), "too large"),
    (json.dumps({"type": "ping", "pad": "x" * 5000}), "too large"),
    ("{not json", "could not be read"),
]


def test_malformed_or_oversized_signalling_gets_a_clear_error_and_goes_nowhere(calls):
    server, world, session, _other = calls

    async def scenario():
        async with (
            RoomClient(server, session, world["Ada"]["cookie"]) as ada,
            RoomClient(server, session, world["Bo"]["cookie"]) as bo,
        ):
            for text, words in BAD_SIGNALS:
                await ada.send_raw(text)
                error = await ada.next("error")
                sentence = error["message"]
                assert words in sentence, (text[:80], sentence)
                assert sentence[0].isupper() and sentence.endswith(".")
            # None of it reached Bo: the first signal he hears is the good one sent after.
            await ada.send_raw(signal("hello", {}, peer=PEER_A))
            assert (await bo.next("signal"))["kind"] == "hello"
            assert [m for m in bo.inbox if m["type"] == "signal"] == []
            # The session is as it was, and Ada's socket still works for the room.
            before = ada.seq
            await ada.send_raw(json.dumps({"type": "sync"}))
            assert (await ada.next("state"))["seq"] == before
            await ada.send_raw(json.dumps({"type": "ping"}))
            assert (await ada.next("pong"))["type"] == "pong"

    run(scenario())
    log = server.log()
    assert f"signal dropped session={session} kind=unknown reason=malformed" in log
    assert f"signal dropped session={session} kind=offer reason=malformed" in log
    assert "reason=too_large" in log
    assert SDP_MARKER not in log and "restart" not in log


def test_a_large_video_offer_within_the_limit_is_passed_on_whole(calls):
    server, world, session, _other = calls
    offer = {"sdp": sdp(10_000)}

    async def scenario():
        async with (
            RoomClient(server, session, world["Ada"]["cookie"]) as ada,
            RoomClient(server, session, world["Bo"]["cookie"]) as bo,
        ):
            await ada.send_raw(signal("offer", offer, peer=PEER_A, to=PEER_B))
            return await bo.next("signal")

    heard = run(scenario())
    assert len(heard["payload"]["sdp"]) >= 9_900
    assert heard["payload"] == offer


def test_a_flood_of_signalling_is_cut_off_with_one_sentence(calls):
    server, world, session, _other = calls
    candidate = {"candidate": "candidate:1 1 udp 1 127.0.0.1 9 typ host", "sdpMid": "0"}

    async def scenario():
        async with (
            RoomClient(server, session, world["Ada"]["cookie"]) as ada,
            RoomClient(server, session, world["Bo"]["cookie"]) as bo,
        ):
            for _ in range(140):
                await ada.send_raw(signal("candidate", candidate, peer=PEER_A, to=PEER_B))
            error = await ada.next("error")
            await ada.send_raw(json.dumps({"type": "ping"}))
            await ada.next("pong")
            # Everything Ada's socket let through reaches Bo; then the tally is taken.
            await asyncio.sleep(0.5)
            heard = 0
            try:
                while True:
                    await bo.next("signal", timeout=0.5)
                    heard += 1
            except TimeoutError:
                pass
            return error["message"], heard

    sentence, heard = run(scenario())
    assert sentence.startswith("Too many call messages")
    assert 100 <= heard < 140
    assert "reason=too_many" in server.log()


def test_each_partner_gets_their_own_short_lived_turn_credentials_and_never_the_secret(calls):
    server, world, session, _other = calls

    async def ask(cookie):
        async with RoomClient(server, session, cookie) as client:
            await client.send_raw(json.dumps({"type": "ice_servers"}))
            return await client.next("ice_servers")

    answers = {name: run(ask(world[name]["cookie"])) for name in ("Ada", "Bo")}
    for name, answer in answers.items():
        stun, turn = answer["ice_servers"]
        assert stun == {"urls": ["stun:turn.example.org:3478"]}
        expiry, member = turn["username"].split(":")
        assert member == str(world[name]["id"])
        assert int(expiry) == answer["expires_at"]
        expected = base64.b64encode(
            hmac.new(TURN_SECRET.encode(), turn["username"].encode(), hashlib.sha1).digest()
        ).decode()
        assert turn["credential"] == expected
        assert answer["ice_transport_policy"] == "all"
        assert TURN_SECRET not in json.dumps(answer)
    assert answers["Ada"]["ice_servers"][1] != answers["Bo"]["ice_servers"][1]

    # Nor is the secret in the room's page, its scripts, or anything the socket says at hello.
    request = urllib.request.Request(
        f"{server.url}/sessions/{session}/",
        headers={"Cookie": f"sessionid={world['Ada']['cookie']}"},
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        page = response.read().decode()
    assert 'id="call"' in page
    for script in ("/static/room/call.js", "/static/room/room.js"):
        with urllib.request.urlopen(server.url + script, timeout=10) as response:
            assert TURN_SECRET not in response.read().decode()
    assert TURN_SECRET not in page
    assert TURN_SECRET not in server.log()


def test_a_stranger_cannot_ask_for_turn_credentials_either(calls):
    server, world, session, _other = calls

    async def scenario():
        with pytest.raises(InvalidStatus):
            async with RoomClient(server, session, world["Dee"]["cookie"]) as dee:
                await dee.send_raw(json.dumps({"type": "ice_servers"}))

    run(scenario())
