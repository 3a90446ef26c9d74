"""Reading practice mode: which statement to show, the member's choice, their kept history.

A member's history is read only for that member; no view asks for anyone else's.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import QuerySet

from .models import PracticeAttempt, PracticePreference
from .practice import REFLECTION, STATEMENTS, Statement, statement_by_id

GROUP_SIZE = 10
# Enough to see a year's change, short enough to read; older weeks still count in the total.
WEEKS_SHOWN = 52
GROUPS_SHOWN = 20


def statement_to_show(*, statement_id: str | None) -> tuple[Statement, bool]:
    """The statement asked for, or one chosen at random; and whether the one asked for was ours."""
    if statement_id:
        statement = statement_by_id(statement_id)
        if statement is not None:
            return statement, True
        return random.choice(STATEMENTS), False
    return random.choice(STATEMENTS), True


def keeps_history(*, member) -> bool:
    """Whether the member chose to keep their practice history: off unless they turned it on."""
    return PracticePreference.objects.filter(member=member, keep_history=True).exists()


def attempts_of(*, member) -> QuerySet[PracticeAttempt]:
    return PracticeAttempt.objects.filter(member=member)


@dataclass(frozen=True)
class Share:
    """How many answers there were in a stretch of practice, and how many were saying back."""

    answers: int
    reflections: int

    @property
    def percent(self) -> int:
        return round(100 * self.reflections / self.answers) if self.answers else 0

    @property
    def bar(self) -> int:
        """The share to the nearest 5%, for the stylesheet's bar widths (no inline styles)."""
        return 5 * round(self.percent / 5)


@dataclass(frozen=True)
class WeekShare(Share):
    starts: date


@dataclass(frozen=True)
class GroupShare(Share):
    first: int
    last: int


@dataclass(frozen=True)
class History:
    overall: Share
    weeks: list[WeekShare]
    groups: list[GroupShare]
    earlier_weeks: int
    earlier_groups: int

    @property
    def first_week(self) -> WeekShare | None:
        return self.weeks[0] if len(self.weeks) > 1 else None

    @property
    def latest_week(self) -> WeekShare | None:
        return self.weeks[-1] if len(self.weeks) > 1 else None


def history_of(*, member) -> History:
    """The member's kept answers, week by week (their own weeks, from Monday) and ten at a time."""
    zone = member.zone
    kept = list(attempts_of(member=member).values_list("label", "answered_at"))
    weeks: dict[date, list[int]] = {}
    for label, answered_at in kept:
        day = answered_at.astimezone(zone).date()
        counts = weeks.setdefault(day - timedelta(days=day.weekday()), [0, 0])
        counts[0] += 1
        counts[1] += label == REFLECTION
    week_shares = [
        WeekShare(answers=answers, reflections=reflections, starts=starts)
        for starts, (answers, reflections) in sorted(weeks.items())
    ]
    groups = []
    for start in range(0, len(kept), GROUP_SIZE):
        labels = [label for label, _answered_at in kept[start : start + GROUP_SIZE]]
        groups.append(
            GroupShare(
                answers=len(labels),
                reflections=labels.count(REFLECTION),
                first=start + 1,
                last=start + len(labels),
            )
        )
    return History(
        overall=Share(
            answers=len(kept),
            reflections=sum(label == REFLECTION for label, _answered_at in kept),
        ),
        weeks=week_shares[-WEEKS_SHOWN:],
        groups=groups[-GROUPS_SHOWN:],
        earlier_weeks=max(0, len(week_shares) - WEEKS_SHOWN),
        earlier_groups=max(0, len(groups) - GROUPS_SHOWN),
    )
