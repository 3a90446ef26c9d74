"""The directory profile: filling it in, opting in and out, pausing, and bad input."""

import pytest
from django.urls import reverse
from django.utils.html import escape

from felt.matching import selectors, services
from felt.matching.models import MatchingProfile, Proposal

pytestmark = pytest.mark.django_db

GOOD = {
    "time_zone": "Europe/Berlin",
    "languages": ["de", "en"],
    "slot": ["0-36", "0-37", "0-38", "0-39", "3-18", "3-19"],
    "ways": ["video", "in_person"],
    "area": "  Berlin   Kreuzberg ",
    "cadence": "fortnightly",
    "experience": "seasoned",
    "profession": "psychotherapy",
    "helpers_only": "on",
    "session_minutes": "60",
    "introduction": "I have listened for years and would like a steady partner.",
}


def post_profile(client, **changes):
    data = {**GOOD, **changes}
    return client.post(reverse("matching:directory"), data)


def test_a_member_fills_in_the_directory_profile_with_the_week_in_their_own_time(client, ada):
    client.force_login(ada)

    response = post_profile(client, time_zone="Europe/Lisbon")

    assert response.status_code == 302
    profile = MatchingProfile.objects.get(member=ada)
    assert profile.languages == ["de", "en"]
    # Monday 18:00-20:00 and Thursday 09:00-10:00, in windows of the member's own week.
    assert profile.availability == [[0, 36, 40], [3, 18, 20]]
    assert profile.ways == ["video", "in_person"]
    assert profile.area == "Berlin Kreuzberg"
    assert (profile.cadence, profile.experience, profile.profession) == (
        "fortnightly",
        "seasoned",
        "psychotherapy",
    )
    assert profile.helpers_only is True
    assert profile.introduction.startswith("I have listened")
    ada.refresh_from_db()
    assert ada.time_zone == "Europe/Lisbon"
    # Saving is not opting in: the directory is off until the member joins.
    assert profile.in_directory is False
    page = client.get(reverse("matching:directory")).content.decode()
    assert "Your directory profile is saved." in page
    assert 'value="0-36" checked' in page and 'value="0-35" checked' not in page
    assert "Join the partner directory" in page


def test_the_directory_is_off_by_default_and_a_round_proposes_nobody_who_has_not_joined(
    client, ada, noor
):
    for member in (ada, noor):
        client.force_login(member)
        post_profile(client, ways=["video"], helpers_only="", time_zone=member.time_zone)
        assert MatchingProfile.objects.get(member=member).in_directory is False

    round_ = services.run_round()

    assert round_.seekers == 0
    assert not Proposal.objects.exists()


def test_joining_needs_a_saved_profile_and_a_confirmed_email(client, make_member, give_profile):
    newcomer = make_member("Newcomer", verified=False)
    client.force_login(newcomer)

    response = client.post(reverse("matching:join"), follow=True)
    assert "Please fill in and save your directory profile first" in response.content.decode()

    give_profile(newcomer, in_directory=False)
    response = client.post(reverse("matching:join"), follow=True)
    assert "Please confirm your email address first" in response.content.decode()
    assert MatchingProfile.objects.get(member=newcomer).in_directory is False


def test_pausing_keeps_the_profile_and_stops_new_proposals_until_resumed(
    client, ada, noor, give_profile
):
    give_profile(ada, in_directory=False)
    from felt.matching.tests.conftest import NEW_YORK_MONDAY_NOON

    give_profile(noor, availability=NEW_YORK_MONDAY_NOON)
    client.force_login(ada)
    client.post(reverse("matching:join"))
    client.post(reverse("matching:pause"))

    profile = MatchingProfile.objects.get(member=ada)
    assert profile.in_directory and profile.looking_paused
    assert profile.introduction and profile.availability  # nothing of the profile is lost
    page = client.get(reverse("matching:directory")).content.decode()
    assert "looking is paused" in page
    assert services.run_round().pairs == 0

    client.post(reverse("matching:resume"))
    assert services.run_round().pairs == 1


def test_leaving_keeps_the_profile_and_withdraws_a_waiting_proposal(
    client, ada, noor, give_profile
):
    from felt.matching.tests.conftest import NEW_YORK_MONDAY_NOON

    give_profile(ada)
    give_profile(noor, availability=NEW_YORK_MONDAY_NOON)
    services.run_round()
    proposal = Proposal.objects.get()
    client.force_login(ada)

    client.post(reverse("matching:leave"))

    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.WITHDRAWN
    profile = MatchingProfile.objects.get(member=ada)
    assert not profile.in_directory and profile.introduction
    # Noor is free for the next round, and no longer sees Ada's introduction.
    client.force_login(noor)
    page = client.get(reverse("matching:proposal", args=[proposal.pk])).content.decode()
    assert "withdrawn" in page
    assert "I am Ada" not in page


def test_deleting_the_profile_removes_it(client, ada, give_profile):
    give_profile(ada)
    client.force_login(ada)

    client.post(reverse("matching:delete"))

    assert not MatchingProfile.objects.filter(member=ada).exists()


@pytest.mark.parametrize(
    ("changes", "sentence"),
    [
        ({"languages": ["en", "xx"]}, "We don't know the language code “xx”"),
        ({"languages": []}, "Please choose at least one language"),
        ({"time_zone": "Mars/Olympus"}, "Please choose a time zone from the list"),
        ({"slot": ["0-36", "monday evening"]}, "We could not read the week grid"),
        ({"slot": ["0-36", "0-48"]}, "outside the week"),
        ({"slot": ["0-36", "7-1"]}, "We could not read the week grid"),
        ({"slot": ["0-36", "0-37", "0-36"]}, "The same half hour was marked twice"),
        ({"slot": ["0-36"]}, "Please mark at least one stretch of 60 minutes"),
        ({"slot": ["0-36", "0-37"], "session_minutes": "90"}, "stretch of 90 minutes"),
        ({"session_minutes": "45"}, "Please choose a session length from the list."),
        ({"ways": []}, "Please choose at least one way to meet."),
        ({"ways": ["video", "fax"]}, "Please choose ways to meet from the list"),
        ({"ways": ["in_person"], "area": "   "}, "To meet in person, please name your town"),
        ({"cadence": "daily"}, "Please choose how often you would like to meet"),
        ({"experience": "guru"}, "Please choose your Focusing experience"),
        ({"profession": "astronaut"}, "Please choose your profession"),
        ({"introduction": "x" * 1001}, "Please keep your introduction to 1000 characters"),
    ],
)
def test_bad_input_gets_one_clear_sentence_and_changes_nothing(
    client, ada, give_profile, changes, sentence
):
    before = give_profile(ada, in_directory=False)
    saved = {
        field.name: getattr(before, field.name)
        for field in MatchingProfile._meta.concrete_fields
        if field.name != "updated_at"
    }
    client.force_login(ada)

    response = post_profile(client, **changes)

    assert response.status_code == 400
    page = response.content.decode()
    assert page.count('role="alert"') == 1
    assert escape(sentence) in page
    assert "Traceback" not in page
    after = MatchingProfile.objects.get(member=ada)
    assert {name: getattr(after, name) for name in saved} == saved
    ada.refresh_from_db()
    assert ada.time_zone == "Europe/Berlin"
    # What was sent is shown back, so nothing typed is lost.
    if "introduction" in changes:
        assert changes["introduction"] in page


def test_a_visitor_who_is_not_logged_in_is_sent_to_log_in(client):
    for name in ("directory",):
        response = client.get(reverse(f"matching:{name}"))
        assert response.status_code == 302
        assert response.url.startswith(reverse("accounts:login"))


def test_the_week_grid_has_a_labelled_checkbox_for_every_half_hour(client, ada):
    client.force_login(ada)

    page = client.get(reverse("matching:directory")).content.decode()

    assert page.count('name="slot"') == 7 * 48
    assert "Monday 18:00 to 18:30" in page
    assert "Sunday 23:30 to 24:00" in page
    assert "matching/availability.js" in page


def test_the_seekers_of_a_round_are_those_looking_without_a_waiting_proposal(
    make_member, give_profile
):
    looking = give_profile(make_member("Looking"))
    give_profile(make_member("Paused"), looking_paused=True)
    give_profile(make_member("Out"), in_directory=False)
    give_profile(make_member("Unconfirmed", verified=False))
    gone = make_member("Gone")
    gone.is_active = False
    gone.save()
    give_profile(gone)
    from django.utils import timezone

    seekers = selectors.seekers_for_round(now=timezone.now())

    assert [seeker.id for seeker in seekers] == [looking.member_id]
    assert seekers[0].availability == frozenset(range(36, 40))
    assert seekers[0].helper is True
