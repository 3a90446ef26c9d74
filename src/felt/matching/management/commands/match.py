"""`felt match`: one matching round over the partner directory."""

from django.core.management.base import BaseCommand

from felt.matching import services


class Command(BaseCommand):
    help = (
        "Run a matching round: propose partners to everyone in the partner directory who is "
        "looking and has no proposal waiting, and email each of them. Proposals left "
        "unanswered for seven days are closed first. Safe to run on a schedule, e.g. weekly."
    )

    def handle(self, *args, **options):
        round_ = services.run_round()
        self.stdout.write(f"Matching round {round_.pk}: {services.round_summary(round_)}")
