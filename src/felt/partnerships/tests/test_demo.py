import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from felt.accounts.models import Member
from felt.partnerships.models import Block, Partnership

pytestmark = pytest.mark.django_db


def run_demo() -> str:
    out = io.StringIO()
    call_command("demo", stdout=out)
    return out.getvalue()


def password_of(output: str, email: str) -> str:
    line = next(line for line in output.splitlines() if email in line)
    return line.split("password")[-1].strip()


def test_demo_makes_two_verified_members_in_an_active_partnership(client):
    output = run_demo()

    ada = Member.objects.get(email="ada@demo.felt")
    bo = Member.objects.get(email="bo@demo.felt")
    assert (ada.display_name, bo.display_name) == ("Ada", "Bo")
    assert ada.email_verified and bo.email_verified
    partnership = Partnership.objects.get()
    assert {partnership.member_a, partnership.member_b} == {ada, bo}
    assert partnership.status == Partnership.Status.ACTIVE
    assert "http://127.0.0.1:8000" + reverse("accounts:login") in output
    assert "private" in output
    assert ada.check_password(password_of(output, "ada@demo.felt"))
    assert bo.check_password(password_of(output, "bo@demo.felt"))


def test_running_demo_twice_is_safe_and_gives_new_passwords():
    first = run_demo()
    second = run_demo()

    assert Member.objects.count() == 2
    assert Partnership.objects.filter(status=Partnership.Status.ACTIVE).count() == 1
    ada = Member.objects.get(email="ada@demo.felt")
    assert ada.check_password(password_of(second, "ada@demo.felt"))
    assert not ada.check_password(password_of(first, "ada@demo.felt"))


def test_demo_makes_the_pair_able_to_meet_again_after_an_ending_or_a_block():
    run_demo()
    ada = Member.objects.get(email="ada@demo.felt")
    bo = Member.objects.get(email="bo@demo.felt")
    Partnership.objects.update(status=Partnership.Status.ENDED)
    Block.objects.create(blocker=bo, blocked=ada)

    run_demo()

    assert not Block.objects.exists()
    assert Partnership.objects.filter(status=Partnership.Status.ACTIVE).count() == 1
