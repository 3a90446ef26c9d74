"""`felt coach`: its arguments and the line protocol of `felt coach classify`, free of Django.

`felt coach` needs no database and no secret, so `felt` runs it here without loading Felt's
settings: it works on any machine where Felt is installed, configured or not.

Input: one JSON object per line, `{"response": "...", "context": "..."}` (context optional).
Output: one JSON line per input line, in order: `{"label": ..., "scores": {...}}`, or
`{"error": "one sentence"}` for a line that cannot be classified. Blank lines are answered
too (with an error), so output line N always belongs to input line N. A context longer
than 2,000 characters is cut to its last 2,000 (the focuser's latest words).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TextIO

from felt.coach.classifier import Model

MAX_CHARS = 2000


class BadLine(ValueError):
    """A line of input the coach cannot classify; the message is for the person who sent it."""


def parse_line(line: str) -> tuple[str, str | None]:
    if not line.strip():
        raise BadLine("This line is empty; send one JSON object per line.")
    try:
        record = json.loads(line)
    except (json.JSONDecodeError, RecursionError):
        raise BadLine("This line is not valid JSON.") from None
    if not isinstance(record, dict):
        raise BadLine('This line should be a JSON object such as {"response": "..."}.')
    if "response" not in record:
        raise BadLine('This line has no "response" to classify.')
    response = record["response"]
    if not isinstance(response, str):
        raise BadLine('The "response" should be text.')
    if not response.strip():
        raise BadLine('The "response" is empty.')
    if len(response) > MAX_CHARS:
        raise BadLine(f'The "response" is longer than {MAX_CHARS:,} characters.')
    context = record.get("context")
    if context is not None and not isinstance(context, str):
        raise BadLine('The "context" should be text when it is given.')
    if context is not None and len(context) > MAX_CHARS:
        # The focuser may talk at length; the words just before the response matter most.
        context = context[-MAX_CHARS:]
    return response, context


def answer(line: str | bytes, model: Model) -> dict:
    try:
        if isinstance(line, bytes):
            try:
                line = line.decode("utf-8")
            except UnicodeDecodeError:
                raise BadLine("This line is not UTF-8 text.") from None
        response, context = parse_line(line.rstrip("\r\n"))
    except BadLine as error:
        return {"error": str(error)}
    result = model.classify(response, context)
    return {"label": result.label, "scores": {k: round(v, 6) for k, v in result.scores.items()}}


def classify_stream(lines: Iterable[str | bytes], out: TextIO, model: Model) -> int:
    """Answer every line (text, or bytes to be read as UTF-8); 1 if any was bad, else 0."""
    status = 0
    for line in lines:
        result = answer(line, model)
        if "error" in result:
            status = 1
        out.write(json.dumps(result, ensure_ascii=False) + "\n")
        out.flush()  # a caller piping one line at a time gets its answer at once
    return status


# -- the command ---------------------------------------------------------------------------


class KindParser(argparse.ArgumentParser):
    """Argument mistakes get one plain sentence, not a usage dump."""

    def error(self, message: str):
        if "arguments are required" in message and "{classify,train,evaluate}" in message:
            sentence = "Say what the coach should do: classify, train or evaluate"
        elif "invalid choice" in message:
            sentence = "The coach can classify, train or evaluate, nothing else"
        elif message.startswith("unrecognized arguments: "):
            sentence = f"The coach does not take {message.split(': ', 1)[1]}"
        else:
            sentence = message[:1].upper() + message[1:]
        self.exit(2, f"felt coach: {sentence}. See `felt coach --help` for more.\n")


def parser() -> KindParser:
    from felt.coach import evaluation

    command = KindParser(
        prog="felt coach",
        description=(
            'The listening coach. `classify` reads JSON lines {"response": ..., "context": ...} '
            "on standard input and writes one JSON line per input line; `train` rebuilds the "
            "shipped model from the corpus and AnnoMI; `evaluate` measures it and writes a "
            "Markdown and a JSON report."
        ),
    )
    actions = command.add_subparsers(
        dest="action", required=True, metavar="{classify,train,evaluate}", parser_class=KindParser
    )
    actions.add_parser("classify", help="Classify JSON lines from standard input.")
    train = actions.add_parser("train", help="Rebuild the shipped model (under a minute).")
    train.add_argument(
        "--output",
        type=Path,
        default=None,
        help="Folder for the model files (default: the shipped model's own folder).",
    )
    train.add_argument(
        "--without-annomi",
        action="store_true",
        help="Train on the corpus alone (see the model card on AnnoMI's licence).",
    )
    evaluate = actions.add_parser("evaluate", help="Measure the coach and write reports.")
    evaluate.add_argument(
        "--only",
        default=",".join(evaluation.EVALUATIONS),
        help="Comma-separated evaluations to run: " + ", ".join(evaluation.EVALUATIONS) + ".",
    )
    evaluate.add_argument(
        "--report",
        type=Path,
        default=Path("coach-evaluation"),
        help="Report path without extension; .md and .json are written (default: "
        "./coach-evaluation).",
    )
    return command


def main(argv: Sequence[str]) -> int:
    """Run `felt coach` with these arguments (those after `coach`); the exit status."""
    options = parser().parse_args(list(argv))
    try:
        if options.action == "classify":
            return _classify()
        if options.action == "train":
            return _train(options.output, with_annomi=not options.without_annomi)
        return _evaluate(options.only, options.report)
    except CommandProblem as problem:
        print(f"felt coach: {problem}", file=sys.stderr)
        return 2


class CommandProblem(Exception):
    """Something the person running the command can put right; one sentence."""


def _classify() -> int:
    from felt.coach.classifier import ModelFileError, load_model

    try:
        model = load_model()
    except ModelFileError as error:
        raise CommandProblem(str(error)) from None
    # Bytes, so that a line that is not UTF-8 gets its own error instead of ending the run.
    return classify_stream(sys.stdin.buffer, sys.stdout, model)


def _train(output: Path | None, *, with_annomi: bool) -> int:
    from felt.coach import training
    from felt.coach.classifier import MODEL_DIR
    from felt.coach.datasets import DataMissing

    started = time.perf_counter()
    try:
        meta = training.train_shipped(output or MODEL_DIR, with_annomi=with_annomi)
    except DataMissing as error:
        raise CommandProblem(str(error)) from None
    seconds = time.perf_counter() - started
    folder = output or MODEL_DIR
    print(
        f"Trained on {meta['training_examples']} examples in {seconds:.0f} s; "
        f"model written to {folder} ({training.model_size_bytes(folder) / 1e6:.1f} MB)."
    )
    if meta["labels_without_examples"]:
        print("No examples yet for: " + ", ".join(meta["labels_without_examples"]) + ".")
    return 0


def _evaluate(only: str, report: Path) -> int:
    from felt.coach import evaluation
    from felt.coach.datasets import DataMissing

    names = [name.strip() for name in only.split(",") if name.strip()]
    unknown = [name for name in names if name not in evaluation.EVALUATIONS]
    if unknown or not names:
        raise CommandProblem(
            f"Unknown evaluation {', '.join(unknown) or '(none given)'}: choose from "
            + ", ".join(evaluation.EVALUATIONS)
            + "."
        )
    try:
        result = evaluation.run(names, progress=lambda line: print(line, file=sys.stderr))
    except DataMissing as error:
        raise CommandProblem(str(error)) from None
    report.parent.mkdir(parents=True, exist_ok=True)
    markdown_path = report.with_name(report.name + ".md")
    json_path = report.with_name(report.name + ".json")
    markdown_path.write_text(evaluation.markdown(result), encoding="utf-8")
    json_path.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(evaluation.markdown(result).split("\n## ")[0].rstrip())
    print(f"\nReports: {markdown_path} and {json_path}")
    return 0
