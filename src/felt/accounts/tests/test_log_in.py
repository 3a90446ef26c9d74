from datetime import timedelta

import pytest
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from felt.accounts.models import LoginFailure

from .conftest import PASSWORD

pytestmark = pytest.mark.django_db

LIMIT = 3
WINDOW_SECONDS = 600
throttled = override_settings(
    FELT_LOGIN_FAILURE_LIMIT=LIMIT, FELT_LOGIN_FAILURE_WINDOW_SECONDS=WINDOW_SECONDS
)


def log_in(client, email="ada@example.org", password=PASSWORD, ip="192.0.2.1", **extra):
    return client.post(
        reverse("accounts:login"), {"email": email, "password": password, **extra}, REMOTE_ADDR=ip
    )


def is_logged_in(client) -> bool:
    return "_auth_user_id" in client.session


def test_a_member_logs_in_with_their_email_in_any_case(client, member):
    response = log_in(client, email="  ADA@Example.ORG ")

    assert response.url == reverse("web:dashboard")
    assert client.session["_auth_user_id"] == str(member.pk)


def test_a_wrong_password_is_refused_with_one_sentence(client, member):
    response = log_in(client, password="not the password")

    assert response.status_code == 200
    assert "That email and password don&#x27;t match an account here" in response.content.decode()
    assert not is_logged_in(client)


def test_an_unknown_email_gets_the_same_sentence(client, member):
    response = log_in(client, email="nobody@example.org")

    assert "That email and password don&#x27;t match an account here" in response.content.decode()


def test_log_in_returns_to_a_next_page_on_this_site_only(client, member):
    assert log_in(client, next="/partnerships/invitation/abc/").url == (
        "/partnerships/invitation/abc/"
    )
    client.logout()
    assert log_in(client, next="//elsewhere.example/").url == reverse("web:dashboard")


def test_the_log_in_page_passes_next_on_to_sign_up(client):
    page = client.get(reverse("accounts:login"), {"next": "/partnerships/invitation/abc/"})

    content = page.content.decode()
    assert 'name="next" value="/partnerships/invitation/abc/"' in content
    assert "/account/sign-up/?next=/partnerships/invitation/abc/" in content
    assert 'autocomplete="current-password"' in content


def test_log_out_needs_a_post_and_then_logs_out(logged_in):
    assert logged_in.get(reverse("accounts:logout")).status_code == 405
    assert is_logged_in(logged_in)

    response = logged_in.post(reverse("accounts:logout"))

    assert response.url == reverse("web:home")
    assert not is_logged_in(logged_in)


@throttled
def test_after_repeated_failures_even_the_right_password_is_refused(client, member):
    for _ in range(LIMIT):
        log_in(client, password="wrong guess")

    response = log_in(client)

    assert not is_logged_in(client)
    page = response.content.decode()
    assert "paused log-ins" in page
    assert f"about {WINDOW_SECONDS // 60} minutes" in page


@throttled
def test_one_failure_fewer_than_the_limit_still_lets_the_member_in(client, member):
    for _ in range(LIMIT - 1):
        log_in(client, password="wrong guess")

    log_in(client)

    assert is_logged_in(client)


@throttled
def test_failures_for_one_email_pause_it_from_any_address(client, member):
    for number in range(LIMIT):
        log_in(client, password="wrong guess", ip=f"198.51.100.{number}")

    log_in(client, ip="203.0.113.9")

    assert not is_logged_in(client)


@throttled
def test_failures_from_one_address_pause_every_email_from_it(client, member):
    for number in range(LIMIT):
        log_in(client, email=f"guess{number}@example.org", password="wrong guess")

    log_in(client)
    assert not is_logged_in(client)
    log_in(client, ip="203.0.113.9")
    assert is_logged_in(client)


@throttled
def test_refused_attempts_while_paused_do_not_extend_the_pause(client, member):
    for _ in range(LIMIT):
        log_in(client, password="wrong guess")

    for _ in range(5):
        log_in(client, password="wrong guess")

    assert LoginFailure.objects.count() == LIMIT


@throttled
def test_log_in_works_again_once_the_window_has_passed(client, member):
    for _ in range(LIMIT):
        log_in(client, password="wrong guess")
    log_in(client)
    assert not is_logged_in(client)

    LoginFailure.objects.update(at=timezone.now() - timedelta(seconds=WINDOW_SECONDS + 1))
    log_in(client)

    assert is_logged_in(client)


@throttled
def test_the_wait_is_counted_from_the_failure_that_decides_it(client, member):
    now = timezone.now()
    for minutes_ago in (9, 5, 4):  # the window is ten minutes, the limit three
        LoginFailure.objects.create(
            email_digest=LoginFailure.digest_of("ada@example.org"),
            at=now - timedelta(minutes=minutes_ago),
        )

    page = log_in(client).content.decode()

    assert "about 1 minute." in page
    assert not is_logged_in(client)


@throttled
def test_a_successful_log_in_clears_that_emails_failures(client, member):
    for number in range(LIMIT - 1):
        log_in(client, password="wrong guess", ip=f"198.51.100.{number}")

    log_in(client, ip="203.0.113.9")
    assert is_logged_in(client)
    client.logout()
    for number in range(LIMIT - 1):
        log_in(client, password="wrong guess", ip=f"198.51.100.{number + 10}")

    log_in(client, ip="203.0.113.10")
    assert is_logged_in(client)


def test_failures_do_not_keep_the_email_address(client, member):
    log_in(client, password="wrong guess")

    failure = LoginFailure.objects.get()
    assert failure.email_digest != "ada@example.org"
    assert "ada" not in failure.email_digest
    assert failure.ip == "192.0.2.1"
