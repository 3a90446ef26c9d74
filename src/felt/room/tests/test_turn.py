"""TURN credentials (felt.room.turn): the TURN REST scheme coturn's `use-auth-secret` checks.

Expected values never come from the code under test: the HMAC-SHA1 digests are RFC 2202's
published test vectors, and the worked example below computes HMAC-SHA1 by hand (RFC 2104's
inner and outer pads over plain SHA-1) and base64 with binascii.
"""

from __future__ import annotations

import base64
import binascii
import hashlib

import pytest

from felt.room.turn import TurnCredentials, ice_servers, is_expired, turn_credentials, turn_password

# RFC 2202, section 3 (HMAC-SHA-1): key, data, digest. Cases 3-5 use data that is not text,
# which a TURN username never is, so they are left out.
RFC_2202 = [
    (b"\x0b" * 20, "Hi There", "b617318655057264e28bc0b6fb378c8ef146be00"),
    (b"Jefe", "what do ya want for nothing?", "effcdf6ae5eb2fa2d27416d5f184df9c259a7c79"),
    (
        b"\xaa" * 80,
        "Test Using Larger Than Block-Size Key - Hash Key First",
        "aa4ae5e15272d00e95705637ce8a3b55ed402112",
    ),
    (
        b"\xaa" * 80,
        "Test Using Larger Than Block-Size Key and Larger Than One Block-Size Data",
        "e8e99d0f45237d786d6bbaa7965c7808bbff1a91",
    ),
]


def hmac_sha1_by_hand(key: bytes, message: bytes) -> bytes:
    """RFC 2104 written out: H(K ^ opad, H(K ^ ipad, message)), with a 64-byte block."""
    block = 64
    if len(key) > block:
        key = hashlib.sha1(key).digest()
    key = key.ljust(block, b"\0")
    inner = hashlib.sha1(bytes(k ^ 0x36 for k in key) + message).digest()
    return hashlib.sha1(bytes(k ^ 0x5C for k in key) + inner).digest()


def base64_by_binascii(raw: bytes) -> str:
    return binascii.b2a_base64(raw, newline=False).decode()


@pytest.mark.parametrize(("key", "data", "digest"), RFC_2202)
def test_the_password_is_the_base64_of_rfc_2202_hmac_sha1(key, data, digest):
    assert turn_password(secret=key, username=data) == base64_by_binascii(bytes.fromhex(digest))


def test_the_hand_made_hmac_agrees_with_rfc_2202_so_the_example_below_can_trust_it():
    for key, data, digest in RFC_2202:
        assert hmac_sha1_by_hand(key, data.encode()).hex() == digest


def test_a_members_credentials_carry_their_expiry_and_id_and_the_hmac_of_both():
    # Member 42 asks at 2023-11-14 22:13:20 UTC, for an hour, under the secret "north-wind".
    made = turn_credentials(
        secret="north-wind", member_id=42, now=1_700_000_000.0, ttl_seconds=3600
    )

    assert made.username == "1700003600:42"
    assert made.expires_at == 1_700_003_600
    assert made.credential == base64_by_binascii(hmac_sha1_by_hand(b"north-wind", b"1700003600:42"))
    # A base64 SHA-1: 20 bytes, 28 characters with one pad.
    assert len(made.credential) == 28 and made.credential.endswith("=")
    assert len(base64.b64decode(made.credential)) == 20


def test_a_text_secret_and_the_same_bytes_give_the_same_password():
    assert turn_password(secret="north-wind", username="1:2") == turn_password(
        secret=b"north-wind", username="1:2"
    )


def test_another_secret_or_another_member_gives_another_password():
    base = turn_credentials(secret="north-wind", member_id=42, now=1_700_000_000, ttl_seconds=60)
    other_secret = turn_credentials(
        secret="south-wind", member_id=42, now=1_700_000_000, ttl_seconds=60
    )
    other_member = turn_credentials(
        secret="north-wind", member_id=43, now=1_700_000_000, ttl_seconds=60
    )
    assert base.username == other_secret.username
    assert base.credential != other_secret.credential
    assert base.credential != other_member.credential


def test_credentials_expire_after_the_lifetime_never_sooner():
    now = 1_700_000_000.25
    made = turn_credentials(secret="s", member_id=7, now=now, ttl_seconds=4 * 3600)

    # A fraction of a second rounds up: the lifetime is never shorter than promised.
    assert made.expires_at == 1_700_000_001 + 4 * 3600
    assert made.expires_at - now >= 4 * 3600
    assert not is_expired(made.username, now=now)
    assert not is_expired(made.username, now=made.expires_at - 1)
    assert is_expired(made.username, now=made.expires_at)
    assert is_expired(made.username, now=made.expires_at + 3600)


def test_credentials_made_later_expire_later():
    first = turn_credentials(secret="s", member_id=7, now=1_000, ttl_seconds=600)
    later = turn_credentials(secret="s", member_id=7, now=1_300, ttl_seconds=600)
    assert later.expires_at - first.expires_at == 300
    assert later.username != first.username and later.credential != first.credential


@pytest.mark.parametrize("username", ["", "soon:7", ":7", "x"])
def test_a_username_whose_expiry_cannot_be_read_counts_as_expired(username):
    assert is_expired(username, now=0)


@pytest.mark.parametrize("ttl", [0, -60, 1.5, True, "3600", None])
def test_the_lifetime_must_be_a_positive_whole_number_of_seconds(ttl):
    with pytest.raises(ValueError):
        turn_credentials(secret="s", member_id=7, now=1_000, ttl_seconds=ttl)


@pytest.mark.parametrize("member_id", ["", "7:8"])
def test_the_member_id_cannot_hide_another_field(member_id):
    with pytest.raises(ValueError):
        turn_credentials(secret="s", member_id=member_id, now=1_000, ttl_seconds=60)


def test_no_secret_no_credentials():
    with pytest.raises(ValueError):
        turn_credentials(secret="", member_id=7, now=1_000, ttl_seconds=60)


def test_the_ice_servers_carry_stun_and_fresh_turn_credentials_but_never_the_secret():
    servers, expires_at = ice_servers(
        stun_urls=["stun:turn.example.org:3478"],
        turn_urls=["turn:turn.example.org:3478?transport=udp", "turns:turn.example.org:5349"],
        secret="north-wind",
        member_id=42,
        now=1_700_000_000,
        ttl_seconds=3600,
    )
    expected = TurnCredentials(
        username="1700003600:42",
        credential=base64_by_binascii(hmac_sha1_by_hand(b"north-wind", b"1700003600:42")),
        expires_at=1_700_003_600,
    )
    assert servers == [
        {"urls": ["stun:turn.example.org:3478"]},
        {
            "urls": ["turn:turn.example.org:3478?transport=udp", "turns:turn.example.org:5349"],
            "username": expected.username,
            "credential": expected.credential,
        },
    ]
    assert expires_at == expected.expires_at
    assert "north-wind" not in repr(servers)


def test_without_a_secret_there_is_no_turn_entry_and_without_urls_no_servers():
    servers, expires_at = ice_servers(
        stun_urls=["stun:stun.example.org"],
        turn_urls=["turn:turn.example.org"],
        secret="",
        member_id=1,
        now=0,
        ttl_seconds=60,
    )
    assert servers == [{"urls": ["stun:stun.example.org"]}] and expires_at is None
    assert ice_servers(
        stun_urls=[], turn_urls=[], secret="s", member_id=1, now=0, ttl_seconds=60
    ) == ([], None)
