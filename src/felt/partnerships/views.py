"""Pages for invitations and partnerships. Each view reads with a selector or calls a service."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.html import escape
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from felt.core.errors import FeltError

from . import selectors, services
from .models import Partnership


@login_required
def invite(request):
    context = {"link": None}
    if request.method == "POST":
        try:
            invitation, token = services.create_invitation(inviter=request.user)
        except FeltError as error:
            messages.error(request, error.message)
        else:
            # The secret is shown this once; only its hash is kept.
            context["link"] = settings.FELT_BASE_URL + reverse(
                "partnerships:invitation", args=[token]
            )
            context["expires_at"] = invitation.expires_at
    context["open_invitations"] = selectors.open_invitations_of(member=request.user)
    return render(request, "partnerships/invite.html", context)


def _unknown_invitation(request):
    return render(request, "partnerships/invitation_unknown.html", status=404)


def _invitation_page(request, *, invitation, token, problem=None, status=200):
    return render(
        request,
        "partnerships/invitation.html",
        {"invitation": invitation, "token": token, "problem": problem},
        status=status,
    )


def invitation(request, token):
    found = selectors.invitation_for_token(token=token)
    if found is None:
        return _unknown_invitation(request)
    problem = None
    try:
        if request.user.is_authenticated:
            services.check_can_accept(invitation=found, member=request.user)
        else:
            services.check_invitation_open(invitation=found)
    except FeltError as error:
        problem = error.message
    return _invitation_page(request, invitation=found, token=token, problem=problem)


@require_POST
@login_required
def accept_invitation(request, token):
    found = selectors.invitation_for_token(token=token)
    if found is None:
        return _unknown_invitation(request)
    try:
        partnership = services.accept_invitation(token=token, member=request.user)
    except FeltError as error:
        return _invitation_page(
            request, invitation=found, token=token, problem=error.message, status=400
        )
    messages.success(
        request,
        _("You and %(name)s are now partners. Welcome!") % {"name": found.inviter.display_name},
    )
    return redirect("partnerships:detail", pk=partnership.pk)


@require_POST
@login_required
def decline_invitation(request, token):
    found = selectors.invitation_for_token(token=token)
    if found is None:
        return _unknown_invitation(request)
    try:
        services.decline_invitation(token=token, member=request.user)
    except FeltError as error:
        return _invitation_page(
            request, invitation=found, token=token, problem=error.message, status=400
        )
    messages.success(request, _("You have declined the invitation. Nothing else needs doing."))
    return redirect("web:dashboard")


@login_required
def partnership_list(request):
    return render(
        request,
        "partnerships/list.html",
        {"partnerships": selectors.partnerships_of(member=request.user)},
    )


@login_required
def partnership_detail(request, pk):
    member = request.user
    partnership = selectors.get_partnership_for(member=member, pk=pk)
    partner = partnership.partner_of(member)
    return render(
        request,
        "partnerships/detail.html",
        {
            "partnership": partnership,
            "partner": partner,
            "time_owed": selectors.time_owed_in_words(partnership=partnership, viewer=member),
            "history": selectors.session_history(partnership=partnership, viewer=member),
            "has_blocked": selectors.has_blocked(blocker=member, blocked=partner),
            "Status": Partnership.Status,
            "ways_to_meet": Partnership.WayToMeet.choices,
        },
    )


def _change(request, pk, service, done: str):
    """Run one status change on a partnership of the member; on refusal, say why."""
    partnership = selectors.get_partnership_for(member=request.user, pk=pk)
    try:
        service(partnership=partnership, member=request.user)
    except FeltError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, done)
    return redirect("partnerships:detail", pk=partnership.pk)


@require_POST
@login_required
def pause(request, pk):
    return _change(
        request,
        pk,
        services.pause_partnership,
        _("Your partnership is paused. Resume it whenever you are both ready."),
    )


@require_POST
@login_required
def resume(request, pk):
    return _change(request, pk, services.resume_partnership, _("Your partnership is active again."))


@require_POST
@login_required
def end(request, pk):
    return _change(
        request,
        pk,
        services.end_partnership,
        _("Your partnership has ended. Thank you for the listening you shared."),
    )


_WAY_CHOSEN = {
    "video": lambda: _("From now on you meet by video, in Felt's session room."),
    "audio": lambda: _("From now on you meet by audio only, in Felt's session room."),
    "phone": lambda: _(
        "From now on you meet by phone; the session room keeps the turns and the time."
    ),
    "in_person": lambda: _(
        "From now on you meet in person; the session room keeps the turns and the time."
    ),
}


@require_POST
@login_required
def way_to_meet(request, pk):
    partnership = selectors.get_partnership_for(member=request.user, pk=pk)
    try:
        services.set_way_to_meet(
            partnership=partnership, member=request.user, way=request.POST.get("way", "")
        )
    except FeltError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _WAY_CHOSEN[partnership.way_to_meet]())
    return redirect("partnerships:detail", pk=partnership.pk)


@require_POST
@login_required
def block(request, pk):
    partnership = selectors.get_partnership_for(member=request.user, pk=pk)
    partner = partnership.partner_of(request.user)
    try:
        services.block_member(blocker=request.user, blocked=partner)
    except FeltError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _(
                "You have blocked %(name)s: you will not be invited or matched together again, "
                "and any partnership between you has ended."
            )
            % {"name": partner.display_name},
        )
    return redirect("partnerships:detail", pk=partnership.pk)


@require_POST
@login_required
def acknowledge_ending(request, pk):
    partnership = selectors.get_partnership_for(member=request.user, pk=pk)
    try:
        services.acknowledge_ending(partnership=partnership, member=request.user)
    except FeltError as error:
        if request.htmx:
            return HttpResponse(
                f'<p class="message error" role="alert">{escape(error.message)}</p>'
            )
        messages.error(request, error.message)
        return redirect("web:dashboard")
    if request.htmx:
        # The notice simply goes away; the rest of the page stays as it is.
        return HttpResponse("")
    return redirect("web:dashboard")
