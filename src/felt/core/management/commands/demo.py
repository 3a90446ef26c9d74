"""`felt demo`: two demonstration members in an active partnership, ready to try a session."""

import secrets

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from felt.accounts.models import Member
from felt.partnerships import selectors, services
from felt.partnerships.models import Block, Partnership

DEMO_MEMBERS = (("ada@demo.felt", "Ada"), ("bo@demo.felt", "Bo"))


class Command(BaseCommand):
    help = (
        "Create two demonstration members (Ada and Bo) in an active partnership, or give them "
        "new passwords if they exist. Safe to run again."
    )

    def handle(self, *args, **options):
        logins = []
        with transaction.atomic():
            members = []
            for email, display_name in DEMO_MEMBERS:
                # A fresh password on every run: a demo account never keeps a guessable one.
                password = secrets.token_urlsafe(12)
                member = Member.objects.filter(email=email).first()
                if member is None:
                    member = Member.objects.create_user(
                        email=email, password=password, display_name=display_name
                    )
                else:
                    member.set_password(password)
                    member.is_active = True
                member.email_verified_at = member.email_verified_at or timezone.now()
                member.save()
                members.append(member)
                logins.append((display_name, email, password))
            ada, bo = members
            # The demo pair must be able to meet: undo a block from an earlier try.
            Block.objects.filter(blocker__in=members, blocked__in=members).delete()
            partnership = selectors.open_partnerships_between(first=ada, second=bo).first()
            if partnership is None:
                partnership = Partnership.objects.create(member_a=ada, member_b=bo)
            elif partnership.status == Partnership.Status.PAUSED:
                services.resume_partnership(partnership=partnership, member=ada)

        login_url = settings.FELT_BASE_URL + reverse("accounts:login")
        self.stdout.write("Two demonstration members are ready, as partners:\n")
        for display_name, email, password in logins:
            self.stdout.write(f"  {display_name}: email {email}  password {password}")
        self.stdout.write(
            f"\nLog in at {login_url}\n"
            "To try a session on your own, use two browser windows: log in as Ada in a normal "
            "window and as Bo in a private (incognito) window, so each keeps its own log-in. "
            'As Ada, open the partnership with Bo and press "Meet now" '
            f"({settings.FELT_BASE_URL}{reverse('partnerships:detail', args=[partnership.pk])}); as Bo, join the "
            "session from the home page.\n"
            "Running this command again gives both members new passwords."
        )
