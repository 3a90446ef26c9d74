"""The coach's classifier as a functional core: clear cases, a distribution over the nine
labels, the same answer every time, and no Django or scikit-learn at inference."""

import math
import subprocess
import sys

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from felt.coach import LABELS, Classification, classify, load_model
from felt.coach.classifier import Model
from felt.coach.datasets import Example
from felt.coach.features import extract

# A sanity check on unmistakable cases, not a tuning target: if one of these fails, the
# model is broken, not merely imperfect.
CLEAR_CASES = [
    (
        "There's a tight knot in my stomach when I think about the meeting.",
        "A tight knot in your stomach when you think about the meeting.",
        "reflection",
    ),
    (
        "I keep feeling this heaviness, like wet sand in my legs.",
        "Wet sand in your legs... a heaviness.",
        "reflection",
    ),
    ("I don't know what's here.", "What is it like, right now, in your body?", "open_question"),
    ("My sister called again.", "How does that land in you?", "open_question"),
    ("I slept badly.", "Did you sleep at all last night?", "closed_question"),
    ("It's in my chest.", "Is it in the middle of your chest?", "closed_question"),
    ("I'm exhausted all the time.", "You should take a week off and rest.", "advice"),
    ("My boss keeps emailing at night.", "Why don't you turn off your phone after six?", "advice"),
    (
        "I can't stop worrying.",
        "Worry is a normal response of the nervous system to uncertainty; research shows it "
        "often peaks before decisions.",
        "information",
    ),
    (
        "I get so angry at my colleague.",
        "Maybe this is really about your father and how he treated you.",
        "interpretation",
    ),
    (
        "I'm not sure I did it right.",
        "You're doing really well, don't worry, it's completely normal.",
        "reassurance",
    ),
    (
        "My dog died last week.",
        "When I was a child my dog died too, and I remember how much I cried.",
        "self_disclosure",
    ),
    ("...", "Mm-hmm.", "other"),
    ("Hello?", "Sorry, you froze for a second. Can you hear me now?", "other"),
]


@pytest.mark.parametrize(("context", "response", "label"), CLEAR_CASES)
def test_clear_cases_get_their_category(context, response, label):
    assert classify(response, context=context).label == label


def test_scores_are_a_distribution_over_exactly_the_nine_labels():
    result = classify("So you feel stuck.", context="I feel stuck.")

    assert isinstance(result, Classification)
    assert list(result.scores) == list(LABELS)
    assert math.isclose(sum(result.scores.values()), 1.0, abs_tol=1e-6)
    assert result.label == max(result.scores, key=result.scores.get)


def test_saying_back_the_focusers_words_counts_as_reflection_more_with_the_context():
    response = "The fog, and somewhere behind it a small light."
    alone = classify(response).scores["reflection"]
    with_context = classify(
        response, context="It's all fog. But somewhere behind it there's a small light."
    ).scores["reflection"]

    assert with_context > alone


def test_the_same_input_gives_the_same_answer_every_time_and_after_a_fresh_load():
    first = classify("Have you thought about talking to her?", context="She never calls.")
    again = classify("Have you thought about talking to her?", context="She never calls.")
    reloaded = Model.load().classify("Have you thought about talking to her?", "She never calls.")

    assert first == again == reloaded


def test_the_classifier_needs_neither_django_nor_scikit_learn():
    code = (
        "import sys; from felt.coach import classify; classify('Mm.', context='Hm.'); "
        "bad = [m for m in ('django', 'sklearn', 'scipy') if m in sys.modules]; "
        "assert not bad, bad"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)

    assert result.returncode == 0, result.stderr


def test_the_classifier_refuses_a_response_that_is_not_text():
    with pytest.raises(TypeError):
        classify(None)  # type: ignore[arg-type]


def test_training_and_the_classifier_weigh_features_identically():
    pytest.importorskip("sklearn", reason="training needs scikit-learn")
    from felt.coach.training import featurise, weigh

    model = load_model()
    examples = [
        Example(
            "So you feel stuck, like a wall.", "I feel stuck. There's a wall.", "reflection", "g"
        ),
        Example("Try breathing into it!", None, "advice", "g"),
        Example("", None, "other", "g"),
    ]
    batch = weigh(featurise(examples), model.idf).toarray()
    for row, example in zip(batch, examples, strict=True):
        index, value = model.vector(extract(example.response, example.context))
        single = np.zeros_like(row)
        np.add.at(single, index, value)
        assert np.allclose(row, single, atol=1e-5)


texts = st.text(max_size=2000)


@settings(max_examples=60, deadline=None)
@given(response=texts, context=st.none() | texts)
def test_any_text_up_to_2000_characters_gets_a_distribution(response, context):
    result = classify(response, context=context)

    assert result.label in LABELS
    assert list(result.scores) == list(LABELS)
    assert all(0.0 <= p <= 1.0 for p in result.scores.values())
    assert math.isclose(sum(result.scores.values()), 1.0, abs_tol=1e-6)
    assert result == classify(response, context=context)
