"""The coach's own corpus keeps its rules: complete rows, known labels, no repeats, enough of
every category to train on."""

from collections import Counter

import pytest

from felt.coach import LABELS
from felt.coach.datasets import CORPUS_DIR, read_corpus_rows

MINIMUM_PER_LABEL = 150
KEYS = {"context", "response", "label", "topic", "note"}
REQUIRED = ("context", "response", "label", "topic")


@pytest.fixture(scope="module")
def rows():
    return list(read_corpus_rows(CORPUS_DIR))


def test_every_line_is_a_json_object_with_the_corpus_keys(rows):
    wrong = [
        f"{row.file}:{row.line}"
        for row in rows
        if not isinstance(row.record, dict) or not set(row.record) <= KEYS
    ]
    assert not wrong, f"Lines that are not objects or carry unknown keys: {wrong[:10]}"


def test_no_required_field_is_missing_or_empty(rows):
    empty = [
        f"{row.file}:{row.line} ({key})"
        for row in rows
        for key in REQUIRED
        if not isinstance(row.record.get(key), str) or not row.record[key].strip()
    ]
    assert not empty, f"Empty or missing fields: {empty[:10]}"


def test_every_label_is_one_of_the_nine_and_matches_its_file(rows):
    wrong = [
        f"{row.file}:{row.line}"
        for row in rows
        if row.record.get("label") not in LABELS or f"{row.record['label']}.jsonl" != row.file
    ]
    assert not wrong, f"Labels that are unknown or in the wrong file: {wrong[:10]}"


def test_no_response_appears_twice(rows):
    seen: dict[str, str] = {}
    repeats = []
    for row in rows:
        key = " ".join(str(row.record.get("response", "")).lower().split())
        if key in seen:
            repeats.append(f"{row.file}:{row.line} repeats {seen[key]}")
        seen.setdefault(key, f"{row.file}:{row.line}")
    assert not repeats, f"Repeated responses: {repeats[:10]}"


def test_every_category_has_enough_examples(rows):
    counts = Counter(row.record.get("label") for row in rows)
    short = {label: counts[label] for label in LABELS if counts[label] < MINIMUM_PER_LABEL}
    assert not short, f"Categories with fewer than {MINIMUM_PER_LABEL} examples: {short}"
