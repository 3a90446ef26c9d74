"""Short-lived TURN credentials, the "TURN REST" way that coturn's `use-auth-secret` checks.

No Django here. Felt and the TURN server share one secret; neither stores a password per
member. For each member Felt makes a username that carries its own expiry and the member's id,
and a password that is the base64 HMAC-SHA1 of that username under the shared secret. coturn
recomputes the HMAC, and refuses the username once its expiry has passed. The secret itself
never leaves the server: a browser only ever sees a username and password that stop working
after a few hours.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import math
from dataclasses import dataclass


@dataclass(frozen=True)
class TurnCredentials:
    username: str
    credential: str
    expires_at: int  # seconds since the epoch


def turn_password(*, secret: str | bytes, username: str) -> str:
    """base64(HMAC-SHA1(secret, username)), as coturn computes it for `use-auth-secret`."""
    key = secret.encode() if isinstance(secret, str) else secret
    digest = hmac.new(key, username.encode(), hashlib.sha1).digest()
    return base64.b64encode(digest).decode("ascii")


def turn_credentials(
    *, secret: str | bytes, member_id: int | str, now: float, ttl_seconds: int
) -> TurnCredentials:
    """Credentials for one member, valid from `now` for `ttl_seconds` (the username says until when)."""
    if not secret:
        raise ValueError("a TURN secret is needed to make TURN credentials")
    if isinstance(ttl_seconds, bool) or not isinstance(ttl_seconds, int) or ttl_seconds <= 0:
        raise ValueError("ttl_seconds must be a positive whole number of seconds")
    member = str(member_id)
    if not member or ":" in member:
        raise ValueError("the member id must be non-empty and hold no ':'")
    # Whole seconds, rounded up: a credential never expires earlier than promised.
    expires_at = math.ceil(now) + ttl_seconds
    username = f"{expires_at}:{member}"
    return TurnCredentials(
        username=username,
        credential=turn_password(secret=secret, username=username),
        expires_at=expires_at,
    )


def is_expired(username: str, *, now: float) -> bool:
    """Whether a TURN REST username has reached its expiry (or cannot be read): from then on
    the TURN server refuses it."""
    expiry, _, _member = username.partition(":")
    try:
        return int(expiry) <= now
    except ValueError:
        return True


def ice_servers(
    *,
    stun_urls: list[str],
    turn_urls: list[str],
    secret: str | bytes,
    member_id: int | str,
    now: float,
    ttl_seconds: int,
) -> tuple[list[dict], int | None]:
    """The `iceServers` list for a browser's RTCPeerConnection, and when its credentials expire.

    STUN needs no credentials. TURN gets a fresh username and password for this member; without
    a secret there is no TURN entry at all (credentials nobody can check would only fail).
    """
    servers: list[dict] = []
    if stun_urls:
        servers.append({"urls": list(stun_urls)})
    expires_at = None
    if turn_urls and secret:
        credentials = turn_credentials(
            secret=secret, member_id=member_id, now=now, ttl_seconds=ttl_seconds
        )
        servers.append(
            {
                "urls": list(turn_urls),
                "username": credentials.username,
                "credential": credentials.credential,
            }
        )
        expires_at = credentials.expires_at
    return servers, expires_at
