"""The schedule's pages: who may see them, what each partner sees, and bad input refused."""

from __future__ import annotations

import re
from datetime import UTC, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import recurring_ical_events
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from felt.room.models import Session
from felt.schedule import selectors, services
from felt.schedule.models import (
    CalendarFeed,
    OccurrenceChange,
    Proposal,
    ReminderPreference,
    Rhythm,
)

pytestmark = pytest.mark.django_db


def everything() -> tuple:
    return (
        list(Proposal.objects.order_by("pk").values()),
        list(Rhythm.objects.order_by("pk").values()),
        list(OccurrenceChange.objects.order_by("pk").values()),
        list(Session.objects.values("pk")),
        list(ReminderPreference.objects.values()),
        list(CalendarFeed.objects.values()),
    )


def problem_of(response) -> str:
    """The one sentence a refused request is answered with."""
    found = re.findall(
        r'<ul class="errorlist nonfield" role="alert" id="problem"><li>(.*?)</li>',
        response.content.decode(),
        re.S,
    )
    assert len(found) == 1, response.content.decode()
    return found[0]


def agree(partnership, proposer, accepter, **fields):
    values = {
        "weekday": 0,
        "at": time(9),
        "length": 60,
        "interval": 1,
        "time_zone": "Europe/Berlin",
    } | fields
    proposal = services.propose_schedule(partnership=partnership, member=proposer, **values)
    return services.accept_proposal(
        partnership=partnership, member=accepter, proposal_id=proposal.pk
    )


def soon_rhythm(partnership, ada, bo, minutes=5):
    """A weekly time whose next session begins a few minutes from now (in UTC)."""
    target = (timezone.now() + timedelta(minutes=minutes + 1)).replace(second=0, microsecond=0)
    return agree(
        partnership,
        ada,
        bo,
        weekday=target.weekday(),
        at=target.time(),
        time_zone="UTC",
        starts_on=target.date(),
    ), target


def as_member(client, member):
    client.force_login(member)
    return client


# -- who may see what ----------------------------------------------------------------------


def test_a_stranger_is_refused_every_page_and_every_change_of_a_partnership(
    client, partnership, ada, bo, stranger
):
    rhythm = agree(partnership, ada, bo)
    key = selectors.upcoming_of(partnership=partnership, now=timezone.now())[0].key
    proposal = services.propose_schedule(
        partnership=partnership,
        member=bo,
        weekday=2,
        at=time(10),
        length=60,
        interval=1,
        time_zone="UTC",
    )
    as_member(client, stranger)
    before = everything()
    pk = partnership.pk

    for name, args in [("schedule", [pk]), ("occurrence", [pk, key]), ("now", [pk])]:
        assert client.get(reverse(f"schedule:{name}", args=args)).status_code == 404
    for name, args, data in [
        (
            "propose",
            [pk],
            {"weekday": 0, "time": "10:00", "length": 60, "cadence": 1, "time_zone": "UTC"},
        ),
        ("accept", [pk, proposal.pk], {}),
        ("decline", [pk, proposal.pk], {}),
        ("withdraw", [pk, proposal.pk], {}),
        ("pause", [pk], {}),
        ("resume", [pk], {}),
        ("skip", [pk, key], {}),
        ("restore", [pk, key], {}),
        ("move", [pk, key], {"day": "2030-01-01", "time": "10:00"}),
        ("join", [pk, key], {}),
    ]:
        assert client.post(reverse(f"schedule:{name}", args=args), data).status_code == 404

    assert everything() == before
    # Nor do the stranger's own pages show anything of it.
    page = client.get(reverse("web:dashboard")).content.decode()
    assert key not in page and "Ada" not in page
    assert rhythm.pk


def test_a_visitor_who_is_not_logged_in_is_sent_to_log_in(client, partnership):
    url = reverse("schedule:schedule", args=[partnership.pk])
    response = client.get(url)
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


# -- each partner sees their own time --------------------------------------------------------


def test_each_partner_sees_the_sessions_in_their_own_time_zone(client, partnership, ada, bo):
    agree(partnership, ada, bo)
    first = selectors.upcoming_of(partnership=partnership, now=timezone.now())[0]

    for member, zone_name in ((ada, "Europe/Berlin"), (bo, "America/New_York")):
        as_member(client, member)
        page = client.get(reverse("schedule:schedule", args=[partnership.pk])).content.decode()
        wall = first.start.astimezone(ZoneInfo(zone_name))
        assert f"{wall:%A} {wall.day} {wall:%B}, {wall:%H:%M}" in page
        assert f'datetime="{first.start.astimezone(UTC).isoformat()}"' in page
        dashboard = client.get(reverse("web:dashboard")).content.decode()
        assert f"{wall:%A} {wall.day} {wall:%B}, {wall:%H:%M}" in dashboard


def test_the_partner_sees_the_proposal_and_its_first_session_in_their_own_time(
    client, partnership, ada, bo
):
    proposal = services.propose_schedule(
        partnership=partnership,
        member=ada,
        weekday=0,
        at=time(9),
        length=60,
        interval=1,
        time_zone="Europe/Berlin",
    )
    first = selectors.first_start_of(proposal=proposal, now=timezone.now())
    wall = first.astimezone(ZoneInfo("America/New_York"))

    page = as_member(client, bo).get(reverse("schedule:schedule", args=[partnership.pk]))

    text = page.content.decode()
    assert "Ada proposes a regular time" in text
    assert "Every week on Monday at 09:00, Berlin time, for 60 minutes" in text
    assert f"{wall:%A} {wall.day} {wall:%B}, {wall:%H:%M}" in text
    assert reverse("schedule:accept", args=[partnership.pk, proposal.pk]) in text


# -- bad input: one sentence, nothing changed ------------------------------------------------


@pytest.mark.parametrize(
    ("fields", "sentence"),
    [
        ({"time_zone": "Nowhere/Atlantis"}, "Please choose a time zone from the list"),
        ({"length": "200"}, "Please choose a length from 30 to 120 minutes."),
        ({"length": "20"}, "Please choose a length from 30 to 120 minutes."),
        ({"length": "an hour"}, "Please give the length as a number of minutes"),
        ({"time": "25:00"}, "Please give a time as hours and minutes"),
        ({"weekday": "9"}, "Please choose a day of the week."),
        ({"cadence": "5"}, "every week or every two weeks"),
        (
            {"weekday": "6", "time": "02:30"},
            "the clocks in Berlin go forward, so 02:30 does not exist that night",
        ),
    ],
)
def test_a_bad_proposal_gets_one_clear_sentence_and_changes_nothing(
    client, partnership, ada, fields, sentence
):
    as_member(client, ada)
    before = everything()
    data = {
        "weekday": "0",
        "time": "09:00",
        "length": "60",
        "cadence": "1",
        "time_zone": "Europe/Berlin",
    } | fields

    response = client.post(reverse("schedule:propose", args=[partnership.pk]), data)

    assert response.status_code == 400
    assert sentence in problem_of(response)
    assert everything() == before


@pytest.mark.parametrize(
    "forged", ["999-20270111T080000Z", "nonsense", "{rhythm}-20270111T083100Z"]
)
def test_a_forged_occurrence_id_gets_one_clear_sentence_and_changes_nothing(
    client, partnership, ada, bo, forged
):
    rhythm = agree(partnership, ada, bo)
    key = forged.format(rhythm=rhythm.pk)
    as_member(client, ada)
    before = everything()

    for action in ("skip", "move", "join", "restore"):
        response = client.post(
            reverse(f"schedule:{action}", args=[partnership.pk, key]),
            {"day": "2030-01-07", "time": "10:00"},
        )

        assert response.status_code == 400
        assert "could not find that" in problem_of(response)
    assert everything() == before
    # Following such a link only leads back to the schedule.
    response = client.get(reverse("schedule:occurrence", args=[partnership.pk, key]))
    assert response.url == reverse("schedule:schedule", args=[partnership.pk])


def test_a_move_to_a_time_missing_on_a_daylight_saving_night_is_explained(
    client, partnership, ada, bo
):
    agree(partnership, ada, bo, weekday=0, at=time(9))
    # The Monday after the last Sunday of March, seen the week before.
    monday_after = None
    for occurrence in selectors.upcoming_of(
        partnership=partnership, now=timezone.now(), ahead=timedelta(weeks=60), limit=60
    ):
        day = occurrence.start.astimezone(ZoneInfo("Europe/Berlin")).date()
        sunday = day - timedelta(days=1)
        if sunday.month == 3 and (sunday + timedelta(weeks=1)).month == 4:
            monday_after = occurrence
            break
    assert monday_after is not None
    as_member(client, ada)
    before = everything()

    response = client.post(
        reverse("schedule:move", args=[partnership.pk, monday_after.key]),
        {"day": sunday.isoformat(), "time": "02:30"},
    )

    assert response.status_code == 400
    assert "the clocks in Berlin go forward, so 02:30 does not exist that night" in problem_of(
        response
    )
    assert everything() == before


def test_a_bad_reminder_choice_gets_one_sentence_and_changes_nothing(client, ada):
    as_member(client, ada)
    services.set_reminder_lead(member=ada, minutes=15)
    before = everything()

    response = client.post(reverse("schedule:reminders"), {"lead_minutes": "7"})

    assert response.status_code == 400
    assert "Please choose one of the reminder times in the list." == problem_of(response)
    assert everything() == before


# -- joining from the dashboard --------------------------------------------------------------


def test_the_dashboard_offers_join_from_ten_minutes_before_and_the_room_has_the_plan(
    client, partnership, ada, bo
):
    soon_rhythm(partnership, ada, bo, minutes=5)
    (upcoming,) = selectors.next_sessions_of(member=ada, now=timezone.now(), limit=1)
    as_member(client, ada)

    page = client.get(reverse("web:dashboard")).content.decode()
    join = reverse("schedule:join", args=[partnership.pk, upcoming.occurrence.key])
    assert join in page
    assert "Join the session with Bo" in page

    response = client.post(join)

    session = Session.objects.get()
    assert response.url == reverse("room:room", args=[session.pk])
    assert session.occurrence == upcoming.occurrence.key
    assert session.state["plan"]["length"] == upcoming.occurrence.length
    # The partner's join lands in the same room.
    assert as_member(client, bo).post(join).url == response.url


def test_a_session_further_off_has_no_join_button_yet(client, partnership, ada, bo):
    soon_rhythm(partnership, ada, bo, minutes=30)
    as_member(client, ada)

    page = client.get(reverse("schedule:next_sessions")).content.decode()

    assert "Join the session" not in page
    assert 'hx-trigger="every 60s"' in page
    (upcoming,) = selectors.next_sessions_of(member=ada, now=timezone.now(), limit=1)
    response = client.post(reverse("schedule:join", args=[partnership.pk, upcoming.occurrence.key]))
    assert response.status_code == 400
    assert "opens at" in problem_of(response)
    assert Session.objects.count() == 0


# -- the calendar feed -----------------------------------------------------------------------


def feed_url(token: str) -> str:
    return reverse("schedule:calendar", args=[token])


def test_the_calendar_feed_lists_the_sessions_naming_only_the_partner_and_the_join_link(
    client, partnership, ada, bo
):
    agree(partnership, ada, bo)
    upcoming = selectors.upcoming_of(partnership=partnership, now=timezone.now())
    services.skip_occurrence(partnership=partnership, member=bo, key=upcoming[1].key)
    token = services.renew_calendar_feed(member=ada)
    client.logout()

    response = client.get(feed_url(token))

    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    body = response.content
    calendar = Calendar.from_ical(body)
    (event,) = [c for c in calendar.walk("VEVENT")]
    assert str(event["SUMMARY"]) == "Focusing session with Bo"
    link = "http://127.0.0.1:8000" + reverse("schedule:now", args=[partnership.pk])
    assert str(event["DESCRIPTION"]) == f"Join the session: {link}"
    assert str(event["URL"]) == link
    assert b"example.org" not in body and b"Ada" not in body
    starts = [
        e.start.astimezone(UTC)
        for e in recurring_ical_events.of(calendar).between(
            timezone.now(), upcoming[4].start + timedelta(minutes=1)
        )
    ]
    assert starts == [o.start for o in upcoming[:5] if o.key != upcoming[1].key]


def test_a_revoked_or_renewed_calendar_link_answers_404(client, partnership, ada, bo):
    agree(partnership, ada, bo)
    as_member(client, ada)
    page = client.post(reverse("schedule:calendar_renew")).content.decode()
    (first,) = re.findall(r'value="http://[^"]+/schedule/calendar/([^"]+)\.ics"', page)
    assert client.get(feed_url(first)).status_code == 200

    page = client.post(reverse("schedule:calendar_renew")).content.decode()
    (second,) = re.findall(r'value="http://[^"]+/schedule/calendar/([^"]+)\.ics"', page)
    assert client.get(feed_url(first)).status_code == 404
    assert client.get(feed_url(second)).status_code == 200

    client.post(reverse("schedule:calendar_revoke"))
    assert client.get(feed_url(second)).status_code == 404
    assert client.get(feed_url("made-up")).status_code == 404
    # The settings page never shows the secret again.
    assert second not in client.get(reverse("schedule:settings")).content.decode()


def test_the_partnership_page_shows_the_regular_time_and_links_to_the_schedule(
    client, partnership, ada, bo
):
    agree(partnership, ada, bo)

    page = as_member(client, bo).get(reverse("partnerships:detail", args=[partnership.pk]))

    text = page.content.decode()
    assert "Every week on Monday at 09:00, Berlin time, for 60 minutes" in text
    assert reverse("schedule:schedule", args=[partnership.pk]) in text


def test_the_profile_links_to_calendar_and_reminders(client, ada):
    page = as_member(client, ada).get(reverse("accounts:profile")).content.decode()
    assert reverse("schedule:settings") in page
    assert client.get(reverse("schedule:settings")).status_code == 200


def test_the_join_link_in_calendars_leads_to_the_next_session(client, partnership, ada, bo):
    agree(partnership, ada, bo)
    first = selectors.upcoming_of(partnership=partnership, now=timezone.now())[0]

    response = as_member(client, bo).get(reverse("schedule:now", args=[partnership.pk]))

    assert response.url == reverse("schedule:occurrence", args=[partnership.pk, first.key])
    assert client.get(response.url).status_code == 200
