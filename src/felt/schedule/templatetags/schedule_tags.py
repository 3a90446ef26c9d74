"""Words for schedules in templates: weekday names, time zones as people say them, and the
schedule's summary on a partnership's page."""

from django import template
from django.utils import timezone
from django.utils.dates import WEEKDAYS

from felt.partnerships.models import Partnership
from felt.schedule import selectors, services

register = template.Library()


@register.filter
def weekday_name(number) -> str:
    return str(WEEKDAYS.get(number, ""))


@register.filter
def zone_label(zone_name: str) -> str:
    return services.zone_label(zone_name or "")


@register.inclusion_tag("schedule/_partnership_summary.html", takes_context=True)
def schedule_summary(context, partnership: Partnership):
    """The regular time and the next session, for the partnership's own page."""
    member = context["request"].user
    schedule = selectors.schedule_of(partnership=partnership)
    upcoming = selectors.upcoming_of(partnership=partnership, now=timezone.now(), limit=1)
    proposal = selectors.open_proposal_of(partnership=partnership)
    return {
        "partnership": partnership,
        "viewer": member,
        "active": partnership.status == Partnership.Status.ACTIVE,
        "rhythm": selectors.rhythm_in_force(schedule=schedule),
        "paused": schedule is not None and schedule.paused,
        "next": upcoming[0] if upcoming else None,
        "proposal": proposal,
        "proposal_is_for_viewer": proposal is not None and proposal.proposed_by_id != member.pk,
    }
