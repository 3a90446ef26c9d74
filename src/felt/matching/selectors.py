"""Reading the partner directory and its proposals. Nothing here writes.

Privacy lives here as much as in the views: a proposal is found only for one of its two
members, the other's directory profile is read only while the proposal is open or accepted,
and contact details only once both have accepted.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta

import numpy as np
from django.db.models import Q, QuerySet
from django.utils import formats
from django.utils.dates import WEEKDAYS
from django.utils.translation import gettext as _

from felt.partnerships.models import Block, Partnership

from . import engine
from .availability import SLOT, SLOT_MINUTES, SLOTS_PER_DAY, Horizon, weekly_pattern, windows_of
from .languages import name_of
from .models import MatchingProfile, Proposal

RECENT = timedelta(days=7)


def profile_of(*, member) -> MatchingProfile | None:
    return MatchingProfile.objects.filter(member=member).first()


def looking_profiles() -> QuerySet[MatchingProfile]:
    """Profiles of members who opted in, are not pausing, and can be written to."""
    return MatchingProfile.objects.filter(
        in_directory=True,
        looking_paused=False,
        member__is_active=True,
        member__email_verified_at__isnull=False,
    )


def _of_member(member) -> Q:
    return Q(member_a=member) | Q(member_b=member)


def pending_proposals_of(*, member) -> QuerySet[Proposal]:
    """Proposals of the member not yet closed, expired or not."""
    return Proposal.objects.filter(_of_member(member), status=Proposal.Status.PENDING)


def recent_proposals_of(*, member, now: datetime) -> QuerySet[Proposal]:
    """The member's open proposals and those closed within the last week, newest first."""
    return (
        Proposal.objects.filter(_of_member(member))
        .filter(Q(status=Proposal.Status.PENDING) | Q(closed_at__gt=now - RECENT))
        .select_related("member_a", "member_b")
    )


def members_with_pending_proposal(*, now: datetime) -> set[int]:
    ids: set[int] = set()
    pending = Proposal.objects.filter(status=Proposal.Status.PENDING, expires_at__gt=now)
    for first, second in pending.values_list("member_a_id", "member_b_id").iterator():
        ids.add(first)
        ids.add(second)
    return ids


def seekers_for_round(*, now: datetime) -> list[engine.Seeker]:
    """Everyone looking, without a proposal waiting, as the engine's seekers."""
    busy = members_with_pending_proposal(now=now)
    rows = looking_profiles().values_list(
        "member_id",
        "member__time_zone",
        "availability",
        "languages",
        "ways",
        "area",
        "cadence",
        "experience",
        "profession",
        "helpers_only",
        "session_minutes",
    )
    helpers = set(MatchingProfile.Profession.values) - {
        MatchingProfile.Profession.NOT_HELPING,
        MatchingProfile.Profession.UNSAID,
    }
    seekers = []
    for (
        member_id,
        time_zone,
        windows,
        languages,
        ways,
        area,
        cadence,
        experience,
        profession,
        helpers_only,
        session_minutes,
    ) in rows.iterator(chunk_size=2000):
        if member_id in busy:
            continue
        seekers.append(
            engine.Seeker(
                id=member_id,
                time_zone=time_zone,
                availability=frozenset(
                    day * SLOTS_PER_DAY + slot
                    for day, first, after in windows
                    for slot in range(first, after)
                ),
                languages=frozenset(languages),
                ways=frozenset(ways),
                area=area,
                cadence=cadence,
                experience=experience,
                helper=profession in helpers,
                helpers_only=helpers_only,
                session_minutes=session_minutes,
            )
        )
    return seekers


def pairs_never_to_propose(*, member_ids: set[int]) -> set[tuple[int, int]]:
    """Pairs among `member_ids` to leave out: proposed before (whatever the answer), either
    has blocked the other, or partners now or ever."""
    pairs: set[tuple[int, int]] = set()
    sources = (
        Proposal.objects.values_list("member_a_id", "member_b_id"),
        Block.objects.values_list("blocker_id", "blocked_id"),
        Partnership.objects.values_list("member_a_id", "member_b_id"),
    )
    for rows in sources:
        for first, second in rows.iterator(chunk_size=5000):
            if first in member_ids and second in member_ids and first != second:
                pairs.add((min(first, second), max(first, second)))
    return pairs


def proposal_for(*, member, proposal_id, lock: bool = False) -> Proposal | None:
    """The proposal, if `member` is one of its two members; for anyone else it does not exist."""
    try:
        pk = int(str(proposal_id))
    except ValueError:
        return None
    proposals = Proposal.objects.select_related("member_a", "member_b")
    if lock:
        proposals = proposals.select_for_update(of=("self",))
    return proposals.filter(_of_member(member), pk=pk).first()


# -- a proposal, as one of its members sees it ----------------------------------------------


@dataclass(frozen=True)
class ProposalSeen:
    proposal: Proposal
    other: object  # the other Member
    # The other's directory profile: only while the proposal is open or once accepted.
    profile: MatchingProfile | None
    is_open: bool  # can still be answered
    accepted_by_viewer: bool
    partners: bool  # both accepted
    closed_sentence: str  # why it is closed, kindly; "" while open or accepted
    languages: list[str]
    ways: list[str]
    session_minutes: int
    zone: str
    weekly_times: list[str]  # in the viewer's zone, holding in every week ahead
    shifting_times: list[str]  # when no weekly time holds: the next two weeks, by date
    first_session_times: list[str]  # once accepted: the coming week's times, by date
    contact_email: str  # once both accepted


def _time_words(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _weekly_window_words(day: int, first: int, after: int) -> str:
    return _("%(day)s %(start)s–%(end)s") % {
        "day": WEEKDAYS[day],
        "start": _time_words(first * SLOT_MINUTES),
        "end": _time_words(after * SLOT_MINUTES),
    }


def _interval_words(start: datetime, end: datetime, tz) -> str:
    local_start, local_end = start.astimezone(tz), end.astimezone(tz)
    next_day = local_start.date() + timedelta(days=1)
    to_midnight = local_end.date() == next_day and local_end.time() == time(0)
    if local_start.date() == local_end.date() or to_midnight:
        return _("%(day)s, %(start)s–%(end)s") % {
            "day": formats.date_format(local_start, "l j F"),
            "start": local_start.strftime("%H:%M"),
            "end": "24:00" if to_midnight else local_end.strftime("%H:%M"),
        }
    return _("%(start)s to %(end)s") % {
        "start": formats.date_format(local_start, "l j F, H:i"),
        "end": formats.date_format(local_end, "l j F, H:i"),
    }


def _intervals(proposal: Proposal) -> list[tuple[datetime, datetime]]:
    return [
        (datetime.fromisoformat(start).astimezone(UTC), datetime.fromisoformat(end).astimezone(UTC))
        for start, end in proposal.overlap
    ]


def _ceil_to_slot(moment: datetime) -> datetime:
    moment = moment.astimezone(UTC).replace(second=0, microsecond=0)
    extra = moment.minute % SLOT_MINUTES
    return moment + timedelta(minutes=(SLOT_MINUTES - extra) % SLOT_MINUTES) if extra else moment


def _times_ahead(
    intervals, *, now: datetime, session: timedelta, within: timedelta
) -> list[tuple[datetime, datetime]]:
    """The shared stretches still long enough for a session, from now, within `within`."""
    ahead = []
    earliest = _ceil_to_slot(now)
    for start, end in intervals:
        start = max(start, earliest)
        if end - start >= session and start < now + within:
            ahead.append((start, end))
    return ahead


def _weekly_times(proposal: Proposal, zone_name: str) -> list[str]:
    horizon = Horizon(start=proposal.horizon_start.astimezone(UTC), weeks=proposal.horizon_weeks)
    bits = np.zeros(horizon.slots, dtype=bool)
    for start, end in _intervals(proposal):
        first = int((start - horizon.start) / SLOT)
        after = int((end - horizon.start) / SLOT)
        bits[max(first, 0) : max(min(after, horizon.slots), 0)] = True
    pattern = weekly_pattern(bits, zone_name, horizon)
    return [_weekly_window_words(*window) for window in windows_of(pattern)]


def _way_words(ways: list[str], area: str) -> list[str]:
    words = {
        "video": _("by video, in Felt"),
        "phone": _("by phone"),
        "in_person": _("in person, in %(area)s") % {"area": area} if area else _("in person"),
    }
    return [words[way] for way in engine.WAYS if way in ways]


def proposal_seen_by(*, proposal: Proposal, viewer, now: datetime) -> ProposalSeen:
    other = proposal.partner_of(viewer)
    tz = viewer.zone
    zone_name = tz.key
    is_open = proposal.status == Proposal.Status.PENDING and proposal.expires_at > now
    partners = proposal.status == Proposal.Status.ACCEPTED
    # Read through the relation, so a caller that selected it already makes no query.
    profile = getattr(other, "matching_profile", None) if (is_open or partners) else None
    closed_sentence = ""
    if not (is_open or partners):
        if proposal.status == Proposal.Status.DECLINED:
            closed_sentence = _(
                "This proposal will not go ahead. That is no judgement on anyone; you are "
                "welcome in the next rounds."
            )
        elif proposal.status == Proposal.Status.WITHDRAWN:
            closed_sentence = _(
                "This proposal was withdrawn, so it will not go ahead. You are welcome in the "
                "next rounds."
            )
        else:
            closed_sentence = _(
                "This proposal expired before both of you had answered, so it will not go ahead."
            )
    session = timedelta(minutes=proposal.session_minutes)
    intervals = _intervals(proposal)
    weekly = _weekly_times(proposal, zone_name) if (is_open or partners) else []
    shifting = []
    if (is_open or partners) and not weekly:
        shifting = [
            _interval_words(start, end, tz)
            for start, end in _times_ahead(intervals, now=now, session=session, within=2 * RECENT)
        ]
    first_session = []
    if partners:
        ahead = _times_ahead(intervals, now=now, session=session, within=RECENT)
        if not ahead:
            ahead = _times_ahead(intervals, now=now, session=session, within=6 * RECENT)[:3]
        first_session = [_interval_words(start, end, tz) for start, end in ahead]
    area = profile.area if profile is not None else ""
    return ProposalSeen(
        proposal=proposal,
        other=other,
        profile=profile,
        is_open=is_open,
        accepted_by_viewer=proposal.accepted_at_by(viewer) is not None,
        partners=partners,
        closed_sentence=closed_sentence,
        languages=[name_of(code) for code in proposal.languages],
        ways=_way_words(proposal.ways, area),
        session_minutes=proposal.session_minutes,
        zone=zone_name,
        weekly_times=weekly,
        shifting_times=shifting,
        first_session_times=first_session,
        contact_email=other.email if partners else "",
    )


def proposals_seen_by(*, member, now: datetime) -> list[ProposalSeen]:
    return [
        proposal_seen_by(proposal=proposal, viewer=member, now=now)
        for proposal in recent_proposals_of(member=member, now=now)
    ]
