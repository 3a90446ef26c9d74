"""Real Chromium (Debian's), driven by Playwright. Never a browser that Playwright downloads."""

import pytest
from playwright.sync_api import sync_playwright

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser():
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        yield browser
        browser.close()


def note_console(message, errors: list, *, refusals_expected: bool) -> None:
    if message.type != "error":
        return
    # A socket refused while a test has stopped the server is the network, not the page.
    if message.text.startswith("WebSocket connection to"):
        return
    if refusals_expected and message.text.startswith("Failed to load resource"):
        return
    errors.append(message.text)


@pytest.fixture
def person(browser):
    """A person at their own browser: `person(server, cookie=None)` → a page of a fresh context."""
    contexts = []
    errors = []

    def open_as(server, cookie: str | None = None, refusals_expected=False, **context_options):
        context = browser.new_context(base_url=server.url, **context_options)
        if cookie:
            context.add_cookies([{"name": "sessionid", "value": cookie, "url": server.url}])
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(15000)
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.on(
            "console",
            lambda message: note_console(message, errors, refusals_expected=refusals_expected),
        )
        return page

    yield open_as
    for context in contexts:
        context.close()
    # A script error or a refused resource (the CSP) is a failure even if the story went on.
    assert errors == []


# Ada and Bo, partners, on the module's own `server` fixture; Ada in a browser of her own.
@pytest.fixture
def world(server):
    return server.make_partners("Ada", "Bo")


@pytest.fixture
def ada(server, world, person):
    return person(server, world["Ada"]["cookie"])
