#!/usr/bin/env bash
# One command from a fresh clone to the whole test suite, browser tests included.
# Extra arguments go to pytest.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
"$root/scripts/setup.sh" --test

# Debian packages the tests drive for real: the browser, and coturn for the call's relay.
missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
[ -x /usr/bin/turnserver ] || missing+=(coturn)
if [ "${#missing[@]}" -gt 0 ]; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
        echo "Installing Debian's ${missing[*]} for the tests..."
        apt-get update -qq >/dev/null
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
    elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
        echo "Installing Debian's ${missing[*]} for the tests..."
        sudo -n apt-get update -qq >/dev/null
        sudo -n env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
    else
        echo "The tests need Debian's ${missing[*]}: please run 'sudo apt-get install ${missing[*]}' and then this command again." >&2
        exit 1
    fi
fi

.venv/bin/ruff check src tests bench
.venv/bin/ruff format --check src tests bench
exec .venv/bin/pytest "$@"
