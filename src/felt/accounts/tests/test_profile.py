import pytest
from django.urls import reverse

from felt.accounts import services
from felt.core.errors import FeltError

from .conftest import PASSWORD

pytestmark = pytest.mark.django_db


def test_a_logged_out_visitor_to_the_profile_is_sent_to_log_in(client):
    response = client.get(reverse("accounts:profile"))

    assert response.status_code == 302
    assert response.url == reverse("accounts:login") + "?next=" + reverse("accounts:profile")


def test_the_profile_shows_the_member_and_whether_their_email_is_confirmed(logged_in, member):
    page = logged_in.get(reverse("accounts:profile")).content.decode()

    assert 'value="Ada"' in page
    assert '<option value="Europe/Berlin" selected>' in page
    assert "Not confirmed yet" in page
    assert reverse("accounts:delete") in page


def test_a_member_changes_their_name_and_time_zone(logged_in, member):
    response = logged_in.post(
        reverse("accounts:profile"), {"display_name": " Ada L. ", "time_zone": "Asia/Tokyo"}
    )

    assert response.url == reverse("accounts:profile")
    member.refresh_from_db()
    assert member.display_name == "Ada L."
    assert member.time_zone == "Asia/Tokyo"


def test_a_profile_with_an_unknown_time_zone_is_refused(logged_in, member):
    response = logged_in.post(
        reverse("accounts:profile"),
        {"display_name": "Someone Else", "time_zone": "Nowhere/Atlantis"},
    )

    assert "Please choose a time zone from the list" in response.content.decode()
    member.refresh_from_db()
    assert member.display_name == "Ada"
    assert member.time_zone == "Europe/Berlin"


def test_a_blank_name_is_refused_by_the_service_too(member):
    with pytest.raises(FeltError):
        services.update_profile(member=member, display_name="   ", time_zone="UTC")

    member.refresh_from_db()
    assert member.display_name == "Ada"


def test_a_member_changes_their_password_and_stays_logged_in(logged_in, member):
    new = "lantern over the hill"
    response = logged_in.post(
        reverse("accounts:password_change"),
        {"old_password": PASSWORD, "new_password1": new, "new_password2": new},
    )

    assert response.url == reverse("accounts:profile")
    member.refresh_from_db()
    assert member.check_password(new)
    assert logged_in.get(reverse("accounts:profile")).status_code == 200


def test_a_password_change_with_the_wrong_current_password_changes_nothing(logged_in, member):
    new = "lantern over the hill"
    response = logged_in.post(
        reverse("accounts:password_change"),
        {"old_password": "not it at all", "new_password1": new, "new_password2": new},
    )

    assert "That isn&#x27;t your current password" in response.content.decode()
    member.refresh_from_db()
    assert member.check_password(PASSWORD)
