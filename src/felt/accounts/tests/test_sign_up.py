import pytest
from django.conf import settings
from django.core import mail
from django.test import override_settings
from django.urls import reverse

from felt.accounts import services
from felt.accounts.models import Member
from felt.core.errors import FeltError

from .conftest import PASSWORD, link_in_last_email

pytestmark = pytest.mark.django_db


def sign_up_form(**changes):
    form = {
        "email": "grace@example.org",
        "display_name": "Grace",
        "password1": PASSWORD,
        "password2": PASSWORD,
        "time_zone": "America/New_York",
    }
    form.update(changes)
    return form


def test_sign_up_creates_the_member_logs_them_in_and_emails_a_link(client):
    response = client.post(reverse("accounts:signup"), sign_up_form())

    assert response.status_code == 302
    assert response.url == reverse("web:dashboard")
    member = Member.objects.get(email="grace@example.org")
    assert member.display_name == "Grace"
    assert member.time_zone == "America/New_York"
    assert member.check_password(PASSWORD)
    assert not member.email_verified
    assert client.session["_auth_user_id"] == str(member.pk)
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["grace@example.org"]
    assert settings.FELT_BASE_URL + "/account/verify-email/" in mail.outbox[0].body


def test_the_emailed_link_confirms_the_email_address(client):
    client.post(reverse("accounts:signup"), sign_up_form())

    response = client.get(link_in_last_email())

    assert response.status_code == 302
    assert Member.objects.get(email="grace@example.org").email_verified


def test_sign_up_stores_the_email_in_lower_case(client):
    client.post(reverse("accounts:signup"), sign_up_form(email="Grace.Hopper@Example.ORG"))

    assert Member.objects.filter(email="grace.hopper@example.org").exists()


def test_sign_up_with_a_taken_email_in_another_case_changes_nothing(client, member):
    response = client.post(reverse("accounts:signup"), sign_up_form(email="ADA@Example.org"))

    assert response.status_code == 200
    assert "There is already an account with this email address" in response.content.decode()
    assert Member.objects.count() == 1
    assert "_auth_user_id" not in client.session
    assert mail.outbox == []


@pytest.mark.parametrize(
    "password, problem",
    [
        ("short one", "at least 10 characters"),
        ("password123", "one many people use"),
        ("9173640285", "more than digits"),
        ("grace@example.org", "too close to your email or your name"),
    ],
)
def test_sign_up_with_a_weak_password_is_refused(client, password, problem):
    response = client.post(
        reverse("accounts:signup"), sign_up_form(password1=password, password2=password)
    )

    assert problem in response.content.decode()
    assert not Member.objects.exists()


def test_sign_up_with_two_different_passwords_is_refused(client):
    response = client.post(reverse("accounts:signup"), sign_up_form(password2=PASSWORD + " again"))

    assert "The two passwords are different" in response.content.decode()
    assert not Member.objects.exists()


def test_sign_up_with_an_unknown_time_zone_is_refused(client):
    response = client.post(reverse("accounts:signup"), sign_up_form(time_zone="Mars/Olympus"))

    assert "Please choose a time zone from the list" in response.content.decode()
    assert not Member.objects.exists()


def test_sign_up_offers_every_time_zone_in_order_starting_at_utc(client):
    page = client.get(reverse("accounts:signup")).content.decode()

    assert '<option value="UTC" selected>' in page
    assert page.index('value="Africa/Abidjan"') < page.index('value="Pacific/Auckland"')
    assert 'autocomplete="new-password"' in page
    assert 'autocomplete="email"' in page


def test_sign_up_returns_to_a_next_page_on_this_site(client):
    response = client.post(
        reverse("accounts:signup"), sign_up_form(next="/partnerships/invitation/abc/")
    )

    assert response.url == "/partnerships/invitation/abc/"


def test_sign_up_ignores_a_next_page_on_another_site(client):
    response = client.post(
        reverse("accounts:signup"), sign_up_form(next="https://elsewhere.example/steal")
    )

    assert response.url == reverse("web:dashboard")


def test_sign_up_service_refuses_a_taken_email_with_one_sentence(member):
    with pytest.raises(FeltError) as refused:
        services.sign_up(
            email=" Ada@EXAMPLE.org ", password=PASSWORD, display_name="Ada", time_zone="UTC"
        )

    assert refused.value.message.startswith("There is already an account")
    assert Member.objects.count() == 1


@override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.Argon2PasswordHasher"])
def test_a_new_members_password_is_hashed_with_argon2():
    member = services.sign_up(
        email="grace@example.org", password=PASSWORD, display_name="Grace", time_zone="UTC"
    )

    member.refresh_from_db()
    assert member.password.startswith("argon2")
    assert member.check_password(PASSWORD)
