"""The line protocol of `felt coach classify`, kept free of Django so it is easy to test.

Input: one JSON object per line, `{"response": "...", "context": "..."}` (context optional).
Output: one JSON line per input line, in order: `{"label": ..., "scores": {...}}`, or
`{"error": "one sentence"}` for a line that cannot be classified. Blank lines are answered
too (with an error), so output line N always belongs to input line N. A context longer
than 2,000 characters is cut to its last 2,000 (the focuser's latest words).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
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
