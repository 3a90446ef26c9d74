"""Two members set their week, a round proposes them to each other, both say yes and become
partners; a third member can see neither of them. Real Chromium against a live Felt.

Mia (Berlin) marks her Monday evening with the keyboard; Noor (New York), on a phone, taps
her Monday lunchtime. In winter time that is the same two hours.
"""

import re

import pytest
from playwright.sync_api import expect
from tests.live import run_felt

pytestmark = pytest.mark.browser


def members(server) -> dict:
    """Three confirmed members, each with a logged-in session cookie."""
    return server.shell(
        """
        import json
        from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
        from django.contrib.sessions.backends.db import SessionStore
        from django.utils import timezone
        from felt.accounts.models import Member
        out = {}
        for name, zone in (("Mia", "Europe/Berlin"), ("Noor", "America/New_York"),
                           ("Theo", "Europe/London")):
            m = Member.objects.create_user(
                email=name.lower() + "@example.org", password="listening-gently-42",
                display_name=name, time_zone=zone, email_verified_at=timezone.now())
            s = SessionStore()
            s[SESSION_KEY] = str(m.pk)
            s[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
            s[HASH_SESSION_KEY] = m.get_session_auth_hash()
            s.create()
            out[name] = {"id": m.pk, "email": m.email, "cookie": s.session_key}
        print(json.dumps(out))
        """
    )


def fill_in_and_join(page, *, introduction: str) -> None:
    page.get_by_label("English", exact=True).check()
    page.get_by_label("A short introduction").fill(introduction)
    page.get_by_role("button", name="Save my directory profile").click()
    expect(page.locator(".messages")).to_contain_text("Your directory profile is saved.")
    page.get_by_role("button", name="Join the partner directory").click()
    expect(page.locator(".messages")).to_contain_text("You are in the partner directory.")


def test_two_members_are_proposed_to_each_other_accept_and_become_partners(live_felt, in_a_browser):
    server = live_felt()
    people = members(server)

    def story(open_as):
        # Mia uses the keyboard: one tab stop into the grid, Space marks, Shift with an
        # arrow carries the mark along.
        mia = open_as(server, people["Mia"]["cookie"])
        mia.goto("/matching/")
        expect(mia.get_by_role("heading", name="Find a partner")).to_be_visible()
        first = mia.get_by_role("button", name="Monday 18:00 to 18:30")
        first.focus()
        mia.keyboard.press("Space")
        for _ in range(3):
            mia.keyboard.press("Shift+ArrowDown")
        expect(mia.get_by_role("button", name="Monday 19:30 to 20:00")).to_have_attribute(
            "aria-pressed", "true"
        )
        expect(mia.get_by_role("button", name="Monday 20:00 to 20:30")).to_have_attribute(
            "aria-pressed", "false"
        )
        expect(mia.locator("#grid-summary")).to_contain_text("2")
        fill_in_and_join(mia, introduction="Mia here: I came to Focusing through my work.")
        # The grid comes back as she left it.
        expect(mia.get_by_role("button", name="Monday 18:30 to 19:00")).to_have_attribute(
            "aria-pressed", "true"
        )

        # Noor is on her phone and taps each half hour.
        noor = open_as(
            server,
            people["Noor"]["cookie"],
            has_touch=True,
            is_mobile=True,
            viewport={"width": 390, "height": 844},
        )
        noor.goto("/matching/")
        for start in ("12:00 to 12:30", "12:30 to 13:00", "13:00 to 13:30", "13:30 to 14:00"):
            noor.get_by_role("button", name=f"Monday {start}").tap()
        expect(noor.get_by_role("button", name="Monday 13:30 to 14:00")).to_have_attribute(
            "aria-pressed", "true"
        )
        fill_in_and_join(noor, introduction="Noor, counsellor in New York, new to Focusing.")

        out = run_felt(["match"], server.env)
        assert "1 pair was proposed" in out, out

        # Mia reads about Noor, with their shared time in her own clock, and says yes.
        mia.goto("/matching/")
        mia.get_by_role("link", name="A possible partner: Noor").click()
        main = mia.locator("main")
        expect(main).to_contain_text("Noor, counsellor in New York")
        expect(main).to_contain_text("English")
        expect(main).to_contain_text("your time, Europe/Berlin")
        expect(main.locator("ul.times")).to_contain_text("Monday")
        expect(main).not_to_contain_text(people["Noor"]["email"])
        proposal_url = mia.url
        mia.get_by_role("button", name="Yes, I'd like to be partners with Noor").click()
        expect(mia.locator(".messages")).to_contain_text("as soon as Noor has answered")

        # Theo, a third member, sees neither of them: not the proposal, not a listing.
        theo = open_as(server, people["Theo"]["cookie"])
        theo.goto(proposal_url)
        expect(theo.locator("main")).to_contain_text("We could not find this proposal.")
        expect(theo.locator("main")).not_to_contain_text("Noor")
        expect(theo.locator("main")).not_to_contain_text("Mia")
        theo.goto("/matching/")
        expect(theo.locator("main")).not_to_contain_text("Noor")
        expect(theo.locator("main")).not_to_contain_text("Mia")

        # Noor says yes too: they are partners, and now see each other's address and the
        # times for a first session.
        noor.goto("/matching/")
        noor.get_by_role("link", name="A possible partner: Mia").click()
        expect(noor.locator("main")).to_contain_text("Mia here")
        expect(noor.locator("main")).to_contain_text("your time, America/New_York")
        noor.get_by_role("button", name="Yes, I'd like to be partners with Mia").click()
        expect(noor.locator(".messages")).to_contain_text("You and Mia are now partners.")
        expect(noor.locator("main")).to_contain_text(people["Mia"]["email"])
        expect(noor.get_by_role("heading", name="For your first session")).to_be_visible()
        noor.get_by_role("link", name="Go to your partnership").click()
        expect(noor).to_have_url(re.compile(r"/partnerships/\d+/$"))
        expect(noor.locator("main")).to_contain_text("Mia")

        mia.reload()
        expect(mia.locator("main")).to_contain_text(people["Noor"]["email"])

    in_a_browser(story)

    partnership = server.shell(
        """
        import json
        from felt.partnerships.models import Partnership
        print(json.dumps([[p.member_a.display_name, p.member_b.display_name, p.status]
                          for p in Partnership.objects.all()]))
        """
    )
    assert partnership == [["Mia", "Noor", "active"]]
