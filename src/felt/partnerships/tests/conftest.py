import pytest

from felt.accounts.models import Member


@pytest.fixture
def make_member(db):
    def make(name: str) -> Member:
        return Member.objects.create_user(
            email=f"{name.lower()}@example.org", password="a long password", display_name=name
        )

    return make


@pytest.fixture
def ada(make_member):
    return make_member("Ada")


@pytest.fixture
def sam(make_member):
    return make_member("Sam")


@pytest.fixture
def stranger(make_member):
    return make_member("Stranger")
