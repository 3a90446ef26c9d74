"""The measuring side of `felt coach evaluate`: macro-F1 and the comparison with the experts'
own agreement."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

pytest.importorskip("sklearn", reason="evaluation needs scikit-learn")

from felt.coach import datasets  # noqa: E402
from felt.coach.evaluation import agreement, markdown, scores  # noqa: E402

CLASSES = ("a", "b", "c")


def test_two_experts_who_half_agree_score_a_third_worked_by_hand():
    # Ordered pairs: (a,a) twice from k1, (a,b) and (b,a) from k2. For "a": 2 of 3 right
    # each way (F1 2/3); "b" is never matched (F1 0); the mean of the two is 1/3.
    result = agreement({"k1": ["a", "a"], "k2": ["a", "b"]}, {"k1": "a", "k2": "a"}, ("a", "b"))
    assert result["items"] == 2
    assert result["expert_vs_expert"] == pytest.approx(1 / 3)
    # The model says "a" both times: against the four expert labels a, a, a, b that is
    # "a" with precision 3/4 and recall 1 (F1 6/7), "b" with F1 0.
    assert result["model_vs_expert"] == pytest.approx((6 / 7) / 2)


def test_labels_outside_the_classes_and_items_outside_the_set_are_left_out():
    annotations = {
        "k1": ["a", "negotiation", "a"],
        "k2": ["b", "b"],
        "not evaluated": ["a", "c"],
    }
    result = agreement(annotations, {"k1": "a", "k2": "b"}, CLASSES)
    assert result["items"] == 2
    assert result["expert_vs_expert"] == pytest.approx(
        scores(["a", "b"], ["a", "b"], CLASSES)["macro_f1"]
    )
    assert result["model_vs_expert"] == result["expert_vs_expert"]


def test_nothing_to_compare_gives_no_figure():
    result = agreement({"k1": ["a"]}, {}, CLASSES)
    assert result == {"items": 0, "expert_vs_expert": None, "model_vs_expert": None}


item_labels = st.lists(st.sampled_from(CLASSES), min_size=2, max_size=5)


@given(st.dictionaries(st.integers(0, 30), item_labels, min_size=1, max_size=12), st.data())
def test_the_experts_figure_does_not_depend_on_who_is_listed_first(annotations, data):
    predicted = {key: data.draw(st.sampled_from(CLASSES)) for key in annotations}
    forward = agreement(annotations, predicted, CLASSES)
    backward = agreement({k: v[::-1] for k, v in annotations.items()}, predicted, CLASSES)
    assert forward["expert_vs_expert"] == pytest.approx(backward["expert_vs_expert"])
    assert forward["model_vs_expert"] == pytest.approx(backward["model_vs_expert"])
    assert 0.0 <= forward["expert_vs_expert"] <= 1.0


@given(st.dictionaries(st.integers(0, 30), item_labels, min_size=1, max_size=12))
def test_experts_who_always_agree_score_one_and_so_does_a_model_that_says_the_same(labels):
    unanimous = {key: [values[0]] * len(values) for key, values in labels.items()}
    said = {key: values[0] for key, values in unanimous.items()}
    result = agreement(unanimous, said, sorted({v[0] for v in unanimous.values()}))
    assert result["expert_vs_expert"] == pytest.approx(1.0)
    assert result["model_vs_expert"] == pytest.approx(1.0)


def test_the_report_sets_the_model_beside_a_second_expert():
    result = scores(["a", "b"], ["a", "b"], CLASSES) | {
        "title": "AnnoMI, 4 classes",
        "seconds": 1.0,
        "folds": [1.0],
        "agreement": {"items": 7, "expert_vs_expert": 0.797, "model_vs_expert": 0.742},
    }
    text = markdown({"results": {"annomi4": result}})
    assert "| AnnoMI, 4 classes | 7 | 0.797 | 0.742 |" in text


def test_the_experts_annotations_are_items_several_experts_labelled():
    try:
        annotations = datasets.load_annomi_annotations()
    except datasets.DataMissing as missing:
        pytest.skip(str(missing))
    assert annotations
    assert all(len(labels) >= 2 for labels in annotations.values())
    simple = {(u.transcript, u.utterance) for u in datasets.load_annomi_simple()}
    assert set(annotations) <= simple


def test_the_shipped_figures_count_how_often_a_set_calls_the_definitions_forms_advice():
    from felt.coach.classifier import Model
    from felt.coach.datasets import Example
    from felt.coach.evaluation import _shipped_on

    mapping = {"Suggestion": "advice", "Question": "question", "Restatement": "reflection"}
    examples = [
        Example("You should call her tonight.", None, "Suggestion", "d1"),
        Example("Why don't you rest for a while?", None, "Question", "d1"),
        Example("It sounds heavy, carrying all of that.", None, "Restatement", "d2"),
        Example("Try to sleep a little earlier.", None, "Unmapped", "d2"),
    ]
    result = _shipped_on(examples, mapping, Model.load(), merge_questions=True)
    # Two kept responses are in a directive form; the set labels one of them advice.
    assert result["left_out"] == 1
    assert result["directive_form"] == 2
    assert result["directive_form_labelled_advice"] == pytest.approx(0.5)
