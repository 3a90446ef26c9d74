"""`felt coach classify` as a real process: one answer per line, in order, errors in place."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from felt.coach import LABELS

FELT = Path(sys.executable).with_name("felt")


def felt(*args: str, stdin: str = "", tmp_path: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [*felt_command(), *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=unconfigured(tmp_path),
        timeout=60,
    )


def unconfigured(tmp_path: Path) -> dict:
    """An environment with none of Felt's settings: the coach needs no secret, no database."""
    env = {
        k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE" and "FELT_" not in k
    }
    env["HOME"] = str(tmp_path)
    return env


def felt_command() -> list[str]:
    return [str(FELT)] if FELT.exists() else [sys.executable, "-m", "felt.cli"]


def test_each_line_gets_its_answer_in_order_and_bad_lines_get_one_sentence(tmp_path):
    lines = [
        json.dumps(
            {"response": "So there's a tightness in your chest.", "context": "My chest is tight."}
        ),
        "this is not json",
        json.dumps({"context": "I feel stuck."}),
        json.dumps({"response": 42}),
        "",
        json.dumps({"response": "x" * 2001}),
        json.dumps(["a", "list"]),
        json.dumps({"response": "Why don't you try going for a walk every morning?"}),
    ]
    result = felt("coach", "classify", stdin="\n".join(lines) + "\n", tmp_path=tmp_path)

    assert result.returncode == 1
    answers = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(answers) == len(lines)
    for index in (1, 2, 3, 4, 5, 6):
        error = answers[index]["error"]
        assert isinstance(error, str) and error.endswith(".") and "\n" not in error
    assert "JSON" in answers[1]["error"]
    assert "response" in answers[2]["error"]
    assert "2,000" in answers[5]["error"]
    for index in (0, 7):
        assert set(answers[index]) == {"label", "scores"}
        assert answers[index]["label"] in LABELS
        assert list(answers[index]["scores"]) == list(LABELS)
    assert answers[0]["label"] == "reflection"
    assert answers[7]["label"] == "advice"
    assert "Traceback" not in result.stderr


def test_a_line_that_is_not_utf8_gets_its_error_and_the_next_line_its_answer(tmp_path):
    env = unconfigured(tmp_path)
    stdin = b'{"response": "caf\xe9"}\n{"response": "Mm-hmm."}\n'
    result = subprocess.run(
        [*felt_command(), "coach", "classify"],
        input=stdin,
        capture_output=True,
        env=env,
        timeout=60,
    )

    assert result.returncode == 1
    first, second = (json.loads(line) for line in result.stdout.decode().splitlines())
    assert "UTF-8" in first["error"]
    assert second["label"] == "other"


def test_good_lines_alone_exit_zero_and_context_is_optional(tmp_path):
    lines = [json.dumps({"response": "Mm-hmm."}), json.dumps({"response": "What is that like?"})]
    result = felt("coach", "classify", stdin="\n".join(lines), tmp_path=tmp_path)

    assert result.returncode == 0, result.stderr
    assert [json.loads(line)["label"] for line in result.stdout.splitlines()] == [
        "other",
        "open_question",
    ]


@pytest.mark.parametrize(
    "args",
    [("coach",), ("coach", "summarise"), ("coach", "classify", "--fast")],
)
def test_bad_arguments_get_one_kind_sentence(args, tmp_path):
    result = felt(*args, tmp_path=tmp_path)

    assert result.returncode == 2
    message = result.stderr.strip()
    assert message.startswith("felt coach: ") and "\n" not in message
    assert "Traceback" not in result.stderr
