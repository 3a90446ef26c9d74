import os
from unittest import mock

import pytest
from django.core.management import call_command
from django.urls import reverse

from felt.accounts.models import LoginFailure, Member
from felt.partnerships.models import Partnership

from .conftest import PASSWORD

pytestmark = pytest.mark.django_db


def test_deleting_with_the_wrong_password_changes_nothing(logged_in, member):
    Partnership.objects.create(
        member_a=member, member_b=Member.objects.create_user("bo@example.org", "x")
    )

    response = logged_in.post(reverse("accounts:delete"), {"password": "not it at all"})

    assert response.status_code == 200
    assert "That password isn&#x27;t right, so nothing has been deleted." in (
        response.content.decode()
    )
    assert Member.objects.filter(pk=member.pk).exists()
    assert Partnership.objects.get().status == Partnership.Status.ACTIVE
    assert "_auth_user_id" in logged_in.session


def test_deleting_with_the_right_password_removes_the_member_and_what_was_only_theirs(
    logged_in, member
):
    partner = Member.objects.create_user("bo@example.org", "x", display_name="Bo")
    Partnership.objects.create(member_a=member, member_b=partner)
    LoginFailure.objects.create(email_digest=LoginFailure.digest_of(member.email))
    LoginFailure.objects.create(email_digest=LoginFailure.digest_of(partner.email))

    response = logged_in.post(reverse("accounts:delete"), {"password": PASSWORD}, follow=True)

    assert not Member.objects.filter(pk=member.pk).exists()
    assert Member.objects.filter(pk=partner.pk).exists()
    assert not Partnership.objects.exists()
    assert list(LoginFailure.objects.values_list("email_digest", flat=True)) == [
        LoginFailure.digest_of(partner.email)
    ]
    assert "_auth_user_id" not in logged_in.session
    assert "Your account and everything that was only yours has been deleted." in (
        response.content.decode()
    )


def test_deleting_asks_for_the_password_on_a_page_first(logged_in, member):
    page = logged_in.get(reverse("accounts:delete")).content.decode()

    assert 'autocomplete="current-password"' in page
    assert Member.objects.filter(pk=member.pk).exists()


def test_createsuperuser_works_with_members(db):
    with mock.patch.dict(os.environ, {"DJANGO_SUPERUSER_PASSWORD": PASSWORD}):
        call_command(
            "createsuperuser",
            email="Root@Example.org",
            display_name="Operator",
            interactive=False,
            verbosity=0,
        )

    operator = Member.objects.get(email="root@example.org")
    assert operator.is_superuser and operator.is_staff
    assert operator.check_password(PASSWORD)
