import pytest
from django.conf import settings
from django.core import mail
from django.urls import reverse

from felt.accounts.models import LoginFailure

from .conftest import PASSWORD, link_in_last_email

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "lantern over the hill"


def test_a_member_sets_a_new_password_through_the_emailed_link(client, member):
    response = client.post(reverse("accounts:password_reset"), {"email": "Ada@example.org"})
    assert response.url == reverse("accounts:password_reset_sent")
    assert mail.outbox[-1].to == [member.email]
    assert mail.outbox[-1].body.count(settings.FELT_BASE_URL + "/account/password-reset/") == 1

    form_page = client.get(link_in_last_email(), follow=True)
    assert form_page.context["validlink"]
    set_password_url = form_page.redirect_chain[-1][0]
    response = client.post(
        set_password_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    )

    assert response.url == reverse("accounts:login")
    member.refresh_from_db()
    assert member.check_password(NEW_PASSWORD)
    assert not member.check_password(PASSWORD)


def test_the_reset_link_works_only_once(client, member):
    client.post(reverse("accounts:password_reset"), {"email": member.email})
    link = link_in_last_email()
    set_password_url = client.get(link, follow=True).redirect_chain[-1][0]
    client.post(set_password_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})

    second = client.get(link, follow=True)

    assert not second.context["validlink"]
    assert "already been used or has expired" in second.content.decode()


def test_a_weak_new_password_is_refused_in_our_words(client, member):
    client.post(reverse("accounts:password_reset"), {"email": member.email})
    set_password_url = client.get(link_in_last_email(), follow=True).redirect_chain[-1][0]

    response = client.post(
        set_password_url, {"new_password1": "password123", "new_password2": "password123"}
    )

    assert "one many people use" in response.content.decode()
    member.refresh_from_db()
    assert member.check_password(PASSWORD)


def test_an_unknown_address_sees_the_same_page_and_no_email_is_sent(client, member):
    response = client.post(
        reverse("accounts:password_reset"), {"email": "nobody@example.org"}, follow=True
    )

    assert response.redirect_chain[-1][0] == reverse("accounts:password_reset_sent")
    assert "If an account exists for that address" in response.content.decode()
    assert mail.outbox == []


def test_setting_a_new_password_lifts_a_log_in_pause(client, member):
    LoginFailure.objects.create(email_digest=LoginFailure.digest_of(member.email))
    client.post(reverse("accounts:password_reset"), {"email": member.email})
    set_password_url = client.get(link_in_last_email(), follow=True).redirect_chain[-1][0]

    client.post(set_password_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})

    assert not LoginFailure.objects.exists()
