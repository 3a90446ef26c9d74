"""The coach's nine categories of listener response, and the result of classifying one."""

from __future__ import annotations

from dataclasses import dataclass

# The order is part of the model file format: the weight matrix's columns follow it.
LABELS: tuple[str, ...] = (
    "reflection",
    "open_question",
    "closed_question",
    "advice",
    "information",
    "interpretation",
    "reassurance",
    "self_disclosure",
    "other",
)


@dataclass(frozen=True, slots=True)
class Classification:
    """The most likely label and a probability for every label (they sum to 1)."""

    label: str
    scores: dict[str, float]
