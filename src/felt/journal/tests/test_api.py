"""The journal's API through Django's test client: who may ask, and what it will keep.

The sealed bytes here are random: the server cannot tell them from real AES-GCM output, and
must not need to. The browser tests seal and open real entries.
"""

import base64
import hashlib
import json
import os

import pytest
from django.urls import reverse

from felt.journal.models import CheckIn, Journal, JournalEntry

from .conftest import ITERATIONS, b64, keys, post_json, sealed

pytestmark = pytest.mark.django_db

JOURNAL = reverse("journal:api_journal")
ENTRIES = reverse("journal:api_entries")
CHECK_INS = reverse("journal:api_check_ins")


def entry_url(uid: str) -> str:
    return reverse("journal:api_entry", args=[uid])


def check_in_url(uid: str) -> str:
    return reverse("journal:api_check_in", args=[uid])


def snapshot() -> list:
    """Every journal row, as stored, to show that a refused request changed nothing."""
    rows = []
    for model in (Journal, JournalEntry, CheckIn):
        for row in model.objects.order_by("pk").values():
            rows.append({k: bytes(v) if isinstance(v, memoryview) else v for k, v in row.items()})
    return rows


def one_sentence(response) -> str:
    message = response.json()["error"]
    assert message.endswith(".") and message.count(". ") == 0, message
    return message


# -- setting up ----------------------------------------------------------------------------


def test_a_member_without_a_journal_is_told_so_and_the_least_derivation_allowed(ada_client):
    response = ada_client.get(JOURNAL)

    assert response.status_code == 200
    assert response.json() == {"journal": None, "minimum_iterations": ITERATIONS}


def test_setting_up_keeps_salts_wrapped_keys_and_only_a_digest_of_the_proof(
    ada_client, ada, ada_proof
):
    body = keys(ada_proof)

    response = post_json(ada_client, JOURNAL, body)

    assert response.status_code == 201
    journal = Journal.objects.get(member=ada)
    assert b64(bytes(journal.passphrase_salt)) == body["passphrase"]["salt"]
    assert journal.passphrase_iterations == ITERATIONS
    assert b64(bytes(journal.passphrase_wrapped_key)) == body["passphrase"]["wrapped_key"]
    assert b64(bytes(journal.recovery_salt)) == body["recovery"]["salt"]
    assert b64(bytes(journal.recovery_wrapped_key)) == body["recovery"]["wrapped_key"]
    assert journal.proof_digest == hashlib.sha256(ada_proof).hexdigest()
    assert ada_proof.hex() not in json.dumps(snapshot(), default=repr)
    # What the browser needs to open it again, and nothing it did not send.
    again = ada_client.get(JOURNAL).json()["journal"]
    assert again["passphrase"] == body["passphrase"]
    assert again["recovery"] == body["recovery"]
    assert "proof" not in json.dumps(again)


def test_setting_up_twice_is_refused_and_the_first_keys_stand(ada_client, ada_journal):
    before = snapshot()

    response = post_json(ada_client, JOURNAL, keys(os.urandom(32)))

    assert response.status_code == 409
    assert "already set up" in one_sentence(response)
    assert snapshot() == before


@pytest.mark.parametrize(
    "spoil",
    [
        lambda body: body["passphrase"].update(salt=b64(os.urandom(8))),
        lambda body: body["recovery"].update(wrapped_key=b64(os.urandom(40))),
        lambda body: body["passphrase"].update(iterations="600000"),
        lambda body: body["passphrase"].update(iterations=True),
        lambda body: body["passphrase"].update(wrapped_key="not base64 at all!"),
        lambda body: body.update(proof=b64(os.urandom(16))),
        lambda body: body["passphrase"].update(passphrase="my secret words"),
        lambda body: body.pop("recovery"),
    ],
    ids=[
        "short salt",
        "short wrapped key",
        "iterations as text",
        "iterations as a flag",
        "not base64",
        "short proof",
        "a passphrase sent along",
        "no recovery wrapping",
    ],
)
def test_a_malformed_set_up_is_refused_with_one_sentence_and_keeps_nothing(ada_client, spoil):
    body = keys(os.urandom(32))
    spoil(body)

    response = post_json(ada_client, JOURNAL, body)

    assert response.status_code == 400
    one_sentence(response)
    assert snapshot() == []


def test_a_derivation_lighter_than_the_server_asks_for_is_refused(ada_client, settings):
    settings.FELT_JOURNAL_PBKDF2_ITERATIONS = 600_000

    response = post_json(ada_client, JOURNAL, keys(os.urandom(32), iterations=100_000))

    assert response.status_code == 400
    assert "lighter protection" in one_sentence(response)
    assert not Journal.objects.exists()


# -- changing how the journal opens ----------------------------------------------------------


def test_a_new_passphrase_wrapping_needs_the_proof_of_an_opened_journal(
    ada_client, ada, ada_journal, ada_proof
):
    before = snapshot()
    new = {"salt": b64(os.urandom(16)), "iterations": 2000, "wrapped_key": b64(os.urandom(60))}
    url = reverse("journal:api_passphrase")

    refused = post_json(ada_client, url, {"proof": b64(os.urandom(32)), **new})

    assert refused.status_code == 403
    assert "Only your opened journal" in one_sentence(refused)
    assert snapshot() == before

    accepted = post_json(ada_client, url, {"proof": b64(ada_proof), **new})

    assert accepted.status_code == 200
    journal = Journal.objects.get(member=ada)
    assert b64(bytes(journal.passphrase_wrapped_key)) == new["wrapped_key"]
    assert journal.passphrase_iterations == 2000
    # The recovery wrapping is untouched: it wraps the same journal key.
    assert b64(bytes(journal.recovery_wrapped_key)) == ada_journal["recovery"]["wrapped_key"]


def test_a_new_recovery_wrapping_needs_the_proof_too(ada_client, ada, ada_journal, ada_proof):
    new = {"salt": b64(os.urandom(16)), "wrapped_key": b64(os.urandom(60))}
    url = reverse("journal:api_recovery")

    assert post_json(ada_client, url, {"proof": b64(os.urandom(32)), **new}).status_code == 403
    assert post_json(ada_client, url, {"proof": b64(ada_proof), **new}).status_code == 200

    journal = Journal.objects.get(member=ada)
    assert b64(bytes(journal.recovery_wrapped_key)) == new["wrapped_key"]
    assert b64(bytes(journal.passphrase_wrapped_key)) == ada_journal["passphrase"]["wrapped_key"]


# -- entries and check-ins -------------------------------------------------------------------


def test_an_entry_is_kept_listed_changed_and_deleted_by_its_author(ada_client, ada_journal):
    record = sealed()

    created = post_json(ada_client, ENTRIES, record)

    assert created.status_code == 201
    listed = ada_client.get(ENTRIES).json()["entries"]
    assert [(e["id"], e["nonce"], e["ciphertext"]) for e in listed] == [
        (record["id"], record["nonce"], record["ciphertext"])
    ]
    assert set(listed[0]) == {"id", "nonce", "ciphertext", "created_at", "updated_at"}

    changed = sealed()
    replaced = post_json(
        ada_client,
        entry_url(record["id"]),
        {"nonce": changed["nonce"], "ciphertext": changed["ciphertext"]},
        method="put",
    )

    assert replaced.status_code == 200
    stored = JournalEntry.objects.get()
    assert b64(bytes(stored.ciphertext)) == changed["ciphertext"]
    assert str(stored.uid) == record["id"]

    deleted = ada_client.delete(entry_url(record["id"]))

    assert deleted.status_code == 200
    assert not JournalEntry.objects.exists()


def test_a_save_sent_again_after_a_lost_answer_is_kept_once(ada_client, ada_journal):
    record = sealed()

    assert post_json(ada_client, ENTRIES, record).status_code == 201
    assert post_json(ada_client, ENTRIES, record).status_code == 200

    assert JournalEntry.objects.count() == 1


def test_a_nonce_is_never_accepted_twice(ada_client, ada_journal):
    first = sealed()
    post_json(ada_client, ENTRIES, first)
    before = snapshot()

    reused = post_json(ada_client, ENTRIES, {**sealed(), "nonce": first["nonce"]})
    same_on_edit = post_json(
        ada_client,
        entry_url(first["id"]),
        {"nonce": first["nonce"], "ciphertext": sealed()["ciphertext"]},
        method="put",
    )

    assert reused.status_code == same_on_edit.status_code == 409
    one_sentence(reused)
    assert snapshot() == before


def test_writing_before_the_journal_is_set_up_is_refused(ada_client):
    response = post_json(ada_client, ENTRIES, sealed())

    assert response.status_code == 400
    assert "set up your journal" in one_sentence(response)
    assert not JournalEntry.objects.exists()


def test_check_ins_are_kept_listed_with_the_members_sessions_and_removed(
    ada_client, ada, bo, ada_journal
):
    from felt.partnerships.models import Partnership
    from felt.room.services import start_session

    session = start_session(partnership=Partnership.objects.get(), member=ada)
    session.state = {**session.state, "started_at": 1_767_225_600.0}
    session.save()
    records = [sealed(size=272), sealed(size=512)]
    for record in records:
        assert post_json(ada_client, CHECK_INS, record).status_code == 201

    listed = ada_client.get(CHECK_INS).json()

    assert [c["id"] for c in listed["check_ins"]] == [r["id"] for r in records]
    assert listed["sessions"] == ["2026-01-01T00:00:00+00:00"]
    assert ada_client.delete(check_in_url(records[0]["id"])).status_code == 200
    assert [str(c.uid) for c in CheckIn.objects.all()] == [records[1]["id"]]


# -- no plaintext, no oversized or malformed blobs -------------------------------------------


@pytest.mark.parametrize("field", ["handle", "notes", "tags", "word", "energy", "plaintext"])
def test_a_request_carrying_anything_but_sealed_fields_is_refused_whole(
    ada_client, ada_journal, field
):
    before = snapshot()

    for url in (ENTRIES, CHECK_INS):
        response = post_json(ada_client, url, {**sealed(), field: "a heavy stone in my chest"})

        assert response.status_code == 400
        assert "only sealed writing" in one_sentence(response)
    assert snapshot() == before


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        ("this is not json", "application/json"),
        ("[1, 2, 3]", "application/json"),
        (json.dumps({**sealed(), "nonce": b64(os.urandom(8))}), "application/json"),
        (json.dumps({**sealed(), "nonce": "%%%"}), "application/json"),
        (json.dumps({**sealed(), "ciphertext": b64(os.urandom(40))}), "application/json"),
        (json.dumps({**sealed(), "ciphertext": 12345}), "application/json"),
        (json.dumps({**sealed(), "id": "entry-1"}), "application/json"),
        (json.dumps({k: v for k, v in sealed().items() if k != "nonce"}), "application/json"),
        ("handle=a+heavy+stone", "application/x-www-form-urlencoded"),
        ("[" * 40_000 + "]" * 40_000, "application/json"),
    ],
    ids=[
        "not json",
        "a list",
        "short nonce",
        "nonce not base64",
        "too small to be sealed",
        "ciphertext a number",
        "id not a uuid",
        "no nonce",
        "a form",
        "nested too deep",
    ],
)
def test_a_malformed_blob_is_refused_with_one_sentence_and_nothing_changes(
    ada_client, ada_journal, body, content_type
):
    before = snapshot()

    response = ada_client.post(ENTRIES, body, content_type=content_type)

    assert response.status_code == 400
    one_sentence(response)
    assert snapshot() == before


def test_an_oversized_entry_or_check_in_is_refused_with_one_sentence(ada_client, ada_journal):
    before = snapshot()

    entry = post_json(ada_client, ENTRIES, sealed(size=64 * 1024 + 16))
    check_in = post_json(ada_client, CHECK_INS, sealed(size=4096))
    request = post_json(ada_client, ENTRIES, {**sealed(), "ciphertext": "A" * 200_000})

    assert entry.status_code == check_in.status_code == request.status_code == 413
    assert "more than your journal keeps in one piece" in one_sentence(entry)
    assert "more than your journal accepts" in one_sentence(request)
    assert snapshot() == before


def test_the_largest_entry_fits(ada_client, ada_journal):
    assert post_json(ada_client, ENTRIES, sealed(size=64 * 1024)).status_code == 201


# -- who may ask -----------------------------------------------------------------------------


@pytest.fixture
def adas_writing(ada_client, ada_journal):
    entry, check_in = sealed(), sealed()
    post_json(ada_client, ENTRIES, entry)
    post_json(ada_client, CHECK_INS, check_in)
    return entry, check_in


@pytest.mark.parametrize("who", ["bo", "cy"])
def test_the_partner_and_a_stranger_reach_none_of_adas_journal(
    request, as_member, adas_writing, ada_journal, who
):
    other = as_member(request.getfixturevalue(who))
    entry, check_in = adas_writing
    before = snapshot()
    secrets = [entry["ciphertext"], check_in["ciphertext"], entry["id"], check_in["id"]]
    secrets += [ada_journal["passphrase"]["wrapped_key"], ada_journal["recovery"]["salt"]]

    answers = [
        other.get(JOURNAL),
        other.get(ENTRIES),
        other.get(CHECK_INS),
        other.get(entry_url(entry["id"])),
        post_json(other, entry_url(entry["id"]), sealed(), method="put"),
        other.delete(entry_url(entry["id"])),
        other.delete(check_in_url(check_in["id"])),
    ]

    assert [a.status_code for a in answers] == [200, 200, 200, 404, 404, 404, 404]
    assert answers[0].json()["journal"] is None
    assert answers[1].json()["entries"] == []
    assert answers[2].json()["check_ins"] == []
    for answer in answers:
        for secret in secrets:
            assert secret not in answer.content.decode()
    assert snapshot() == before


def test_a_logged_out_visitor_gets_one_sentence_from_the_api_and_the_log_in_page_otherwise(
    client, adas_writing
):
    entry, _ = adas_writing

    for response in (
        client.get(ENTRIES),
        client.get(JOURNAL),
        client.delete(entry_url(entry["id"])),
    ):
        assert response.status_code == 403
        assert "log in" in one_sentence(response)
    page = client.get(reverse("journal:home"))
    assert page.status_code == 302 and page["Location"].startswith(reverse("accounts:login"))
    assert JournalEntry.objects.count() == 1


def test_the_api_answers_only_the_methods_it_has(ada_client, ada_journal):
    assert ada_client.delete(ENTRIES).status_code == 405
    assert ada_client.get(reverse("journal:api_passphrase")).status_code == 405


def test_nothing_the_api_returns_may_be_cached(ada_client, adas_writing):
    for url in (JOURNAL, ENTRIES, CHECK_INS):
        cache_control = ada_client.get(url)["Cache-Control"]
        assert "no-store" in cache_control and "private" in cache_control


def test_the_api_refuses_a_write_without_the_csrf_token(ada, adas_writing):
    from django.test import Client

    careful = Client(enforce_csrf_checks=True)
    careful.force_login(ada)

    response = post_json(careful, ENTRIES, sealed())

    assert response.status_code == 403
    assert JournalEntry.objects.count() == 1


def test_a_sealed_record_is_stored_as_the_bytes_that_were_sent(ada_client, ada_journal):
    record = sealed()
    post_json(ada_client, ENTRIES, record)

    stored = JournalEntry.objects.get()

    assert bytes(stored.nonce) == base64.b64decode(record["nonce"])
    assert bytes(stored.ciphertext) == base64.b64decode(record["ciphertext"])
