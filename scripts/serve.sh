#!/usr/bin/env bash
# One command from a fresh clone to Felt at http://127.0.0.1:8000 on its embedded
# default: SQLite in var/ and the in-process channel layer. With --demo it first makes two
# demo members (Ada and Bo) and prints how to log in as each.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
"$root/scripts/setup.sh"

# Local use on this machine over plain HTTP: development mode unless told otherwise,
# and a secret key made once and kept beside the database.
export FELT_DEBUG="${FELT_DEBUG:-1}"
mkdir -p var
if [ -z "${FELT_SECRET_KEY:-}" ]; then
    if [ ! -s var/secret-key ]; then
        (umask 077 && .venv/bin/python -c 'import secrets; print(secrets.token_urlsafe(50))' > var/secret-key)
    fi
    FELT_SECRET_KEY="$(cat var/secret-key)"
    export FELT_SECRET_KEY
fi
.venv/bin/felt migrate --no-input -v 0
if [ "${1:-}" = "--demo" ]; then
    # Two demo members with a partnership, to try a whole session alone in two windows.
    shift
    .venv/bin/felt demo
fi
exec .venv/bin/felt serve --host 127.0.0.1 --port 8000 "$@"
