"""A partnership's regular time, each member's calendar link and reminders, and the emails owed."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from felt.partnerships.models import Partnership
from felt.room.core import LENGTH_MINUTES

from . import occurrences


class Cadence(models.IntegerChoices):
    """Weeks between two sessions."""

    WEEKLY = occurrences.WEEKLY, _("Every week")
    EVERY_TWO_WEEKS = occurrences.EVERY_TWO_WEEKS, _("Every two weeks")


class Schedule(models.Model):
    """A partnership's regular time: the rhythms it has kept, and whether it is paused."""

    partnership = models.OneToOneField(
        Partnership, on_delete=models.CASCADE, related_name="schedule"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    paused_at = models.DateTimeField(null=True, blank=True)
    paused_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # Counts every change to the sessions (a new time, a skip, a move, a pause): calendar apps
    # read it as each event's SEQUENCE and know to update.
    revision = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"Schedule of partnership {self.partnership_id}"

    @property
    def paused(self) -> bool:
        return self.paused_at is not None


def _rhythm_constraints(prefix: str) -> list:
    return [
        models.CheckConstraint(
            condition=Q(weekday__gte=0, weekday__lte=6), name=f"{prefix}_weekday_is_a_day"
        ),
        models.CheckConstraint(
            condition=Q(length__gte=LENGTH_MINUTES[0], length__lte=LENGTH_MINUTES[1]),
            name=f"{prefix}_length_in_range",
        ),
        models.CheckConstraint(
            condition=Q(interval_weeks__in=Cadence.values), name=f"{prefix}_known_cadence"
        ),
    ]


class Rhythm(models.Model):
    """One stretch of a schedule: a weekday, a wall-clock time in a time zone, a length and a
    cadence, from its first day until it was changed or paused (`ends_at`, exclusive)."""

    schedule = models.ForeignKey(Schedule, on_delete=models.CASCADE, related_name="rhythms")
    weekday = models.PositiveSmallIntegerField()  # Monday is 0
    time = models.TimeField()
    length = models.PositiveSmallIntegerField()  # minutes
    interval_weeks = models.PositiveSmallIntegerField(choices=Cadence.choices)
    time_zone = models.CharField(max_length=64)
    first_day = models.DateField()
    ends_at = models.DateTimeField(null=True, blank=True)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    accepted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["first_day", "id"]
        constraints = [
            *_rhythm_constraints("rhythm"),
            # Only one rhythm of a schedule is in force at a time.
            models.UniqueConstraint(
                fields=["schedule"], condition=Q(ends_at__isnull=True), name="one_rhythm_in_force"
            ),
        ]

    def __str__(self) -> str:
        return f"Rhythm {self.pk}"

    def as_core(self) -> occurrences.Rhythm:
        return occurrences.Rhythm(
            id=self.pk,
            weekday=self.weekday,
            at=self.time.replace(second=0, microsecond=0),
            length=self.length,
            interval=self.interval_weeks,
            zone=self.time_zone,
            first_day=self.first_day,
            ends_at=self.ends_at,
        )


class Proposal(models.Model):
    """A regular time one partner proposes and the other may accept: the first, or a change."""

    class Status(models.TextChoices):
        OPEN = "open", _("Waiting for an answer")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        REPLACED = "replaced", _("Replaced by another proposal")

    partnership = models.ForeignKey(
        Partnership, on_delete=models.CASCADE, related_name="schedule_proposals"
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    weekday = models.PositiveSmallIntegerField()
    time = models.TimeField()
    length = models.PositiveSmallIntegerField()
    interval_weeks = models.PositiveSmallIntegerField(choices=Cadence.choices)
    time_zone = models.CharField(max_length=64)
    # The rhythm begins with the first session on the weekday on or after this date.
    starts_on = models.DateField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    created_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            *_rhythm_constraints("proposal"),
            models.UniqueConstraint(
                fields=["partnership"],
                condition=Q(status="open"),
                name="one_open_schedule_proposal",
            ),
        ]

    def __str__(self) -> str:
        return f"Schedule proposal {self.pk}"


class OccurrenceChange(models.Model):
    """One session of a rhythm skipped (`moved_to` empty) or moved to another time."""

    rhythm = models.ForeignKey(Rhythm, on_delete=models.CASCADE, related_name="changes")
    original_start = models.DateTimeField()
    moved_to = models.DateTimeField(null=True, blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    changed_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["rhythm", "original_start"], name="one_change_per_occurrence"
            ),
        ]

    def __str__(self) -> str:
        return f"Change to an occurrence of rhythm {self.rhythm_id}"

    def as_core(self) -> occurrences.Change:
        return occurrences.Change(
            rhythm_id=self.rhythm_id, original=self.original_start, moved_to=self.moved_to
        )


class ReminderPreference(models.Model):
    """How long before each session a member wants an email (no row: the default, an hour)."""

    class Lead(models.IntegerChoices):
        NONE = 0, _("No reminders")
        QUARTER_HOUR = 15, _("15 minutes before")
        HOUR = 60, _("1 hour before")
        DAY = 1440, _("24 hours before")

    DEFAULT = Lead.HOUR

    member = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reminder_preference"
    )
    lead_minutes = models.PositiveIntegerField(choices=Lead.choices, default=DEFAULT)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(lead_minutes__in=[0, 15, 60, 1440]), name="reminder_lead_is_a_choice"
            ),
        ]

    def __str__(self) -> str:
        return f"Reminder preference of member {self.member_id}"


class CalendarFeed(models.Model):
    """A member's private calendar link. Only a hash of its secret is kept: a copy of the
    database opens no one's calendar. Revoking deletes the row; renewing replaces the hash."""

    member = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed"
    )
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"Calendar feed of member {self.member_id}"


class Notice(models.Model):
    """An email Felt owes one member: a reminder of a session, or a note that a partnership has
    lapsed. One row per email (the unique key), claimed before sending, so each goes out once."""

    class Kind(models.TextChoices):
        REMINDER = "reminder", _("Reminder")
        LAPSE = "lapse", _("Lapse note")

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting to be sent")
        SENDING = "sending", _("Being sent")
        SENT = "sent", _("Sent")
        DROPPED = "dropped", _("No longer needed")
        FAILED = "failed", _("Could not be sent")

    kind = models.CharField(max_length=10, choices=Kind.choices)
    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="+")
    # What makes this email the one it is: a reminder names the occurrence and the start it
    # reminds of (a moved session is reminded again); a lapse note, when the lapse began.
    key = models.CharField(max_length=120)
    occurrence = models.CharField(max_length=100, blank=True)
    about = models.DateTimeField()
    due_at = models.DateTimeField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    claimed_by = models.CharField(max_length=100, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "member", "key"], name="one_notice_per_member_and_key"
            ),
        ]
        indexes = [models.Index(fields=["status", "due_at"], name="notice_status_due")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.pk}"
