"""A person signs up, invites someone, and the two become partners; later one ends it kindly."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

PASSWORD = "quiet-river-listening-7"


def sign_up(page, *, email, name, time_zone="Europe/Berlin", password=PASSWORD):
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Your name").fill(name)
    page.get_by_label("Choose a password").fill(password)
    page.get_by_label(re.compile("password again", re.I)).fill(password)
    page.get_by_label("Your time zone").select_option(time_zone)
    page.get_by_role("button", name="Create my account").click()


def test_an_invitation_becomes_a_partnership_and_a_no_fault_ending_is_told_kindly(
    live_felt, person
):
    server = live_felt()
    mia = person(server)
    mia.goto("/")
    mia.get_by_role("link", name="Sign up").first.click()
    sign_up(mia, email="mia@example.org", name="Mia")
    expect(mia.get_by_role("heading", name="Hello, Mia")).to_be_visible()

    mia.get_by_role("link", name="Invite a partner").click()
    mia.get_by_role("button", name="Make an invitation link").click()
    link = mia.get_by_label(re.compile("Copy this link")).input_value()
    assert link.startswith(server.url + "/partnerships/invitation/")

    # Noor follows the link, signs up from it and comes back to accept.
    noor = person(server)
    noor.goto(link)
    expect(noor.locator("main")).to_contain_text("Mia")
    noor.get_by_role("link", name="Sign up").last.click()
    # Her first try uses Mia's email: one clear sentence, nothing created.
    sign_up(noor, email="MIA@example.org", name="Noor", time_zone="America/New_York")
    expect(noor.locator(".errorlist")).to_have_count(1)
    expect(noor.locator(".errorlist")).to_contain_text(re.compile(r"already", re.I))
    # A weak password is refused the same way.
    sign_up(noor, email="noor@example.org", name="Noor", password="1234567890")
    expect(noor.locator(".errorlist")).to_have_count(1)
    sign_up(noor, email="noor@example.org", name="Noor", time_zone="America/New_York")
    expect(noor).to_have_url(link)
    noor.get_by_role("button", name="Accept and become partners with Mia").click()
    expect(noor.locator("main")).to_contain_text("Mia")

    # The link was for one person only.
    third = person(server, refusals_expected=True)
    third.goto(link)
    expect(third.locator("main")).to_contain_text("This invitation has already been answered.")
    expect(third.get_by_role("button", name=re.compile("Accept"))).to_have_count(0)

    # Mia sees the partnership, and ends it with no reason asked.
    mia.goto("/partnerships/")
    mia.get_by_role("link", name=re.compile("Noor")).click()
    mia.once("dialog", lambda dialog: dialog.accept())
    mia.get_by_role("button", name="End the partnership").click()
    expect(mia.locator("main")).to_contain_text("ended")

    # Noor is told kindly on her home page; "noted" removes the notice in place (htmx).
    noor.goto("/home/")
    notice = noor.locator(".card", has_text="Mia has brought your partnership to a close")
    expect(notice).to_be_visible()
    url_before = noor.url
    noor.get_by_role("button", name="Thank you, noted").click()
    expect(notice).to_have_count(0)
    assert noor.url == url_before
    noor.reload()
    expect(noor.locator("main")).not_to_contain_text("brought your partnership to a close")
