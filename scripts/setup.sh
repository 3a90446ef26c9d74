#!/usr/bin/env bash
# Sets up .venv/ with Felt's pinned dependencies and migrates the database.
# With --test it adds the test tools (requirements-test.lock).
# Safe to run again: it reinstalls only when the lock file or pyproject.toml changed.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

python=""
for candidate in python3.13 python3.12 python3.11 python3; do
    if command -v "$candidate" >/dev/null 2>&1 &&
        "$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
        python="$candidate"
        break
    fi
done
if [ -z "$python" ]; then
    echo "Felt needs Python 3.11 or newer; please install it (for example: apt-get install python3) and run this again." >&2
    exit 1
fi

if [ ! -x .venv/bin/python ]; then
    "$python" -m venv .venv
fi

lock=requirements.lock
if [ "${1:-}" = "--test" ]; then
    lock=requirements-test.lock
fi
stamp=.venv/.felt-installed
want="$lock $(cat "$lock" pyproject.toml | sha256sum | cut -d' ' -f1)"
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
    # pip's notes about this machine's extra package folders are noise here, not news.
    .venv/bin/python -m pip install --quiet --disable-pip-version-check -r "$lock" 2>&1 |
        grep -v "^WARNING: Location" >&2 || true
    .venv/bin/python -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e . 2>&1 |
        grep -v "^WARNING: Location" >&2 || true
    .venv/bin/python -c 'import felt.cli, django, channels' 2>/dev/null || {
        echo "Installing Felt's dependencies did not finish; please check your network and run this again." >&2
        exit 1
    }
    echo "$want" > "$stamp"
fi
