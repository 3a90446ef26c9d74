"""`felt serve`: Felt on a production ASGI server (uvicorn), sockets included."""

import uvicorn
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Serve Felt (pages and the room's sockets) with uvicorn."

    def add_arguments(self, parser):
        parser.add_argument(
            "--host", default="127.0.0.1", help="Address to bind (default 127.0.0.1)."
        )
        parser.add_argument("--port", type=int, default=8000, help="Port to bind (default 8000).")
        parser.add_argument(
            "--workers",
            type=int,
            default=1,
            help="Server processes; more than one needs FELT_REDIS_URL so partners can reach each other.",
        )

    def handle(self, *args, host, port, workers, **options):
        if not 1 <= port <= 65535:
            raise CommandError("The port must be a number from 1 to 65535.")
        if workers < 1:
            raise CommandError("The number of workers must be at least 1.")
        if workers > 1 and "Redis" not in settings.CHANNEL_LAYERS["default"]["BACKEND"]:
            raise CommandError(
                "More than one worker needs FELT_REDIS_URL, so that two partners on different "
                "processes still reach each other."
            )
        if "Redis" not in settings.CHANNEL_LAYERS["default"]["BACKEND"]:
            # The embedded default is one process: it sends the reminders itself. With Redis
            # (the production path, several processes) `felt worker` runs beside the servers.
            from felt.schedule.worker import start_in_background

            start_in_background()
            self.stdout.write("Reminders are sent from this process.")
        self.stdout.write(f"Felt is listening on http://{host}:{port}/")
        uvicorn.run(
            "felt.asgi:application",
            host=host,
            port=port,
            workers=workers,
            log_level="warning",
            lifespan="off",
            ws_max_size=64 * 1024,
            proxy_headers=True,
        )
