"""The shipped classifier: a sparse linear model over hashed features, run with numpy only.

No scikit-learn and no Django here: loading is three `numpy.load` calls and a JSON file,
and classifying one response is a feature extraction, a gather of a few hundred weight rows
and a softmax.
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from felt.coach.features import (
    BLOCK_SCALES,
    DIM,
    FEATURE_VERSION,
    RawFeatures,
    extract,
    is_directive,
)
from felt.coach.labels import LABELS, Classification

MODEL_DIR = Path(__file__).resolve().parent / "model"


class ModelFileError(RuntimeError):
    """The model files are missing or do not match this code."""


@dataclass(frozen=True, eq=False)  # arrays have no single truth value: compare by identity
class Model:
    weights: np.ndarray  # (DIM, len(labels)), float32
    bias: np.ndarray  # (len(labels),), float32
    idf: np.ndarray  # (DIM,), float32
    labels: tuple[str, ...]
    meta: dict
    without_context: np.ndarray  # added to the logits when there is no context
    directive: np.ndarray  # added to the logits for a plain directive form ("you should…")

    @classmethod
    def load(cls, directory: Path = MODEL_DIR) -> Model:
        try:
            meta = json.loads((directory / "model.json").read_text(encoding="utf-8"))
            # float16 on disk keeps the repository small; float32 in memory for the arithmetic.
            weights = np.load(directory / "weights.npy").astype(np.float32)
            bias = np.load(directory / "bias.npy").astype(np.float32)
            idf = np.load(directory / "idf.npy").astype(np.float32)
        except (OSError, ValueError) as error:
            raise ModelFileError(
                f"The coach's model could not be read from {directory}: run `felt coach train`."
            ) from error
        labels = tuple(meta["labels"])
        if (
            meta.get("feature_version") != FEATURE_VERSION
            or meta.get("dim") != DIM
            or weights.shape != (DIM, len(labels))
            or set(labels) != set(LABELS)
        ):
            raise ModelFileError(
                f"The coach's model in {directory} does not match this code: "
                "run `felt coach train`."
            )
        offsets = meta.get("caution_without_context", {})
        without_context = np.array([offsets.get(label, 0.0) for label in labels], np.float32)
        directive = np.zeros(len(labels), np.float32)
        directive[labels.index("advice")] = meta.get("directive_boost", 0.0)
        return cls(weights, bias, idf, labels, meta, without_context, directive)

    def vector(self, raw: RawFeatures) -> tuple[np.ndarray, np.ndarray]:
        """The weighted feature vector as (slots, values); the same sums as training's."""
        slots: list[np.ndarray] = []
        values: list[np.ndarray] = []
        for block, counts in raw.blocks.items():
            if not counts:
                continue
            index = np.fromiter(counts.keys(), dtype=np.int64, count=len(counts))
            tf = np.fromiter(counts.values(), dtype=np.float32, count=len(counts))
            weighted = (1.0 + np.log(tf)) * self.idf[index]
            norm = float(np.sqrt(np.dot(weighted, weighted)))
            if norm > 0.0:
                slots.append(index)
                values.append(weighted * (BLOCK_SCALES[block] / norm))
        if raw.cues:
            slots.append(np.fromiter(raw.cues.keys(), dtype=np.int64, count=len(raw.cues)))
            values.append(np.fromiter(raw.cues.values(), dtype=np.float32, count=len(raw.cues)))
        if not slots:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
        return np.concatenate(slots), np.concatenate(values)

    def classify(self, response: str, context: str | None = None) -> Classification:
        if not isinstance(response, str):
            raise TypeError("The response must be text.")
        if context is not None and not isinstance(context, str):
            raise TypeError("The context must be text or None.")
        index, value = self.vector(extract(response, context))
        logits = value @ self.weights[index] + self.bias if index.size else self.bias.copy()
        if context is None or not context.strip():
            logits = logits + self.without_context
        if is_directive(response, context):
            logits = logits + self.directive
        logits = logits.astype(np.float64)
        logits -= logits.max()
        probabilities = np.exp(logits)
        probabilities /= probabilities.sum()
        scores = {label: float(p) for label, p in zip(self.labels, probabilities, strict=True)}
        # Ties go to the earlier label in LABELS, so the answer never depends on dict order.
        best = max(LABELS, key=lambda label: (scores[label], -LABELS.index(label)))
        return Classification(label=best, scores={label: scores[label] for label in LABELS})


_model: Model | None = None
_lock = threading.Lock()


def load_model() -> Model:
    """The shipped model, read once per process (the first call pays the load time)."""
    global _model
    if _model is None:
        with _lock:
            if _model is None:
                _model = Model.load()
    return _model


def classify(response: str, context: str | None = None) -> Classification:
    """Classify one listener response; `context` is the focuser's words just before it."""
    return load_model().classify(response, context)
