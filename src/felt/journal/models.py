"""The private journal: what the server keeps is unreadable without the member's own key.

Entries and check-ins are sealed in the member's browser (AES-GCM, a fresh 96-bit nonce for
every sealing) with a key the server never sees. The server keeps the sealed bytes, the
nonce, and when a row was made or changed: nothing else about them, not even their tags.
`Journal` holds what the browser needs to rebuild the key from the member's passphrase or
recovery code: salts, the iteration count and the two wrappings of the journal key.
The package docstring (felt/journal/__init__.py) describes the whole key hierarchy.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Length
from django.db.models.lookups import Exact, GreaterThanOrEqual, LessThanOrEqual

NONCE_BYTES = 12
SALT_BYTES = 16
# A 32-byte journal key sealed with AES-GCM: the nonce, the sealed key and the 16-byte tag.
WRAPPED_KEY_BYTES = NONCE_BYTES + 32 + 16
GCM_TAG_BYTES = 16
# The browser pads what it seals to whole blocks of this many bytes, so a sealed entry's size
# tells little about how much was written; any sealed record is at least one block and a tag.
PADDING_BLOCK_BYTES = 256
SEALED_MINIMUM_BYTES = PADDING_BLOCK_BYTES + GCM_TAG_BYTES
# Generous for a page of notes, in any script; a guard against filling the database.
ENTRY_MAXIMUM_BYTES = 64 * 1024
CHECK_IN_MAXIMUM_BYTES = 2 * 1024


class Journal(models.Model):
    """How one member's browser opens their journal, and their own choices about it."""

    member = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="journal"
    )
    # The key-encryption key from the passphrase: PBKDF2-SHA-256(passphrase, salt, iterations).
    passphrase_salt = models.BinaryField(max_length=SALT_BYTES)
    passphrase_iterations = models.PositiveIntegerField()
    passphrase_wrapped_key = models.BinaryField(max_length=WRAPPED_KEY_BYTES)
    # The key-encryption key from the recovery code: HKDF-SHA-256(code, salt).
    recovery_salt = models.BinaryField(max_length=SALT_BYTES)
    recovery_wrapped_key = models.BinaryField(max_length=WRAPPED_KEY_BYTES)
    # SHA-256 of a value only an opened journal can derive from its key: changing how the
    # journal is opened needs it, so a borrowed log-in cannot lock its owner out.
    proof_digest = models.CharField(max_length=64)
    weekly_check_in_invitation = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Exact(Length("passphrase_salt"), SALT_BYTES),
                name="journal_passphrase_salt_size",
            ),
            models.CheckConstraint(
                condition=Exact(Length("recovery_salt"), SALT_BYTES),
                name="journal_recovery_salt_size",
            ),
            models.CheckConstraint(
                condition=Exact(Length("passphrase_wrapped_key"), WRAPPED_KEY_BYTES),
                name="journal_passphrase_wrapped_key_size",
            ),
            models.CheckConstraint(
                condition=Exact(Length("recovery_wrapped_key"), WRAPPED_KEY_BYTES),
                name="journal_recovery_wrapped_key_size",
            ),
            models.CheckConstraint(
                condition=Q(passphrase_iterations__gte=1), name="journal_iterations_positive"
            ),
            models.CheckConstraint(
                condition=Exact(Length("proof_digest"), 64), name="journal_proof_digest_size"
            ),
        ]

    def __str__(self) -> str:
        return f"Journal of member {self.member_id}"


class SealedRecord(models.Model):
    """Something the member wrote, sealed in their browser.

    `uid` is made by the browser before sealing and is part of the sealed record's
    additional data, with the member and the kind of record: a sealed blob moved to another
    row, member or kind no longer opens.
    """

    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    uid = models.UUIDField()
    nonce = models.BinaryField(max_length=NONCE_BYTES)
    ciphertext = models.BinaryField()
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        abstract = True

    @classmethod
    def sealed_constraints(cls, prefix: str, maximum: int) -> list:
        return [
            models.UniqueConstraint(fields=["member", "uid"], name=f"{prefix}_uid_once_per_member"),
            # A nonce used twice under one key would undo AES-GCM's protection.
            models.UniqueConstraint(
                fields=["member", "nonce"], name=f"{prefix}_nonce_once_per_member"
            ),
            models.CheckConstraint(
                condition=Exact(Length("nonce"), NONCE_BYTES), name=f"{prefix}_nonce_size"
            ),
            models.CheckConstraint(
                condition=GreaterThanOrEqual(Length("ciphertext"), SEALED_MINIMUM_BYTES),
                name=f"{prefix}_ciphertext_not_too_small",
            ),
            models.CheckConstraint(
                condition=LessThanOrEqual(Length("ciphertext"), maximum),
                name=f"{prefix}_ciphertext_not_too_large",
            ),
        ]


class JournalEntry(SealedRecord):
    """A journal entry: inside the seal, the handle, whether something shifted, notes, tags."""

    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name_plural = "journal entries"
        constraints = SealedRecord.sealed_constraints("journal_entry", ENTRY_MAXIMUM_BYTES)

    def __str__(self) -> str:
        return f"Journal entry {self.pk}"


class CheckIn(SealedRecord):
    """A short self check-in: inside the seal, four numbers from 0 to 10 and a word."""

    class Meta:
        ordering = ["created_at", "id"]
        constraints = SealedRecord.sealed_constraints("check_in", CHECK_IN_MAXIMUM_BYTES)

    def __str__(self) -> str:
        return f"Check-in {self.pk}"
