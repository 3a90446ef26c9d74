from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from felt.core.errors import FeltError
from felt.partnerships import selectors as partnership_selectors

from . import selectors, services


@login_required
@require_POST
def start(request, partnership_pk: int):
    partnership = partnership_selectors.get_partnership_for(member=request.user, pk=partnership_pk)
    try:
        session = services.start_session(partnership=partnership, member=request.user)
    except FeltError as error:
        messages.error(request, error.message)
        return redirect("partnerships:detail", partnership.pk)
    return redirect("room:room", session.pk)


@login_required
def room(request, pk: int):
    session = selectors.get_session_for(member=request.user, pk=pk)
    partnership = session.partnership
    you = services.role_of(partnership=partnership, member=request.user)
    return render(
        request,
        "room/room.html",
        {
            "session": session,
            "partnership": partnership,
            "you": you,
            "partner": partnership.partner_of(request.user),
            "names": {
                "a": partnership.member_a.display_name,
                "b": partnership.member_b.display_name,
            },
        },
    )
