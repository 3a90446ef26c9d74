"""Running a real call between two headless Chromium pages inside a private network namespace.

`run_scenario(...)` runs `tests/call/netns_call.py` under `unshare -n`: a network with loopback
only, where nothing outside can be reached and nothing outside can reach in. Inside, the script
starts its own Felt (SQLite, in-process channel layer: PostgreSQL and Redis on the host's
loopback are not reachable from a new namespace), and coturn when the scenario needs one, all
stopped by their own PIDs. It prints one JSON line, which is returned here.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from tests.live import base_env, run_felt

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
TURNSERVER = "/usr/bin/turnserver"


def missing_tools() -> list[str]:
    """What this machine lacks for the call tests: they need all of it, for real."""
    missing = [tool for tool in ("unshare", "ip") if shutil.which(tool) is None]
    missing += [path for path in (CHROMIUM, TURNSERVER) if not os.access(path, os.X_OK)]
    return missing


def make_sqlite_template(workdir: Path) -> Path:
    """A migrated SQLite database to copy for each server in a namespace."""
    template = workdir / "call-template.sqlite3"
    if not template.exists():
        env = base_env(workdir)
        env.pop("FELT_REDIS_URL", None)
        env["FELT_DATABASE_URL"] = f"sqlite:///{template}"
        run_felt(["migrate", "--no-input", "-v", "0"], env)
    return template


def run_scenario(
    scenario: str, *, template: Path, workdir: Path, runs: int = 1, timeout: float = 240
) -> dict:
    workdir.mkdir(parents=True, exist_ok=True)
    # As root, a new network namespace; otherwise inside a new user namespace too (-r), where
    # an ordinary user may bring up the namespace's own loopback.
    unshare = ["unshare", "-n"] if os.geteuid() == 0 else ["unshare", "-rn"]
    command = [
        *unshare,
        sys.executable,
        "-m",
        "tests.call.netns_call",
        scenario,
        "--template",
        str(template),
        "--workdir",
        str(workdir),
        "--runs",
        str(runs),
    ]
    result = subprocess.run(
        command, cwd=ROOT, capture_output=True, text=True, timeout=timeout, check=False
    )
    lines = [line for line in result.stdout.splitlines() if line.startswith("{")]
    if result.returncode != 0 or not lines:
        raise RuntimeError(
            f"the {scenario} call scenario failed (exit {result.returncode}):\n"
            f"{result.stdout[-4000:]}\n{result.stderr[-4000:]}"
        )
    return json.loads(lines[-1])
