"""Changing the partner directory: profiles, looking or not, rounds, and answers to proposals.

Every `check_*` raises `FeltError` with one kind sentence before anything is written, so a
refused request changes nothing. The matching itself is `engine.match`, plain Python; this
module is the shell around it: it loads who is looking, calls the engine, stores the pairs
as proposals and tells the members after the transaction has committed.
"""

from __future__ import annotations

import logging
import re
import smtplib
import time
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core import mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from felt.accounts import services as account_services
from felt.core.errors import FeltError
from felt.partnerships import selectors as partnership_selectors
from felt.partnerships.models import Partnership

from . import engine, selectors
from .availability import SLOTS_PER_DAY, SLOTS_PER_WEEK, Horizon, windows_of
from .languages import LANGUAGES
from .models import MatchingProfile, MatchingRound, Proposal

logger = logging.getLogger(__name__)

PROPOSAL_LIFETIME = timedelta(days=7)
MOST_LANGUAGES = 20
INTRODUCTION_LIMIT = MatchingProfile._meta.get_field("introduction").max_length
AREA_LIMIT = MatchingProfile._meta.get_field("area").max_length
_CELL = re.compile(r"^([0-6])-([0-9]{1,2})$")


# -- checks: each returns the clean value or raises FeltError with one sentence -------------


def check_languages(*, codes: list[str]) -> list[str]:
    codes = [code.strip().lower() for code in codes if code.strip()]
    if not codes:
        raise FeltError(_("Please choose at least one language you could listen and focus in."))
    for code in codes:
        if code not in LANGUAGES:
            raise FeltError(
                _(
                    "We don't know the language code “%(code)s”; please choose your languages "
                    "from the list."
                )
                % {"code": code[:12]}
            )
    unique = sorted(set(codes))
    if len(unique) > MOST_LANGUAGES:
        raise FeltError(_("Please choose up to %(count)d languages.") % {"count": MOST_LANGUAGES})
    return unique


def check_availability(*, cells: list[str], session_minutes: int) -> list[list[int]]:
    """The marked half hours of the week grid ("day-half hour", e.g. "0-36" for Monday
    18:00) as [day, first, after] windows. Nothing is guessed: a grid we cannot read whole
    is refused whole, since a partial week would quietly match the member on wrong times.
    """
    slots: set[int] = set()
    for cell in cells:
        found = _CELL.match(cell.strip())
        if found is None:
            raise FeltError(
                _("We could not read the week grid; please mark your free times again.")
            )
        day, half_hour = int(found.group(1)), int(found.group(2))
        if half_hour >= SLOTS_PER_DAY:
            raise FeltError(
                _("One of the marked times is outside the week; please mark your free times again.")
            )
        slot = day * SLOTS_PER_DAY + half_hour
        if slot in slots:
            raise FeltError(
                _("The same half hour was marked twice; please mark your free times again.")
            )
        slots.add(slot)
    needed = session_minutes // 30
    # A stretch may run past midnight, and past Sunday night into Monday.
    longest = _longest_stretch(slots)
    if longest < needed:
        raise FeltError(
            _(
                "Please mark at least one stretch of %(minutes)d minutes in the week when you "
                "could meet: that is the session length you chose."
            )
            % {"minutes": session_minutes}
        )
    return [list(window) for window in windows_of(slots)]


def _longest_stretch(slots: set[int]) -> int:
    if len(slots) == SLOTS_PER_WEEK:
        return SLOTS_PER_WEEK
    longest = 0
    for slot in slots:
        if (slot - 1) % SLOTS_PER_WEEK in slots:
            continue
        length = 0
        while (slot + length) % SLOTS_PER_WEEK in slots:
            length += 1
        longest = max(longest, length)
    return longest


def check_ways(*, ways: list[str], area: str) -> tuple[list[str], str]:
    ways = [way.strip() for way in ways if way.strip()]
    if not ways:
        raise FeltError(_("Please choose at least one way to meet."))
    if any(way not in engine.WAYS for way in ways):
        raise FeltError(_("Please choose ways to meet from the list: video, phone or in person."))
    area = " ".join(area.split())
    if "in_person" in ways and not area:
        raise FeltError(_("To meet in person, please name your town or area."))
    if len(area) > AREA_LIMIT:
        raise FeltError(
            _("Please keep your town or area to %(count)d characters or fewer.")
            % {"count": AREA_LIMIT}
        )
    return [way for way in engine.WAYS if way in ways], area


def _choice(value: str, choices, sentence: str):
    for choice in choices:
        if str(choice) == str(value).strip():
            return choice
    raise FeltError(sentence)


def check_introduction(*, introduction: str) -> str:
    introduction = introduction.strip()
    if len(introduction) > INTRODUCTION_LIMIT:
        raise FeltError(
            _("Please keep your introduction to %(count)d characters or fewer.")
            % {"count": INTRODUCTION_LIMIT}
        )
    return introduction


@dataclass(frozen=True)
class ProfileInput:
    """What a member sends from the directory form, as it came."""

    time_zone: str = ""
    languages: tuple[str, ...] = ()
    availability: tuple[str, ...] = ()
    ways: tuple[str, ...] = ()
    area: str = ""
    cadence: str = ""
    experience: str = ""
    profession: str = ""
    helpers_only: bool = False
    session_minutes: str = ""
    introduction: str = ""


def check_profile(*, given: ProfileInput) -> dict:
    """The whole form, checked in the order it is shown; the first problem is the one said."""
    time_zone = account_services.check_time_zone(time_zone=given.time_zone.strip())
    languages = check_languages(codes=list(given.languages))
    session_minutes = _choice(
        given.session_minutes,
        MatchingProfile.SessionLength.values,
        _("Please choose a session length from the list."),
    )
    availability = check_availability(
        cells=list(given.availability), session_minutes=session_minutes
    )
    ways, area = check_ways(ways=list(given.ways), area=given.area)
    cadence = _choice(
        given.cadence,
        MatchingProfile.Cadence.values,
        _("Please choose how often you would like to meet from the list."),
    )
    experience = _choice(
        given.experience,
        MatchingProfile.Experience.values,
        _("Please choose your Focusing experience from the list."),
    )
    profession = _choice(
        given.profession,
        MatchingProfile.Profession.values,
        _("Please choose your profession from the list."),
    )
    return {
        "time_zone": time_zone,
        "languages": languages,
        "session_minutes": session_minutes,
        "availability": availability,
        "ways": ways,
        "area": area,
        "cadence": cadence,
        "experience": experience,
        "profession": profession,
        "helpers_only": bool(given.helpers_only),
        "introduction": check_introduction(introduction=given.introduction),
    }


# -- the profile and the directory ---------------------------------------------------------


def save_profile(*, member, given: ProfileInput) -> MatchingProfile:
    """Save the member's directory profile (their time zone is the member's own, kept on the
    account, so every page shows their times the same way). Opting in is separate."""
    clean = check_profile(given=given)
    time_zone = clean.pop("time_zone")
    with transaction.atomic():
        if member.time_zone != time_zone:
            member.time_zone = time_zone
            member.save(update_fields=["time_zone"])
        profile, _created = MatchingProfile.objects.update_or_create(member=member, defaults=clean)
    logger.info("member %s saved their matching profile", member.pk)
    return profile


def _profile_or_refuse(member) -> MatchingProfile:
    profile = selectors.profile_of(member=member)
    if profile is None:
        raise FeltError(
            _("Please fill in and save your directory profile first; then you can join.")
        )
    return profile


def join_directory(*, member) -> MatchingProfile:
    profile = _profile_or_refuse(member)
    if not member.email_verified:
        raise FeltError(
            _(
                "Please confirm your email address first: proposals are sent by email, so we "
                "only make them to confirmed addresses. Your profile page can send the link again."
            )
        )
    profile.in_directory = True
    profile.looking_paused = False
    profile.save(update_fields=["in_directory", "looking_paused", "updated_at"])
    logger.info("member %s joined the directory", member.pk)
    return profile


def pause_looking(*, member) -> MatchingProfile:
    """No new proposals for now; the profile, and any proposal waiting, stay as they are."""
    profile = _profile_or_refuse(member)
    if not profile.in_directory:
        raise FeltError(_("You are not in the partner directory, so there is nothing to pause."))
    profile.looking_paused = True
    profile.save(update_fields=["looking_paused", "updated_at"])
    return profile


def resume_looking(*, member) -> MatchingProfile:
    profile = _profile_or_refuse(member)
    if not profile.in_directory:
        raise FeltError(_("Please join the partner directory first."))
    profile.looking_paused = False
    profile.save(update_fields=["looking_paused", "updated_at"])
    return profile


def _withdraw_pending_of(member, *, now: datetime) -> int:
    return selectors.pending_proposals_of(member=member).update(
        status=Proposal.Status.WITHDRAWN, closed_at=now
    )


def leave_directory(*, member, now: datetime | None = None) -> MatchingProfile:
    """Out of the directory, the profile kept for a return; proposals waiting are withdrawn,
    so the other person is free for the next round."""
    now = now or timezone.now()
    profile = _profile_or_refuse(member)
    with transaction.atomic():
        profile.in_directory = False
        profile.looking_paused = False
        profile.save(update_fields=["in_directory", "looking_paused", "updated_at"])
        withdrawn = _withdraw_pending_of(member, now=now)
    logger.info("member %s left the directory; %d proposals withdrawn", member.pk, withdrawn)
    return profile


def delete_profile(*, member, now: datetime | None = None) -> None:
    now = now or timezone.now()
    with transaction.atomic():
        _withdraw_pending_of(member, now=now)
        MatchingProfile.objects.filter(member=member).delete()
    logger.info("member %s deleted their matching profile", member.pk)


def withdraw_between(*, first, second, now: datetime | None = None) -> int:
    """Withdraw any proposal waiting between the two (one has blocked the other)."""
    now = now or timezone.now()
    low, high = sorted((first.pk, second.pk))
    return Proposal.objects.filter(
        member_a_id=low, member_b_id=high, status=Proposal.Status.PENDING
    ).update(status=Proposal.Status.WITHDRAWN, closed_at=now)


# -- rounds --------------------------------------------------------------------------------


def expire_proposals(*, now: datetime) -> int:
    """Close proposals nobody finished answering within seven days.

    Whoever had not answered is surely away: their looking is paused (they can resume with
    one click), so the next rounds do not keep holding a partner for someone who is not
    there. Whoever had accepted stays in the directory and is free for the next round.
    """
    with transaction.atomic():
        stale = list(
            Proposal.objects.select_for_update().filter(
                status=Proposal.Status.PENDING, expires_at__lte=now
            )
        )
        silent = set()
        for proposal in stale:
            if proposal.accepted_by_a_at is None:
                silent.add(proposal.member_a_id)
            if proposal.accepted_by_b_at is None:
                silent.add(proposal.member_b_id)
        for batch in _batches([proposal.pk for proposal in stale]):
            Proposal.objects.filter(pk__in=batch).update(
                status=Proposal.Status.EXPIRED, closed_at=now
            )
        for batch in _batches(sorted(silent)):
            MatchingProfile.objects.filter(member_id__in=batch).update(looking_paused=True)
    if stale:
        logger.info("%d proposals expired", len(stale))
    return len(stale)


def _batches(items: list, size: int = 500):
    # SQLite takes a limited number of parameters in one statement.
    for at in range(0, len(items), size):
        yield items[at : at + size]


def run_round(*, now: datetime | None = None, started_by=None) -> MatchingRound:
    """One matching round over everyone looking who has no proposal waiting."""
    now = now or timezone.now()
    clock = time.perf_counter()
    expire_proposals(now=now)
    seekers = selectors.seekers_for_round(now=now)
    excluded = selectors.pairs_never_to_propose(member_ids={seeker.id for seeker in seekers})
    horizon = Horizon.after(now)
    result = engine.match(seekers, horizon=horizon, excluded=excluded)
    by_id = {seeker.id: seeker for seeker in seekers}
    session_times = {
        (pair.a, pair.b): [
            [start.isoformat(), end.isoformat()]
            for start, end in engine.shared_times(by_id[pair.a], by_id[pair.b], horizon=horizon)
            if end - start >= timedelta(minutes=pair.session_minutes)
        ]
        for pair in result.pairs
    }

    with transaction.atomic():
        # While the engine ran, another round may have proposed someone, or someone may
        # have paused or left: lock the directory's rows and propose only members still
        # looking and without a proposal waiting.
        still_looking = set(
            selectors.looking_profiles()
            .select_for_update(of=("self",))
            .values_list("member_id", flat=True)
        )
        busy = selectors.members_with_pending_proposal(now=now)
        round_ = MatchingRound.objects.create(
            started_at=now,
            started_by=started_by,
            seekers=result.seekers,
            matchable=result.matchable,
        )
        proposals = [
            Proposal(
                round=round_,
                member_a_id=pair.a,
                member_b_id=pair.b,
                score=pair.score,
                languages=list(pair.languages),
                ways=list(pair.ways),
                session_minutes=pair.session_minutes,
                weekly_overlap_minutes=pair.weekly_overlap_minutes,
                horizon_start=horizon.start,
                horizon_weeks=horizon.weeks,
                overlap=session_times[(pair.a, pair.b)],
                created_at=now,
                expires_at=now + PROPOSAL_LIFETIME,
            )
            for pair in result.pairs
            if {pair.a, pair.b} <= still_looking and not {pair.a, pair.b} & busy
        ]
        Proposal.objects.bulk_create(proposals, batch_size=500)
        round_.pairs = len(proposals)
        round_.finished_at = timezone.now()
        round_.seconds = round(time.perf_counter() - clock, 3)
        round_.save(update_fields=["pairs", "finished_at", "seconds"])
        round_id = round_.pk
        transaction.on_commit(lambda: _tell_of_new_proposals(round_id=round_id))
    logger.info(
        "matching round %s: %d looking, %d could be matched, %d pairs proposed in %.1f s",
        round_.pk,
        round_.seekers,
        round_.matchable,
        round_.pairs,
        round_.seconds,
    )
    return round_


# -- answering a proposal ------------------------------------------------------------------


def proposal_not_found() -> str:
    # The same sentence for a proposal that does not exist and for someone else's.
    return _("We could not find this proposal. Please open it from your home page.")


def _proposal_or_refuse(*, proposal_id, member, lock: bool = False) -> Proposal:
    proposal = selectors.proposal_for(member=member, proposal_id=proposal_id, lock=lock)
    if proposal is None:
        raise FeltError(proposal_not_found())
    return proposal


def check_can_answer(*, proposal: Proposal, member, now: datetime) -> None:
    if proposal.status != Proposal.Status.PENDING:
        raise FeltError(_("This proposal is closed, so it can no longer be answered."))
    if proposal.expires_at <= now:
        raise FeltError(_("This proposal has expired: proposals stay open for seven days."))


def accept_proposal(*, proposal_id, member, now: datetime | None = None) -> Proposal:
    """Say yes. When both have, the partnership begins and contact details are shared."""
    now = now or timezone.now()
    with transaction.atomic():
        proposal = _proposal_or_refuse(proposal_id=proposal_id, member=member, lock=True)
        check_can_answer(proposal=proposal, member=member, now=now)
        if proposal.accepted_at_by(member) is not None:
            raise FeltError(
                _("You have already accepted; we'll let you know when %(name)s has answered.")
                % {"name": proposal.partner_of(member).display_name}
            )
        first, second = proposal.member_a, proposal.member_b
        if partnership_selectors.is_blocked_between(first=first, second=second):
            # The same sentence whichever side blocked: it tells nobody who did.
            raise FeltError(_("This proposal can no longer be accepted."))
        if member.pk == proposal.member_a_id:
            proposal.accepted_by_a_at = now
        else:
            proposal.accepted_by_b_at = now
        both = proposal.accepted_by_a_at is not None and proposal.accepted_by_b_at is not None
        if both:
            partnership = partnership_selectors.open_partnerships_between(
                first=first, second=second
            ).first()
            if partnership is None:
                partnership = Partnership.objects.create(
                    member_a=first,
                    member_b=second,
                    status=Partnership.Status.ACTIVE,
                    way_to_meet=_way_to_meet(proposal.ways),
                )
            proposal.partnership = partnership
            proposal.status = Proposal.Status.ACCEPTED
            proposal.closed_at = now
        proposal.save(
            update_fields=[
                "accepted_by_a_at",
                "accepted_by_b_at",
                "partnership",
                "status",
                "closed_at",
            ]
        )
        if both:
            proposal_pk = proposal.pk
            transaction.on_commit(lambda: _tell_of_partnership(proposal_id=proposal_pk))
    logger.info(
        "proposal %s accepted by member %s%s",
        proposal.pk,
        member.pk,
        f": partnership {proposal.partnership_id}" if both else "",
    )
    return proposal


def _way_to_meet(ways: list[str]) -> str:
    for way in ("video", "phone", "in_person"):
        if way in ways:
            return way
    return Partnership.WayToMeet.VIDEO


def decline_proposal(*, proposal_id, member, now: datetime | None = None) -> Proposal:
    """Say no. No reason is asked, and the two are never proposed to each other again."""
    now = now or timezone.now()
    with transaction.atomic():
        proposal = _proposal_or_refuse(proposal_id=proposal_id, member=member, lock=True)
        check_can_answer(proposal=proposal, member=member, now=now)
        proposal.status = Proposal.Status.DECLINED
        proposal.closed_at = now
        proposal.save(update_fields=["status", "closed_at"])
    logger.info("proposal %s declined", proposal.pk)
    return proposal


# -- telling members -----------------------------------------------------------------------


def _send(messages: list[mail.EmailMessage], what: str) -> None:
    if not messages:
        return
    try:
        with mail.get_connection() as connection:
            connection.send_messages(messages)
    except (smtplib.SMTPException, OSError):
        # The proposals stand and are on each member's home page; only the email is missing.
        logger.exception("could not send %d emails about %s", len(messages), what)


def _message(*, template: str, member, context: dict) -> mail.EmailMessage:
    context = {"member": member, **context}
    subject = " ".join(render_to_string(f"matching/email/{template}_subject.txt", context).split())
    body = render_to_string(f"matching/email/{template}_body.txt", context)
    return mail.EmailMessage(subject, body, None, [member.email])


def _tell_of_new_proposals(*, round_id: int) -> None:
    proposals = Proposal.objects.filter(round_id=round_id).select_related(
        "member_a", "member_b", "member_a__matching_profile", "member_b__matching_profile"
    )
    messages = []
    for proposal in proposals.iterator(chunk_size=500):
        for member in (proposal.member_a, proposal.member_b):
            view = selectors.proposal_seen_by(proposal=proposal, viewer=member, now=timezone.now())
            messages.append(
                _message(
                    template="proposal",
                    member=member,
                    context={
                        "view": view,
                        "link": settings.FELT_BASE_URL
                        + reverse("matching:proposal", args=[proposal.pk]),
                        "days": PROPOSAL_LIFETIME.days,
                    },
                )
            )
        if len(messages) >= 500:
            _send(messages, "new proposals")
            messages = []
    _send(messages, "new proposals")


def _tell_of_partnership(*, proposal_id: int) -> None:
    proposal = Proposal.objects.select_related("member_a", "member_b").get(pk=proposal_id)
    messages = [
        _message(
            template="partnership",
            member=member,
            context={
                "view": selectors.proposal_seen_by(
                    proposal=proposal, viewer=member, now=timezone.now()
                ),
                "link": settings.FELT_BASE_URL + reverse("matching:proposal", args=[proposal.pk]),
            },
        )
        for member in (proposal.member_a, proposal.member_b)
    ]
    _send(messages, f"proposal {proposal_id} accepted")


def round_summary(round_: MatchingRound) -> str:
    """The round in one sentence, for staff and for `felt match`."""
    return ngettext(
        "%(seekers)d members were looking without a proposal; %(matchable)d of them could be "
        "matched; %(pairs)d pair was proposed (%(seconds).1f s).",
        "%(seekers)d members were looking without a proposal; %(matchable)d of them could be "
        "matched; %(pairs)d pairs were proposed (%(seconds).1f s).",
        round_.pairs,
    ) % {
        "seekers": round_.seekers,
        "matchable": round_.matchable,
        "pairs": round_.pairs,
        "seconds": round_.seconds,
    }
