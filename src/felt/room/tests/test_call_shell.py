"""The call's shell: the way to meet a session starts with, the ICE servers a partner's browser
gets, and the operator's STUN/TURN settings."""

from __future__ import annotations

import subprocess
import sys
import time

import pytest

from felt.accounts.models import Member
from felt.partnerships.models import Partnership
from felt.room import core, services

SECRET = "operators-turn-secret-never-for-browsers"


@pytest.fixture
def partnership(db):
    def member(name):
        return Member.objects.create_user(
            email=f"{name.lower()}@example.org", password="a long password", display_name=name
        )

    return Partnership.objects.create(member_a=member("Ada"), member_b=member("Bo"))


def test_the_partnerships_ways_to_meet_are_the_rooms():
    assert tuple(Partnership.WayToMeet.values) == core.WAYS_TO_MEET


@pytest.mark.parametrize("way", core.WAYS_TO_MEET)
def test_a_session_starts_with_the_partnerships_usual_way_to_meet(partnership, way):
    partnership.way_to_meet = way
    partnership.save()

    session = services.start_session(partnership=partnership, member=partnership.member_b)

    assert session.state["plan"]["way_to_meet"] == way


def test_a_sessions_own_way_does_not_change_the_partnerships(partnership):
    session = services.start_session(partnership=partnership, member=partnership.member_a)
    services.apply_command(
        session_id=session.pk,
        member=partnership.member_b,
        command_id="go-on-by-phone-1",
        kind="set_way_to_meet",
        args={"way": "phone"},
        seq=session.seq,
    )
    session.refresh_from_db()
    partnership.refresh_from_db()
    assert session.state["plan"]["way_to_meet"] == "phone"
    assert partnership.way_to_meet == "video"


def test_the_call_config_carries_this_members_short_lived_turn_credentials(partnership, settings):
    settings.FELT_STUN_URLS = ["stun:turn.example.org:3478"]
    settings.FELT_TURN_URLS = ["turn:turn.example.org:3478?transport=udp"]
    settings.FELT_TURN_SECRET = SECRET
    settings.FELT_TURN_TTL_SECONDS = 3600
    settings.FELT_ICE_TRANSPORT_POLICY = "relay"
    member = partnership.member_b
    before = time.time()

    config = services.call_config(member=member)

    stun, turn = config["ice_servers"]
    assert stun == {"urls": ["stun:turn.example.org:3478"]}
    assert turn["urls"] == ["turn:turn.example.org:3478?transport=udp"]
    expiry, member_id = turn["username"].split(":")
    assert member_id == str(member.pk)
    assert before + 3600 <= int(expiry) <= time.time() + 3601
    assert config["expires_at"] == int(expiry)
    assert config["ice_transport_policy"] == "relay"
    assert SECRET not in repr(config)


def test_without_turn_configured_the_call_has_no_ice_servers_and_connects_directly(
    partnership, settings
):
    settings.FELT_STUN_URLS = []
    settings.FELT_TURN_URLS = []
    settings.FELT_TURN_SECRET = ""
    settings.FELT_ICE_TRANSPORT_POLICY = "all"
    assert services.call_config(member=partnership.member_a) == {
        "ice_servers": [],
        "ice_transport_policy": "all",
        "expires_at": None,
    }


# -- the operator's settings, read at start -----------------------------------------------------


def load_settings(tmp_path, **env):
    base = {
        "PATH": "/usr/bin:/bin",
        "HOME": str(tmp_path),
        "FELT_DATA_DIR": str(tmp_path),
        "FELT_DEBUG": "1",
        "DJANGO_SETTINGS_MODULE": "felt.settings",
    }
    return subprocess.run(
        [sys.executable, "-m", "felt.cli", "check"],
        env=base | env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


@pytest.mark.parametrize(
    ("env", "words"),
    [
        ({"FELT_TURN_URLS": "turn:turn.example.org"}, "FELT_TURN_SECRET"),
        ({"FELT_STUN_URLS": "https://stun.example.org"}, "stun:"),
        ({"FELT_TURN_URLS": "stun:x", "FELT_TURN_SECRET": "s"}, "turn:"),
        ({"FELT_ICE_TRANSPORT_POLICY": "sometimes"}, "'all' or 'relay'"),
        ({"FELT_ICE_TRANSPORT_POLICY": "relay"}, "needs a TURN server"),
        ({"FELT_TURN_TTL_SECONDS": "10"}, "at least 60"),
        ({"FELT_TURN_TTL_SECONDS": "4h"}, "whole number of seconds"),
    ],
)
def test_a_wrong_call_setting_stops_felt_with_one_sentence(tmp_path, env, words):
    result = load_settings(tmp_path, **env)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and words in lines[0], result.stderr


def test_a_full_call_setup_is_accepted(tmp_path):
    result = load_settings(
        tmp_path,
        FELT_STUN_URLS="stun:turn.example.org:3478",
        FELT_TURN_URLS="turn:turn.example.org:3478?transport=udp, turns:turn.example.org:5349",
        FELT_TURN_SECRET=SECRET,
        FELT_TURN_TTL_SECONDS="7200",
        FELT_ICE_TRANSPORT_POLICY="relay",
    )
    assert result.returncode == 0, result.stderr
