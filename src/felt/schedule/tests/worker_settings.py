"""Felt's own settings for worker processes started by tests: emails go to files (see
`email_files.py`) so the test can count them across processes, and a claim's lease is short so
a crashed worker is taken over within the test.

With $FELT_TEST_START_GUN set, a process says it is ready (a file named after it beside the
gun) and waits for the gun (that file) before it goes on: two workers then begin their round
at the same instant, however long each took to start.
"""

import os
import time
from pathlib import Path

from felt.settings import *  # noqa: F403

EMAIL_BACKEND = "felt.schedule.tests.email_files.Mailbox"
FELT_SCHEDULE_SEND_TIMEOUT_SECONDS = 1
FELT_SCHEDULE_SEND_LEASE_SECONDS = float(os.environ.get("FELT_TEST_LEASE_SECONDS", "300"))

if os.environ.get("FELT_TEST_START_GUN"):
    _gun = Path(os.environ["FELT_TEST_START_GUN"])
    (_gun.parent / f"ready-{os.getpid()}").touch()
    _deadline = time.monotonic() + 60
    while not _gun.exists() and time.monotonic() < _deadline:
        time.sleep(0.005)
