from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from felt.accounts.models import Member
from felt.matching.models import MatchingProfile

# A Monday-evening hour in Berlin and a Monday-noon hour in New York meet at 17:00 UTC in
# winter time: [day, first half hour, after the last].
BERLIN_MONDAY_EVENING = [[0, 36, 40]]  # 18:00-20:00
NEW_YORK_MONDAY_NOON = [[0, 24, 28]]  # 12:00-14:00
# A Wednesday in January: no clock changes anywhere near.
WINTER = datetime(2027, 1, 13, 10, 0, tzinfo=UTC)


@pytest.fixture
def make_member(db):
    def make(name: str, *, time_zone: str = "Europe/Berlin", verified: bool = True) -> Member:
        return Member.objects.create_user(
            email=f"{name.lower()}@example.org",
            password="a long password",
            display_name=name,
            time_zone=time_zone,
            email_verified_at=timezone.now() if verified else None,
        )

    return make


@pytest.fixture
def give_profile():
    """A member in the directory and looking, with the fields of a plausible profile."""

    def give(member: Member, **fields) -> MatchingProfile:
        values = {
            "in_directory": True,
            "languages": ["en"],
            "availability": BERLIN_MONDAY_EVENING,
            "ways": ["video"],
            "cadence": "weekly",
            "experience": "trained",
            "profession": "counselling",
            "introduction": f"I am {member.display_name} and I love listening.",
        }
        values.update(fields)
        return MatchingProfile.objects.create(member=member, **values)

    return give


@pytest.fixture
def ada(make_member):
    return make_member("Ada", time_zone="Europe/Berlin")


@pytest.fixture
def noor(make_member):
    return make_member("Noor", time_zone="America/New_York")


@pytest.fixture
def stranger(make_member):
    return make_member("Stranger", time_zone="Europe/London")


class Clock:
    """Felt's clock (django.utils.timezone.now) held still, and moved on by hand."""

    def __init__(self, now: datetime):
        self.now = now

    def advance(self, **delta) -> None:
        self.now += timedelta(**delta)


@pytest.fixture
def clock(monkeypatch):
    held = Clock(WINTER)
    monkeypatch.setattr(timezone, "now", lambda: held.now)
    return held


# -- the browser story -----------------------------------------------------------------------
# The live server fixtures are the project's own (tests/conftest.py). Playwright's sync API
# allows one instance per thread, and the project's browser tests (tests/browser) keep theirs
# open for the whole session in the main thread; so this story runs its browser in a thread
# of its own, with the same Debian Chromium and the same rule: no page error, nothing refused.
from tests.conftest import live_database, live_felt  # noqa: E402, F401

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run"]


@pytest.fixture
def in_a_browser():
    """`in_a_browser(story)`: run `story(open_as)` with Chromium in its own thread, where
    `open_as(server, cookie, **context_options)` gives a page logged in with that cookie."""
    from concurrent.futures import ThreadPoolExecutor

    def run(story):
        from playwright.sync_api import sync_playwright

        errors: list[str] = []
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
            try:

                def open_as(server, cookie=None, **context_options):
                    context = browser.new_context(base_url=server.url, **context_options)
                    if cookie:
                        context.add_cookies(
                            [{"name": "sessionid", "value": cookie, "url": server.url}]
                        )
                    page = context.new_page()
                    page.set_default_timeout(15000)
                    page.on("pageerror", lambda error: errors.append(str(error)))
                    page.on(
                        "console",
                        lambda message: errors.append(message.text)
                        if message.type == "error"
                        and not message.text.startswith(
                            "Failed to load resource: the server responded with a status of 404"
                        )
                        else None,
                    )
                    return page

                story(open_as)
            finally:
                browser.close()
        assert errors == []

    def start(story):
        with ThreadPoolExecutor(max_workers=1) as worker:
            worker.submit(run, story).result()

    return start
