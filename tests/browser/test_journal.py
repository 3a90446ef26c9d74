"""Ada's private journal, in real Chromium against a live Felt: sealed in her browser, opened
only there, and never anything readable on the server, in its log, or for her partner Bo."""

import base64
import json
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

# A planned minute lasts half a second, so a session's turns pass in seconds.
MINUTE = 0.5
# The live servers derive keys lightly so the tests stay quick; the derivation is the same.
ITERATIONS = 5000
PASSPHRASE = "quiet heron walking slowly"
NEW_PASSPHRASE = "moss on the northern stones"


@pytest.fixture
def server(live_felt, monkeypatch):
    monkeypatch.setenv("FELT_JOURNAL_PBKDF2_ITERATIONS", str(ITERATIONS))
    return live_felt(minute_seconds=MINUTE)


# -- what Ada does -------------------------------------------------------------------------


def set_up_journal(page) -> str:
    """Ada chooses a passphrase, is shown her recovery code once, and keeps it."""
    page.goto("/journal/")
    page.locator("#setup-passphrase").fill(PASSPHRASE)
    page.get_by_label("The same passphrase again").fill(PASSPHRASE)
    page.get_by_role("button", name="Prepare my journal").click()
    expect(page.get_by_role("heading", name="Your recovery code")).to_be_visible()
    code = page.locator("#recovery-code").inner_text()
    assert re.fullmatch(r"[0-9A-Z]{5}(-[0-9A-Z]{5}){4}", code)
    page.get_by_role("button", name="Start my journal").click()
    expect(page.locator("#journal-problem")).to_have_text(
        "Please tick the box once your recovery code is kept somewhere safe."
    )
    page.get_by_label("I have kept my recovery code somewhere safe").check()
    page.get_by_role("button", name="Start my journal").click()
    expect(page.locator("#journal-status")).to_have_text(
        "Your journal is ready. Only you can open it."
    )
    expect(page.locator("#recovery-code")).to_be_empty()
    return code


def unlock(page, passphrase: str = PASSPHRASE) -> None:
    page.locator("#unlock-passphrase").fill(passphrase)
    page.get_by_role("button", name="Open my journal").click()
    expect(page.locator("#opened")).to_be_visible()


def write_entry(page, *, handle, notes, shifted=None, bring=False, tags="") -> None:
    page.get_by_label("The handle").fill(handle)
    if shifted:
        page.locator("#entry-form").get_by_label(shifted, exact=True).check()
    page.get_by_label("Notes").fill(notes)
    if bring:
        page.get_by_label("Bring to my next turn").check()
    if tags:
        page.get_by_label("Other tags").fill(tags)
    page.get_by_role("button", name="Save the entry").click()
    expect(page.locator("#journal-status")).to_have_text(
        "Your entry is saved, sealed so that only you can read it."
    )


def check_in(page, *, energy, dread, effectiveness, connection, word, by_keyboard=False) -> None:
    for field, value in (
        ("#check-in-energy", energy),
        ("#check-in-dread", dread),
        ("#check-in-effectiveness", effectiveness),
        ("#check-in-connection", connection),
    ):
        slider = page.locator(field)
        if by_keyboard:
            # Each slider starts in the middle; arrow keys move it one step at a time.
            slider.focus()
            for _ in range(abs(value - 5)):
                slider.press("ArrowRight" if value > 5 else "ArrowLeft")
            expect(page.locator(f"{field}-value")).to_have_text(str(value))
        else:
            slider.fill(str(value))
    page.get_by_label("A word for how you are").fill(word)
    if by_keyboard:
        page.get_by_label("A word for how you are").press("Enter")
    else:
        page.get_by_role("button", name="Save the check-in").click()
    expect(page.locator("#journal-status")).to_contain_text("Your check-in is saved.")


def both_ready(ada, bo, *, then: str) -> None:
    for page in (ada, bo):
        page.locator("#ready-button").click()
    for page in (ada, bo):
        expect(page.locator("#room")).to_have_attribute("data-phase", then)


def entry_texts(page) -> list[str]:
    return page.locator("#entry-list > li").all_inner_texts()


# -- what the server holds -----------------------------------------------------------------

DUMP_EVERY_TABLE = """
    import json
    from django.db import connection

    def shown(value):
        if isinstance(value, memoryview):
            value = bytes(value)
        if isinstance(value, bytes):
            return repr(value) + " " + value.decode("utf-8", "replace")
        return repr(value)

    lines = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute("SELECT * FROM " + connection.ops.quote_name(table))
            for row in cursor.fetchall():
                lines.append(table + ": " + " | ".join(shown(value) for value in row))
    print(json.dumps({"text": "\\n".join(lines)}))
"""

JOURNAL_ROWS = """
    import base64, json
    from felt.journal.models import CheckIn, Journal, JournalEntry

    def row(values):
        return {k: base64.b64encode(bytes(v)).decode() if isinstance(v, (bytes, memoryview))
                else str(v) for k, v in values.items()}

    print(json.dumps({
        "journal": [row(r) for r in Journal.objects.order_by("pk").values()],
        "entries": [row(r) for r in JournalEntry.objects.order_by("pk").values()],
        "check_ins": [row(r) for r in CheckIn.objects.order_by("pk").values()],
    }))
"""


def journal_rows(server) -> dict:
    return server.shell(JOURNAL_ROWS)


def database_files(server) -> dict[str, bytes]:
    """The SQLite database's own files, byte for byte (none when it runs on PostgreSQL)."""
    url = server.env["FELT_DATABASE_URL"]
    if not url.startswith("sqlite:///"):
        return {}
    path = Path(url.removeprefix("sqlite:///"))
    files = (path, Path(f"{path}-wal"))
    return {file.name: file.read_bytes() for file in files if file.exists()}


def assert_nothing_readable_on_the_server(server, words: list[str]) -> None:
    """None of the words is in any table, in the database's own files, or in the log."""
    dump = server.shell(DUMP_EVERY_TABLE)["text"]
    assert "journal_journal: " in dump
    places = {"the database": dump.lower(), "the server log": server.log().lower()}
    for name, data in database_files(server).items():
        places[name] = data.decode("utf-8", "replace").lower()
    for place, text in places.items():
        for word in words:
            assert word.lower() not in text, f"{word!r} found in {place}"


# -- the stories ---------------------------------------------------------------------------


def test_ada_keeps_a_note_after_her_turn_and_reads_it_after_a_reload(server, world, ada, person):
    bo = person(server, world["Bo"]["cookie"])
    code = set_up_journal(ada)
    # Something Ada wrote earlier and wants to bring to her next turn.
    write_entry(
        ada,
        handle="kingfisher flash",
        notes="The stuck feeling about the Tuesday client has a kingfisher-blue edge.",
        bring=True,
    )

    session = server.start_session(world["partnership"], world["Ada"]["id"])
    for page in (ada, bo):
        page.goto(f"/sessions/{session}/")
    expect(ada.locator("#partner-presence")).to_have_text("Bo is here")
    ada.fill("#plan-length", "30")
    for field in ("#plan-arrival", "#plan-between", "#plan-closing"):
        ada.fill(field, "1")
    ada.get_by_role("button", name="Change the plan").click()
    expect(bo.locator("#plan-turns")).to_have_text("Each of you has a turn of 13 minutes.")
    # Ada focuses first. Before her turn, her own screen quietly offers what she tagged.
    expect(ada.locator("#first-focuser-text")).to_have_text("You focus first.")
    panel = ada.locator("#journal-panel")
    expect(panel.get_by_role("heading")).to_have_text("For your turn")
    expect(panel).to_contain_text("only you see this, never Bo")
    expect(bo.locator("#journal-panel")).to_be_hidden()
    # It is locked: a wrong passphrase opens nothing, hers does.
    panel.get_by_label("Journal passphrase").fill("not the passphrase")
    panel.get_by_role("button", name="Open my journal").click()
    expect(panel.get_by_role("alert")).to_have_text(
        "That passphrase does not open your journal. Please check it and try again."
    )
    panel.get_by_label("Journal passphrase").fill(PASSPHRASE)
    panel.get_by_role("button", name="Open my journal").click()
    expect(panel.locator("#journal-panel-bring")).to_contain_text("kingfisher flash")
    expect(panel.locator("#journal-panel-bring")).to_contain_text("kingfisher-blue edge")
    # It sits in the page's flow: the room's own controls stay uncovered.
    panel_box = panel.bounding_box()
    for control in ("#ready-button", "#end-button"):
        box = ada.locator(control).bounding_box()
        assert (
            box["y"] + box["height"] <= panel_box["y"]
            or panel_box["y"] + panel_box["height"] <= box["y"]
        ), control

    both_ready(ada, bo, then="arrival")
    expect(panel.locator("#journal-panel-bring")).to_contain_text("kingfisher flash")
    both_ready(ada, bo, then="turn_1")
    expect(ada.locator("#focuser")).to_be_visible()
    expect(panel).to_be_hidden()
    ada.get_by_role("button", name="I'm complete").click()

    # After her turn: a quiet offer. She begins a note and leaves it while she listens.
    expect(ada.locator("#room")).to_have_attribute("data-phase", "between")
    expect(panel.get_by_role("heading")).to_have_text("A private note, if you like")
    expect(bo.locator("#journal-panel")).to_be_hidden()
    panel.get_by_label("The handle").fill("lanternlight in fog")
    both_ready(ada, bo, then="turn_2")
    expect(bo.locator("#focuser")).to_be_visible()
    expect(panel).to_be_hidden()
    bo.get_by_role("button", name="I'm complete").click()

    # In the closing the offer is back, her draft still there, and she keeps it.
    expect(ada.locator("#room")).to_have_attribute("data-phase", "closing")
    expect(panel.get_by_label("The handle")).to_have_value("lanternlight in fog")
    expect(ada.locator("#ready-button")).to_be_visible()
    panel.get_by_label("A little").check()
    panel.get_by_label("Notes").fill("Something loosened behind the sternum when I said it twice.")
    panel.get_by_role("button", name="Keep this note").click()
    expect(panel.get_by_role("status")).to_have_text("Kept in your journal, sealed for you alone.")
    # Bo saw none of it.
    expect(bo.locator("#journal-panel")).to_be_hidden()
    for word in ("kingfisher", "lanternlight", "sternum"):
        assert word not in bo.content()
    panel.get_by_role("button", name="Close").click()
    expect(panel).to_be_hidden()

    # Back in her journal after a reload, she opens it and reads both entries.
    ada.goto("/journal/")
    ada.reload()
    expect(ada.locator("#unlock")).to_be_visible()
    expect(ada.locator("#entry-list")).to_be_empty()
    unlock(ada)
    entries = entry_texts(ada)
    assert len(entries) == 2
    assert "lanternlight in fog" in entries[0]
    assert "Did something shift? A little." in entries[0]
    assert "Something loosened behind the sternum when I said it twice." in entries[0]
    assert "kingfisher flash" in entries[1]
    assert "Tags: bring to my next turn" in entries[1]

    assert_nothing_readable_on_the_server(
        server,
        [
            "kingfisher",
            "Tuesday client",
            "lanternlight",
            "loosened",
            "sternum",
            PASSPHRASE,
            code,
            code.replace("-", ""),
        ],
    )


def test_three_check_ins_make_three_points_on_every_line_on_a_phone(server, world, person):
    phone = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
    ada = person(server, world["Ada"]["cookie"], **phone)
    set_up_journal(ada)
    written = [
        {"energy": 3, "dread": 8, "effectiveness": 4, "connection": 2, "word": "brambleberry"},
        {"energy": 5, "dread": 6, "effectiveness": 5, "connection": 6, "word": "tidewater"},
        {"energy": 7, "dread": 3, "effectiveness": 8, "connection": 7, "word": "willowherb"},
    ]
    check_in(ada, **written[0], by_keyboard=True)
    for values in written[1:]:
        check_in(ada, **values)
    # As if Ada had checked in over three weeks, with a session between: only the times move.
    server.shell(
        f"""
        import json
        from datetime import timedelta
        from django.utils import timezone
        from felt.accounts.models import Member
        from felt.journal.models import CheckIn
        from felt.partnerships.models import Partnership
        from felt.room.services import start_session
        now = timezone.now()
        for weeks_ago, check_in in zip((2, 1, 0), CheckIn.objects.order_by("created_at")):
            CheckIn.objects.filter(pk=check_in.pk).update(
                created_at=now - timedelta(weeks=weeks_ago))
        session = start_session(partnership=Partnership.objects.get(pk={world["partnership"]}),
                                member=Member.objects.get(pk={world["Ada"]["id"]}))
        session.state = {{**session.state, "started_at": (now - timedelta(days=10)).timestamp()}}
        session.save()
        print(json.dumps({{}}))
        """
    )

    ada.reload()
    unlock(ada)

    chart = ada.locator("#check-in-chart svg")
    expect(chart.locator("g.chart-check-in")).to_have_count(3)
    expect(chart.locator("polyline.chart-line")).to_have_count(4)
    expect(chart.locator("line.chart-session")).to_have_count(1)
    assert "3 check-ins" in ada.locator("#chart-summary").inner_text()
    assert chart.get_attribute("aria-labelledby") == "chart-summary"
    # The three check-ins are at three different places along the weeks, in order.
    xs = [
        float(group.locator(".chart-marker").first.get_attribute("cx"))
        for group in chart.locator("g.chart-check-in").all()
    ]
    assert xs == sorted(xs) and len(set(xs)) == 3
    # The table behind the chart has the same numbers, one row per check-in.
    ada.get_by_text("The check-ins as a table").click()
    rows = ada.locator("#check-in-table tbody tr")
    expect(rows).to_have_count(3)
    for row, values in zip(rows.all(), written, strict=True):
        cells = row.locator("td").all_inner_texts()
        assert cells[:5] == [
            str(values["energy"]),
            str(values["dread"]),
            str(values["effectiveness"]),
            str(values["connection"]),
            values["word"],
        ]
    # Choosing a weekly invitation is said in place; the journal stays open.
    ada.get_by_label("Invite me to a check-in once a week").check()
    ada.get_by_role("button", name="Keep this choice").click()
    expect(ada.locator("#preference-said")).to_have_text(
        "You'll be invited to a check-in when a week has passed since your last one."
    )
    expect(ada.locator("#opened")).to_be_visible()
    # Readable on a phone: nothing is wider than the screen (a phone would zoom out to fit a
    # wider page, so the screen's own width is the measure).
    assert ada.evaluate("document.documentElement.scrollWidth") <= 390
    assert chart.bounding_box()["width"] <= 390

    assert_nothing_readable_on_the_server(server, ["brambleberry", "tidewater", "willowherb"])


def test_bos_browser_reaches_none_of_adas_journal(server, world, ada, person):
    set_up_journal(ada)
    write_entry(ada, handle="heartwood", notes="Only mine, the heartwood and its rings.")
    check_in(ada, energy=4, dread=4, effectiveness=4, connection=4, word="cedarwood")
    rows = journal_rows(server)
    entry_id = rows["entries"][0]["uid"]
    check_in_id = rows["check_ins"][0]["uid"]
    secrets = [rows["entries"][0]["ciphertext"], rows["check_ins"][0]["ciphertext"]]
    secrets += [rows["journal"][0]["passphrase_wrapped_key"], entry_id, check_in_id]

    bo = person(server, world["Bo"]["cookie"], refusals_expected=True)
    bo.goto("/journal/")
    # Bo's journal page is his own, and he has none yet.
    expect(bo.get_by_role("heading", name="Set up your private journal")).to_be_visible()
    answers = bo.evaluate(
        """async ([entry, checkIn]) => {
            const csrf = document.getElementById("journal").dataset.csrf;
            const headers = {"X-CSRFToken": csrf, "Content-Type": "application/json"};
            const ask = async (method, url, body) => {
                const response = await fetch(url, {method, headers, body});
                return [response.status, await response.text()];
            };
            const someone = JSON.stringify({nonce: "AAAAAAAAAAAAAAAA", ciphertext: "AAAA"});
            return [
                await ask("GET", "/journal/api/journal/"),
                await ask("GET", "/journal/api/entries/"),
                await ask("GET", "/journal/api/check-ins/"),
                await ask("GET", `/journal/api/entries/${entry}/`),
                await ask("PUT", `/journal/api/entries/${entry}/`, someone),
                await ask("DELETE", `/journal/api/entries/${entry}/`),
                await ask("DELETE", `/journal/api/check-ins/${checkIn}/`),
            ];
        }""",
        [entry_id, check_in_id],
    )

    assert [status for status, _ in answers] == [200, 200, 200, 404, 404, 404, 404]
    assert json.loads(answers[0][1])["journal"] is None
    assert json.loads(answers[1][1])["entries"] == []
    assert json.loads(answers[2][1])["check_ins"] == []
    for _, text in answers:
        for secret in secrets:
            assert secret not in text
    for word in ("heartwood", "cedarwood"):
        assert word not in bo.content()
    assert journal_rows(server) == rows
    # A visitor who is not logged in is sent to log in, and the API says no.
    visitor = person(server, refusals_expected=True)
    visitor.goto("/journal/")
    expect(visitor).to_have_url(re.compile(r"/account/log-in/\?next=/journal/"))
    assert visitor.request.get(f"{server.url}/journal/api/entries/").status == 403


def test_a_wrong_passphrase_changes_nothing_and_the_recovery_code_sets_a_new_one(server, ada):
    code = set_up_journal(ada)
    write_entry(ada, handle="driftwood", notes="Grey and smooth, a resting place.")
    ada.reload()
    before = journal_rows(server)

    unlock_field = ada.locator("#unlock-passphrase")
    unlock_field.fill("quiet heron walking quickly")
    ada.get_by_role("button", name="Open my journal").click()
    expect(ada.locator("#journal-problem")).to_have_text(
        "That passphrase does not open your journal, so nothing has changed. Please check it "
        "and try again, or use your recovery code."
    )
    expect(ada.locator("#opened")).to_be_hidden()
    expect(unlock_field).to_be_focused()

    # A code that is not hers changes nothing either.
    ada.get_by_text("I have forgotten my passphrase").click()
    wrong = "".join("Z" if c == "0" else "0" if c.isalnum() else c for c in code)
    ada.locator("#recover-code").fill(wrong)
    ada.locator("#recover-passphrase").fill(NEW_PASSPHRASE)
    ada.locator("#recover-passphrase-again").fill(NEW_PASSPHRASE)
    ada.get_by_role("button", name="Open and set the new passphrase").click()
    expect(ada.locator("#journal-problem")).to_have_text(
        "That recovery code does not open your journal, so nothing has changed. Please check "
        "it and try again."
    )
    # Neither the wrong passphrase nor the wrong code changed anything.
    assert journal_rows(server) == before

    # Her own code, typed in small letters with spaces, opens it and sets the new passphrase.
    ada.locator("#recover-code").fill(code.lower().replace("-", " "))
    ada.get_by_role("button", name="Open and set the new passphrase").click()
    expect(ada.locator("#journal-status")).to_have_text(
        "Your journal is open, and your new passphrase is set. Your recovery code still works."
    )
    assert "Grey and smooth, a resting place." in entry_texts(ada)[0]
    after = journal_rows(server)
    assert after["entries"] == before["entries"]  # nothing was sealed again
    assert (
        after["journal"][0]["recovery_wrapped_key"] == before["journal"][0]["recovery_wrapped_key"]
    )
    assert (
        after["journal"][0]["passphrase_wrapped_key"]
        != before["journal"][0]["passphrase_wrapped_key"]
    )
    assert after["journal"][0]["passphrase_salt"] != before["journal"][0]["passphrase_salt"]

    ada.reload()
    unlock_field.fill(PASSPHRASE)
    unlock_field.press("Enter")
    expect(ada.locator("#journal-problem")).to_contain_text("does not open your journal")
    unlock(ada, NEW_PASSPHRASE)
    assert "driftwood" in entry_texts(ada)[0]

    # Changing the passphrase again, from inside, keeps every entry as it was.
    ada.get_by_label("Your passphrase now").fill(NEW_PASSPHRASE)
    ada.locator("#passphrase-new").fill(PASSPHRASE)
    ada.locator("#passphrase-new-again").fill(PASSPHRASE)
    ada.get_by_role("button", name="Change my passphrase").click()
    expect(ada.locator("#journal-status")).to_have_text(
        "Your new passphrase is set. Your entries did not need to change."
    )
    assert journal_rows(server)["entries"] == before["entries"]

    # The operator raises the derivation's cost: Ada's journal is re-wrapped as she opens it.
    server.env["FELT_JOURNAL_PBKDF2_ITERATIONS"] = str(2 * ITERATIONS)
    server.restart()
    ada.reload()
    unlock(ada, PASSPHRASE)
    assert "driftwood" in entry_texts(ada)[0]
    upgraded = journal_rows(server)
    assert upgraded["journal"][0]["passphrase_iterations"] == str(2 * ITERATIONS)
    assert upgraded["entries"] == before["entries"]


def test_tampered_or_moved_ciphertext_is_reported_and_never_shown(server, ada):
    set_up_journal(ada)
    write_entry(ada, handle="first light", notes="The first one.")
    write_entry(ada, handle="second wind", notes="The second one.")
    check_in(ada, energy=6, dread=2, effectiveness=6, connection=6, word="clearing")
    # Someone with the database flips one bit of the first entry, and moves the second
    # entry's sealed bytes onto the check-in's row.
    server.shell(
        """
        import json
        from felt.journal.models import CheckIn, JournalEntry
        first, second = JournalEntry.objects.order_by("created_at")
        flipped = bytearray(first.ciphertext)
        flipped[40] ^= 0x01
        JournalEntry.objects.filter(pk=first.pk).update(ciphertext=bytes(flipped))
        CheckIn.objects.update(nonce=bytes(second.nonce), ciphertext=bytes(second.ciphertext))
        print(json.dumps({}))
        """
    )

    ada.reload()
    unlock(ada)

    expect(ada.locator("#entries-unreadable")).to_have_text(
        "1 entry could not be opened: it was changed after it was written, perhaps by someone "
        "with access to the stored data. It is not shown, and nothing of it is trusted."
    )
    entries = entry_texts(ada)
    assert len(entries) == 2
    assert "second wind" in entries[0] and "The second one." in entries[0]
    assert (
        "This entry could not be opened: it has been changed since it was written" in (entries[1])
    )
    assert "first light" not in ada.locator("#journal").inner_text()
    expect(ada.locator("#check-ins-unreadable")).to_have_text(
        "1 check-in could not be opened: it was changed after it was saved, so it is left out."
    )
    expect(ada.locator("#check-in-table tbody tr")).to_have_count(0)
    assert "\ufffd" not in ada.locator("#journal").inner_text()
    # The unreadable entry can still be deleted.
    ada.once("dialog", lambda dialog: dialog.accept())
    ada.get_by_role(
        "button", name=re.compile("Delete the entry of .* that could not be opened")
    ).click()
    expect(ada.locator("#journal-status")).to_have_text("The entry is deleted.")
    expect(ada.locator("#entries-unreadable")).to_be_hidden()
    assert len(journal_rows(server)["entries"]) == 1


def test_the_export_holds_exactly_what_was_written(server, ada):
    set_up_journal(ada)
    first = {
        "handle": "a bird at the window",
        "notes": "Two lines,\nthe second with “quotes”, an ümlaut and a pipe | here.",
        "shifted": "clearly",
        "bring_to_next_turn": True,
        "tags": ["work", "mornings"],
        "session": None,
    }
    second = {
        "handle": "",
        "notes": "Only notes this time.",
        "shifted": None,
        "bring_to_next_turn": False,
        "tags": [],
        "session": None,
    }
    write_entry(
        ada,
        handle=first["handle"],
        notes=first["notes"],
        shifted="Clearly",
        bring=True,
        tags="work, mornings, Work",
    )
    write_entry(ada, handle=second["handle"], notes=second["notes"])
    # A third, written in haste and then changed.
    write_entry(ada, handle="a draft", notes="First thoughts.", bring=True)
    ada.get_by_role("button", name="Edit “a draft”").click()
    expect(ada.get_by_role("heading", name="Change the entry")).to_be_focused()
    expect(ada.get_by_label("Bring to my next turn")).to_be_checked()
    ada.get_by_label("The handle").fill("evening light")
    ada.locator("#entry-form").get_by_label("No", exact=True).check()
    ada.get_by_label("Notes").fill("Second thoughts, kept.")
    ada.get_by_label("Bring to my next turn").uncheck()
    ada.get_by_role("button", name="Save the changes").click()
    expect(ada.locator("#journal-status")).to_have_text("Your entry is changed and sealed again.")
    third = {
        "handle": "evening light",
        "notes": "Second thoughts, kept.",
        "shifted": "no",
        "bring_to_next_turn": False,
        "tags": [],
        "session": None,
    }
    assert "changed" in entry_texts(ada)[0] and "a draft" not in ada.content()
    check_ins = [
        {"energy": 2, "dread": 9, "effectiveness": 3, "connection": 4, "word": "heavy"},
        {"energy": 8, "dread": 1, "effectiveness": 7, "connection": 9, "word": "a | b"},
    ]
    for values in check_ins:
        check_in(ada, **values)

    with ada.expect_download() as json_download:
        ada.get_by_role("button", name="Download as JSON").click()
    exported = json.loads(Path(json_download.value.path()).read_text())
    with ada.expect_download() as markdown_download:
        ada.get_by_role("button", name="Download as Markdown").click()
    markdown = Path(markdown_download.value.path()).read_text()

    assert json_download.value.suggested_filename.endswith(".json")
    assert markdown_download.value.suggested_filename.endswith(".md")
    fields = ["handle", "notes", "shifted", "bring_to_next_turn", "tags", "session"]
    assert [{k: e[k] for k in fields} for e in exported["entries"]] == [first, second, third]
    edited = exported["entries"][2]
    assert edited["updated_at"] > edited["created_at"]
    measures = ["energy", "dread", "effectiveness", "connection", "word"]
    assert [{k: c[k] for k in measures} for c in exported["check_ins"]] == check_ins
    assert exported["could_not_be_opened"] == []
    rows = journal_rows(server)
    assert sorted(e["id"] for e in exported["entries"]) == sorted(r["uid"] for r in rows["entries"])

    assert "### a bird at the window" in markdown
    assert first["notes"] in markdown
    assert "- Did something shift? clearly" in markdown
    assert "- Tags: bring to my next turn, work, mornings" in markdown
    assert "### An entry without a handle" in markdown
    assert "Only notes this time." in markdown
    assert re.search(r"\| [^|]+ \| 2 \| 9 \| 3 \| 4 \| heavy \|", markdown)
    assert re.search(r"\| [^|]+ \| 8 \| 1 \| 7 \| 9 \| a \\\| b \|", markdown)


def test_deleting_everything_removes_the_rows_for_real(server, world, ada):
    set_up_journal(ada)
    write_entry(ada, handle="ember", notes="Warm, small, still going.")
    check_in(ada, energy=5, dread=5, effectiveness=5, connection=5, word="steady")

    ada.get_by_role("link", name="Delete my whole journal").click()
    ada.get_by_label("Your Felt password, to confirm").fill("not my password")
    ada.once("dialog", lambda dialog: dialog.accept())
    ada.get_by_role("button", name="Delete my whole journal").click()
    expect(ada.get_by_role("alert")).to_have_text(
        "That password isn't right, so nothing has been deleted."
    )
    rows = journal_rows(server)
    assert (len(rows["journal"]), len(rows["entries"]), len(rows["check_ins"])) == (1, 1, 1)

    # Having second thoughts at the last question also keeps everything.
    ada.get_by_label("Your Felt password, to confirm").fill(world["Ada"]["password"])
    ada.once("dialog", lambda dialog: dialog.dismiss())
    ada.get_by_role("button", name="Delete my whole journal").click()
    assert journal_rows(server) == rows

    ada.once("dialog", lambda dialog: dialog.accept())
    ada.get_by_role("button", name="Delete my whole journal").click()
    expect(ada.locator(".messages")).to_contain_text("Your journal is deleted")
    assert journal_rows(server) == {"journal": [], "entries": [], "check_ins": []}
    # Gone from the database's files too, not only from its tables.
    sealed = [r["ciphertext"] for r in rows["entries"] + rows["check_ins"]]
    sealed += [
        rows["journal"][0]["passphrase_wrapped_key"],
        rows["journal"][0]["recovery_wrapped_key"],
    ]
    for name, data in database_files(server).items():
        for blob in sealed:
            assert base64.b64decode(blob) not in data, f"deleted bytes still in {name}"
    expect(ada.get_by_role("heading", name="Set up your private journal")).to_be_visible()
