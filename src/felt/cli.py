"""The `felt` command: Django's management commands with Felt's settings."""

import os
import sys


def main() -> None:
    if sys.argv[1:2] == ["coach"]:
        # The coach needs no database and no secret: it runs without Felt's settings, so it
        # works on a machine where Felt is installed but not configured.
        from felt.coach.cli import main as coach

        raise SystemExit(coach(sys.argv[2:]))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "felt.settings")
    from django.conf import settings
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line

    try:
        # Read the settings first: Django's own command line swallows a settings error for some
        # commands and then fails later with a traceback that hides the reason.
        settings.INSTALLED_APPS  # noqa: B018
        execute_from_command_line(sys.argv)
    except ImproperlyConfigured as error:
        # One clear sentence instead of a traceback: this is the operator's to fix.
        print(f"felt: {error}", file=sys.stderr)
        raise SystemExit(2) from None


if __name__ == "__main__":
    main()
