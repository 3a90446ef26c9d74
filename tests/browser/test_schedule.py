"""Two partners in different time zones agree a regular time; one skips a session, and the
other's home page and calendar both let it go."""

import re
import urllib.request
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import recurring_ical_events
from icalendar import Calendar
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

BERLIN, NEW_YORK = ZoneInfo("Europe/Berlin"), ZoneInfo("America/New_York")
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}


def as_shown(moment: datetime, zone: ZoneInfo) -> str:
    """How a time reads on the page: "Monday 7 December, 03:00"."""
    wall = moment.astimezone(zone)
    return f"{wall:%A} {wall.day} {wall:%B}, {wall:%H:%M}"


def shown_sessions(page, container: str) -> list[tuple[str, datetime, str]]:
    """(occurrence key, instant, text) of each session a list shows."""
    found = []
    for item in page.locator(f"{container} li").all():
        moment = item.locator("time").first
        found.append(
            (
                item.get_attribute("data-occurrence"),
                datetime.fromisoformat(moment.get_attribute("datetime")),
                moment.inner_text(),
            )
        )
    return found


def test_a_berlin_proposal_accepted_in_new_york_and_a_skipped_session_gone_for_both(
    live_felt, person
):
    server = live_felt()
    world = server.make_partners("Ada", "Bo", "Cy")
    server.shell(
        """
        import json
        from felt.accounts.models import Member
        Member.objects.filter(display_name="Ada").update(time_zone="Europe/Berlin")
        Member.objects.filter(display_name="Bo").update(time_zone="America/New_York")
        print(json.dumps({}))
        """
    )
    partnership = world["partnership"]
    ada = person(server, world["Ada"]["cookie"])
    bo = person(server, world["Bo"]["cookie"], **PHONE)

    # Ada, in Berlin, proposes Mondays at 09:00 from her partnership's page.
    ada.goto(f"/partnerships/{partnership}/")
    ada.get_by_role("link", name="Plan your sessions").click()
    # The time zone is hers unless she chooses another.
    expect(ada.get_by_label("Time zone")).to_have_value("Europe/Berlin")
    ada.get_by_label("Day of the week").select_option(label="Monday")
    ada.get_by_label("Time:", exact=True).fill("09:00")
    ada.get_by_label("Length in minutes").fill("60")
    ada.get_by_label("Every week", exact=True).check()
    ada.get_by_role("button", name="Propose to Bo").click()
    expect(ada.locator(".messages")).to_contain_text("on its way to Bo")
    expect(ada.locator("#proposal-heading")).to_have_text("Your proposal")

    # Bo, in New York, finds it from his partnership's page, reads it, and accepts.
    bo.goto(f"/partnerships/{partnership}/")
    expect(bo.locator("main")).to_contain_text("Ada has proposed a regular time")
    bo.get_by_role("link", name="Plan your sessions").click()
    expect(bo.locator("#proposal-words")).to_have_text(
        "Every week on Monday at 09:00, Berlin time, for 60 minutes."
    )
    first_proposed = datetime.fromisoformat(
        bo.locator("#proposal-first time").first.get_attribute("datetime")
    )
    expect(bo.locator("#proposal-first time").first).to_have_text(
        as_shown(first_proposed, NEW_YORK)
    )
    bo.get_by_role("button", name="Accept this time").click()
    expect(bo.locator(".messages")).to_contain_text("This is your regular time now.")

    # Every session Bo sees is 09:00 on a Monday in Berlin, shown to him in New York time.
    sessions = shown_sessions(bo, "#upcoming")
    assert len(sessions) == 8
    assert sessions[0][1] == first_proposed
    for _key, moment, text in sessions:
        in_berlin = moment.astimezone(BERLIN)
        assert (in_berlin.weekday(), in_berlin.hour, in_berlin.minute) == (0, 9, 0)
        assert text == as_shown(moment, NEW_YORK)
        assert moment.astimezone(NEW_YORK).hour in (3, 4)
    # Readable on his phone: nothing wider than the screen.
    assert bo.evaluate("document.documentElement.scrollWidth <= window.innerWidth")

    # Bo skips the second session.
    skipped_key, skipped_at, _text = sessions[1]
    bo.locator(f'#upcoming li[data-occurrence="{skipped_key}"]').get_by_role(
        "link", name=re.compile("Move or skip")
    ).click()
    bo.get_by_role("button", name="Skip this session").click()
    expect(bo.locator(".messages")).to_contain_text("That session is skipped")
    expect(bo.locator(f'#upcoming li[data-occurrence="{skipped_key}"]')).to_have_count(0)
    expect(bo.locator(f'#skipped li[data-occurrence="{skipped_key}"]')).to_have_count(1)

    # Ada's home page no longer has it, and shows the others in Berlin time.
    ada.goto("/home/")
    expect(ada.locator("#next-sessions li").first).to_be_visible()
    on_her_dashboard = shown_sessions(ada, "#next-sessions")
    kept = [s for s in sessions if s[0] != skipped_key]
    assert [key for key, _, _ in on_her_dashboard] == [key for key, _, _ in kept[:5]]
    assert all(text == as_shown(moment, BERLIN) for _, moment, text in on_her_dashboard)

    # Nor does her calendar: she makes her private link and a calendar app reads it.
    ada.goto("/account/profile/")
    ada.get_by_role("link", name="Your calendar link and session reminders").click()
    ada.get_by_role("button", name="Make my calendar link").click()
    link = ada.get_by_label("Your calendar link").input_value()
    assert link.startswith(server.url + "/schedule/calendar/")
    with urllib.request.urlopen(link, timeout=10) as response:
        calendar = Calendar.from_ical(response.read())
    window_end = sessions[-1][1] + timedelta(minutes=1)
    in_calendar = sorted(
        event.start.astimezone(UTC)
        for event in recurring_ical_events.of(calendar).between(datetime.now(UTC), window_end)
    )
    assert skipped_at not in in_calendar
    assert in_calendar == [moment for _, moment, _ in kept]

    # Cy, who is not one of them, finds nothing there.
    cy = person(server, world["Cy"]["cookie"], refusals_expected=True)
    assert cy.goto(f"/schedule/{partnership}/").status == 404
    assert cy.goto(f"/schedule/{partnership}/sessions/{skipped_key}/").status == 404
