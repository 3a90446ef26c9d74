"""Changing a member's journal: its keys, its sealed entries and check-ins, deleting it all.

Everything arriving here was sealed in the member's browser; the server checks only the shape
of what it keeps (sizes, a fresh nonce, who it belongs to) and can never read it. Every
`check_*` raises a `Refused` (a `FeltError`) with one kind sentence before anything is
written, so a refused request changes nothing.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
from contextlib import contextmanager
from uuid import UUID

from django.db import IntegrityError, connection, transaction
from django.utils.translation import gettext as _

from felt.core.errors import FeltError

from . import selectors
from .models import (
    CHECK_IN_MAXIMUM_BYTES,
    ENTRY_MAXIMUM_BYTES,
    NONCE_BYTES,
    SALT_BYTES,
    SEALED_MINIMUM_BYTES,
    WRAPPED_KEY_BYTES,
    CheckIn,
    Journal,
    JournalEntry,
)

logger = logging.getLogger(__name__)

PROOF_BYTES = 32
# Far beyond any sensible setting; a guard against a count that would stall the member's own
# browser for minutes each time they open their journal.
MAXIMUM_ITERATIONS = 20_000_000
# More than a lifetime of weekly sessions and check-ins; a guard against filling the database.
ENTRIES_LIMIT = 20_000
CHECK_INS_LIMIT = 20_000


class Refused(FeltError):
    """A refusal the journal's API answers with `status`: one sentence, nothing changed."""

    status = 400


class Conflict(Refused):
    status = 409


class NotAllowed(Refused):
    status = 403


class TooLarge(Refused):
    status = 413


def _unusable_keys() -> Refused:
    return Refused(
        _(
            "Your journal's keys did not arrive in the shape we expect, so nothing was "
            "changed; please reload the page and try again."
        )
    )


def _unusable_seal() -> Refused:
    return Refused(
        _(
            "This did not arrive sealed the way your journal expects, so nothing was saved; "
            "please reload the page and try again."
        )
    )


# -- checks --------------------------------------------------------------------------------


def check_salt(*, salt: bytes) -> None:
    if len(salt) != SALT_BYTES:
        raise _unusable_keys()


def check_wrapped_key(*, wrapped_key: bytes) -> None:
    if len(wrapped_key) != WRAPPED_KEY_BYTES:
        raise _unusable_keys()


def check_iterations(*, iterations: int) -> None:
    if isinstance(iterations, bool) or not isinstance(iterations, int):
        raise _unusable_keys()
    if iterations < selectors.minimum_iterations():
        raise Refused(
            _(
                "Your passphrase was prepared with a lighter protection than this server "
                "asks for, so nothing was changed; please reload the page and try again."
            )
        )
    if iterations > MAXIMUM_ITERATIONS:
        raise _unusable_keys()


def check_proof(*, journal: Journal, proof: bytes) -> None:
    """Only a browser that has opened the journal can change how it is opened."""
    digest = hashlib.sha256(proof).hexdigest()
    if len(proof) != PROOF_BYTES or not hmac.compare_digest(digest, journal.proof_digest):
        raise NotAllowed(
            _(
                "Only your opened journal can change how it is opened, so nothing was "
                "changed; please open your journal again and retry."
            )
        )


def check_sealed(*, nonce: bytes, ciphertext: bytes, maximum: int) -> None:
    if len(nonce) != NONCE_BYTES or len(ciphertext) < SEALED_MINIMUM_BYTES:
        raise _unusable_seal()
    if len(ciphertext) > maximum:
        raise TooLarge(
            _(
                "This is more than your journal keeps in one piece, so nothing was saved; "
                "please shorten it."
            )
        )


def _journal_or_refuse(member) -> Journal:
    journal = selectors.journal_of(member=member)
    if journal is None:
        raise Refused(_("Please set up your journal before writing in it; nothing was saved."))
    return journal


def _same_nonce_refused() -> Refused:
    # A nonce used twice under one key would weaken the seal; the browser makes a new one
    # each time, so this only happens by a fault, and a fresh try mends it.
    return Conflict(
        _(
            "This was sealed in the same way as something already saved, which would weaken "
            "its protection, so nothing was saved; please try again."
        )
    )


# -- the journal's keys --------------------------------------------------------------------


def set_up_journal(
    *,
    member,
    passphrase_salt: bytes,
    passphrase_iterations: int,
    passphrase_wrapped_key: bytes,
    recovery_salt: bytes,
    recovery_wrapped_key: bytes,
    proof: bytes,
) -> Journal:
    """Keep the two wrappings of a new journal key, made in the member's browser."""
    for salt in (passphrase_salt, recovery_salt):
        check_salt(salt=salt)
    for wrapped_key in (passphrase_wrapped_key, recovery_wrapped_key):
        check_wrapped_key(wrapped_key=wrapped_key)
    check_iterations(iterations=passphrase_iterations)
    if len(proof) != PROOF_BYTES:
        raise _unusable_keys()
    already = Conflict(
        _(
            "Your journal is already set up, so nothing was changed; open it with your "
            "passphrase or your recovery code."
        )
    )
    if selectors.journal_of(member=member) is not None:
        raise already
    try:
        with transaction.atomic():
            journal = Journal.objects.create(
                member=member,
                passphrase_salt=passphrase_salt,
                passphrase_iterations=passphrase_iterations,
                passphrase_wrapped_key=passphrase_wrapped_key,
                recovery_salt=recovery_salt,
                recovery_wrapped_key=recovery_wrapped_key,
                proof_digest=hashlib.sha256(proof).hexdigest(),
            )
    except IntegrityError:
        # Two set-ups at once (two tabs): the first one stands.
        raise already from None
    logger.info("member %s set up their journal", member.pk)
    return journal


def rewrap_for_passphrase(
    *, member, proof: bytes, salt: bytes, iterations: int, wrapped_key: bytes
) -> Journal:
    """A new passphrase (or a stronger derivation) for the same journal key.

    The entries stay as they are: they were sealed with the journal key, which has not changed.
    """
    journal = _journal_or_refuse(member)
    check_proof(journal=journal, proof=proof)
    check_salt(salt=salt)
    check_iterations(iterations=iterations)
    check_wrapped_key(wrapped_key=wrapped_key)
    journal.passphrase_salt = salt
    journal.passphrase_iterations = iterations
    journal.passphrase_wrapped_key = wrapped_key
    journal.save(
        update_fields=[
            "passphrase_salt",
            "passphrase_iterations",
            "passphrase_wrapped_key",
        ]
    )
    logger.info("member %s changed their journal passphrase", member.pk)
    return journal


def rewrap_for_recovery(*, member, proof: bytes, salt: bytes, wrapped_key: bytes) -> Journal:
    """A new recovery code for the same journal key; the old code opens nothing any more."""
    journal = _journal_or_refuse(member)
    check_proof(journal=journal, proof=proof)
    check_salt(salt=salt)
    check_wrapped_key(wrapped_key=wrapped_key)
    journal.recovery_salt = salt
    journal.recovery_wrapped_key = wrapped_key
    journal.save(update_fields=["recovery_salt", "recovery_wrapped_key"])
    logger.info("member %s made a new journal recovery code", member.pk)
    return journal


def set_check_in_invitation(*, member, weekly: bool) -> Journal:
    journal = selectors.journal_of(member=member)
    if journal is None:
        raise Refused(_("Please set up your journal first; nothing was changed."))
    journal.weekly_check_in_invitation = weekly
    journal.save(update_fields=["weekly_check_in_invitation"])
    return journal


# -- sealed entries and check-ins ----------------------------------------------------------


def _save_sealed(model, *, member, uid: UUID, nonce: bytes, ciphertext: bytes, maximum, limit):
    _journal_or_refuse(member)
    check_sealed(nonce=nonce, ciphertext=ciphertext, maximum=maximum)
    existing = model.objects.filter(member=member, uid=uid).first()
    if existing is not None:
        if bytes(existing.nonce) == nonce and bytes(existing.ciphertext) == ciphertext:
            # The same request again, after a lost answer: it was saved once.
            return existing, False
        raise Conflict(
            _("Something with this name is already saved, so nothing was changed; please reload.")
        )
    if model.objects.filter(member=member).count() >= limit:
        raise Refused(
            _(
                "Your journal holds as much as it can, so this was not saved; you could "
                "export it and delete what you no longer need."
            )
        )
    try:
        with transaction.atomic():
            record = model.objects.create(
                member=member, uid=uid, nonce=nonce, ciphertext=ciphertext
            )
    except IntegrityError:
        raise _same_nonce_refused() from None
    return record, True


def save_entry(*, member, uid: UUID, nonce: bytes, ciphertext: bytes) -> tuple[JournalEntry, bool]:
    """Keep a new sealed entry; returns it and whether it is new (a retry is kept once)."""
    return _save_sealed(
        JournalEntry,
        member=member,
        uid=uid,
        nonce=nonce,
        ciphertext=ciphertext,
        maximum=ENTRY_MAXIMUM_BYTES,
        limit=ENTRIES_LIMIT,
    )


def replace_entry(*, member, entry: JournalEntry, nonce: bytes, ciphertext: bytes) -> JournalEntry:
    """An edited entry, sealed afresh under a new nonce, takes the old one's place."""
    if entry.member_id != member.pk:
        raise ValueError("an entry is changed by its author only")
    check_sealed(nonce=nonce, ciphertext=ciphertext, maximum=ENTRY_MAXIMUM_BYTES)
    if bytes(entry.nonce) == nonce:
        raise _same_nonce_refused()
    entry.nonce = nonce
    entry.ciphertext = ciphertext
    try:
        # The earlier sealing is overwritten, not left behind in free space.
        with _overwriting_deletes(), transaction.atomic():
            entry.save(update_fields=["nonce", "ciphertext", "updated_at"])
    except IntegrityError:
        raise _same_nonce_refused() from None
    return entry


def delete_entry(*, member, entry: JournalEntry) -> None:
    if entry.member_id != member.pk:
        raise ValueError("an entry is deleted by its author only")
    with _overwriting_deletes():
        entry.delete()


def save_check_in(*, member, uid: UUID, nonce: bytes, ciphertext: bytes) -> tuple[CheckIn, bool]:
    return _save_sealed(
        CheckIn,
        member=member,
        uid=uid,
        nonce=nonce,
        ciphertext=ciphertext,
        maximum=CHECK_IN_MAXIMUM_BYTES,
        limit=CHECK_INS_LIMIT,
    )


def delete_check_in(*, member, check_in: CheckIn) -> None:
    if check_in.member_id != member.pk:
        raise ValueError("a check-in is deleted by its author only")
    with _overwriting_deletes():
        check_in.delete()


# -- starting over -------------------------------------------------------------------------


def check_password_confirms(*, member, password: str) -> None:
    if not password or not member.check_password(password):
        raise NotAllowed(_("That password isn't right, so nothing has been deleted."))


def delete_journal(*, member, password: str) -> dict[str, int]:
    """Delete every entry, every check-in and the journal's keys, for real, at once.

    Works without the passphrase on purpose: someone who lost both passphrase and recovery
    code can still clear what they can no longer open, and begin again.
    """
    check_password_confirms(member=member, password=password)
    with _overwriting_deletes(), transaction.atomic():
        counts = {
            "entries": JournalEntry.objects.filter(member=member).delete()[0],
            "check_ins": CheckIn.objects.filter(member=member).delete()[0],
            "journal": Journal.objects.filter(member=member).delete()[0],
        }
    logger.info("member %s deleted their whole journal", member.pk)
    return counts


@contextmanager
def _overwriting_deletes():
    """Deleted rows leave no sealed bytes behind in the database's files.

    SQLite keeps a deleted row's bytes in free pages until they are reused, and in its
    write-ahead log until a checkpoint; with `secure_delete` it overwrites them with zeros, and
    the checkpoint afterwards empties the log. PostgreSQL reclaims deleted rows with its own
    (auto)vacuum; there, as everywhere, what remains is sealed and its keys are gone too.
    """
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA secure_delete")
        before = cursor.fetchone()[0]
        cursor.execute("PRAGMA secure_delete = ON")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA secure_delete = {int(before)}")
            if not connection.in_atomic_block:
                # Best effort: a reader elsewhere may hold the log a little longer.
                cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
