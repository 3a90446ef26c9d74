"""The reminder loop: plan what is due, send it, wait, again. `felt worker` runs it on its own;
`felt serve` runs it in a background thread on the embedded default (one process, no Redis).

Any number of loops may run at once, in any processes: each email is sent once (see
`notices.py`), so a second worker is safe, only redundant.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from datetime import datetime

from django.db import close_old_connections, connection
from django.utils import timezone

from . import notices

logger = logging.getLogger(__name__)

DEFAULT_INTERVAL_SECONDS = 30.0


@dataclass(frozen=True)
class Report:
    planned: int
    sent: int
    dropped: int
    failed: int


def run_once(*, now: datetime | None = None, worker: str | None = None) -> Report:
    """One round: plan the reminders and notes now due, then send every due one."""
    # Between rounds the loop holds no connection (and so no SQLite lock) at all; a caller's
    # own transaction (a test's, say) is never closed under it.
    own_connection = not connection.in_atomic_block
    if own_connection:
        close_old_connections()
    try:
        moment = now or timezone.now()
        planned = notices.plan_reminders(now=moment) + notices.plan_lapse_notes(now=moment)
        result = notices.send_due_notices(now=now, worker=worker)
        notices.forget_old_reminders(now=moment)
    finally:
        if own_connection:
            connection.close()
    return Report(planned=planned, sent=result.sent, dropped=result.dropped, failed=result.failed)


def run_forever(*, stop: threading.Event, interval: float = DEFAULT_INTERVAL_SECONDS) -> None:
    logger.info("reminder loop started, every %s seconds", interval)
    while not stop.is_set():
        try:
            run_once()
        except Exception:
            # A database or mail server that is briefly away must not end the loop.
            logger.exception("reminder round failed; trying again in %s seconds", interval)
        stop.wait(interval)
    logger.info("reminder loop stopped")


def start_in_background(*, interval: float = DEFAULT_INTERVAL_SECONDS) -> threading.Event:
    """Run the loop in a daemon thread of this process; set the returned event to stop it."""
    stop = threading.Event()
    thread = threading.Thread(
        target=run_forever,
        kwargs={"stop": stop, "interval": interval},
        name="felt-reminders",
        daemon=True,
    )
    thread.start()
    return stop
