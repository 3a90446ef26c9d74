"""Practice mode's material: enough varied statements, each with an example of saying back that
is built from the focuser's own words and adds no advice, and a kind word for every kind."""

import re
from collections import Counter

import pytest

from felt.coach import practice
from felt.coach.labels import LABELS
from felt.coach.models import STATEMENT_ID_MAXIMUM_LENGTH
from felt.coach.practice import KINDS, STATEMENTS, THEMES

# Little words that carry no meaning of the focuser's own.
FUNCTION_WORDS = set(
    """
    a an the and or but so as at by for from in into of on onto to up with without about
    after before under over than then there here this that these those it its is are was were
    be been being am do does did done have has had not no yes just also very more most some
    any all each every one ones like what when where which who whom why how if though yet
    still again now too quite sort kind way same other else
    i me my mine myself you your yours yourself we our us he him his she her they them their
    i'm i've i'd i'll you're you've it's there's that's don't didn't can't won't haven't
    hasn't isn't aren't wasn't weren't doesn't
    can could will would shall should may might must
    """.split()
)

# Words and phrases that turn saying back into advice (said in the listener's voice).
ADVICE_MARKERS = (
    r"\bshould\b",
    r"\bcould\b",
    r"\bmust\b",
    r"\bought\b",
    r"\bneed to\b",
    r"\btry\b",
    r"\bwhy don't\b",
    r"\bwhy not\b",
    r"\bhave you (?:thought|considered|tried)\b",
    r"\bmaybe you\b",
    r"\bperhaps you\b",
    r"\bconsider\b",
    r"\bsuggest",
    r"\brecommend",
    r"\bhow about\b",
    r"\bwhat if you\b",
    r"\bbetter\b",
    r"\bit's best\b",
    r"\bdon't worry\b",
)


def words(text: str) -> list[str]:
    return re.findall(r"[a-z]+(?:'[a-z]+)?", text.lower().replace("\u2019", "'"))


def stems(text: str) -> set[str]:
    """Meaningful words, cut to a short stem so "clench" meets "clenched"."""
    return {word[:5] for word in words(text) if word not in FUNCTION_WORDS and len(word) > 2}


def advice_in(text: str) -> set[str]:
    plain = text.lower().replace("\u2019", "'")
    return {marker for marker in ADVICE_MARKERS if re.search(marker, plain)}


def test_there_are_at_least_forty_statements_each_with_its_own_id():
    ids = [statement.id for statement in STATEMENTS]

    assert len(STATEMENTS) >= 40
    assert len(set(ids)) == len(ids)
    for statement_id in ids:
        assert re.fullmatch(r"[a-z0-9-]+", statement_id)
        assert len(statement_id) <= STATEMENT_ID_MAXIMUM_LENGTH


def test_the_statements_are_varied_across_work_colleagues_family_the_body_and_stuck_moments():
    per_theme = Counter(statement.theme for statement in STATEMENTS)

    assert set(per_theme) == set(THEMES)
    assert min(per_theme.values()) >= 6


def test_one_theme_follows_another_so_the_next_statement_brings_variety():
    for statement in STATEMENTS:
        assert practice.statement_after(statement).theme != statement.theme


def test_every_statement_is_shown_after_another_so_none_is_out_of_reach():
    seen = set()
    statement = STATEMENTS[0]
    for _ in STATEMENTS:
        seen.add(statement.id)
        statement = practice.statement_after(statement)

    assert seen == {statement.id for statement in STATEMENTS}


@pytest.mark.parametrize("statement", STATEMENTS, ids=lambda statement: statement.id)
def test_each_example_says_back_the_focusers_own_words(statement):
    own = stems(statement.text)
    said_back = stems(statement.example)
    shared = own & said_back

    assert len(shared) >= 3, (statement.id, shared)
    # Built from their words: nearly every meaningful word in the example is one of theirs.
    assert len(said_back - own) <= 2, (statement.id, said_back - own)


@pytest.mark.parametrize("statement", STATEMENTS, ids=lambda statement: statement.id)
def test_each_example_adds_no_advice_no_question_and_nothing_of_the_listeners_own(statement):
    example = statement.example

    assert advice_in(example) <= advice_in(statement.text), statement.id
    assert "?" not in example
    assert not {"i", "me", "my", "i'm", "i've", "we", "us"} & set(words(example)), statement.id
    assert len(example) < len(statement.text) + 20


def test_every_kind_the_classifier_names_has_a_name_and_one_or_two_sentences_of_why():
    from felt.coach.labels import LABELS as CLASSIFIER_LABELS

    assert tuple(LABELS) == tuple(CLASSIFIER_LABELS)
    assert set(KINDS) == set(LABELS)
    for kind in KINDS.values():
        sentences = [s for s in re.split(r"(?<=[.!?])\s+", kind.why.strip()) if s]
        assert kind.name and kind.name == kind.name.strip()
        assert 1 <= len(sentences) <= 2, (kind.label, sentences)
        assert "Focusing" in kind.why or "focuser" in kind.why, kind.label


def test_saying_back_is_recognised_and_anything_else_comes_with_an_example():
    statement = STATEMENTS[0]

    recognised = practice.feedback_for(statement=statement, label="reflection")
    advised = practice.feedback_for(statement=statement, label="advice")

    assert recognised.is_reflection and recognised.example is None
    assert not advised.is_reflection and advised.example == statement.example
    for label in LABELS:
        if label != "reflection":
            assert practice.feedback_for(statement=statement, label=label).example


def test_a_label_the_coach_does_not_know_is_treated_as_something_else():
    feedback = practice.feedback_for(statement=STATEMENTS[0], label="prophecy")

    assert feedback.label == "other"
    assert feedback.example == STATEMENTS[0].example


def test_an_id_we_never_wrote_finds_no_statement():
    assert practice.statement_by_id("client-fist") is STATEMENTS[0]
    for forged in ("", "client-fist ", "CLIENT-FIST", "../client-fist", "x" * 500):
        assert practice.statement_by_id(forged) is None
