"""Training is reproducible to the byte, and the committed model is what `felt coach train`
makes from the committed corpus."""

import json

import pytest

pytest.importorskip("sklearn", reason="training needs scikit-learn")

from felt.coach import LABELS  # noqa: E402
from felt.coach.classifier import MODEL_DIR, Model  # noqa: E402
from felt.coach.datasets import data_dir, load_corpus  # noqa: E402
from felt.coach.training import (  # noqa: E402
    _digest,
    code_digest,
    shipped_training_set,
    train_and_save,
)


def small_training_set():
    # Every fifth corpus example: a few hundred rows, every category, a few seconds to fit.
    examples = load_corpus()[::5]
    return examples, [1.0] * len(examples)


def test_training_twice_writes_the_same_bytes(tmp_path):
    examples, weights = small_training_set()
    train_and_save(examples, weights, tmp_path / "one")
    train_and_save(examples, weights, tmp_path / "two")

    files = sorted(p.name for p in (tmp_path / "one").iterdir())
    assert files == ["bias.npy", "idf.npy", "model.json", "weights.npy"]
    for name in files:
        assert (tmp_path / "one" / name).read_bytes() == (tmp_path / "two" / name).read_bytes()


def test_a_trained_model_loads_and_classifies(tmp_path):
    examples, weights = small_training_set()
    train_and_save(examples, weights, tmp_path)

    result = Model.load(tmp_path).classify("Mm-hmm.")
    assert result.label in LABELS


def test_the_shipped_model_was_trained_on_the_current_corpus_and_annomi():
    if not (data_dir() / "annomi").exists():
        pytest.skip(f"AnnoMI is not at {data_dir() / 'annomi'} (../shared/data is absent).")
    meta = json.loads((MODEL_DIR / "model.json").read_text(encoding="utf-8"))
    examples, _weights, _counts = shipped_training_set()

    assert meta["training_data_sha256"] == _digest(examples), (
        "The corpus or AnnoMI mapping changed since the model was trained: run `felt coach train`."
    )


def test_the_shipped_model_was_trained_by_the_current_code():
    meta = json.loads((MODEL_DIR / "model.json").read_text(encoding="utf-8"))

    assert meta["code_sha256"] == code_digest(), (
        "features.py, training.py, datasets.py or labels.py changed since the model was "
        "trained: run `felt coach train`."
    )
