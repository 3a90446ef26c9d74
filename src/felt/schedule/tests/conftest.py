import pytest
from django.utils import timezone

from felt.accounts.models import Member
from felt.partnerships.models import Partnership


@pytest.fixture
def make_member(db):
    def make(name: str, time_zone: str = "UTC", verified: bool = True) -> Member:
        return Member.objects.create_user(
            email=f"{name.lower()}@example.org",
            password="a long password",
            display_name=name,
            time_zone=time_zone,
            email_verified_at=timezone.now() if verified else None,
        )

    return make


@pytest.fixture
def ada(make_member):
    return make_member("Ada", "Europe/Berlin")


@pytest.fixture
def bo(make_member):
    return make_member("Bo", "America/New_York")


@pytest.fixture
def stranger(make_member):
    return make_member("Stranger", "Asia/Tokyo")


@pytest.fixture
def partnership(ada, bo):
    return Partnership.objects.create(member_a=ada, member_b=bo)
