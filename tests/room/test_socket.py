"""The room's socket, over real WebSockets against a real Felt server process."""

import asyncio
import concurrent.futures
import contextlib
import json

import pytest
from websockets.exceptions import InvalidStatus

from tests.room.socket_client import RoomClient


@pytest.fixture
def room(live_felt):
    server = live_felt(minute_seconds=1.0)
    world = server.make_partners("Ada", "Bo", "Cy")
    session = server.start_session(world["partnership"], world["Ada"]["id"])
    return server, world, session


def run(coroutine):
    # In a thread of its own: Playwright's sync API may hold an event loop in the main thread.
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


@contextlib.asynccontextmanager
async def both_partners(server, world, session):
    async with (
        RoomClient(server, session, world["Ada"]["cookie"]) as ada,
        RoomClient(server, session, world["Bo"]["cookie"]) as bo,
    ):
        yield ada, bo


async def refused_status(server, session, cookie) -> int:
    with pytest.raises(InvalidStatus) as refused:
        async with RoomClient(server, session, cookie):
            pass
    return refused.value.response.status_code


async def both_ready(ada: RoomClient, bo: RoomClient) -> None:
    """Each says ready having seen all the other has done, as a partner at the screen would."""
    for client in (ada, bo):
        await client.wait_for_seq(max(ada.seq, bo.seq))
        assert (await client.command("ready"))["type"] == "applied"
    await ada.wait_for_seq(bo.seq)
    await bo.wait_for_seq(ada.seq)


async def walk_into_the_first_turn(ada: RoomClient, bo: RoomClient) -> None:
    # Ready once to begin the session, and once more to end its arrival.
    await both_ready(ada, bo)
    await both_ready(ada, bo)


async def begin_first_turn(ada: RoomClient, bo: RoomClient) -> None:
    """Plan the shortest session, Ada focusing first, and walk both into turn 1."""
    assert (
        await ada.command("set_plan", {"length": 30, "arrival": 0, "between": 0, "closing": 0})
    )["type"] == "applied"
    await walk_into_the_first_turn(ada, bo)
    assert ada.state["phase"] == "turn_1"


async def outlast_the_turn(focuser: RoomClient) -> None:
    # A "minute" lasts one second in this server: two and a half planned minutes over.
    await asyncio.sleep(focuser.derived["planned_seconds"] + 2.5)


def ledger(server, world) -> list:
    """The partnership's ledger entries, as [member id, seconds, kind], sorted."""
    return server.shell(
        f"""
        import json
        from felt.partnerships.models import LedgerEntry
        print(json.dumps(sorted([e.member_id, e.seconds, e.kind] for e in LedgerEntry.objects.filter(partnership_id={world["partnership"]}))))
        """
    )


def test_a_stranger_is_refused_by_the_socket(room):
    server, world, session = room

    assert run(refused_status(server, session, world["Cy"]["cookie"])) == 403
    assert "sessionid" not in server.log()


def test_a_logged_out_visitor_is_refused_by_the_socket(room):
    server, world, session = room

    assert run(refused_status(server, session, None)) == 403


def test_both_partners_receive_each_change_with_the_next_sequence_number(room):
    server, world, session = room

    async def scenario():
        async with both_partners(server, world, session) as (ada, bo):
            assert (ada.you, bo.you) == ("a", "b")
            before = ada.seq
            answer = await ada.command("choose_first_focuser", {"focuser": "b"})
            assert answer == {
                "type": "applied",
                "command_id": answer["command_id"],
                "seq": before + 1,
                "duplicate": False,
            }
            state = await bo.wait_for_seq(before + 1)
            assert state["plan"]["first_focuser"] == "b"
            assert bo.seq == ada.seq == before + 1

    run(scenario())


def test_bad_socket_input_gets_one_clear_message_and_changes_nothing(room):
    server, world, session = room

    async def scenario():
        async with both_partners(server, world, session) as (ada, bo):
            await begin_first_turn(ada, bo)
            seq = ada.seq
            state = json.dumps(ada.state, sort_keys=True)
            messages = []

            await bo.send_raw("{not json")
            messages.append(await bo.next("error"))
            messages.append(await bo.command("fly_to_the_moon"))
            # Bo is the listener: ending Ada's turn is hers alone.
            messages.append(await bo.command("complete_turn"))
            await bo.send_raw(
                json.dumps(
                    {
                        "type": "command",
                        "id": "x" * 20,
                        "kind": "pause",
                        "args": {"pad": "y" * 10000},
                        "seq": seq,
                    }
                )
            )
            messages.append(await bo.next("error"))
            stale = await bo.command("pause", seq=seq - 1)
            messages.append(stale)
            messages.append(await bo.command("pause", {"why": 1}, command_id="short"))
            await bo.send_raw(json.dumps(["a", "list"]))
            messages.append(await bo.next("error"))
            await bo.send_raw(json.dumps({"type": "teleport"}))
            messages.append(await bo.next("error"))

            for message in messages:
                assert message["type"] == "error"
                sentence = message["message"]
                assert sentence and sentence[0].isupper() and sentence.endswith(".")
            assert "Only the focuser can end their turn." in [m["message"] for m in messages]
            assert stale["stale"] is True

            # Nothing changed, for either partner...
            await bo.send_raw(json.dumps({"type": "sync"}))
            await bo.next("state")
            assert bo.seq == seq
            assert json.dumps(bo.state, sort_keys=True) == state
            # ...and the connection is still good for real work.
            answer = await bo.command("pause")
            assert answer["type"] == "applied" and answer["seq"] == seq + 1
            await ada.wait_for_seq(seq + 1)
            assert ada.state["paused_by"] == "b"

    run(scenario())


def test_a_retried_command_is_applied_once(room):
    server, world, session = room

    async def scenario():
        async with RoomClient(server, session, world["Ada"]["cookie"]) as ada:
            before = ada.seq
            first = await ada.command(
                "choose_first_focuser", {"focuser": "b"}, command_id="retry-me-please"
            )
            again = await ada.command(
                "choose_first_focuser", {"focuser": "b"}, command_id="retry-me-please", seq=before
            )
            assert first["seq"] == before + 1
            assert again == {
                "type": "applied",
                "command_id": "retry-me-please",
                "seq": before + 1,
                "duplicate": True,
            }
            await ada.send_raw(json.dumps({"type": "sync"}))
            await ada.next("state")
            assert ada.seq == before + 1

    run(scenario())


def test_both_pressing_pause_at_once_leaves_one_consistent_pause(room):
    server, world, session = room

    async def scenario():
        async with both_partners(server, world, session) as (ada, bo):
            await begin_first_turn(ada, bo)
            seq = ada.seq
            answers = await asyncio.gather(ada.command("pause"), bo.command("pause"))
            assert sorted(a["type"] for a in answers) == ["applied", "error"]
            await ada.wait_for_seq(seq + 1)
            await bo.wait_for_seq(seq + 1)
            assert ada.state == bo.state
            assert len(ada.state["pauses"]) == 1
            assert ada.state["paused_at"] is not None

    run(scenario())


def test_an_overrun_lands_in_the_partnerships_ledger(room):
    server, world, session = room

    async def scenario():
        async with both_partners(server, world, session) as (ada, bo):
            await begin_first_turn(ada, bo)
            await outlast_the_turn(ada)
            answer = await ada.command("complete_turn")
            assert answer["type"] == "applied"
            await bo.wait_for_seq(answer["seq"])
            return bo.state["turns"][0]

    turn = run(scenario())
    assert turn["focuser"] == "a" and turn["overrun"] >= 2
    # One real second is one planned minute in this server: the ledger counts planned minutes.
    assert ledger(server, world) == [[world["Ada"]["id"], turn["overrun"] * 60, "overrun"]]


def test_a_server_restart_mid_turn_loses_nothing(room):
    server, world, session = room

    async def before_restart():
        async with both_partners(server, world, session) as (ada, bo):
            await begin_first_turn(ada, bo)
            await ada.command("request", {"request": "slow_down"})
            await bo.wait_for_seq(ada.seq)
            return ada.seq, ada.state

    async def after_restart():
        async with both_partners(server, world, session) as (ada, bo):
            return ada.seq, ada.state, bo.seq, bo.state

    seq, state = run(before_restart())
    server.restart()
    seq_a, state_a, seq_b, state_b = run(after_restart())
    assert seq_a == seq_b == seq
    assert state_a == state_b == state
    assert state_a["phase"] == "turn_1"
    assert [r["kind"] for r in state_a["requests"]] == ["slow_down"]


def test_both_saying_ready_at_the_same_moment_moves_the_session_on(room):
    server, world, session = room

    async def scenario():
        async with both_partners(server, world, session) as (ada, bo):
            seq = ada.seq
            # Each acts on the same screen; neither has seen the other's press yet.
            answers = await asyncio.gather(
                ada.command("ready", seq=seq), bo.command("ready", seq=seq)
            )
            assert [a["type"] for a in answers] == ["applied", "applied"]
            await ada.wait_for_seq(seq + 2)
            await bo.wait_for_seq(seq + 2)
            assert ada.state["phase"] == bo.state["phase"] == "arrival"

    run(scenario())


def test_time_owed_is_offered_back_next_session_and_counts_once_the_longer_turn_is_taken(room):
    server, world, session = room

    async def overrun_then_end():
        async with both_partners(server, world, session) as (ada, bo):
            await begin_first_turn(ada, bo)
            await outlast_the_turn(ada)
            await ada.command("complete_turn")
            await ada.command("end_session")
            return ada.state["turns"][0]["overrun"]

    overrun = run(overrun_then_end())
    second = server.start_session(world["partnership"], world["Bo"]["id"])

    async def give_back():
        async with both_partners(server, world, second) as (ada, bo):
            # Bo is owed; this time he goes first, and both are asked about a longer turn.
            assert ada.state["plan"]["first_focuser"] == "b"
            offer = ada.derived["give_back_offer"]
            assert offer == ["b", overrun]
            assert (await ada.command("accept_give_back"))["type"] == "applied"
            await bo.wait_for_seq(ada.seq)
            assert (await bo.command("accept_give_back"))["type"] == "applied"
            await ada.wait_for_seq(bo.seq)
            agreed = ada.state["plan"]
            assert (agreed["give_back_to"], agreed["give_back_minutes"]) == ("b", overrun)
            # Agreed, not yet given: nothing in the ledger moves until Bo's turn is taken.
            before = ledger(server, world)
            await walk_into_the_first_turn(ada, bo)
            assert bo.state["phase"] == "turn_1"
            assert (
                bo.derived["planned_seconds"]
                == (agreed["length"] - agreed["arrival"] - agreed["between"] - agreed["closing"])
                // 2
                + overrun
            )
            assert ledger(server, world) == before
            await bo.command("complete_turn")
            return before

    before = run(give_back())
    assert before == [[world["Ada"]["id"], overrun * 60, "overrun"]]
    assert ledger(server, world) == sorted(
        before + [[world["Ada"]["id"], -overrun * 60, "give_back"]]
    )
