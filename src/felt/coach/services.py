"""Practice mode's changes: hearing an answer, the member's history choice, deleting it.

What a member types is handed to the classifier and forgotten: it is never written to the
database, a log, the session or an error report. Each `check_*` raises a `FeltError` with one
kind sentence before anything happens, so a refused answer changes nothing.
"""

from __future__ import annotations

import logging

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from felt import coach
from felt.core.errors import FeltError

from . import selectors
from .models import PracticeAttempt, PracticePreference
from .practice import (
    KINDS,
    RESPONSE_MAXIMUM_CHARACTERS,
    Feedback,
    Statement,
    feedback_for,
    statement_by_id,
)

logger = logging.getLogger(__name__)

# Years of daily practice; beyond it the oldest kept answers make way for new ones, a guard
# against a history that grows without end.
KEPT_ATTEMPTS_LIMIT = 10_000


class CoachUnavailable(FeltError):
    """The classifier failed; the member is told kindly and nothing was kept."""


# -- checks --------------------------------------------------------------------------------


def check_statement(*, statement_id: str | None) -> Statement:
    statement = statement_by_id(statement_id or "")
    if statement is None:
        raise FeltError(
            _(
                "That statement isn\u2019t one of ours, so nothing was changed; please answer "
                "the statement shown on the page."
            )
        )
    return statement


def check_response(*, response: str | None) -> str:
    """The answer as the coach hears it: line endings made plain, spaces at the ends trimmed."""
    text = (response or "").replace("\r\n", "\n").replace("\r", "\n").strip()
    if not text:
        raise FeltError(
            _("Please write what you would say back to the focuser; the box is still empty.")
        )
    if len(text) > RESPONSE_MAXIMUM_CHARACTERS:
        raise FeltError(
            _(
                "That is longer than the coach listens to at once (2,000 characters), so "
                "nothing was changed; a few of the focuser\u2019s words are plenty."
            )
        )
    return text


def check_keep_choice(*, value: str | None) -> bool:
    choices = {"yes": True, "no": False}
    if value not in choices:
        raise FeltError(
            _("That choice did not arrive as we expect, so nothing was changed; please try again.")
        )
    return choices[value]


# -- practice ------------------------------------------------------------------------------


def hear_response(*, member, statement_id: str | None, response: str | None) -> Feedback:
    """The coach's feedback on one answer; the answer's kind is kept only if the member asked."""
    statement = check_statement(statement_id=statement_id)
    text = check_response(response=response)
    try:
        # Looked up at each call, not at import: the site still loads where the classifier cannot.
        classification = coach.classify(text, context=statement.text)
    except Exception as error:  # any fault in the classifier is told the same way
        # The error's own message could quote what was typed: only its kind goes to the log.
        logger.error("the coach's classifier failed: %s", type(error).__name__)
        raise CoachUnavailable(
            _(
                "The coach could not listen just now, and nothing was kept; please try again "
                "in a little while."
            )
        ) from None
    label = classification.label if classification.label in KINDS else "other"
    if selectors.keeps_history(member=member):
        _keep_attempt(member=member, statement=statement, label=label)
    return feedback_for(statement=statement, label=label)


def _keep_attempt(*, member, statement: Statement, label: str) -> None:
    with transaction.atomic():
        PracticeAttempt.objects.create(
            member=member, statement=statement.id, label=label, answered_at=timezone.now()
        )
        beyond = selectors.attempts_of(member=member).order_by("-answered_at", "-id")[
            KEPT_ATTEMPTS_LIMIT:
        ]
        stale = list(beyond.values_list("id", flat=True)[:100])
        if stale:
            PracticeAttempt.objects.filter(member=member, id__in=stale).delete()


# -- the member's history ------------------------------------------------------------------


def set_keep_history(*, member, keep: bool) -> PracticePreference:
    """Start or stop keeping the history; what was kept stays until the member deletes it."""
    preference, _created = PracticePreference.objects.update_or_create(
        member=member, defaults={"keep_history": keep}
    )
    logger.info("member %s %s keeping practice history", member.pk, "began" if keep else "stopped")
    return preference


def delete_history(*, member) -> int:
    """Delete every kept answer of the member's, for good; the choice to keep stays as it is."""
    deleted, _per_model = PracticeAttempt.objects.filter(member=member).delete()
    logger.info("member %s deleted their practice history (%s answers)", member.pk, deleted)
    return deleted
