"""Felt's configuration, read from the environment, and the `felt` command around it."""

import re
import subprocess
import sys
from pathlib import Path

import pytest

FELT = [sys.executable, "-m", "felt.cli"]
TEMPLATES = sorted(Path(__file__).parents[1].glob("src/felt/*/templates/**/*.html"))


def felt(args, tmp_path, **env):
    base = {"PATH": "/usr/bin:/bin", "FELT_DATA_DIR": str(tmp_path), "HOME": str(tmp_path)}
    return subprocess.run(
        FELT + args, env=base | env, capture_output=True, text=True, timeout=60, check=False
    )


def test_production_without_a_secret_key_refuses_to_start_with_one_sentence(tmp_path):
    result = felt(["serve"], tmp_path)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "FELT_SECRET_KEY" in lines[0]


def test_the_deploy_check_is_clean_in_production_mode(tmp_path):
    result = felt(
        ["check", "--deploy", "--fail-level", "WARNING"],
        tmp_path,
        FELT_SECRET_KEY="k" * 20 + "a-long-random-production-secret-key-0123456789",
        FELT_ALLOWED_HOSTS="felt.example.org",
    )
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


@pytest.mark.parametrize(
    ("args", "sentence"),
    [
        (["serve", "--port", "70000"], "The port must be a number from 1 to 65535."),
        (["serve", "--workers", "2"], "More than one worker needs FELT_REDIS_URL"),
        (["serve", "--workers", "0"], "The number of workers must be at least 1."),
    ],
)
def test_bad_serve_arguments_get_one_clear_sentence(tmp_path, args, sentence):
    result = felt(args, tmp_path, FELT_DEBUG="1")
    assert result.returncode != 0
    assert sentence in result.stderr
    assert "Traceback" not in result.stderr


def test_every_page_sends_a_policy_that_allows_no_inline_script(client):
    response = client.get("/")
    policy = response.headers["Content-Security-Policy"]
    script_src = re.search(r"script-src ([^;]*)", policy).group(1)
    assert script_src.split() == ["'self'"]
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda path: f"{path.parent.name}/{path.name}")
def test_no_template_carries_inline_script_or_style(template):
    text = template.read_text()
    for match in re.finditer(r"<script\b([^>]*)>", text):
        assert "src=" in match.group(1), f"inline script in {template}"
    assert not re.search(r"\son[a-z]+\s*=", text), f"inline event handler in {template}"
    assert not re.search(r"\sstyle\s*=", text), f"inline style in {template}"
