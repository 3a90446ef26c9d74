"""Ada practises listening in real Chromium against a live Felt, with the real coach: she hears
what kind of response she gave, why it matters and how saying back could sound; she keeps her
history for a while and sees her share of saying back; and none of her words stay anywhere."""

from pathlib import Path

import pytest
from playwright.sync_api import expect

from felt.coach import classify
from felt.coach.practice import KINDS, statement_by_id

pytestmark = pytest.mark.browser

STATEMENT = statement_by_id("client-fist")

# These stories are about the page, not about the classifier's accuracy (its own tests measure
# that): Ada answers with the first of these that the coach, as trained now, hears as meant.
ADVICE_CANDIDATES = (
    "You should talk to your supervisor about her and take a day off this week.",
    "It might help to write down what you want to say to her before the session.",
    "You could try some breathing exercises before she arrives, then see her first.",
    "I suggest you take it to supervision and ask whether to refer her on.",
)
REFLECTION_CANDIDATES = (
    "Something in your stomach goes tight, like a fist, when you think of her name.",
    "Your stomach goes tight, like a fist.",
)


def heard_as(label: str, candidates: tuple[str, ...]) -> str:
    for words in candidates:
        if classify(words, context=STATEMENT.text).label == label:
            return words
    pytest.fail(f"The coach hears none of these as {label}; please add one it does: {candidates}")


@pytest.fixture(scope="module")
def advice() -> str:
    return heard_as("advice", ADVICE_CANDIDATES)


@pytest.fixture(scope="module")
def reflection() -> str:
    return heard_as("reflection", REFLECTION_CANDIDATES)


@pytest.fixture
def server(live_felt):
    return live_felt()


# -- what Ada does -------------------------------------------------------------------------


def open_the_statement(page) -> None:
    page.goto(f"/coach/practice/?statement={STATEMENT.id}")
    expect(page.locator("#statement-text")).to_have_text(STATEMENT.text)


def answer(page, words: str) -> None:
    page.get_by_label("What would you say back?").fill(words)
    page.get_by_role("button", name="Hear what the coach notices").click()


def feedback(page):
    return page.get_by_role("region", name="What the coach heard")


# -- what the server holds -----------------------------------------------------------------

DUMP_EVERY_TABLE = """
    import json
    from django.db import connection

    lines = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute("SELECT * FROM " + connection.ops.quote_name(table))
            for row in cursor.fetchall():
                lines.append(table + ": " + " | ".join(repr(value) for value in row))
    print(json.dumps({"text": "\\n".join(lines)}))
"""

KEPT_ANSWERS = """
    import json
    from felt.coach.models import PracticeAttempt
    print(json.dumps({"kept": [[a.member_id, a.statement, a.label]
                               for a in PracticeAttempt.objects.order_by("pk")]}))
"""


def assert_nothing_typed_on_the_server(server, words: list[str]) -> None:
    """None of the words is in any table, in the database's own file, or in the server log."""
    places = {
        "the database": server.shell(DUMP_EVERY_TABLE)["text"],
        "the server log": server.log(),
    }
    url = server.env["FELT_DATABASE_URL"]
    if url.startswith("sqlite:///"):
        for path in (
            Path(url.removeprefix("sqlite:///")),
            Path(url.removeprefix("sqlite:///") + "-wal"),
        ):
            if path.exists():
                places[path.name] = path.read_bytes().decode("utf-8", "replace")
    for place, text in places.items():
        for word in words:
            assert word.lower() not in text.lower(), f"{word!r} found in {place}"


# -- the stories ---------------------------------------------------------------------------


def test_ada_answers_with_advice_then_says_back_and_keeps_her_history_for_a_while(
    server, world, ada, advice, reflection
):
    ada.goto("/")
    ada.get_by_role("link", name="Practice listening").click()
    expect(ada.get_by_role("heading", name="Practice listening", level=1)).to_be_visible()
    expect(ada.locator("#practice-privacy")).to_contain_text("never stored")

    # Advice: the coach names it, says kindly why it matters, and shows a saying back.
    open_the_statement(ada)
    answer(ada, advice)
    expect(feedback(ada)).to_contain_text("This sounds like advice or a suggestion.")
    expect(feedback(ada)).to_contain_text(KINDS["advice"].why)
    expect(ada.locator("#practice-example")).to_have_text(STATEMENT.example)
    expect(ada.locator("#feedback-title")).to_be_focused()
    expect(ada.locator("#practice-said")).to_have_text("The coach heard advice or a suggestion.")
    # Her words stay in the box, for her to try again.
    expect(ada.get_by_label("What would you say back?")).to_have_value(advice)

    # Saying back: recognised warmly, and no example is needed.
    answer(ada, reflection)
    expect(feedback(ada)).to_contain_text("This is saying back, a reflection. Well listened.")
    expect(ada.locator("#practice-example")).to_have_count(0)
    expect(ada.locator("#practice-said")).to_have_text("The coach heard saying back.")

    # An empty box gets one kind sentence and the focus goes back to it.
    answer(ada, "   ")
    expect(ada.get_by_role("alert")).to_have_text(
        "Please write what you would say back to the focuser; the box is still empty."
    )
    expect(ada.get_by_label("What would you say back?")).to_be_focused()
    assert server.shell(KEPT_ANSWERS)["kept"] == []

    # She chooses to keep her history, practises twice more and sees her share.
    ada.get_by_role("link", name="Your practice history").click()
    expect(ada.locator("#keeping-state")).to_have_text(
        "Felt is not keeping your practice history. This is how it starts for everyone."
    )
    ada.get_by_role("button", name="Keep my practice history").click()
    expect(ada.get_by_role("status").first).to_contain_text("Never your words.")
    ada.get_by_role("link", name="Back to practice").click()
    expect(ada.locator("#practice-privacy")).to_contain_text("never your words")
    open_the_statement(ada)
    answer(ada, advice)
    expect(feedback(ada)).to_contain_text("advice or a suggestion")
    answer(ada, reflection)
    expect(feedback(ada)).to_contain_text("Well listened.")
    ada.get_by_role("link", name="Your practice history").click()
    expect(ada.locator("#share-summary")).to_have_text(
        "You said back in 1 of your 2 kept answers (50%)."
    )
    weeks = ada.get_by_role("table").first
    expect(weeks.get_by_role("row")).to_have_count(2)
    expect(weeks.get_by_role("row").nth(1)).to_contain_text("50%")
    ada_id = world["Ada"]["id"]
    assert server.shell(KEPT_ANSWERS)["kept"] == [
        [ada_id, STATEMENT.id, "advice"],
        [ada_id, STATEMENT.id, "reflection"],
    ]

    # Then she stops keeping it, and deletes what was kept.
    ada.get_by_role("button", name="Stop keeping my history").click()
    expect(ada.locator("#keeping-state")).to_contain_text("Felt is not keeping")
    ada.once("dialog", lambda dialog: dialog.accept())
    ada.get_by_role("button", name="Delete my practice history").click()
    expect(ada.get_by_role("status").first).to_have_text(
        "Your practice history is deleted, every answer of it."
    )
    assert server.shell(KEPT_ANSWERS)["kept"] == []

    assert_nothing_typed_on_the_server(server, [advice, reflection])


def test_ada_practises_with_the_keyboard_alone(server, world, ada):
    open_the_statement(ada)
    box = ada.get_by_label("What would you say back?")

    for _ in range(30):
        ada.keyboard.press("Tab")
        if box.evaluate("element => element === document.activeElement"):
            break
    expect(box).to_be_focused()
    ada.keyboard.type("Your stomach goes tight, like a fist.")
    ada.keyboard.press("Tab")
    expect(ada.get_by_role("button", name="Hear what the coach notices")).to_be_focused()
    ada.keyboard.press("Enter")

    expect(ada.locator("#feedback-title")).to_be_focused()
    expect(feedback(ada)).to_contain_text("What the coach heard")
    # From the feedback, the next Tab reaches what follows it, then "Another statement".
    for _ in range(5):
        ada.keyboard.press("Tab")
        if ada.evaluate("document.activeElement.textContent.trim()") == "Another statement":
            break
    ada.keyboard.press("Enter")
    expect(ada.locator("#statement-text")).not_to_have_text(STATEMENT.text)


def test_practice_works_as_a_plain_form_without_javascript_and_on_a_phone(
    server, world, person, advice
):
    phone = person(
        server,
        world["Ada"]["cookie"],
        java_script_enabled=False,
        viewport={"width": 360, "height": 740},
        is_mobile=True,
    )
    open_the_statement(phone)
    assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth")

    answer(phone, advice)

    expect(feedback(phone)).to_contain_text("This sounds like advice or a suggestion.")
    expect(phone.locator("#practice-example")).to_have_text(STATEMENT.example)
    expect(phone.locator("#feedback-title")).to_be_focused()
    assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth")

    answer(phone, "")
    expect(phone.get_by_role("alert")).to_contain_text("the box is still empty")
    expect(phone.get_by_label("What would you say back?")).to_be_focused()
