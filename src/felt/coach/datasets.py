"""Reading the coach's training and evaluation sets into one shape: `Example`.

Sources (see docs/coach-model-card.md for licences and what each may be used for):

- our own corpus, `src/felt/coach/corpus/<label>.jsonl` (trains the shipped model);
- AnnoMI (trains the shipped model, mapped through its subtypes; also evaluations 1 and 2);
- ESConv and MI gold: non-commercial licences, so evaluation only, never the shipped model.
"""

from __future__ import annotations

import csv
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from felt.coach.labels import LABELS

PROJECT_ROOT = Path(__file__).resolve().parents[3]
CORPUS_DIR = Path(__file__).resolve().parent / "corpus"


def data_dir() -> Path:
    """The shared data folder: `$FELT_COACH_DATA`, else `../shared/data` beside the project."""
    configured = os.environ.get("FELT_COACH_DATA")
    return Path(configured) if configured else PROJECT_ROOT.parent / "shared" / "data"


@dataclass(frozen=True, slots=True)
class Example:
    response: str
    context: str | None
    label: str
    group: str  # transcript or dialogue: examples of one group never straddle two folds
    previous: str | None = None  # the listener's own previous turn, where the set has it


class DataMissing(FileNotFoundError):
    """A data set the command needs is not on this machine."""


def _require(path: Path) -> Path:
    if not path.exists():
        raise DataMissing(f"{path} is not there; the coach's data sets live in ../shared/data.")
    return path


# -- our corpus ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CorpusRow:
    file: str
    line: int
    record: dict


def read_corpus_rows(directory: Path = CORPUS_DIR) -> Iterator[CorpusRow]:
    """Every line of every `<label>.jsonl`, parsed; a broken line is a `ValueError`."""
    for path in sorted(directory.glob("*.jsonl")):
        with path.open(encoding="utf-8") as handle:
            for number, line in enumerate(handle, start=1):
                if not line.strip():
                    continue
                try:
                    record = json.loads(line)
                except json.JSONDecodeError as error:
                    raise ValueError(f"{path.name}:{number} is not JSON: {error}") from None
                yield CorpusRow(path.name, number, record)


def load_corpus(directory: Path = CORPUS_DIR) -> list[Example]:
    """The corpus rows that are complete and carry a known label (the corpus test checks
    the rest); the group is the topic, so one topic's variations stay together."""
    examples = []
    seen: set[str] = set()
    for row in read_corpus_rows(directory):
        record = row.record
        response, context, label = (
            record.get("response"),
            record.get("context"),
            record.get("label"),
        )
        if not isinstance(response, str) or not response.strip() or label not in LABELS:
            continue
        key = " ".join(response.lower().split())
        if key in seen:
            continue
        seen.add(key)
        context = context if isinstance(context, str) and context.strip() else None
        topic = record.get("topic") or "corpus"
        examples.append(Example(response, context, label, f"corpus:{topic}"))
    return examples


# -- AnnoMI -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class AnnoMIUtterance:
    transcript: str
    utterance: int
    text: str
    context: str | None  # the nearest earlier client utterance of the transcript
    previous: str | None  # the nearest earlier therapist utterance of the transcript
    behaviour: str  # question / reflection / therapist_input / other
    subtype: str  # open / closed / simple / complex / information / advice / ... / other


def _subtype(row: dict) -> str:
    """The subtype of a row's main behaviour; "n/a" where the file has no subtypes (simple)."""
    return {
        "question": row.get("question_subtype", "n/a"),
        "reflection": row.get("reflection_subtype", "n/a"),
        "therapist_input": row.get("therapist_input_subtype", "n/a"),
    }.get(row["main_therapist_behaviour"], "other")


def _with_contexts(rows: list[dict]) -> list[AnnoMIUtterance]:
    by_transcript: dict[str, list[dict]] = {}
    for row in rows:
        by_transcript.setdefault(row["transcript_id"], []).append(row)
    utterances = []
    for transcript in sorted(by_transcript, key=int):
        turns = sorted(by_transcript[transcript], key=lambda r: int(r["utterance_id"]))
        client: str | None = None
        therapist: str | None = None
        for row in turns:
            text = row["utterance_text"]
            if row["interlocutor"] == "client":
                client = text
                continue
            utterances.append(
                AnnoMIUtterance(
                    transcript,
                    int(row["utterance_id"]),
                    text,
                    client,
                    therapist,
                    row["main_therapist_behaviour"],
                    _subtype(row),
                )
            )
            therapist = text
    return utterances


def load_annomi_simple() -> list[AnnoMIUtterance]:
    """The 4,882 therapist utterances of AnnoMI-simple (evaluation 1's set)."""
    path = _require(data_dir() / "annomi" / "AnnoMI-simple.csv")
    with path.open(encoding="utf-8", newline="") as handle:
        return _with_contexts(list(csv.DictReader(handle)))


def load_annomi_full() -> list[AnnoMIUtterance]:
    """AnnoMI-full, one annotation per utterance.

    Some transcripts were annotated by several experts, so the file has several rows for
    one utterance. We keep, for each utterance, the row of the annotator whose main
    behaviour matches AnnoMI-simple's, and among those the lowest annotator id: that makes
    the 4- and 7-class sets the same utterances with agreeing labels.
    """
    path = _require(data_dir() / "annomi" / "AnnoMI-full.csv")
    simple = {(u.transcript, u.utterance): u.behaviour for u in load_annomi_simple()}
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    chosen: dict[tuple[str, int], dict] = {}
    for row in rows:
        key = (row["transcript_id"], int(row["utterance_id"]))
        if row["interlocutor"] == "therapist" and simple.get(key) not in (
            None,
            row["main_therapist_behaviour"],
        ):
            continue
        current = chosen.get(key)
        if current is None or int(row["annotator_id"]) < int(current["annotator_id"]):
            chosen[key] = row
    return _with_contexts(list(chosen.values()))


def load_annomi_annotations() -> dict[tuple[str, int], list[tuple[str, str]]]:
    """Every expert's (behaviour, subtype) for the therapist utterances that several
    experts annotated (AnnoMI-full), one per annotator, keyed by (transcript, utterance):
    what evaluations 1 and 2 compare the model with, beside one expert with another."""
    path = _require(data_dir() / "annomi" / "AnnoMI-full.csv")
    with path.open(encoding="utf-8", newline="") as handle:
        rows = [r for r in csv.DictReader(handle) if r["interlocutor"] == "therapist"]
    by_utterance: dict[tuple[str, int], dict[str, tuple[str, str]]] = {}
    for row in rows:
        key = (row["transcript_id"], int(row["utterance_id"]))
        annotation = (row["main_therapist_behaviour"], _subtype(row))
        by_utterance.setdefault(key, {}).setdefault(row["annotator_id"], annotation)
    return {
        key: [annotations[a] for a in sorted(annotations, key=int)]
        for key, annotations in sorted(
            by_utterance.items(), key=lambda kv: (int(kv[0][0]), kv[0][1])
        )
        if len(annotations) > 1
    }


# How AnnoMI's annotations become the coach's categories for the shipped model.
# negotiation (agenda setting, agreeing next steps) mixes questions, logistics and
# directions, so it teaches no single category of ours: those rows are left out.
ANNOMI_TO_COACH: dict[tuple[str, str], str] = {
    ("question", "open"): "open_question",
    ("question", "closed"): "closed_question",
    ("reflection", "simple"): "reflection",
    ("reflection", "complex"): "reflection",
    ("therapist_input", "information"): "information",
    ("therapist_input", "advice"): "advice",
    ("therapist_input", "options"): "advice",
    ("other", "other"): "other",
}

ANNOMI_7: dict[tuple[str, str], str] = {
    ("question", "open"): "open_question",
    ("question", "closed"): "closed_question",
    ("reflection", "simple"): "simple_reflection",
    ("reflection", "complex"): "complex_reflection",
    ("therapist_input", "information"): "information",
    ("therapist_input", "advice"): "advice",
    ("other", "other"): "other",
}


def annomi_for_coach() -> list[Example]:
    return [
        Example(
            u.text, u.context, ANNOMI_TO_COACH[(u.behaviour, u.subtype)], f"annomi:{u.transcript}"
        )
        for u in load_annomi_full()
        if (u.behaviour, u.subtype) in ANNOMI_TO_COACH
    ]


# -- ESConv (evaluation only) -------------------------------------------------------------

ESCONV_STRATEGIES: tuple[str, ...] = (
    "Question",
    "Restatement or Paraphrasing",
    "Reflection of feelings",
    "Self-disclosure",
    "Affirmation and Reassurance",
    "Providing Suggestions",
    "Information",
    "Others",
)

# ESConv has one "Question" strategy; the coach's two question labels both count as it.
ESCONV_TO_COACH: dict[str, str] = {
    "Question": "question",
    "Restatement or Paraphrasing": "reflection",
    "Reflection of feelings": "reflection",
    "Self-disclosure": "self_disclosure",
    "Affirmation and Reassurance": "reassurance",
    "Providing Suggestions": "advice",
    "Information": "information",
    "Others": "other",
}


def load_esconv(split: str) -> list[Example]:
    """Supporter turns of one official split, labelled with their strategy; the context is
    the seeker's turns since the supporter last spoke."""
    path = _require(data_dir() / "esconv" / f"hf_{split}.json")
    examples = []
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle):
            if not line.strip():
                continue
            dialogue = json.loads(line)
            seeker: list[str] = []
            previous: str | None = None
            for turn in dialogue["dialog"]:
                text = turn["text"].strip()
                if turn["speaker"] == "usr":
                    seeker.append(text)
                    continue
                context = " ".join(seeker) if seeker else None
                examples.append(
                    Example(text, context, turn["strategy"], f"esconv:{split}:{number}", previous)
                )
                previous = text
                seeker = []
    return examples


# -- MI gold (evaluation only) ------------------------------------------------------------

# MITI codes onto the coach's categories. Confront, Emphasize Autonomy and Warn have no
# counterpart (they are neither advice nor interpretation in our sense), so they are left out.
MI_GOLD_TO_COACH: dict[str, str] = {
    "Open Question": "open_question",
    "Closed Question": "closed_question",
    "Simple Reflection": "reflection",
    "Complex Reflection": "reflection",
    "Give Information": "information",
    "Advise with Permission": "advice",
    "Advise without Permission": "advice",
    "Direct": "advice",
    "Affirm": "reassurance",
    "Support": "reassurance",
    "Self-Disclose": "self_disclosure",
    "Other": "other",
}


def load_mi_gold() -> list[Example]:
    """MI gold's sentences (no context in the set), with their MITI code as the label."""
    path = _require(data_dir() / "mi_gold" / "mi_gold_test_output.csv")
    with path.open(encoding="utf-8", newline="") as handle:
        return [
            Example(row["Text"], None, row["Ground truth"], f"mi_gold:{i}")
            for i, row in enumerate(csv.DictReader(handle))
        ]
