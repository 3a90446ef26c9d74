"""Training the coach's classifier: bulk features (scipy), logistic regression (scikit-learn),
and writing the model files byte-for-byte reproducibly.

Only `felt coach train`, `felt coach evaluate` and the tests import this module; the
classifier itself never needs scikit-learn.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
from scipy import sparse

from felt.coach import datasets
from felt.coach.classifier import MODEL_DIR, Model
from felt.coach.datasets import Example
from felt.coach.features import BLOCK_SCALES, BLOCKS, DIM, FEATURE_VERSION, N_BITS, extract
from felt.coach.labels import LABELS

# Chosen once on ESConv's validation split (C in 1, 4: macro-F1 0.486, 0.478), never on a
# test fold; AnnoMI, which has no validation split, gets the same. Balanced class weights
# by reasoning: the categories the coach cares most about (advice, interpretation) are rare.
C = 1.0
MAX_ITER = 2000
TOL = 1e-4
# The corpus is written for the coach's own task (Focusing, peers), AnnoMI for another
# (motivational interviewing, clinicians): the corpus counts for more per example.
SOURCE_WEIGHTS = {"corpus": 3.0, "annomi": 1.0}
# The product often has no context (a nudge without the focuser's words, sets like MI gold):
# every example with a context is also shown without it, at this share of its weight, so
# the model learns what saying back looks like from the response alone.
WITHOUT_CONTEXT_WEIGHT = 0.5
# Telling a listener they advised or interpreted when they did not is the coach's costliest
# mistake (it teaches them to distrust good listening), so those two labels must be twice as
# likely before they win: log(2) off their bias. Chosen by reasoning, not fitted.
CAUTION = {"advice": -math.log(2.0), "interpretation": -math.log(2.0)}
# Without the focuser's words the coach cannot see whether a meaning was added, only hear
# tentative wording ("sounds like", "maybe"), which good saying back uses too: interpretation
# then needs to be twice as likely again.
CAUTION_WITHOUT_CONTEXT = {"interpretation": -math.log(2.0)}
# A plain directive form ("you should", "why don't you", an opening imperative; see
# features.is_directive) multiplies the odds of advice by 4: the issue defines advice by
# these forms, and the corpus, which varies its openings on purpose, has few of them.
DIRECTIVE_BOOST = math.log(4.0)


@dataclass
class FeatureMatrices:
    """Raw counts per block and cue values, for many examples; weighted per fit by `weigh`."""

    blocks: dict[str, sparse.csr_matrix]
    cues: sparse.csr_matrix

    def rows(self, index: np.ndarray) -> FeatureMatrices:
        return FeatureMatrices({b: m[index] for b, m in self.blocks.items()}, self.cues[index])


def featurise(examples: Sequence[Example]) -> FeatureMatrices:
    coords: dict[str, tuple[list[int], list[int], list[float]]] = {
        name: ([], [], []) for name in (*BLOCKS, "cues")
    }
    for row, example in enumerate(examples):
        raw = extract(example.response, example.context)
        for name, counts in (*raw.blocks.items(), ("cues", raw.cues)):
            rows, cols, vals = coords[name]
            rows.extend([row] * len(counts))
            cols.extend(counts.keys())
            vals.extend(counts.values())

    def matrix(name: str) -> sparse.csr_matrix:
        rows, cols, vals = coords[name]
        return sparse.csr_matrix(
            (np.asarray(vals, dtype=np.float64), (rows, cols)), shape=(len(examples), DIM)
        )

    return FeatureMatrices({b: matrix(b) for b in BLOCKS}, matrix("cues"))


def fit_idf(features: FeatureMatrices) -> np.ndarray:
    """Smoothed IDF over every block (the blocks share the hashed slots)."""
    present = sum((m > 0).astype(np.float64) for m in features.blocks.values())
    df = np.asarray((present > 0).sum(axis=0)).ravel()
    n = features.cues.shape[0]
    return (np.log((1.0 + n) / (1.0 + df)) + 1.0).astype(np.float32)


def weigh(features: FeatureMatrices, idf: np.ndarray) -> sparse.csr_matrix:
    """The same arithmetic as `Model.vector`, for many rows at once."""
    total = features.cues.astype(np.float64)
    idf64 = idf.astype(np.float64)
    for block, counts in features.blocks.items():
        weighted = counts.copy().astype(np.float64)
        weighted.data = (1.0 + np.log(weighted.data)) * idf64[weighted.indices]
        norms = np.sqrt(np.asarray(weighted.multiply(weighted).sum(axis=1)).ravel())
        scale = np.divide(BLOCK_SCALES[block], norms, out=np.zeros_like(norms), where=norms > 0)
        total = total + sparse.diags(scale) @ weighted
    return total.tocsr()


def balanced_weights(labels: Sequence[str], base: Sequence[float] | None = None) -> np.ndarray:
    """Each class gets the same total weight, after any per-example (source) weights."""
    base_arr = np.ones(len(labels)) if base is None else np.asarray(base, dtype=np.float64)
    totals: Counter[str] = Counter()
    for label, weight in zip(labels, base_arr, strict=True):
        totals[label] += weight
    mean_total = sum(totals.values()) / len(totals)
    return np.array(
        [w * mean_total / totals[label] for label, w in zip(labels, base_arr, strict=True)]
    )


@dataclass
class LinearModel:
    classes: tuple[str, ...]
    weights: np.ndarray  # (DIM, classes)
    bias: np.ndarray
    idf: np.ndarray

    def predict_proba(self, features: FeatureMatrices) -> np.ndarray:
        logits = weigh(features, self.idf) @ self.weights + self.bias
        logits -= logits.max(axis=1, keepdims=True)
        p = np.exp(logits)
        return p / p.sum(axis=1, keepdims=True)

    def predict(self, features: FeatureMatrices) -> list[str]:
        return [self.classes[i] for i in self.predict_proba(features).argmax(axis=1)]


def fit(
    features: FeatureMatrices,
    labels: Sequence[str],
    sample_weight: Sequence[float] | None = None,
    *,
    classes: Sequence[str] | None = None,
    c: float = C,
) -> LinearModel:
    # Imported here: only training needs scikit-learn. One BLAS thread keeps the sums in
    # one order, so two trainings give the same bits (and leave the other cores free).
    from sklearn.linear_model import LogisticRegression
    from threadpoolctl import threadpool_limits

    classes = tuple(classes or sorted(set(labels)))
    idf = fit_idf(features)
    x = weigh(features, idf)
    y = np.array([classes.index(label) for label in labels])
    if len(set(y)) < 3:
        raise ValueError("Training needs examples of at least three categories.")
    weights = balanced_weights(labels, sample_weight)
    # Fit on the slots that occur at all: the other ~half of the 2**18 would get zero weight
    # anyway, and leaving them out makes each L-BFGS step several times cheaper.
    active = np.unique(x.indices)
    with threadpool_limits(limits=1):
        model = LogisticRegression(C=c, max_iter=MAX_ITER, tol=TOL)
        model.fit(x[:, active], y, sample_weight=weights)
    coef = np.zeros((len(classes), DIM))
    intercept = np.zeros(len(classes))
    # Classes absent from the training rows keep zero weights and a very low bias.
    intercept[:] = -30.0
    for row, class_index in enumerate(model.classes_):
        coef[class_index, active] = model.coef_[row]
        intercept[class_index] = model.intercept_[row]
    return LinearModel(classes, coef.T.astype(np.float32), intercept.astype(np.float32), idf)


# -- the shipped model --------------------------------------------------------------------


def shipped_training_set(
    corpus_dir: Path = datasets.CORPUS_DIR, *, with_annomi: bool = True
) -> tuple[list[Example], list[float], dict]:
    corpus = datasets.load_corpus(corpus_dir)
    # Without AnnoMI, if its licence must one day be treated as withdrawn (model card).
    annomi = datasets.annomi_for_coach() if with_annomi else []
    examples = [*corpus, *annomi]
    weights = [SOURCE_WEIGHTS["corpus"]] * len(corpus) + [SOURCE_WEIGHTS["annomi"]] * len(annomi)
    examples, weights = with_context_free_copies(examples, weights)
    counts = {
        "corpus": dict(sorted(Counter(e.label for e in corpus).items())),
        "annomi": dict(sorted(Counter(e.label for e in annomi).items())),
    }
    return examples, weights, counts


def with_context_free_copies(
    examples: Sequence[Example], weights: Sequence[float]
) -> tuple[list[Example], list[float]]:
    """The examples, then a copy without context of each that has one (see
    WITHOUT_CONTEXT_WEIGHT)."""
    out, out_weights = list(examples), list(weights)
    for example, weight in zip(examples, weights, strict=True):
        if example.context is not None:
            out.append(replace(example, context=None))
            out_weights.append(weight * WITHOUT_CONTEXT_WEIGHT)
    return out, out_weights


def code_digest() -> str:
    """The code that turns data into model files: a change to it needs a retraining."""
    hasher = hashlib.sha256()
    for name in ("features.py", "training.py", "datasets.py", "labels.py"):
        hasher.update((Path(__file__).resolve().parent / name).read_bytes())
    return hasher.hexdigest()


def _digest(examples: Sequence[Example]) -> str:
    hasher = hashlib.sha256()
    for e in examples:
        hasher.update(json.dumps([e.response, e.context, e.label]).encode("utf-8"))
    return hasher.hexdigest()


def train_shipped(
    output: Path = MODEL_DIR, corpus_dir: Path = datasets.CORPUS_DIR, *, with_annomi: bool = True
) -> dict:
    """Rebuild the shipped model from the corpus and AnnoMI; returns what model.json says."""
    examples, source_weights, counts = shipped_training_set(corpus_dir, with_annomi=with_annomi)
    return train_and_save(examples, source_weights, output, counts=counts)


def train_and_save(
    examples: Sequence[Example],
    source_weights: Sequence[float],
    output: Path,
    *,
    counts: dict | None = None,
    caution: dict[str, float] | None = None,
) -> dict:
    import sklearn

    caution = CAUTION if caution is None else caution
    missing = [label for label in LABELS if label not in {e.label for e in examples}]
    features = featurise(examples)
    model = fit(features, [e.label for e in examples], source_weights, classes=LABELS)
    for label, offset in caution.items():
        model.bias[LABELS.index(label)] += offset
    meta = {
        "format": "felt-coach-linear",
        "feature_version": FEATURE_VERSION,
        "n_bits": N_BITS,
        "dim": DIM,
        "labels": list(LABELS),
        "block_scales": BLOCK_SCALES,
        "c": C,
        "caution": caution,
        "caution_without_context": CAUTION_WITHOUT_CONTEXT,
        "directive_boost": DIRECTIVE_BOOST,
        "without_context_weight": WITHOUT_CONTEXT_WEIGHT,
        "code_sha256": code_digest(),
        "source_weights": SOURCE_WEIGHTS,
        "training_examples": len(examples),
        "training_counts": counts or dict(sorted(Counter(e.label for e in examples).items())),
        "labels_without_examples": missing,
        "training_data_sha256": _digest(examples),
        "scikit_learn": sklearn.__version__,
    }
    output.mkdir(parents=True, exist_ok=True)
    # float16 halves the file; the probabilities move in the fourth decimal at most.
    np.save(output / "weights.npy", model.weights.astype(np.float16), allow_pickle=False)
    np.save(output / "bias.npy", model.bias.astype(np.float32), allow_pickle=False)
    np.save(output / "idf.npy", model.idf.astype(np.float32), allow_pickle=False)
    (output / "model.json").write_text(
        json.dumps(meta, indent=2, sort_keys=True) + "\n", encoding="utf-8"
    )
    Model.load(output)  # refuse to leave behind files the classifier cannot read
    return meta


def model_size_bytes(directory: Path = MODEL_DIR) -> int:
    return sum(p.stat().st_size for p in directory.iterdir() if p.is_file())
