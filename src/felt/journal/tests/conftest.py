import base64
import os
import uuid

import pytest
from django.test import Client
from django.urls import reverse

from felt.accounts.models import Member
from felt.partnerships.models import Partnership

PASSWORD = "a long password for tests"
ITERATIONS = 1000


@pytest.fixture(autouse=True)
def light_derivation(settings):
    # The browser's derivation is not run here; the server only checks the count it is told.
    settings.FELT_JOURNAL_PBKDF2_ITERATIONS = ITERATIONS


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def sealed(size: int = 512) -> dict:
    """What a browser sends for a record: an id, a nonce and sealed bytes (random here: the
    server cannot tell them from real AES-GCM output, which is the point)."""
    return {
        "id": str(uuid.uuid4()),
        "nonce": b64(os.urandom(12)),
        "ciphertext": b64(os.urandom(size)),
    }


def keys(proof: bytes, iterations: int = ITERATIONS) -> dict:
    return {
        "passphrase": {
            "salt": b64(os.urandom(16)),
            "iterations": iterations,
            "wrapped_key": b64(os.urandom(60)),
        },
        "recovery": {"salt": b64(os.urandom(16)), "wrapped_key": b64(os.urandom(60))},
        "proof": b64(proof),
    }


def post_json(client, url, data, method="post"):
    return getattr(client, method)(url, data, content_type="application/json")


@pytest.fixture
def make_member(db):
    def make(name: str) -> Member:
        return Member.objects.create_user(
            email=f"{name.lower()}@example.org", password=PASSWORD, display_name=name
        )

    return make


@pytest.fixture
def ada(make_member):
    return make_member("Ada")


@pytest.fixture
def bo(make_member, ada):
    partner = make_member("Bo")
    Partnership.objects.create(member_a=ada, member_b=partner)
    return partner


@pytest.fixture
def cy(make_member):
    return make_member("Cy")


@pytest.fixture
def as_member(db):
    """A fresh logged-in client for a member: `as_member(ada)`."""

    def log_in(member):
        member_client = Client()
        member_client.force_login(member)
        return member_client

    return log_in


@pytest.fixture
def ada_client(as_member, ada):
    return as_member(ada)


@pytest.fixture
def ada_proof():
    return os.urandom(32)


@pytest.fixture
def ada_journal(ada_client, ada_proof):
    response = post_json(ada_client, reverse("journal:api_journal"), keys(ada_proof))
    assert response.status_code == 201, response.content
    return response.json()["journal"]
