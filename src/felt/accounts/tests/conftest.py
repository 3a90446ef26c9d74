import re

import pytest
from django.core import mail

from felt.accounts.models import Member

PASSWORD = "quiet river morning"


@pytest.fixture
def member(db):
    return Member.objects.create_user(
        "ada@example.org", PASSWORD, display_name="Ada", time_zone="Europe/Berlin"
    )


@pytest.fixture
def logged_in(client, member):
    client.force_login(member)
    return client


def link_in_last_email() -> str:
    """The one link in the most recent email, as a path on this site."""
    (link,) = re.findall(r"https?://\S+", mail.outbox[-1].body)
    return re.sub(r"^https?://[^/]+", "", link)
