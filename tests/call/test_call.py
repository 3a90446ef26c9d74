"""Two partners' calls, for real: Chromium to Chromium, in a network of loopback only.

Each test runs one scenario of tests/call/netns_call.py inside its own network namespace (see
tests/call/harness.py) with Chromium's fake microphone and camera: a test tone and a moving
picture. What the pages received is read from WebRTC's own statistics (getStats).
"""

import pytest

from tests.call.harness import make_sqlite_template, missing_tools, run_scenario

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    missing = missing_tools()
    if missing:
        pytest.fail(
            "The call tests need " + ", ".join(missing) + " (./scripts/test.sh installs "
            "Debian's chromium and coturn when it can)."
        )
    return make_sqlite_template(tmp_path_factory.mktemp("call"))


@pytest.fixture
def scenario(template, tmp_path):
    def run(name: str) -> dict:
        return run_scenario(name, template=template, workdir=tmp_path)

    return run


def assert_media_both_ways(media: dict, *, candidate_type: str) -> None:
    for name in ("ada", "bo"):
        seen = media[name]
        assert seen["call_state"] == "connected", (name, seen)
        assert seen["status"] == "Call connected.", (name, seen)
        stats = seen["stats"]
        assert stats["audioBytesReceived"] > 0, (name, stats)
        assert stats["videoBytesReceived"] > 0, (name, stats)
        assert stats["localCandidateType"] == candidate_type, (name, stats)


def test_two_partners_see_and_hear_each_other_and_the_call_follows_the_way_they_meet(scenario):
    result = scenario("direct")

    # Peer to peer: each page receives the other's voice and picture.
    assert_media_both_ways(result["media"], candidate_type="host")

    # Bo mutes and turns his camera off; Ada reads it where his face was.
    assert result["told_muted_and_camera_off"] is True
    assert result["bo_controls_off"] == {
        "mute_pressed": "true",
        "camera_pressed": "true",
        "self_note": "Your camera is off",
        "self_note_visible": True,
    }
    assert result["picture_back"] is True
    assert result["flow_after_camera_back"]["video"] > 0
    assert result["self_view_hidden"] is True
    assert result["devices"]["microphones"] >= 1 and result["devices"]["cameras"] >= 1

    # Audio only for this session: the voices go on, no picture either way, no camera buttons.
    assert result["audio_way"] == [True, True]
    audio_only = result["audio_only"]
    for side in ("ada_flow", "bo_flow"):
        assert audio_only[side]["audio"] > 0, audio_only
        assert audio_only[side]["video"] == 0, audio_only
    assert audio_only["camera_buttons_visible"] == [False, False]
    assert audio_only["bo_status"] == "Call connected: you can hear each other."
    assert audio_only["ada_note"] == "Bo, by audio only."
    assert audio_only["seq"] == audio_only["seq_before"] + 1

    # In person: no call and no call controls, only the room's structure.
    assert result["in_person"] == [True, True]
    assert result["in_person_text"].startswith("You meet in person this time")
    assert result["in_person_stats"] is None
    assert result["errors"] == []


@pytest.fixture(scope="module")
def relay_call(template, tmp_path_factory):
    # One run serves the two tests below: a call through coturn, then coturn going away.
    return run_scenario("relay", template=template, workdir=tmp_path_factory.mktemp("relay"))


def test_with_relay_forced_the_media_flows_through_coturn_with_felts_credentials(relay_call):
    # Every selected pair is relay-to-relay: the only way these pages could reach each other
    # is through coturn, which accepted the short-lived credentials Felt made for each.
    assert_media_both_ways(relay_call["media"], candidate_type="relay")
    for name in ("ada", "bo"):
        assert relay_call["media"][name]["stats"]["remoteCandidateType"] == "relay"
    assert relay_call["errors"] == []
    assert relay_call["server_log_mentions_secret"] is False
    assert relay_call["server_log_signal_lines"] > 0


def test_a_lost_call_offers_to_continue_by_phone_and_keeps_the_turn_and_the_clock(relay_call):
    lost = relay_call["lost"]
    assert lost["in_turn"] is True
    # With the relay gone, both pages say so in plain words and offer the phone.
    assert lost["offered"] == [True, True], lost
    for name in ("ada", "bo"):
        assert lost[name]["state"] == "lost"
        assert lost[name]["status"].startswith("The call's connection is lost")
    # The session never noticed: same phase, same state, the clock still running.
    before, during, after = lost["before"], lost["during"], lost["after"]
    for name in ("ada", "bo"):
        assert during[name]["seq"] == before[name]["seq"]
        assert during[name]["phase"] == after[name]["phase"] == "turn_1"
        assert during[name]["remaining"] < before[name]["remaining"]
    # Bo chose the phone: one change to the session (its way to meet), and nothing else.
    assert lost["by_phone"] == [True, True]
    assert after["ada"]["seq"] == after["bo"]["seq"] == before["ada"]["seq"] + 1
    assert abs(after["ada"]["remaining"] - after["bo"]["remaining"]) <= 1
    assert after["ada"]["remaining"] <= during["ada"]["remaining"]
    assert lost["way_text"].startswith("You meet by phone this time")
    assert lost["call_controls_visible"] is False


def test_with_the_wrong_turn_secret_the_call_does_not_connect_and_the_page_says_so(scenario):
    result = scenario("wrong-secret")

    assert result["failed"] == [True, True]
    for name in ("ada", "bo"):
        seen = result[name]
        assert seen["state"] == "failed"
        assert seen["status"].startswith("The call could not connect"), seen
        assert "relay server refused" in seen["status"]
        assert seen["offers_phone"] is True
        stats = seen["stats"]
        assert stats["connection"] != "connected"
        assert stats["audioBytesReceived"] == stats["videoBytesReceived"] == 0
    assert result["errors"] == []


@pytest.fixture(scope="module")
def reload_call(template, tmp_path_factory):
    # One run serves the two tests below: a reload mid-turn, then a second window.
    return run_scenario("reload", template=template, workdir=tmp_path_factory.mktemp("reload"))


def test_a_reload_mid_turn_brings_the_call_back_and_leaves_the_session_as_it_was(reload_call):
    result = reload_call

    assert_media_both_ways(result["first"], candidate_type="host")
    assert result["in_turn"] is True
    # The page that stayed made a fresh connection with the page that came back...
    assert result["fresh_connection"] is True
    assert_media_both_ways(result["again"], candidate_type="host")
    assert result["again"]["bo"]["stats"]["connections"] >= 1
    # ...and the session went on untouched: same phase, same seq, the clock where it should be.
    before, after = result["before"], result["after"]
    for name in ("ada", "bo"):
        assert after[name]["phase"] == before[name]["phase"] == "turn_1"
        assert after[name]["seq"] == before[name]["seq"]
    assert abs(after["ada"]["remaining"] - after["bo"]["remaining"]) <= 1
    elapsed = after["at"] - before["at"]
    assert abs((before["bo"]["remaining"] - after["bo"]["remaining"]) - elapsed) <= 2
    assert result["errors"] == []


def test_a_second_window_takes_the_call_and_the_first_says_so_and_can_take_it_back(reload_call):
    two_windows = reload_call["two_windows"]
    assert two_windows["moved"] is True
    assert two_windows["status"] == "The call goes on in your other window."
    assert two_windows["back"] is True
    assert two_windows["flow"]["audio"] > 0 and two_windows["flow"]["video"] > 0
    assert two_windows["errors"] == []
