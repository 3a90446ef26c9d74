"""`felt worker`: send the reminders and lapse notes that are due, round after round."""

import signal
import threading

from django.core.management.base import BaseCommand, CommandError

from felt.schedule import worker


class Command(BaseCommand):
    help = (
        "Send session reminders and lapse notes as they fall due. Several workers may run at "
        "once: each email is still sent only once."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--once", action="store_true", help="Do one round and stop (for cron or a test)."
        )
        parser.add_argument(
            "--interval",
            type=float,
            default=worker.DEFAULT_INTERVAL_SECONDS,
            help=f"Seconds between rounds (default {worker.DEFAULT_INTERVAL_SECONDS:g}).",
        )

    def handle(self, *args, once, interval, **options):
        if not 0.1 <= interval <= 3600:
            raise CommandError("The interval must be from 0.1 to 3600 seconds.")
        if once:
            report = worker.run_once()
            self.stdout.write(
                f"planned {report.planned}, sent {report.sent}, no longer needed "
                f"{report.dropped}, failed {report.failed}"
            )
            return
        stop = threading.Event()
        # Finish the email in hand, then stop: a stopped worker never leaves one half done.
        for signum in (signal.SIGTERM, signal.SIGINT):
            signal.signal(signum, lambda *_: stop.set())
        self.stdout.write(f"Felt's worker is sending reminders (every {interval:g} seconds).")
        worker.run_forever(stop=stop, interval=interval)
