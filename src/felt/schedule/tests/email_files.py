"""An email backend for tests across processes: each email one file in $FELT_TEST_MAILBOX,
named after the process that sent it.

$FELT_TEST_SEND_SECONDS makes each send take that long (so two workers surely overlap);
$FELT_TEST_CRASH_BEFORE_SEND makes the process die at once, mid-send, before the email leaves.
"""

import os
import time
import uuid
from pathlib import Path

from django.core.mail.backends.base import BaseEmailBackend


class Mailbox(BaseEmailBackend):
    def send_messages(self, email_messages):
        box = Path(os.environ["FELT_TEST_MAILBOX"])
        for message in email_messages:
            if os.environ.get("FELT_TEST_CRASH_BEFORE_SEND"):
                os._exit(70)  # no cleanup, no finally: a crash
            time.sleep(float(os.environ.get("FELT_TEST_SEND_SECONDS") or 0))
            name = f"{os.getpid()}-{uuid.uuid4().hex}"
            partial = box / f".{name}.tmp"
            partial.write_bytes(message.message().as_bytes())
            partial.rename(box / f"{name}.eml")
        return len(email_messages)
