"""`felt coach`: classify listener responses, rebuild the shipped model, measure it."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from felt.coach import evaluation


class KindParser(CommandParser):
    """Argument mistakes get one plain sentence, not a usage dump."""

    def error(self, message: str):
        if not self.called_from_command_line:
            raise CommandError(message)
        if "arguments are required" in message and "{classify,train,evaluate}" in message:
            sentence = "Say what the coach should do: classify, train or evaluate"
        elif "invalid choice" in message:
            sentence = "The coach can classify, train or evaluate, nothing else"
        elif message.startswith("unrecognized arguments: "):
            sentence = f"The coach does not take {message.split(': ', 1)[1]}"
        else:
            sentence = message[:1].upper() + message[1:]
        self.exit(2, f"felt coach: {sentence}. See `felt coach --help` for more.\n")


class Command(BaseCommand):
    help = (
        'The listening coach. `classify` reads JSON lines {"response": ..., "context": ...} '
        "on standard input and writes one JSON line per input line; `train` rebuilds the "
        "shipped model from the corpus and AnnoMI; `evaluate` measures it and writes a "
        "Markdown and a JSON report."
    )

    def create_parser(self, prog_name, subcommand, **kwargs):
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        parser.__class__ = KindParser
        return parser

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(
            dest="action", required=True, metavar="{classify,train,evaluate}"
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

    def handle(self, *args, **options):
        action = options["action"]
        if action == "classify":
            self._classify()
        elif action == "train":
            self._train(options["output"], with_annomi=not options["without_annomi"])
        else:
            self._evaluate(options["only"], options["report"])

    def _classify(self) -> None:
        from felt.coach.classifier import ModelFileError, load_model
        from felt.coach.cli import classify_stream

        try:
            model = load_model()
        except ModelFileError as error:
            raise CommandError(str(error)) from None
        # Bytes, so that a line that is not UTF-8 gets its own error instead of ending the run.
        status = classify_stream(sys.stdin.buffer, sys.stdout, model)
        if status:
            sys.exit(status)

    def _train(self, output: Path | None, *, with_annomi: bool) -> None:
        from felt.coach import training
        from felt.coach.classifier import MODEL_DIR
        from felt.coach.datasets import DataMissing

        started = time.perf_counter()
        try:
            meta = training.train_shipped(output or MODEL_DIR, with_annomi=with_annomi)
        except DataMissing as error:
            raise CommandError(str(error)) from None
        seconds = time.perf_counter() - started
        folder = output or MODEL_DIR
        self.stdout.write(
            f"Trained on {meta['training_examples']} examples in {seconds:.0f} s; "
            f"model written to {folder} ({training.model_size_bytes(folder) / 1e6:.1f} MB)."
        )
        if meta["labels_without_examples"]:
            self.stderr.write(
                "No examples yet for: " + ", ".join(meta["labels_without_examples"]) + "."
            )

    def _evaluate(self, only: str, report: Path) -> None:
        from felt.coach.datasets import DataMissing

        names = [name.strip() for name in only.split(",") if name.strip()]
        unknown = [name for name in names if name not in evaluation.EVALUATIONS]
        if unknown or not names:
            raise CommandError(
                f"Unknown evaluation {', '.join(unknown) or '(none given)'}: choose from "
                + ", ".join(evaluation.EVALUATIONS)
                + "."
            )
        try:
            result = evaluation.run(names, progress=lambda line: self.stderr.write(line))
        except DataMissing as error:
            raise CommandError(str(error)) from None
        report.parent.mkdir(parents=True, exist_ok=True)
        markdown_path = report.with_name(report.name + ".md")
        json_path = report.with_name(report.name + ".json")
        markdown_path.write_text(evaluation.markdown(result), encoding="utf-8")
        json_path.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
        self.stdout.write(evaluation.markdown(result).split("\n## ")[0].rstrip())
        self.stdout.write(f"\nReports: {markdown_path} and {json_path}")
