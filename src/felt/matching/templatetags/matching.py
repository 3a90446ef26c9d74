"""The partner directory on the home page: `{% load matching %}{% pending_proposals %}`."""

from django import template
from django.utils import timezone

from felt.matching import selectors

register = template.Library()


@register.inclusion_tag("matching/_dashboard_proposals.html", takes_context=True)
def pending_proposals(context):
    """The member's open proposals and those closed in the last week, and whether they are
    looking; for a visitor who is not logged in, nothing."""
    member = context["request"].user
    if not member.is_authenticated:
        return {"proposals": [], "looking": False}
    profile = selectors.profile_of(member=member)
    return {
        "request": context["request"],
        "proposals": selectors.proposals_seen_by(member=member, now=timezone.now()),
        "looking": profile is not None and profile.is_looking,
    }
