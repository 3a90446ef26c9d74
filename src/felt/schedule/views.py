"""Pages for a partnership's schedule, one session, a member's calendar link and reminders.

Each view finds the partnership through `get_partnership_for`, which answers 404 to anyone
but the two partners, then reads with a selector or calls a service. A refused change comes
back as the same page with one sentence, and nothing changed.
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from felt.core.errors import FeltError
from felt.partnerships import selectors as partnership_selectors
from felt.partnerships.models import Partnership

from . import forms, occurrences, selectors, services
from .models import ReminderPreference


def _partnership(request, pk: int) -> Partnership:
    return partnership_selectors.get_partnership_for(member=request.user, pk=pk)


def _proposal_initial(member, rhythm) -> dict:
    if rhythm is not None:
        return {
            "weekday": rhythm.weekday,
            "time": rhythm.time,
            "length": rhythm.length,
            "cadence": rhythm.interval_weeks,
            "time_zone": rhythm.time_zone,
        }
    return {
        "weekday": 0,
        "time": "18:00",
        "length": 60,
        "cadence": 1,
        "time_zone": member.time_zone,
    }


def _schedule_page(request, partnership, *, form=None, problem=None, status=200):
    member = request.user
    now = timezone.now()
    schedule = selectors.schedule_of(partnership=partnership)
    in_force = selectors.rhythm_in_force(schedule=schedule)
    latest = selectors.latest_rhythm(schedule=schedule)
    upcoming = selectors.upcoming_of(partnership=partnership, now=now)
    proposal = selectors.open_proposal_of(partnership=partnership)
    context = {
        "partnership": partnership,
        "partner": partnership.partner_of(member),
        "active": partnership.status == Partnership.Status.ACTIVE,
        "schedule": schedule,
        "rhythm": in_force,
        "paused_rhythm": latest if schedule is not None and schedule.paused else None,
        "proposal": proposal,
        "proposal_first": proposal and selectors.first_start_of(proposal=proposal, now=now),
        "upcoming": [(occurrence, occurrence.joinable(now)) for occurrence in upcoming],
        "skipped": selectors.skipped_of(partnership=partnership, now=now),
        "form": form or forms.ProposalForm(initial=_proposal_initial(member, latest)),
        "problem": problem,
    }
    return render(request, "schedule/schedule.html", context, status=status)


@login_required
@require_GET
def schedule(request, pk):
    return _schedule_page(request, _partnership(request, pk))


@login_required
@require_POST
def propose(request, pk):
    partnership = _partnership(request, pk)
    form = forms.ProposalForm(request.POST)
    if not form.is_valid():
        return _schedule_page(
            request, partnership, form=form, problem=forms.first_problem(form), status=400
        )
    data = form.cleaned_data
    try:
        services.propose_schedule(
            partnership=partnership,
            member=request.user,
            weekday=data["weekday"],
            at=data["time"],
            length=data["length"],
            interval=data["cadence"],
            time_zone=data["time_zone"],
            starts_on=data["starts_on"],
        )
    except FeltError as error:
        return _schedule_page(request, partnership, form=form, problem=error.message, status=400)
    messages.success(
        request,
        _("Your proposal is on its way to %(name)s; it becomes your regular time once accepted.")
        % {"name": partnership.partner_of(request.user).display_name},
    )
    return redirect("schedule:schedule", pk=partnership.pk)


def _act(request, pk, service, *, done: str, **arguments):
    """Run one change to a partnership's schedule; on refusal, show the page with why."""
    partnership = _partnership(request, pk)
    try:
        service(partnership=partnership, member=request.user, **arguments)
    except FeltError as error:
        return _schedule_page(request, partnership, problem=error.message, status=400)
    messages.success(request, done)
    return redirect("schedule:schedule", pk=partnership.pk)


@login_required
@require_POST
def accept(request, pk, proposal_pk):
    return _act(
        request,
        pk,
        services.accept_proposal,
        proposal_id=proposal_pk,
        done=_("Accepted. This is your regular time now."),
    )


@login_required
@require_POST
def decline(request, pk, proposal_pk):
    return _act(
        request,
        pk,
        services.decline_proposal,
        proposal_id=proposal_pk,
        done=_("You have declined the proposal. You can propose another time whenever you like."),
    )


@login_required
@require_POST
def withdraw(request, pk, proposal_pk):
    return _act(
        request,
        pk,
        services.withdraw_proposal,
        proposal_id=proposal_pk,
        done=_("Your proposal is withdrawn."),
    )


@login_required
@require_POST
def pause(request, pk):
    return _act(
        request,
        pk,
        services.pause_schedule,
        done=_("Your regular time is paused. Resume it whenever you are both ready."),
    )


@login_required
@require_POST
def resume(request, pk):
    return _act(
        request,
        pk,
        services.resume_schedule,
        done=_("Your regular time is back, from its next session."),
    )


# -- one session ---------------------------------------------------------------------------


def _occurrence_page(request, partnership, key, *, form=None, problem=None, status=200):
    occurrence = selectors.occurrence_in(partnership=partnership, key=key)
    if occurrence is None:
        if status == 200:
            # An old link (from an email, say) to a session skipped or changed since.
            messages.info(
                request,
                _(
                    "That session is no longer in your schedule; it may have been skipped or changed."
                ),
            )
            return redirect("schedule:schedule", pk=partnership.pk)
        # A refused change to a session that is gone: say so on the schedule page instead.
        return _schedule_page(request, partnership, problem=problem, status=status)
    member = request.user
    now = timezone.now()
    if form is None:
        wall = occurrences.local(occurrence.start, member.time_zone)
        form = forms.MoveForm(initial={"day": wall.date(), "time": wall.time()})
    return render(
        request,
        "schedule/occurrence.html",
        {
            "partnership": partnership,
            "partner": partnership.partner_of(member),
            "occurrence": occurrence,
            "joinable": occurrence.joinable(now),
            "begun": occurrence.begun(now),
            "over": occurrence.over(now),
            "form": form,
            "problem": problem,
        },
        status=status,
    )


@login_required
@require_GET
def occurrence(request, pk, key):
    return _occurrence_page(request, _partnership(request, pk), key)


@login_required
@require_GET
def now(request, pk):
    """The link in calendars: the session open now, or the next one, or the schedule."""
    partnership = _partnership(request, pk)
    upcoming = selectors.upcoming_of(partnership=partnership, now=timezone.now(), limit=1)
    if upcoming:
        return redirect("schedule:occurrence", pk=partnership.pk, key=upcoming[0].key)
    messages.info(request, _("There is no session planned just now."))
    return redirect("schedule:schedule", pk=partnership.pk)


@login_required
@require_POST
def skip(request, pk, key):
    partnership = _partnership(request, pk)
    try:
        services.skip_occurrence(partnership=partnership, member=request.user, key=key)
    except FeltError as error:
        return _occurrence_page(request, partnership, key, problem=error.message, status=400)
    messages.success(
        request,
        _("That session is skipped; %(name)s sees it too.")
        % {"name": partnership.partner_of(request.user).display_name},
    )
    return redirect("schedule:schedule", pk=partnership.pk)


@login_required
@require_POST
def restore(request, pk, key):
    partnership = _partnership(request, pk)
    try:
        services.restore_occurrence(partnership=partnership, member=request.user, key=key)
    except FeltError as error:
        return _schedule_page(request, partnership, problem=error.message, status=400)
    messages.success(request, _("That session is back at its usual time."))
    return redirect("schedule:schedule", pk=partnership.pk)


@login_required
@require_POST
def move(request, pk, key):
    partnership = _partnership(request, pk)
    form = forms.MoveForm(request.POST)
    if not form.is_valid():
        return _occurrence_page(
            request, partnership, key, form=form, problem=forms.first_problem(form), status=400
        )
    try:
        services.move_occurrence(
            partnership=partnership,
            member=request.user,
            key=key,
            day=form.cleaned_data["day"],
            at=form.cleaned_data["time"],
        )
    except FeltError as error:
        return _occurrence_page(
            request, partnership, key, form=form, problem=error.message, status=400
        )
    messages.success(
        request,
        _("The session is moved; %(name)s sees the new time too.")
        % {"name": partnership.partner_of(request.user).display_name},
    )
    return redirect("schedule:schedule", pk=partnership.pk)


@login_required
@require_POST
def join(request, pk, key):
    partnership = _partnership(request, pk)
    try:
        session = services.join_occurrence(partnership=partnership, member=request.user, key=key)
    except FeltError as error:
        return _occurrence_page(request, partnership, key, problem=error.message, status=400)
    return redirect("room:room", session.pk)


# -- the dashboard's list ------------------------------------------------------------------


@login_required
@require_GET
def next_sessions(request):
    """The dashboard's "next sessions", again: htmx asks every minute, so a join button
    appears when the room opens without anyone reloading."""
    return render(
        request,
        "schedule/_next_sessions.html",
        {"next_sessions": selectors.next_sessions_of(member=request.user, now=timezone.now())},
    )


# -- a member's calendar link and reminders --------------------------------------------------


def _settings_page(request, *, link=None, form=None, problem=None, status=200):
    member = request.user
    return render(
        request,
        "schedule/settings.html",
        {
            "form": form
            or forms.ReminderForm(
                initial={"lead_minutes": selectors.reminder_lead_of(member=member)}
            ),
            "has_feed": selectors.has_calendar_feed(member=member),
            "link": link,
            "webcal_link": link.replace("https://", "webcal://").replace("http://", "webcal://")
            if link
            else None,
            "problem": problem,
            "Lead": ReminderPreference.Lead,
        },
        status=status,
    )


@login_required
@require_GET
def settings_page(request):
    return _settings_page(request)


@login_required
@require_POST
def reminders(request):
    form = forms.ReminderForm(request.POST)
    if not form.is_valid():
        return _settings_page(request, form=form, problem=forms.first_problem(form), status=400)
    try:
        services.set_reminder_lead(member=request.user, minutes=form.cleaned_data["lead_minutes"])
    except FeltError as error:
        return _settings_page(request, form=form, problem=error.message, status=400)
    messages.success(request, _("Your reminders are set."))
    return redirect("schedule:settings")


@login_required
@require_POST
def calendar_renew(request):
    token = services.renew_calendar_feed(member=request.user)
    # The secret is shown this once; only its hash is kept.
    link = settings.FELT_BASE_URL + reverse("schedule:calendar", args=[token])
    return _settings_page(request, link=link)


@login_required
@require_POST
def calendar_revoke(request):
    try:
        services.revoke_calendar_feed(member=request.user)
    except FeltError as error:
        return _settings_page(request, problem=error.message, status=400)
    messages.success(request, _("Your calendar link is turned off; it no longer shows anything."))
    return redirect("schedule:settings")


@require_GET
def calendar(request, token):
    """A member's calendar, for calendar apps: the secret in the link is the only key."""
    member = selectors.member_for_feed_token(token=token)
    if member is None:
        raise Http404("No such calendar.")
    response = HttpResponse(
        selectors.calendar_of(member=member, now=timezone.now()),
        content_type="text/calendar; charset=utf-8",
    )
    response["Content-Disposition"] = 'inline; filename="felt.ics"'
    response["Cache-Control"] = "private, no-cache"
    response["X-Robots-Tag"] = "noindex"
    return response
