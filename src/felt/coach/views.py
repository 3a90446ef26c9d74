"""Practice mode's pages: answer a focuser's statement, hear the coach, see your own history.

Every view serves only the logged-in member who asks, about their own practice. What they type
arrives by POST only (never in a URL, which servers log), is never stored, never logged, and is
hidden from error reports; the page that shows it back is never cached.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST

from felt.core.errors import FeltError

from . import selectors, services
from .forms import PracticeForm
from .practice import THEMES, Feedback, statement_after, statement_by_id


def _shown(feedback: Feedback | None) -> dict | None:
    """The coach's feedback in the member's language (practice.py only marks its texts)."""
    if feedback is None:
        return None
    return {
        "label": feedback.label,
        "is_reflection": feedback.is_reflection,
        "name": _(feedback.kind.name),
        "why": _(feedback.kind.why),
        "example": _(feedback.example) if feedback.example else None,
    }


def _exercise_context(*, statement, response="", feedback=None, problem=None) -> dict:
    return {
        "statement": statement,
        "statement_text": _(statement.text),
        "theme": _(THEMES[statement.theme]),
        "next_statement": statement_after(statement),
        "response": response,
        "feedback": _shown(feedback),
        "problem": problem,
    }


@never_cache
@login_required
@sensitive_post_parameters("response")
@require_http_methods(["GET", "POST"])
def practice(request):
    member = request.user
    if request.method == "POST":
        form = PracticeForm(request.POST)
        typed = request.POST.get("response", "")
        feedback = problem = None
        try:
            if not form.is_valid():
                raise FeltError(
                    _(
                        "Your answer did not arrive as we expect, so nothing was changed; "
                        "please try again."
                    )
                )
            feedback = services.hear_response(
                member=member,
                statement_id=form.cleaned_data["statement"],
                response=form.cleaned_data["response"],
            )
        except FeltError as error:
            problem = error.message
        statement = (
            feedback.statement
            if feedback
            else statement_by_id(request.POST.get("statement", ""))
            or selectors.statement_to_show(statement_id=None)[0]
        )
        context = _exercise_context(
            statement=statement, response=typed, feedback=feedback, problem=problem
        )
    else:
        statement, known = selectors.statement_to_show(statement_id=request.GET.get("statement"))
        context = _exercise_context(statement=statement)
        if not known:
            context["notice"] = _(
                "We don\u2019t have that statement, so here is another one to practise with."
            )
    # A refusal is answered like any other (htmx swaps only a 2xx answer): the page again, with
    # one sentence by the box, and nothing changed.
    if request.htmx:
        return render(request, "coach/_exercise.html", context | {"swapped": True})
    context["keeps_history"] = selectors.keeps_history(member=member)
    return render(request, "coach/practice.html", context)


@never_cache
@login_required
@require_http_methods(["GET"])
def history(request):
    member = request.user
    return render(
        request,
        "coach/history.html",
        {
            "keeps_history": selectors.keeps_history(member=member),
            "history": selectors.history_of(member=member),
        },
    )


@login_required
@require_POST
def history_keep(request):
    try:
        keep = services.check_keep_choice(value=request.POST.get("keep"))
    except FeltError as error:
        messages.error(request, error.message)
        return redirect("coach:history")
    services.set_keep_history(member=request.user, keep=keep)
    if keep:
        messages.success(
            request,
            _(
                "Felt now keeps your practice history: for each answer, which statement, the "
                "kind of response the coach heard, and when. Never your words."
            ),
        )
    else:
        messages.success(
            request,
            _(
                "Felt no longer adds to your practice history. What was kept stays here until "
                "you delete it."
            ),
        )
    return redirect("coach:history")


@login_required
@require_POST
def history_delete(request):
    deleted = services.delete_history(member=request.user)
    if deleted:
        messages.success(request, _("Your practice history is deleted, every answer of it."))
    else:
        messages.success(request, _("There was no practice history to delete."))
    return redirect("coach:history")
