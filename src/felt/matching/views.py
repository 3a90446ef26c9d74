"""Pages of the partner directory. Each view reads with a selector or calls a service.

Every page checks who asks: a proposal exists only for its two members (anyone else gets the
same "not found" as for a proposal that never existed), and the staff pages only for staff.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from felt.core.errors import FeltError

from . import forms, selectors, services
from .models import MatchingRound


def _directory_page(request, *, values, problem=None, status=200):
    member = request.user
    profile = selectors.profile_of(member=member)
    context = {
        "profile": profile,
        "problem": problem,
        "proposals": selectors.proposals_seen_by(member=member, now=timezone.now()),
        **forms.form_context(values),
    }
    return render(request, "matching/directory.html", context, status=status)


@login_required
def directory(request):
    """The member's directory profile, whether they are looking, and their proposals."""
    if request.method == "POST":
        given = forms.profile_input(request.POST)
        try:
            services.save_profile(member=request.user, given=given)
        except FeltError as error:
            # Show back what was sent, with the one problem: nothing was saved.
            return _directory_page(
                request, values=forms.values_sent(given), problem=error.message, status=400
            )
        messages.success(request, _("Your directory profile is saved."))
        return redirect("matching:directory")
    profile = selectors.profile_of(member=request.user)
    return _directory_page(request, values=forms.values_of(profile=profile, member=request.user))


def _change(request, service, done: str):
    try:
        service(member=request.user)
    except FeltError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, done)
    return redirect("matching:directory")


@require_POST
@login_required
def join(request):
    return _change(
        request,
        services.join_directory,
        _(
            "You are in the partner directory. When a round finds you a possible partner, "
            "we'll email you and show the proposal on your home page."
        ),
    )


@require_POST
@login_required
def pause(request):
    return _change(
        request,
        services.pause_looking,
        _("Looking is paused: no new proposals until you resume. Your profile is kept."),
    )


@require_POST
@login_required
def resume(request):
    return _change(request, services.resume_looking, _("You are looking for a partner again."))


@require_POST
@login_required
def leave(request):
    return _change(
        request,
        services.leave_directory,
        _("You have left the partner directory. Your profile is kept in case you come back."),
    )


@require_POST
@login_required
def delete(request):
    services.delete_profile(member=request.user)
    messages.success(request, _("Your directory profile is deleted."))
    return redirect("matching:directory")


def _unknown_proposal(request):
    return render(
        request,
        "matching/proposal_unknown.html",
        {"sentence": services.proposal_not_found()},
        status=404,
    )


@login_required
def proposal(request, pk):
    found = selectors.proposal_for(member=request.user, proposal_id=pk)
    if found is None:
        return _unknown_proposal(request)
    seen = selectors.proposal_seen_by(proposal=found, viewer=request.user, now=timezone.now())
    return render(request, "matching/proposal.html", {"seen": seen})


def _answer(request, pk, service, done):
    if selectors.proposal_for(member=request.user, proposal_id=pk) is None:
        return _unknown_proposal(request)
    try:
        answered = service(proposal_id=pk, member=request.user)
    except FeltError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, done(answered))
    return redirect("matching:proposal", pk=pk)


@require_POST
@login_required
def accept(request, pk):
    def done(answered):
        other = answered.partner_of(request.user).display_name
        if answered.partnership_id:
            return _("You and %(name)s are now partners. Welcome!") % {"name": other}
        return _("Thank you. We'll let you know as soon as %(name)s has answered.") % {
            "name": other
        }

    return _answer(request, pk, services.accept_proposal, done)


@require_POST
@login_required
def decline(request, pk):
    return _answer(
        request,
        pk,
        services.decline_proposal,
        lambda answered: _(
            "You have declined. No reason is needed, and we won't propose you two again."
        ),
    )


def _staff_only(request):
    # Staff pages do not exist for anyone else.
    if not request.user.is_staff:
        raise Http404("Not found.")


@login_required
def rounds(request):
    _staff_only(request)
    recent = MatchingRound.objects.select_related("started_by")[:20]
    return render(
        request,
        "matching/rounds.html",
        {
            "rounds": [(round_, services.round_summary(round_)) for round_ in recent],
            "looking": selectors.looking_profiles().count(),
        },
    )


@require_POST
@login_required
def run_round(request):
    _staff_only(request)
    round_ = services.run_round(started_by=request.user)
    messages.success(request, services.round_summary(round_))
    return redirect("matching:rounds")
