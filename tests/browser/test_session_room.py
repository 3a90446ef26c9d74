"""Two people hold a Focusing Partnership session, each in their own real Chromium context."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

# In these servers a planned minute lasts half a second, so a 30-minute plan fits in seconds.
MINUTE = 0.5


def remaining(page) -> int:
    return int(page.locator("#clock").get_attribute("data-remaining-seconds"))


def phase(page) -> str:
    return page.locator("#room").get_attribute("data-phase")


def both_ready(*pages, button="#ready-button"):
    for page in pages:
        page.locator(button).click()


@pytest.fixture
def pair(live_felt, person):
    server = live_felt(minute_seconds=MINUTE)
    world = server.make_partners("Ada", "Bo", "Cy")
    ada = person(server, world["Ada"]["cookie"])
    bo = person(server, world["Bo"]["cookie"])
    return server, world, ada, bo


def test_two_partners_hold_a_whole_session(pair):
    server, world, ada, bo = pair

    # Ada opens the room from the partnership page; Bo finds it on his home page.
    ada.goto(f"/partnerships/{world['partnership']}/")
    ada.get_by_role("button", name="Meet now").click()
    expect(ada).to_have_url(re.compile(r"/sessions/\d+/$"))
    bo.goto("/home/")
    bo.get_by_role("link", name="Session with Ada").click()
    expect(bo).to_have_url(ada.url)
    expect(ada.locator("#partner-presence")).to_have_text("Bo is here")
    expect(bo.locator("#partner-presence")).to_have_text("Ada is here")

    # The plan: the shortest session, one planned minute for arriving, between and closing.
    ada.fill("#plan-length", "30")
    for field in ("#plan-arrival", "#plan-between", "#plan-closing"):
        ada.fill(field, "1")
    ada.get_by_role("button", name="Change the plan").click()
    expect(bo.locator("#plan-turns")).to_have_text("Each of you has a turn of 13 minutes.")
    # Bo chooses that Ada focuses first.
    bo.locator("#first-a").click()
    expect(ada.locator("#first-focuser-text")).to_have_text("You focus first.")

    both_ready(ada, bo)
    expect(ada.locator("#shared-title")).to_have_text("Arriving")
    both_ready(ada, bo)
    expect(ada.locator("#focuser-title")).to_have_text("Your turn to focus")
    expect(bo.locator("#listener-title")).to_have_text("You are listening to Ada")
    # The listener can see how the focuser wants to be listened to.
    expect(bo.locator("#listener-wish")).to_contain_text("said back to now and then")
    # The listener has no way to end the focuser's turn.
    expect(bo.get_by_role("button", name="I'm complete")).to_be_hidden()

    # A request reaches the listener at once, quietly; a key press acknowledges it.
    ada.get_by_role("button", name="Slow down").click()
    expect(bo.locator("#pending-request-text")).to_have_text("Ada asks: Slow down")
    expect(bo.locator("#announcer")).to_have_text("Ada asks: Slow down.")
    bo.keyboard.press("k")
    expect(ada.locator("#request-status")).to_have_text("Bo has seen: Slow down.")
    expect(bo.locator("#pending-request")).to_be_hidden()

    # A reload mid-turn changes nothing: same phase, same remaining time on both screens.
    bo.reload()
    expect(bo.locator("#listener-title")).to_have_text("You are listening to Ada")
    assert abs(remaining(ada) - remaining(bo)) <= 1

    # Ada's planned time passes; her screen says so gently, and the turn goes on.
    expect(ada.locator("#clock-note")).to_contain_text(
        "Your planned time is complete", timeout=20000
    )
    expect(ada.locator("body")).not_to_contain_text("time's up")
    # (The page's CSP forbids evaluated strings, so the test polls from here.)
    while remaining(ada) > -2:
        ada.wait_for_timeout(200)
    ada.get_by_role("button", name="I'm complete").click()

    expect(bo.locator("#shared-title")).to_have_text("A pause between turns")
    both_ready(ada, bo)
    expect(bo.locator("#focuser-title")).to_have_text("Your turn to focus")
    expect(ada.locator("#listener-title")).to_have_text("You are listening to Bo")
    bo.get_by_role("button", name="I'm complete").click()
    expect(ada.locator("#shared-title")).to_have_text("Closing")
    both_ready(ada, bo)
    expect(ada.locator("#ended-title")).to_be_visible()
    expect(bo.locator("#ended-title")).to_be_visible()
    assert phase(ada) == phase(bo) == "ended"

    # The overrun is in the ledger: Ada owes Bo the minutes she ran over.
    bo.goto(f"/partnerships/{world['partnership']}/")
    expect(bo.locator("#time-owed + p")).to_contain_text(re.compile(r"Ada owes you \d+ minutes?"))
    ada.goto(f"/partnerships/{world['partnership']}/")
    expect(ada.locator("#time-owed + p")).to_contain_text(re.compile(r"You owe Bo \d+ minutes?"))
    expect(ada.locator("#past-sessions + ul")).to_contain_text("You focused for")


def test_a_server_restart_mid_turn_is_seen_by_neither_screen(pair):
    server, world, ada, bo = pair
    session = server.start_session(world["partnership"], world["Ada"]["id"])
    for page in (ada, bo):
        page.goto(f"/sessions/{session}/")
    expect(bo.locator("#partner-presence")).to_have_text("Ada is here")
    both_ready(ada, bo)
    expect(ada.locator("#shared-title")).to_have_text("Arriving")
    both_ready(ada, bo)
    expect(ada.locator("#focuser-title")).to_have_text("Your turn to focus")
    ada.get_by_role("button", name="Give me a moment").click()
    expect(bo.locator("#pending-request-text")).to_have_text("Ada asks: Give me a moment")
    seq = int(ada.locator("#room").get_attribute("data-seq"))

    server.restart()

    for page in (ada, bo):
        expect(page.locator("#connection")).to_have_text("Connected", timeout=20000)
    assert int(ada.locator("#room").get_attribute("data-seq")) == seq
    assert int(bo.locator("#room").get_attribute("data-seq")) == seq
    assert phase(ada) == phase(bo) == "turn_1"
    assert abs(remaining(ada) - remaining(bo)) <= 1
    # The request that was waiting is still waiting, once, and can be acknowledged.
    expect(bo.locator("#pending-request-text")).to_have_text("Ada asks: Give me a moment")
    bo.get_by_role("button", name=re.compile("I've seen it")).click()
    expect(ada.locator("#request-status")).to_have_text("Bo has seen: Give me a moment.")
    assert int(ada.locator("#room").get_attribute("data-seq")) == seq + 1


def test_a_third_member_is_refused_and_a_visitor_is_sent_to_log_in(pair, person):
    server, world, ada, bo = pair
    session = server.start_session(world["partnership"], world["Ada"]["id"])
    cy = person(server, world["Cy"]["cookie"], refusals_expected=True)
    response = cy.goto(f"/sessions/{session}/")
    assert response.status == 404
    visitor = person(server)
    visitor.goto(f"/sessions/{session}/")
    expect(visitor).to_have_url(re.compile(r"/account/log-in/\?next=/sessions/\d+/"))


def test_the_room_works_by_keyboard_on_a_phone_sized_screen(live_felt, person):
    server = live_felt(minute_seconds=MINUTE)
    world = server.make_partners("Ada", "Bo")
    session = server.start_session(world["partnership"], world["Ada"]["id"])
    phone = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
    ada = person(server, world["Ada"]["cookie"], **phone)
    bo = person(server, world["Bo"]["cookie"], **phone)
    for page in (ada, bo):
        page.goto(f"/sessions/{session}/")
    expect(ada.locator("#partner-presence")).to_have_text("Bo is here")
    # Nothing is wider than the screen.
    assert ada.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    # Ada reaches "Ready to begin" with Tab alone and presses it with Enter.
    for _ in range(60):
        ada.keyboard.press("Tab")
        if ada.evaluate("document.activeElement && document.activeElement.id") == "ready-button":
            break
    else:
        pytest.fail("The ready button could not be reached with the keyboard.")
    ada.keyboard.press("Enter")
    expect(bo.locator("#ready-text")).to_have_text("Ada is ready when you are.")


def test_hidden_controls_stay_hidden(live_felt, person):
    server = live_felt(minute_seconds=MINUTE)
    world = server.make_partners("Ada", "Bo")
    session = server.start_session(world["partnership"], world["Ada"]["id"])
    ada = person(server, world["Ada"]["cookie"])
    ada.goto(f"/sessions/{session}/")
    expect(ada.locator("#ready-button")).to_be_visible()
    # Before the session begins there is nothing to pause and nothing to take back.
    for name in ("Pause the session", "Not yet after all", "I'm complete"):
        expect(ada.get_by_role("button", name=name)).to_be_hidden()
