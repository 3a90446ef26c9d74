import time

import pytest
from django.core import mail, signing
from django.urls import reverse

from felt.accounts import services
from felt.accounts.models import Member

from .conftest import link_in_last_email

pytestmark = pytest.mark.django_db


def verify_url(token: str) -> str:
    return reverse("accounts:verify_email", args=[token])


def test_a_valid_link_confirms_the_address_once_and_keeps_the_first_time(client, member):
    token = services.make_email_verification_token(member=member)

    client.get(verify_url(token))
    member.refresh_from_db()
    first = member.email_verified_at
    response = client.get(verify_url(token))

    assert first is not None
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.email_verified_at == first


def test_a_forged_link_is_refused_and_changes_nothing(client, member):
    token = services.make_email_verification_token(member=member)
    forged = token[:-3] + ("aaa" if not token.endswith("aaa") else "bbb")

    response = client.get(verify_url(forged))

    assert response.status_code == 400
    assert "This link isn&#x27;t one we recognise" in response.content.decode()
    member.refresh_from_db()
    assert not member.email_verified


def test_a_link_signed_for_another_member_is_refused(client, member):
    other = Member.objects.create_user("bo@example.org", "x", display_name="Bo")
    claim = {"member": other.pk, "email": member.email}
    token = signing.TimestampSigner(salt="felt.accounts.verify_email").sign_object(claim)

    response = client.get(verify_url(token))

    assert response.status_code == 400
    assert not Member.objects.filter(email_verified_at__isnull=False).exists()


def test_an_expired_link_is_refused_and_changes_nothing(client, member, monkeypatch):
    too_old = services.EMAIL_VERIFICATION_VALID_FOR.total_seconds() + 60
    with monkeypatch.context() as past:
        past.setattr(
            signing.TimestampSigner,
            "timestamp",
            lambda self: signing.b62_encode(int(time.time() - too_old)),
        )
        token = services.make_email_verification_token(member=member)

    response = client.get(verify_url(token))

    assert response.status_code == 400
    assert "This link has expired" in response.content.decode()
    member.refresh_from_db()
    assert not member.email_verified


def test_a_link_a_little_younger_than_the_limit_still_works(client, member, monkeypatch):
    nearly_too_old = services.EMAIL_VERIFICATION_VALID_FOR.total_seconds() - 60
    with monkeypatch.context() as past:
        past.setattr(
            signing.TimestampSigner,
            "timestamp",
            lambda self: signing.b62_encode(int(time.time() - nearly_too_old)),
        )
        token = services.make_email_verification_token(member=member)

    client.get(verify_url(token))

    member.refresh_from_db()
    assert member.email_verified


def test_the_profile_can_send_the_link_again_and_the_new_link_works(logged_in, member):
    response = logged_in.post(reverse("accounts:resend_verification"))

    assert response.url == reverse("accounts:profile")
    assert mail.outbox[-1].to == [member.email]
    logged_in.get(link_in_last_email())
    member.refresh_from_db()
    assert member.email_verified


def test_sending_the_link_again_needs_a_post(logged_in):
    assert logged_in.get(reverse("accounts:resend_verification")).status_code == 405
    assert mail.outbox == []


def test_a_confirmed_member_is_not_sent_another_link(logged_in, member):
    services.verify_email(token=services.make_email_verification_token(member=member))

    logged_in.post(reverse("accounts:resend_verification"))

    assert mail.outbox == []
