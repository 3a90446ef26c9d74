"""Measuring the coach: the four evaluations of `felt coach evaluate`.

1. AnnoMI, 4 classes (main_therapist_behaviour), transcript-grouped 5-fold cross-validation.
2. AnnoMI, 7 classes (open/closed question, simple/complex reflection, information, advice,
   other), the same folds.
3. ESConv, its 8 strategies: trained on the official train split, tested on the test split.
   This measures the method; such a model is never shipped (ESConv is non-commercial).
4. The shipped model, which never saw them, on ESConv's test split and on MI gold, mapped to
   the coach's categories.

Evaluations 1-3 train the same features and the same fixed hyperparameters as the shipped
model (nothing is tuned on a test fold); the focuser's (client's, seeker's) preceding words
are the context, as in the product.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Hashable, Mapping, Sequence

import numpy as np

from felt.coach import datasets
from felt.coach.classifier import Model
from felt.coach.datasets import Example
from felt.coach.features import is_directive
from felt.coach.labels import LABELS

BASELINES = {
    "annomi_4": 0.734,
    "annomi_7": 0.518,
    "esconv_8": 0.507,
}
GOALS = {
    "annomi_4": 0.80,
    "annomi_7": 0.62,
    "esconv_8": 0.58,
    "advice_precision": 0.80,
    "reflection_false_alarm": 0.10,
}
FOLDS = 5


def scores(y_true: Sequence[str], y_pred: Sequence[str], classes: Sequence[str]) -> dict:
    """Per-class precision, recall, F1 and support, macro-F1 over `classes`, accuracy, and
    the confusion matrix (rows: true class, columns: predicted; predicted labels outside
    `classes` get their own columns)."""
    from sklearn.metrics import confusion_matrix, precision_recall_fscore_support

    classes = list(classes)
    predicted_extra = sorted(set(y_pred) - set(classes))
    columns = classes + predicted_extra
    p, r, f, s = precision_recall_fscore_support(
        y_true, y_pred, labels=classes, average=None, zero_division=0
    )
    matrix = confusion_matrix(y_true, y_pred, labels=columns)[: len(classes)]
    return {
        "n": len(y_true),
        "accuracy": float(np.mean(np.asarray(y_true) == np.asarray(y_pred))),
        "macro_f1": float(np.mean(f)),
        "per_class": {
            c: {
                "precision": float(p[i]),
                "recall": float(r[i]),
                "f1": float(f[i]),
                "support": int(s[i]),
            }
            for i, c in enumerate(classes)
        },
        "confusion": {"rows": classes, "columns": columns, "matrix": matrix.tolist()},
    }


def cross_validate(
    examples: Sequence[Example], classes: Sequence[str], folds: int = FOLDS
) -> tuple[list[str], list[int]]:
    """Out-of-fold predictions with scikit-learn's GroupKFold over the examples' groups
    (no shuffling: the folds are fixed by the data alone)."""
    from sklearn.model_selection import GroupKFold

    from felt.coach.training import featurise, fit

    features = featurise(examples)
    labels = [e.label for e in examples]
    groups = [e.group for e in examples]
    predicted = [""] * len(examples)
    fold_of = [0] * len(examples)
    for fold, (train, test) in enumerate(
        GroupKFold(n_splits=folds).split(np.zeros(len(examples)), labels, groups)
    ):
        model = fit(features.rows(train), [labels[i] for i in train], classes=classes)
        for i, label in zip(test, model.predict(features.rows(test)), strict=True):
            predicted[i] = label
            fold_of[i] = fold
    return predicted, fold_of


def advice_figures(truth: Sequence[str], predicted: Sequence[str]) -> dict:
    """Evaluation 4's two product figures: the share of responses called advice that are
    advice (precision), and the share of reflections called advice or interpretation (false
    alarms); None where nothing was called advice or there are no reflections."""
    called_advice = [t for t, p in zip(truth, predicted, strict=True) if p == "advice"]
    reflections = [p for t, p in zip(truth, predicted, strict=True) if t == "reflection"]
    return {
        "advice_precision": (
            sum(t == "advice" for t in called_advice) / len(called_advice)
            if called_advice
            else None
        ),
        "advice_called": len(called_advice),
        "reflection_false_alarm": (
            sum(p in ("advice", "interpretation") for p in reflections) / len(reflections)
            if reflections
            else None
        ),
        "reflections": len(reflections),
    }


def agreement(
    annotations: Mapping[Hashable, Sequence[str]],
    predicted: Mapping[Hashable, str],
    classes: Sequence[str],
) -> dict:
    """How well one expert agrees with another, and the model with an expert, on the items
    several experts labelled: macro-F1 over `classes` of every ordered pair of experts, and
    of the model against each expert. Labels outside `classes` are left out. The first
    figure is what a second expert would score in evaluations 1 and 2."""
    first, second, expert, model = [], [], [], []
    items = 0
    for key, labels in annotations.items():
        if key not in predicted:
            continue
        items += 1
        kept = [label for label in labels if label in classes]
        for i, a in enumerate(kept):
            expert.append(a)
            model.append(predicted[key])
            for j, b in enumerate(kept):
                if i != j:
                    first.append(a)
                    second.append(b)
    if not first:
        return {"items": 0, "expert_vs_expert": None, "model_vs_expert": None}
    return {
        "items": items,
        "expert_vs_expert": scores(first, second, classes)["macro_f1"],
        "model_vs_expert": scores(expert, model, classes)["macro_f1"],
    }


def evaluate_annomi(kind: str) -> dict:
    if kind == "4":
        utterances = datasets.load_annomi_simple()
        classes = ("question", "reflection", "therapist_input", "other")

        def label(behaviour: str, subtype: str) -> str | None:
            return behaviour

    else:
        utterances = datasets.load_annomi_full()
        classes = tuple(dict.fromkeys(datasets.ANNOMI_7.values()))

        def label(behaviour: str, subtype: str) -> str | None:
            return datasets.ANNOMI_7.get((behaviour, subtype))

    kept = [u for u in utterances if label(u.behaviour, u.subtype) is not None]
    examples = [
        Example(u.text, u.context, label(u.behaviour, u.subtype), u.transcript) for u in kept
    ]
    predicted, fold_of = cross_validate(examples, classes)
    truth = [e.label for e in examples]
    result = scores(truth, predicted, classes)
    result["folds"] = [
        scores(
            [t for t, f in zip(truth, fold_of, strict=True) if f == k],
            [p for p, f in zip(predicted, fold_of, strict=True) if f == k],
            classes,
        )["macro_f1"]
        for k in range(FOLDS)
    ]
    experts = {
        key: [label(*annotation) for annotation in annotations]
        for key, annotations in datasets.load_annomi_annotations().items()
    }
    result["agreement"] = agreement(
        experts,
        {(u.transcript, u.utterance): p for u, p in zip(kept, predicted, strict=True)},
        classes,
    )
    return result


def evaluate_esconv_method() -> dict:
    from felt.coach.training import featurise, fit

    train = datasets.load_esconv("train")
    test = datasets.load_esconv("test")
    classes = datasets.ESCONV_STRATEGIES
    model = fit(featurise(train), [e.label for e in train], classes=classes)
    predicted = model.predict(featurise(test))
    return scores([e.label for e in test], predicted, classes)


def _shipped_on(
    examples: Sequence[Example],
    mapping: dict[str, str],
    model: Model,
    merge_questions: bool,
) -> dict:
    kept = [e for e in examples if e.label in mapping]
    truth = [mapping[e.label] for e in kept]
    predicted = []
    for e in kept:
        label = model.classify(e.response, e.context).label
        if merge_questions and label in ("open_question", "closed_question"):
            label = "question"
        predicted.append(label)
    classes = [c for c in (*LABELS, "question") if c in set(truth)]
    result = scores(truth, predicted, classes)
    result["left_out"] = len(examples) - len(kept)
    result |= advice_figures(truth, predicted)
    # The issue defines advice by forms ("you should", "why don't you", "try…"): how often
    # does the set itself call a response in one of those forms advice? That share bounds
    # the advice precision a coach true to the definition can reach on the set.
    directive = [t for e, t in zip(kept, truth, strict=True) if is_directive(e.response, e.context)]
    result["directive_form"] = len(directive)
    result["directive_form_labelled_advice"] = (
        sum(t == "advice" for t in directive) / len(directive) if directive else None
    )
    return result


def evaluate_shipped(model: Model | None = None) -> dict:
    model = model or Model.load()
    return {
        "esconv_test": _shipped_on(
            datasets.load_esconv("test"), datasets.ESCONV_TO_COACH, model, merge_questions=True
        ),
        "mi_gold": _shipped_on(
            datasets.load_mi_gold(), datasets.MI_GOLD_TO_COACH, model, merge_questions=False
        ),
    }


def evaluate_corpus() -> dict:
    """The shipped recipe on the coach's own nine categories: the corpus split by topic into
    5 folds; each fold's model is trained exactly as `felt coach train` trains (AnnoMI in
    full plus the other folds' corpus) and tested on the held-out topics, with context.
    The corpus has one team's phrasing, so this is an optimistic, in-domain figure."""
    import tempfile
    from pathlib import Path

    from sklearn.model_selection import GroupKFold

    from felt.coach import training

    corpus = datasets.load_corpus()
    annomi = datasets.annomi_for_coach()
    labels = [e.label for e in corpus]
    groups = [e.group for e in corpus]
    predicted = [""] * len(corpus)
    for train, test in GroupKFold(n_splits=FOLDS).split(np.zeros(len(corpus)), labels, groups):
        examples = [corpus[i] for i in train]
        weights = [training.SOURCE_WEIGHTS["corpus"]] * len(examples)
        examples += annomi
        weights += [training.SOURCE_WEIGHTS["annomi"]] * len(annomi)
        examples, weights = training.with_context_free_copies(examples, weights)
        with tempfile.TemporaryDirectory() as folder:
            training.train_and_save(examples, weights, Path(folder))
            model = Model.load(Path(folder))
        for i in test:
            predicted[i] = model.classify(corpus[i].response, corpus[i].context).label
    return scores(labels, predicted, LABELS) | advice_figures(labels, predicted)


EVALUATIONS: dict[str, tuple[str, Callable[[], dict]]] = {
    "annomi4": ("AnnoMI, 4 classes, transcript-grouped 5-fold", lambda: evaluate_annomi("4")),
    "annomi7": ("AnnoMI, 7 classes, transcript-grouped 5-fold", lambda: evaluate_annomi("7")),
    "esconv": ("ESConv, 8 strategies, train split -> test split", evaluate_esconv_method),
    "shipped": ("The shipped model on ESConv test and MI gold", evaluate_shipped),
    "corpus": ("The shipped recipe on the corpus, topic-grouped 5-fold", evaluate_corpus),
}


def run(names: Sequence[str], progress: Callable[[str], None] = lambda _: None) -> dict:
    report: dict = {"baselines": BASELINES, "goals": GOALS, "results": {}}
    for name in names:
        title, function = EVALUATIONS[name]
        progress(f"{title}…")
        started = time.perf_counter()
        result = function()
        result_seconds = round(time.perf_counter() - started, 1)
        report["results"][name] = {"title": title, "seconds": result_seconds, **result}
    return report


# -- the Markdown report ------------------------------------------------------------------


def _table(result: dict) -> list[str]:
    lines = ["| class | precision | recall | F1 | support |", "|---|---:|---:|---:|---:|"]
    for name, m in result["per_class"].items():
        lines.append(
            f"| {name} | {m['precision']:.3f} | {m['recall']:.3f} | {m['f1']:.3f} "
            f"| {m['support']} |"
        )
    lines.append(f"| **macro** | | | **{result['macro_f1']:.3f}** | {result['n']} |")
    confusion = result["confusion"]
    lines += ["", "Confusion (rows: truth, columns: prediction):", ""]
    lines.append("| | " + " | ".join(confusion["columns"]) + " |")
    lines.append("|---|" + "---:|" * len(confusion["columns"]))
    for row, counts in zip(confusion["rows"], confusion["matrix"], strict=True):
        lines.append(f"| {row} | " + " | ".join(str(c) for c in counts) + " |")
    return lines


def _verdict(value: float | None, goal: float, higher_is_better: bool = True) -> str:
    if value is None:
        return "not measurable"
    met = value >= goal if higher_is_better else value <= goal
    return "met" if met else "**not met**"


def _share(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.1%}"


def markdown(report: dict) -> str:
    lines = ["# The listening coach: evaluation report", ""]
    results = report["results"]
    summary = ["| evaluation | macro-F1 | baseline | goal | |", "|---|---:|---:|---:|---|"]
    for key, name in (("annomi_4", "annomi4"), ("annomi_7", "annomi7"), ("esconv_8", "esconv")):
        if name in results:
            value = results[name]["macro_f1"]
            summary.append(
                f"| {results[name]['title']} | {value:.3f} | {BASELINES[key]:.3f} "
                f"| ≥ {GOALS[key]:.2f} | {_verdict(value, GOALS[key])} |"
            )
    if len(summary) > 2:
        lines += summary
    agreements = [
        (results[name]["title"], results[name]["agreement"])
        for name in ("annomi4", "annomi7")
        if name in results and results[name]["agreement"]["items"]
    ]
    if agreements:
        lines += [
            "",
            "On the AnnoMI utterances that several experts labelled, macro-F1 of one expert "
            "against another, and of the model (out of fold) against each expert:",
            "",
            "| evaluation | utterances | expert vs expert | model vs expert |",
            "|---|---:|---:|---:|",
        ]
        lines += [
            f"| {title} | {a['items']} | {a['expert_vs_expert']:.3f} | {a['model_vs_expert']:.3f} |"
            for title, a in agreements
        ]
    if "shipped" in results:
        lines += [
            "",
            "| shipped model on | macro-F1 | advice precision | reflections called advice or "
            "interpretation | responses in a directive form the set labels advice |",
            "|---|---:|---:|---:|---:|",
        ]
        for set_name in ("esconv_test", "mi_gold"):
            r = results["shipped"][set_name]
            precision = r["advice_precision"]
            alarm = r["reflection_false_alarm"]
            lines.append(
                f"| {set_name} | {r['macro_f1']:.3f} "
                f"| {'n/a' if precision is None else f'{precision:.3f}'} "
                f"({_verdict(precision, GOALS['advice_precision'])}, "
                f"{r['advice_called']} called advice) "
                f"| {_share(alarm)} "
                f"({_verdict(alarm, GOALS['reflection_false_alarm'], False)}, "
                f"of {r['reflections']}) "
                f"| {_share(r['directive_form_labelled_advice'])} of {r['directive_form']} |"
            )
    if "corpus" in results:
        r = results["corpus"]
        lines += [
            "",
            f"The shipped recipe on the corpus (9 categories, held-out topics): macro-F1 "
            f"{r['macro_f1']:.3f}, advice precision {r['advice_precision']:.3f}, "
            f"reflections called advice or interpretation {r['reflection_false_alarm']:.1%}.",
        ]
    for name, result in results.items():
        lines += ["", f"## {result['title']}", "", f"Took {result['seconds']} s.", ""]
        if name == "shipped":
            for set_name in ("esconv_test", "mi_gold"):
                r = result[set_name]
                lines += [
                    f"### {set_name} ({r['left_out']} responses left out: no counterpart)",
                    "",
                    *_table(r),
                    "",
                ]
        else:
            if "folds" in result:
                lines += [
                    "Macro-F1 per fold: " + ", ".join(f"{f:.3f}" for f in result["folds"]),
                    "",
                ]
            lines += _table(result)
    return "\n".join(lines) + "\n"
