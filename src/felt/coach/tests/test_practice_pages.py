"""Practice mode's pages: a member answers a focuser's statement and hears the coach; nothing
they type is stored or logged; bad input changes nothing; their history is theirs alone.

The real classifier listens here. The answers these tests give are chosen, from a few
phrasings each, by what the shipped model hears in them (a test below says so if it hears none
of them as meant), so the pages are tested with the coach members meet; the classifier's own
tests speak about its judgement.
"""

import json
import logging
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

import felt.coach
from felt.accounts.models import Member
from felt.coach import selectors, services
from felt.coach.labels import LABELS
from felt.coach.models import PracticeAttempt, PracticePreference
from felt.coach.practice import KINDS, STATEMENTS, statement_by_id

pytestmark = pytest.mark.django_db

PRACTICE = reverse("coach:practice")
HISTORY = reverse("coach:history")
CORPUS = Path(felt.coach.__file__).parent / "corpus"
KEEP = reverse("coach:history_keep")
DELETE = reverse("coach:history_delete")

STATEMENT = statement_by_id("client-fist")
# "heron-blue" marks what the member typed, to look for it where it must never be.
ADVICE_PHRASINGS = (
    "You should talk to your supervisor about the heron-blue client this week.",
    "It might help to write down what you want to say to the heron-blue client first.",
    "Why don't you take a proper break before the heron-blue client comes in?",
    "Try telling your supervisor about the heron-blue client, it would help.",
)
REFLECTION_PHRASINGS = (
    "Something in your stomach goes tight like a fist, a heron-blue tightness.",
    "Your stomach goes tight, like a fist, heron-blue.",
    "Something in your stomach, tight like a fist. Heron-blue.",
)


def first_heard_as(label: str, phrasings: tuple[str, ...]) -> str:
    for text in phrasings:
        if felt.coach.classify(text, context=STATEMENT.text).label == label:
            return text
    return phrasings[0]  # test_the_answers_these_tests_give_are_heard_as_meant says why


ADVICE = first_heard_as("advice", ADVICE_PHRASINGS)
REFLECTION = first_heard_as("reflection", REFLECTION_PHRASINGS)


def test_the_answers_these_tests_give_are_heard_as_meant():
    heard = {
        "advice": felt.coach.classify(ADVICE, context=STATEMENT.text).label,
        "reflection": felt.coach.classify(REFLECTION, context=STATEMENT.text).label,
    }
    assert heard == {"advice": "advice", "reflection": "reflection"}, (
        "the shipped model hears none of the phrasings as meant; the page tests need one each"
    )


class Listening:
    """The real classifier, with a note of what it was asked to hear."""

    def __init__(self, classify):
        self.classify = classify
        self.heard = []

    def __call__(self, text, context=None):
        self.heard.append((text, context))
        return self.classify(text, context=context)


@pytest.fixture
def coach(monkeypatch):
    listening = Listening(felt.coach.classify)
    monkeypatch.setattr(felt.coach, "classify", listening)
    return listening


def make_member(name: str, time_zone: str = "UTC") -> Member:
    return Member.objects.create_user(
        email=f"{name.lower()}@example.org",
        password="a long password for tests",
        display_name=name,
        time_zone=time_zone,
    )


@pytest.fixture
def ada():
    return make_member("Ada")


@pytest.fixture
def cy():
    return make_member("Cy")


def client_for(member) -> Client:
    client = Client()
    client.force_login(member)
    return client


@pytest.fixture
def ada_client(ada):
    return client_for(ada)


def answer(client, response, statement=STATEMENT.id, **extra):
    return client.post(PRACTICE, {"statement": statement, "response": response}, **extra)


def keep_history(client):
    assert client.post(KEEP, {"keep": "yes"}).status_code == 302


def practice_rows() -> dict:
    return {
        "attempts": list(PracticeAttempt.objects.values_list("member", "statement", "label")),
        "preferences": list(PracticePreference.objects.values_list("member", "keep_history")),
    }


def every_stored_value() -> str:
    """Every row of every table, read with SQL past the ORM, as one string to search."""
    dump = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            dump.extend(repr(row) for row in cursor.fetchall())
    return "\n".join(dump)


# -- who may practise ----------------------------------------------------------------------


@pytest.mark.parametrize("url", [PRACTICE, HISTORY])
def test_someone_not_logged_in_is_asked_to_log_in(client, url):
    response = client.get(url)

    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


@pytest.mark.parametrize("url", [PRACTICE, KEEP, DELETE])
def test_a_post_from_someone_not_logged_in_is_not_heard_and_changes_nothing(client, coach, url):
    response = client.post(url, {"statement": STATEMENT.id, "response": REFLECTION, "keep": "yes"})

    assert response.status_code == 302
    assert coach.heard == []
    assert practice_rows() == {"attempts": [], "preferences": []}


def test_the_practice_page_shows_a_focusers_statement_and_a_labelled_box(ada_client):
    page = ada_client.get(PRACTICE, {"statement": STATEMENT.id})
    html = page.content.decode()

    assert page.status_code == 200
    assert "no-store" in page["Cache-Control"]
    assert "something in my stomach goes tight, like a fist" in html
    assert '<label for="practice-response">What would you say back?</label>' in html
    assert 'method="post"' in html and 'hx-post="/coach/practice/"' in html
    assert 'role="status"' in html
    assert "never stored and never written to any log" in html


def test_without_a_statement_asked_for_the_page_shows_one_of_ours(ada_client):
    html = ada_client.get(PRACTICE).content.decode()

    assert any(f'name="statement" value="{s.id}"' in html for s in STATEMENTS)


def test_a_statement_we_never_wrote_is_met_with_another_and_a_kind_word(ada_client):
    page = ada_client.get(PRACTICE, {"statement": "<script>forged</script>"})
    html = page.content.decode()

    assert page.status_code == 200
    assert "here is another one to practise with" in html
    assert "<script>forged" not in html


def test_another_statement_leads_to_the_next_one(ada_client):
    html = ada_client.get(PRACTICE, {"statement": STATEMENT.id}).content.decode()

    assert f'href="/coach/practice/?statement={STATEMENTS[1].id}"' in html


# -- the coach's feedback ------------------------------------------------------------------


def test_advice_is_named_with_why_it_matters_and_an_example_of_saying_back(ada_client, coach):
    page = answer(ada_client, ADVICE)
    html = page.content.decode()

    assert page.status_code == 200
    assert "This sounds like <strong>advice or a suggestion</strong>." in html
    assert "The focuser’s next step comes from inside" in html
    assert "Saying back, in the focuser’s own words" in html
    assert "something in your stomach goes tight, like a fist" in html
    # The coach heard the answer with the statement it answers.
    assert coach.heard == [(ADVICE, STATEMENT.text)]


def test_saying_back_is_warmly_recognised_without_an_example(ada_client, coach):
    html = answer(ada_client, REFLECTION).content.decode()

    assert "This is <strong>saying back</strong>, a reflection. Well listened." in html
    assert "this is the heart of listening" in html
    assert 'id="practice-example"' not in html


def corpus_response_heard_as(label: str) -> str:
    """A response from our own corpus that the shipped model hears as `label`."""
    for line in (CORPUS / f"{label}.jsonl").read_text(encoding="utf-8").splitlines():
        text = json.loads(line)["response"]
        if felt.coach.classify(text, context=STATEMENT.text).label == label:
            return text
    pytest.fail(f"the shipped model hears no response of the {label} corpus as {label}")


@pytest.mark.parametrize("label", LABELS)
def test_every_kind_of_response_gets_its_own_explanation(ada_client, label):
    html = answer(ada_client, corpus_response_heard_as(label)).content.decode()

    assert KINDS[label].why in html
    assert ('id="practice-example"' in html) == (label != "reflection")


def test_the_answer_stays_in_the_box_so_the_member_can_try_again(ada_client, coach):
    html = answer(ada_client, ADVICE).content.decode()

    assert f">\n{ADVICE}</textarea>" in html


def test_focus_goes_to_the_feedback_and_a_live_region_says_what_was_heard(ada_client, coach):
    html = answer(ada_client, ADVICE).content.decode()

    assert 'id="feedback-title" tabindex="-1" autofocus' in html
    assert html.count('id="practice-said"') == 1
    assert "The coach heard advice or a suggestion." in html


def test_with_htmx_only_the_exercise_comes_back_and_the_live_region_is_updated(ada_client, coach):
    page = answer(ada_client, ADVICE, HTTP_HX_REQUEST="true")
    html = page.content.decode()

    assert page.status_code == 200
    assert "<html" not in html
    assert "This sounds like <strong>advice or a suggestion</strong>." in html
    assert 'id="practice-said"' in html and 'hx-swap-oob="true"' in html


def test_an_answer_of_exactly_two_thousand_characters_is_heard(ada_client, coach):
    long_answer = ("word " * 400)[:1998] + "\r\nx"

    page = answer(ada_client, long_answer)

    assert page.status_code == 200
    assert len(coach.heard[0][0]) == 2000


# -- bad input -----------------------------------------------------------------------------

BAD_ANSWERS = {
    "empty": ({"statement": STATEMENT.id, "response": ""}, "the box is still empty"),
    "only spaces": ({"statement": STATEMENT.id, "response": " \n\t "}, "the box is still empty"),
    "no answer at all": ({"statement": STATEMENT.id}, "the box is still empty"),
    "too long": (
        {"statement": STATEMENT.id, "response": "a" * 2001},
        "longer than the coach listens to at once",
    ),
    "forged statement": (
        {"statement": "not-one-of-ours", "response": REFLECTION},
        "That statement isn’t one of ours",
    ),
    "no statement": ({"response": REFLECTION}, "That statement isn’t one of ours"),
    "overlong statement": (
        {"statement": "client-fist" * 20, "response": REFLECTION},
        "did not arrive as we expect",
    ),
    "tampered answer": (
        {"statement": STATEMENT.id, "response": "held\x00back"},
        "did not arrive as we expect",
    ),
}


@pytest.mark.parametrize("htmx", [False, True], ids=["form", "htmx"])
@pytest.mark.parametrize("bad", BAD_ANSWERS.values(), ids=BAD_ANSWERS.keys())
def test_bad_input_gets_one_kind_sentence_and_changes_nothing(ada_client, coach, bad, htmx):
    data, sentence = bad
    keep_history(ada_client)
    before = practice_rows()
    extra = {"HTTP_HX_REQUEST": "true"} if htmx else {}

    page = ada_client.post(PRACTICE, data, **extra)
    html = page.content.decode()

    assert page.status_code == 200
    assert sentence in html
    assert html.count('role="alert"') == 1
    assert 'aria-invalid="true" autofocus' in html
    assert 'id="practice-feedback"' not in html
    assert coach.heard == []
    assert practice_rows() == before


def test_when_the_classifier_fails_the_member_is_told_kindly_and_nothing_is_kept(
    ada_client, monkeypatch, caplog
):
    def broken(text, context=None):
        raise ValueError(f"cannot read {text!r}")

    monkeypatch.setattr(felt.coach, "classify", broken)
    keep_history(ada_client)
    caplog.set_level(logging.DEBUG)

    page = answer(ada_client, REFLECTION)

    assert page.status_code == 200
    assert "The coach could not listen just now, and nothing was kept" in page.content.decode()
    assert PracticeAttempt.objects.count() == 0
    assert "ValueError" in caplog.text
    assert "heron-blue" not in caplog.text


# -- privacy -------------------------------------------------------------------------------


@pytest.mark.parametrize("kept", [False, True], ids=["history off", "history kept"])
def test_nothing_the_member_types_is_stored_or_logged(ada_client, coach, caplog, kept):
    if kept:
        keep_history(ada_client)
    caplog.set_level(logging.DEBUG)

    answer(ada_client, ADVICE)
    answer(ada_client, REFLECTION, HTTP_HX_REQUEST="true")
    answer(ada_client, "heron-blue " * 300)  # refused as too long

    assert len(coach.heard) == 2
    assert "heron-blue" not in every_stored_value()
    assert "heron-blue" not in caplog.text
    assert "supervisor" not in caplog.text


def test_the_answer_is_hidden_from_error_reports(ada_client, coach):
    from django.views.debug import SafeExceptionReporterFilter

    page = answer(ada_client, ADVICE)
    request = page.wsgi_request

    hidden = SafeExceptionReporterFilter().get_post_parameters(request)
    assert hidden["response"] != ADVICE
    assert "heron-blue" not in str(hidden)


def test_history_is_off_until_the_member_turns_it_on(ada, ada_client, coach):
    answer(ada_client, ADVICE)
    answer(ada_client, REFLECTION)

    assert selectors.keeps_history(member=ada) is False
    assert PracticeAttempt.objects.count() == 0
    assert "Felt is not keeping your practice history." in ada_client.get(HISTORY).content.decode()


def test_a_kept_answer_holds_only_the_statement_the_kind_and_the_time(ada, ada_client, coach):
    keep_history(ada_client)

    answer(ada_client, ADVICE)

    attempt = PracticeAttempt.objects.get()
    stored = {field.name for field in PracticeAttempt._meta.concrete_fields}
    assert stored == {"id", "member", "statement", "label", "answered_at"}
    assert (attempt.member, attempt.statement, attempt.label) == (ada, STATEMENT.id, "advice")


# -- the member's history ------------------------------------------------------------------


def test_a_member_who_keeps_history_sees_their_share_of_saying_back(ada_client, coach):
    keep_history(ada_client)
    for response in (ADVICE, REFLECTION, REFLECTION, ADVICE):
        answer(ada_client, response)

    html = ada_client.get(HISTORY).content.decode()

    assert "You said back in 2 of your 4 kept answers (50%)." in html
    assert '<span class="share-fill share-50"></span>' in html
    assert "Felt is keeping your practice history." in html


def test_one_member_never_sees_anothers_history(ada_client, cy, coach):
    keep_history(ada_client)
    answer(ada_client, REFLECTION)

    html = client_for(cy).get(HISTORY).content.decode()

    assert "kept answer" not in html
    assert selectors.history_of(member=cy).overall.answers == 0
    assert "Felt is not keeping your practice history." in html


def test_stopping_keeps_what_was_kept_and_adds_nothing_more(ada, ada_client, coach):
    keep_history(ada_client)
    answer(ada_client, REFLECTION)

    page = ada_client.post(KEEP, {"keep": "no"}, follow=True)
    answer(ada_client, ADVICE)

    assert "Felt no longer adds to your practice history." in page.content.decode()
    assert selectors.keeps_history(member=ada) is False
    assert list(PracticeAttempt.objects.values_list("label", flat=True)) == ["reflection"]


def test_deleting_the_history_really_deletes_it_and_only_the_members_own(ada_client, cy, coach):
    cy_client = client_for(cy)
    for client in (ada_client, cy_client):
        keep_history(client)
        answer(client, REFLECTION)

    page = ada_client.post(DELETE, follow=True)

    assert "Your practice history is deleted" in page.content.decode()
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT member_id FROM {connection.ops.quote_name(PracticeAttempt._meta.db_table)}"
        )
        assert cursor.fetchall() == [(cy.pk,)]


@pytest.mark.parametrize("value", [None, "", "on", "YES", "true"])
def test_a_tampered_keep_choice_gets_one_sentence_and_changes_nothing(ada_client, value):
    data = {} if value is None else {"keep": value}

    page = ada_client.post(KEEP, data, follow=True)

    assert "That choice did not arrive as we expect, so nothing was changed" in (
        page.content.decode()
    )
    assert PracticePreference.objects.count() == 0


@pytest.mark.parametrize("url", [KEEP, DELETE])
def test_history_changes_need_a_post(ada_client, url):
    assert ada_client.get(url).status_code == 405


def test_the_share_is_counted_week_by_week_in_the_members_own_time_zone():
    member = make_member("Ena", time_zone="Pacific/Auckland")
    # Sunday 11:30 UTC is already Monday, half past midnight, in Auckland: a new week there.
    sunday = datetime(2025, 3, 9, 11, 30, tzinfo=UTC)
    for when, label in (
        (sunday - timedelta(hours=12), "advice"),
        (sunday - timedelta(hours=1, minutes=30), "reflection"),
        (sunday, "reflection"),
        (sunday + timedelta(days=1), "reflection"),
    ):
        PracticeAttempt.objects.create(
            member=member, statement="client-fist", label=label, answered_at=when
        )

    history = selectors.history_of(member=member)

    assert [(w.starts.isoformat(), w.answers, w.percent) for w in history.weeks] == [
        ("2025-03-03", 2, 50),
        ("2025-03-10", 2, 100),
    ]
    assert (history.first_week.percent, history.latest_week.percent) == (50, 100)


def test_the_share_is_also_counted_ten_answers_at_a_time(ada):
    start = datetime(2025, 1, 1, tzinfo=UTC)
    for index in range(23):
        PracticeAttempt.objects.create(
            member=ada,
            statement="client-fist",
            label="reflection" if index >= 10 and index % 2 else "advice",
            answered_at=start + timedelta(minutes=index),
        )

    groups = selectors.history_of(member=ada).groups

    assert [(g.first, g.last, g.reflections, g.percent, g.bar) for g in groups] == [
        (1, 10, 0, 0, 0),
        (11, 20, 5, 50, 50),
        (21, 23, 1, 33, 35),
    ]


def test_a_very_long_history_keeps_only_the_newest_answers(ada, ada_client, coach, monkeypatch):
    monkeypatch.setattr(services, "KEPT_ATTEMPTS_LIMIT", 3)
    keep_history(ada_client)

    for response in (ADVICE, ADVICE, REFLECTION, REFLECTION, REFLECTION):
        answer(ada_client, response)

    assert list(PracticeAttempt.objects.values_list("label", flat=True)) == ["reflection"] * 3
