from django.conf import settings
from django.db import models
from django.db.models import Q


class PairOfMembers:
    """A model that joins two members, `member_a` and `member_b`: a partnership, or a proposal
    of one. Which of the two someone is, and who the other is, is asked the same way of both."""

    def members(self):
        return (self.member_a, self.member_b)

    def includes(self, member) -> bool:
        return member.pk in (self.member_a_id, self.member_b_id)

    def partner_of(self, member):
        if member.pk == self.member_a_id:
            return self.member_b
        if member.pk == self.member_b_id:
            return self.member_a
        raise ValueError(f"not one of this {type(self).__name__.lower()}'s members")


class Partnership(PairOfMembers, models.Model):
    """Two members who listen to each other, turn and turn about."""

    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        PAUSED = "paused", "Paused"
        ENDED = "ended", "Ended"

    class WayToMeet(models.TextChoices):
        # The same words as the session room's core (felt.room.core.WAYS_TO_MEET).
        VIDEO = "video", "Video in Felt"
        AUDIO = "audio", "Audio only in Felt"
        PHONE = "phone", "By phone"
        IN_PERSON = "in_person", "In person"

    member_a = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    member_b = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE)
    # How the two usually meet; each session starts with it and may change it for itself.
    way_to_meet = models.CharField(
        max_length=10, choices=WayToMeet.choices, default=WayToMeet.VIDEO
    )
    created_at = models.DateTimeField(auto_now_add=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # The ending partner's kind notice has been seen by the other partner.
    ending_seen_by_other = models.BooleanField(default=False)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(member_a=models.F("member_b")), name="partnership_of_two_people"
            ),
            models.CheckConstraint(
                condition=Q(way_to_meet__in=["video", "audio", "phone", "in_person"]),
                name="partnership_way_to_meet_known",
            ),
        ]

    def __str__(self) -> str:
        return f"Partnership {self.pk}"


class LedgerEntry(models.Model):
    """One change to who owes whom listening time.

    `seconds` is what `member` owes the partner because of this entry: an overrun adds to it,
    an accepted give-back (a longer turn for the partner) takes it away.
    """

    class Kind(models.TextChoices):
        OVERRUN = "overrun", "Overrun"
        GIVE_BACK = "give_back", "Time given back"

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="ledger")
    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    seconds = models.IntegerField()
    kind = models.CharField(max_length=10, choices=Kind.choices)
    session = models.ForeignKey(
        "room.Session", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            # One overrun entry per turn and one give-back per session: a retried command
            # must never count twice.
            models.UniqueConstraint(
                fields=["session", "member", "kind"], name="one_ledger_entry_per_kind_per_session"
            ),
        ]

    def __str__(self) -> str:
        return f"Ledger entry {self.pk}"


class Invitation(models.Model):
    """A single-use link that lets someone become the inviter's partner."""

    inviter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="invitations_sent"
    )
    # Only a hash of the link's secret is kept: a copy of the database opens no invitation.
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    used_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    accepted = models.BooleanField(null=True)
    partnership = models.ForeignKey(
        Partnership, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Invitation {self.pk}"


class Block(models.Model):
    """`blocker` wants no partnership and no invitations from `blocked`."""

    blocker = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    blocked = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["blocker", "blocked"], name="block_once"),
        ]

    def __str__(self) -> str:
        return f"Block {self.pk}"
