"""What practice mode may keep: a member's choice, and, only if they chose it, their history.

Nothing a member types in practice is ever stored. With history kept, an answer leaves a row
saying which statement it answered, the kind of response the coach heard, and when: never a
word of it. The history is off until the member turns it on, and deleting it deletes the rows.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Length
from django.db.models.lookups import GreaterThan
from django.utils import timezone

from .labels import LABELS
from .practice import KINDS

STATEMENT_ID_MAXIMUM_LENGTH = 40
LABEL_MAXIMUM_LENGTH = 20


class PracticePreference(models.Model):
    """Whether the member wants Felt to keep their practice history (never their words)."""

    member = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="practice_preference"
    )
    keep_history = models.BooleanField(default=False)
    changed_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Practice preference of member {self.member_id}"


class PracticeAttempt(models.Model):
    """One answer in practice, kept because the member asked: the statement, the kind, the time."""

    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    # The id of a statement in felt.coach.practice; a label, not a link, so that a statement
    # retired later leaves the member's history as it was.
    statement = models.CharField(max_length=STATEMENT_ID_MAXIMUM_LENGTH)
    label = models.CharField(
        max_length=LABEL_MAXIMUM_LENGTH,
        choices=[(label, KINDS[label].name) for label in LABELS],
    )
    answered_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["answered_at", "id"]
        indexes = [models.Index(fields=["member", "answered_at"], name="practice_member_time")]
        constraints = [
            models.CheckConstraint(condition=Q(label__in=LABELS), name="practice_label_known"),
            models.CheckConstraint(
                condition=GreaterThan(Length("statement"), 0), name="practice_statement_given"
            ),
        ]

    def __str__(self) -> str:
        return f"Practice answer {self.pk} ({self.label})"
