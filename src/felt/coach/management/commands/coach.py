"""`felt coach` as a management command too, so that `felt help` lists it.

`felt coach ...` itself is run by felt.cli without Django's settings (the coach needs no
database and no secret); this command hands its arguments to the same place.
"""

from __future__ import annotations

import sys

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "The listening coach: classify, train or evaluate (see `felt coach --help`)."

    def run_from_argv(self, argv):
        from felt.coach.cli import main

        sys.exit(main(argv[2:]))
