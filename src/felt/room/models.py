from django.db import models

from felt.partnerships.models import Partnership


class Session(models.Model):
    """One meeting of a partnership in the room.

    `state` is the room's functional core state (plan, phase, pause times, the kinds and times
    of requests); never anything either person said. `seq` counts the changes applied to it.
    """

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="sessions")
    started_by = models.ForeignKey(
        "accounts.Member", on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # The scheduled occurrence this session meets for, if any (the schedule's own key).
    occurrence = models.CharField(max_length=100, blank=True, db_index=True)
    phase = models.CharField(max_length=10, default="waiting", db_index=True)
    seq = models.PositiveIntegerField(default=0)
    # The seq at which the current phase began: a command based on an earlier phase is stale.
    phase_seq = models.PositiveIntegerField(default=0)
    state = models.JSONField()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Session {self.pk}"


class CommandReceipt(models.Model):
    """A command already applied, by its client-made id, so a retry is applied at most once."""

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="receipts")
    command_id = models.CharField(max_length=64)
    member = models.ForeignKey("accounts.Member", on_delete=models.CASCADE, related_name="+")
    seq = models.PositiveIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["session", "command_id"], name="command_applied_once"),
        ]

    def __str__(self) -> str:
        return f"Command {self.command_id} in session {self.session_id}"


class Presence(models.Model):
    """An open socket of a member in a session's room, refreshed by the client's heartbeat."""

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="presences")
    member = models.ForeignKey("accounts.Member", on_delete=models.CASCADE, related_name="+")
    channel_name = models.CharField(max_length=200, unique=True)
    last_seen = models.DateTimeField()

    def __str__(self) -> str:
        return f"Presence of member {self.member_id} in session {self.session_id}"
