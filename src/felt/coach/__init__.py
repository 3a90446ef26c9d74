"""The listening coach: classifies a listener's response into one of nine categories.

A functional core with no Django import: `classify(response, context=None)` returns the
most likely label and a probability for each of `LABELS`. The model is loaded from
`felt/coach/model/` on first use (numpy only); `felt coach train` rebuilds it.
"""

from felt.coach.classifier import classify, load_model
from felt.coach.labels import LABELS, Classification

__all__ = ["LABELS", "Classification", "classify", "load_model"]
