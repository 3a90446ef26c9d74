"""Changing schedules: proposing and accepting a regular time, pausing it, skipping and moving
one session, joining one, and each member's reminders and calendar link.

Every `check_*` raises `FeltError` with one kind sentence before anything is written, so a
refused request changes nothing. Changes to a partnership's sessions are made under a lock on
the partnership's row, so two partners acting at once are applied one after the other.
"""

from __future__ import annotations

import logging
import secrets
from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.db.models import F, Q
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from felt.core.errors import FeltError
from felt.partnerships.models import Partnership
from felt.room import services as room_services
from felt.room.models import Session

from . import occurrences, selectors
from .models import (
    CalendarFeed,
    OccurrenceChange,
    Proposal,
    ReminderPreference,
    Rhythm,
    Schedule,
)
from .occurrences import Occurrence, Wall

logger = logging.getLogger(__name__)

# A regular time can begin up to a year ahead.
LONGEST_WAIT_FOR_A_FIRST_SESSION = timedelta(days=366)


# -- words ---------------------------------------------------------------------------------


def zone_label(zone_name: str) -> str:
    """A time zone as people say it: "New York" for America/New_York, "UTC" for UTC."""
    return zone_name.rsplit("/", 1)[-1].replace("_", " ")


def _day_words(day: date) -> str:
    return formats.date_format(day, "l j F Y")


def _time_words(at: time) -> str:
    return at.strftime("%H:%M")


def _moment_words(moment: datetime, zone_name: str) -> str:
    wall = occurrences.local(moment, zone_name)
    return formats.date_format(wall, "l j F, H:i")


def _clock_change_sentence(
    *, change: occurrences.ClockChange, at: time, zone_name: str, resuming: bool = False
) -> str:
    """Why a wall-clock time cannot be used on a night the clocks change, as one sentence."""
    words = {
        "date": _day_words(change.day),
        "zone": zone_label(zone_name),
        "time": _time_words(at),
    }
    if change.wall is Wall.MISSING:
        if resuming:
            sentence = _(
                "On %(date)s the clocks in %(zone)s go forward, so %(time)s does not exist that "
                "night; please propose a new regular time instead of resuming this one."
            )
        else:
            sentence = _(
                "On %(date)s the clocks in %(zone)s go forward, so %(time)s does not exist that "
                "night; please choose a time outside the change."
            )
    elif resuming:
        sentence = _(
            "On %(date)s the clocks in %(zone)s go back, so %(time)s happens twice that night; "
            "please propose a new regular time instead of resuming this one."
        )
    else:
        sentence = _(
            "On %(date)s the clocks in %(zone)s go back, so %(time)s happens twice that night; "
            "please choose a time outside the change, so the session has one clear time."
        )
    return sentence % words


# -- checks --------------------------------------------------------------------------------


def _check_partner(partnership: Partnership, member) -> None:
    if not partnership.includes(member):
        raise FeltError(_("Only the two partners can plan their sessions."))


def check_active(*, partnership: Partnership) -> None:
    if partnership.status == Partnership.Status.PAUSED:
        raise FeltError(
            _("Your partnership is paused; resume it first, and then plan your sessions.")
        )
    if partnership.status != Partnership.Status.ACTIVE:
        raise FeltError(_("This partnership has ended, so there are no sessions to plan."))


def check_time_zone(*, time_zone: str) -> str:
    if time_zone not in occurrences.known_zones():
        raise FeltError(_("Please choose a time zone from the list, such as Europe/Berlin."))
    return time_zone


def check_length(*, length: int) -> int:
    low, high = occurrences.LENGTH_MINUTES
    if not low <= length <= high:
        raise FeltError(
            _("Please choose a length from %(low)d to %(high)d minutes.")
            % {"low": low, "high": high}
        )
    return length


def check_rhythm(
    *,
    weekday: int,
    at: time,
    length: int,
    interval: int,
    time_zone: str,
    starts_on: date,
    now: datetime,
    starts_on_may_have_passed: bool = False,
) -> date:
    """Refuse a regular time that cannot be kept; return the day of its first session."""
    if weekday not in occurrences.WEEKDAYS:
        raise FeltError(_("Please choose a day of the week."))
    if interval not in occurrences.INTERVALS:
        raise FeltError(_("Please choose whether you meet every week or every two weeks."))
    check_length(length=length)
    check_time_zone(time_zone=time_zone)
    today = selectors.today_in(time_zone, now)
    if starts_on < today:
        if not starts_on_may_have_passed:
            raise FeltError(
                _("The first session cannot be in the past; please choose today or a later date.")
            )
        starts_on = today
    if starts_on > today + LONGEST_WAIT_FOR_A_FIRST_SESSION:
        raise FeltError(_("Please choose a first date within the coming year."))
    at = at.replace(second=0, microsecond=0, tzinfo=None)
    first_day = occurrences.first_session_day(
        weekday=weekday, at=at, zone_name=time_zone, starts_on=starts_on, not_before=now
    )
    change = occurrences.first_clock_change(
        weekday=weekday,
        at=at,
        zone_name=time_zone,
        interval=interval,
        first_day=first_day,
        until=first_day + occurrences.FORESIGHT,
    )
    if change is not None:
        raise FeltError(_clock_change_sentence(change=change, at=at, zone_name=time_zone))
    return first_day


def _locked(partnership: Partnership) -> Partnership:
    return Partnership.objects.select_for_update().get(pk=partnership.pk)


def _locked_active(partnership: Partnership) -> Partnership:
    # Checked again under the lock: the other partner may have paused or ended the partnership
    # since this request read it.
    partnership = _locked(partnership)
    check_active(partnership=partnership)
    return partnership


def _now(now: datetime | None) -> datetime:
    return (now or timezone.now()).replace(microsecond=0)


# -- proposing and accepting a regular time --------------------------------------------------


def propose_schedule(
    *,
    partnership: Partnership,
    member,
    weekday: int,
    at: time,
    length: int,
    interval: int,
    time_zone: str,
    starts_on: date | None = None,
    now: datetime | None = None,
) -> Proposal:
    """Propose a regular time (the first, or a change); the partner's answer makes it so.

    A partnership has one open proposal: a new one, by either partner, replaces it.
    """
    now = _now(now)
    _check_partner(partnership, member)
    check_active(partnership=partnership)
    time_zone = check_time_zone(time_zone=time_zone)
    starts_on = starts_on or selectors.today_in(time_zone, now)
    at = at.replace(second=0, microsecond=0, tzinfo=None)
    check_rhythm(
        weekday=weekday,
        at=at,
        length=length,
        interval=interval,
        time_zone=time_zone,
        starts_on=starts_on,
        now=now,
    )
    with transaction.atomic():
        partnership = _locked_active(partnership)
        in_force = selectors.rhythm_in_force(
            schedule=selectors.schedule_of(partnership=partnership)
        )
        if (
            in_force is not None
            and (in_force.weekday, in_force.time, in_force.length) == (weekday, at, length)
            and (in_force.interval_weeks, in_force.time_zone) == (interval, time_zone)
        ):
            raise FeltError(_("That is already your regular time."))
        Proposal.objects.filter(partnership=partnership, status=Proposal.Status.OPEN).update(
            status=Proposal.Status.REPLACED, decided_at=now
        )
        proposal = Proposal.objects.create(
            partnership=partnership,
            proposed_by=member,
            weekday=weekday,
            time=at,
            length=length,
            interval_weeks=interval,
            time_zone=time_zone,
            starts_on=starts_on,
        )
    logger.info(
        "schedule proposal %s for partnership %s by member %s",
        proposal.pk,
        partnership.pk,
        member.pk,
    )
    return proposal


def _open_proposal_or_refuse(partnership: Partnership, proposal_id: int) -> Proposal:
    proposal = Proposal.objects.filter(
        pk=proposal_id, partnership=partnership, status=Proposal.Status.OPEN
    ).first()
    if proposal is None:
        raise FeltError(
            _(
                "This proposal has been answered or replaced in the meantime; please look at "
                "the latest one."
            )
        )
    return proposal


def _decide(proposal: Proposal, status: Proposal.Status, now: datetime) -> None:
    proposal.status = status
    proposal.decided_at = now
    proposal.save(update_fields=["status", "decided_at"])


def _start_rhythm(
    schedule: Schedule, *, like: Proposal | Rhythm, first_day: date, accepted_by, now: datetime
) -> Rhythm:
    """A new rhythm at the time `like` has (a proposal, or the rhythm a pause ended), from
    `first_day` on; a paused schedule runs again."""
    rhythm = Rhythm.objects.create(
        schedule=schedule,
        weekday=like.weekday,
        time=like.time,
        length=like.length,
        interval_weeks=like.interval_weeks,
        time_zone=like.time_zone,
        first_day=first_day,
        proposed_by=like.proposed_by,
        accepted_by=accepted_by,
        accepted_at=now,
    )
    Schedule.objects.filter(pk=schedule.pk).update(
        paused_at=None, paused_by=None, revision=F("revision") + 1
    )
    return rhythm


def accept_proposal(
    *, partnership: Partnership, member, proposal_id: int, now: datetime | None = None
) -> Rhythm:
    """The partner accepts: the proposed time is the regular time from the proposal's date on.

    A rhythm in force keeps its sessions before that date; a paused schedule carries on with
    the new time.
    """
    now = _now(now)
    _check_partner(partnership, member)
    with transaction.atomic():
        partnership = _locked_active(partnership)
        proposal = _open_proposal_or_refuse(partnership, proposal_id)
        if proposal.proposed_by_id == member.pk:
            raise FeltError(
                _("You made this proposal; it is waiting for %(name)s to accept it.")
                % {"name": partnership.partner_of(member).display_name}
            )
        first_day = check_rhythm(
            weekday=proposal.weekday,
            at=proposal.time,
            length=proposal.length,
            interval=proposal.interval_weeks,
            time_zone=proposal.time_zone,
            starts_on=proposal.starts_on,
            now=now,
            starts_on_may_have_passed=True,
        )
        schedule, _created = Schedule.objects.get_or_create(partnership=partnership)
        # The new time applies from the proposal's date (or from now, if that has passed): the
        # old one keeps the sessions before, and one going on now.
        changeover = max(now, occurrences.instant(proposal.starts_on, time(0), proposal.time_zone))
        # Every earlier time stops there, also one whose own change-over was still to come.
        Rhythm.objects.filter(schedule=schedule).filter(
            Q(ends_at__isnull=True) | Q(ends_at__gt=changeover)
        ).update(ends_at=changeover)
        rhythm = _start_rhythm(
            schedule, like=proposal, first_day=first_day, accepted_by=member, now=now
        )
        _decide(proposal, Proposal.Status.ACCEPTED, now)
    logger.info(
        "schedule proposal %s accepted: rhythm %s for partnership %s",
        proposal.pk,
        rhythm.pk,
        partnership.pk,
    )
    return rhythm


def decline_proposal(
    *, partnership: Partnership, member, proposal_id: int, now: datetime | None = None
) -> Proposal:
    now = _now(now)
    _check_partner(partnership, member)
    with transaction.atomic():
        partnership = _locked(partnership)
        proposal = _open_proposal_or_refuse(partnership, proposal_id)
        if proposal.proposed_by_id == member.pk:
            raise FeltError(_("This is your own proposal; you can withdraw it instead."))
        _decide(proposal, Proposal.Status.DECLINED, now)
    logger.info("schedule proposal %s declined", proposal.pk)
    return proposal


def withdraw_proposal(
    *, partnership: Partnership, member, proposal_id: int, now: datetime | None = None
) -> Proposal:
    now = _now(now)
    _check_partner(partnership, member)
    with transaction.atomic():
        partnership = _locked(partnership)
        proposal = _open_proposal_or_refuse(partnership, proposal_id)
        if proposal.proposed_by_id != member.pk:
            raise FeltError(
                _("Only the partner who made a proposal can withdraw it; you can decline it.")
            )
        _decide(proposal, Proposal.Status.WITHDRAWN, now)
    logger.info("schedule proposal %s withdrawn", proposal.pk)
    return proposal


# -- pausing and resuming ------------------------------------------------------------------


def pause_schedule(*, partnership: Partnership, member, now: datetime | None = None) -> Schedule:
    """No more sessions from now on (one going on now keeps its time) until it is resumed."""
    now = _now(now)
    _check_partner(partnership, member)
    with transaction.atomic():
        partnership = _locked_active(partnership)
        schedule = selectors.schedule_of(partnership=partnership)
        if schedule is not None and schedule.paused:
            raise FeltError(_("Your regular time is already paused."))
        rhythm = selectors.rhythm_in_force(schedule=schedule)
        if rhythm is None:
            raise FeltError(_("You have no regular time yet, so there is nothing to pause."))
        # Paused means no sessions ahead: of the time in force, of an earlier one whose
        # change-over was still to come, and none moved to after the pause either.
        Rhythm.objects.filter(schedule=schedule).filter(
            Q(ends_at__isnull=True) | Q(ends_at__gt=now)
        ).update(ends_at=now)
        OccurrenceChange.objects.filter(rhythm__schedule=schedule, moved_to__gte=now).update(
            moved_to=None
        )
        schedule.paused_at = now
        schedule.paused_by = member
        schedule.revision = F("revision") + 1
        schedule.save(update_fields=["paused_at", "paused_by", "revision"])
    logger.info("schedule of partnership %s paused by member %s", partnership.pk, member.pk)
    schedule.refresh_from_db()
    return schedule


def resume_schedule(*, partnership: Partnership, member, now: datetime | None = None) -> Rhythm:
    """The same regular time again, from its next session (on the same weeks as before)."""
    now = _now(now)
    _check_partner(partnership, member)
    with transaction.atomic():
        partnership = _locked_active(partnership)
        schedule = selectors.schedule_of(partnership=partnership)
        if schedule is None or not schedule.paused:
            raise FeltError(_("Your regular time is not paused."))
        previous = selectors.latest_rhythm(schedule=schedule)
        first_day = previous.as_core().next_day_at_or_after(now)
        change = occurrences.first_clock_change(
            weekday=previous.weekday,
            at=previous.time,
            zone_name=previous.time_zone,
            interval=previous.interval_weeks,
            first_day=first_day,
            until=first_day + occurrences.FORESIGHT,
        )
        if change is not None:
            raise FeltError(
                _clock_change_sentence(
                    change=change, at=previous.time, zone_name=previous.time_zone, resuming=True
                )
            )
        rhythm = _start_rhythm(
            schedule, like=previous, first_day=first_day, accepted_by=previous.accepted_by, now=now
        )
    logger.info("schedule of partnership %s resumed by member %s", partnership.pk, member.pk)
    return rhythm


# -- one session: skip, move, put back, join -------------------------------------------------


def _occurrence_or_refuse(partnership: Partnership, key: str) -> Occurrence:
    occurrence = selectors.occurrence_in(partnership=partnership, key=key)
    if occurrence is None:
        raise FeltError(
            _(
                "We could not find that session in your schedule; it may have changed in the "
                "meantime. Please look at your schedule again."
            )
        )
    return occurrence


def _check_not_begun(occurrence: Occurrence, now: datetime, refusal: str) -> None:
    if occurrence.begun(now):
        raise FeltError(refusal)


def _bump(partnership: Partnership) -> None:
    Schedule.objects.filter(partnership=partnership).update(revision=F("revision") + 1)


def skip_occurrence(
    *, partnership: Partnership, member, key: str, now: datetime | None = None
) -> OccurrenceChange:
    now = _now(now)
    _check_partner(partnership, member)
    with transaction.atomic():
        partnership = _locked_active(partnership)
        occurrence = _occurrence_or_refuse(partnership, key)
        _check_not_begun(
            occurrence, now, _("This session has already begun, so it can no longer be skipped.")
        )
        change, _created = OccurrenceChange.objects.update_or_create(
            rhythm_id=occurrence.rhythm.id,
            original_start=occurrence.original,
            defaults={"moved_to": None, "changed_by": member},
        )
        _bump(partnership)
    logger.info("occurrence %s of partnership %s skipped", occurrence.key, partnership.pk)
    return change


def restore_occurrence(
    *, partnership: Partnership, member, key: str, now: datetime | None = None
) -> None:
    """Undo a skip or a move: the session is back at the time its rhythm gives it."""
    now = _now(now)
    _check_partner(partnership, member)
    with transaction.atomic():
        partnership = _locked_active(partnership)
        change = selectors.change_in(partnership=partnership, key=key)
        if change is None:
            raise FeltError(
                _(
                    "We could not find that skipped or moved session; it may have changed in "
                    "the meantime. Please look at your schedule again."
                )
            )
        if change.original_start <= now or (change.moved_to is not None and change.moved_to <= now):
            raise FeltError(_("That session's time has passed, so it cannot be changed back."))
        change.delete()
        _bump(partnership)
    logger.info("occurrence %s of partnership %s put back", key, partnership.pk)


def check_wall_time(*, day: date, at: time, time_zone: str) -> datetime:
    """The instant a date and time name in a time zone; a missing or doubled time is refused
    with an explanation, never shifted."""
    wall = occurrences.wall_of(day, at, time_zone)
    if wall is not Wall.EXISTS:
        raise FeltError(
            _clock_change_sentence(
                change=occurrences.ClockChange(day=day, wall=wall), at=at, zone_name=time_zone
            )
        )
    return occurrences.instant(day, at, time_zone)


def move_occurrence(
    *,
    partnership: Partnership,
    member,
    key: str,
    day: date,
    at: time,
    now: datetime | None = None,
) -> OccurrenceChange | None:
    """Move one session to a date and time given in the member's own time zone.

    Moving it back to its usual time removes the move. Returns the change, or None then.
    """
    now = _now(now)
    _check_partner(partnership, member)
    at = at.replace(second=0, microsecond=0, tzinfo=None)
    zone_name = member.time_zone
    new_start = check_wall_time(day=day, at=at, time_zone=zone_name)
    with transaction.atomic():
        partnership = _locked_active(partnership)
        occurrence = _occurrence_or_refuse(partnership, key)
        _check_not_begun(
            occurrence, now, _("This session has already begun, so it can no longer be moved.")
        )
        if new_start <= now:
            raise FeltError(_("Please choose a time that has not passed yet."))
        if abs(new_start - occurrence.original) > occurrences.MOVE_REACH:
            raise FeltError(
                _(
                    "One session can be moved up to four weeks either way; for a bigger change, "
                    "please propose a new regular time."
                )
            )
        new_end = new_start + timedelta(minutes=occurrence.length)
        longest = timedelta(minutes=occurrences.LENGTH_MINUTES[1])
        for other in selectors.occurrences_of(
            partnership=partnership, start=new_start - longest, end=new_end
        ):
            if other.key != occurrence.key and other.start < new_end and new_start < other.end:
                raise FeltError(
                    _("That time overlaps your session on %(when)s; please choose another time.")
                    % {"when": _moment_words(other.start, zone_name)}
                )
        if new_start == occurrence.original:
            OccurrenceChange.objects.filter(
                rhythm_id=occurrence.rhythm.id, original_start=occurrence.original
            ).delete()
            change = None
        else:
            change, _created = OccurrenceChange.objects.update_or_create(
                rhythm_id=occurrence.rhythm.id,
                original_start=occurrence.original,
                defaults={"moved_to": new_start, "changed_by": member},
            )
        _bump(partnership)
    logger.info("occurrence %s of partnership %s moved", occurrence.key, partnership.pk)
    return change


def join_occurrence(
    *, partnership: Partnership, member, key: str, now: datetime | None = None
) -> Session:
    """Open the room for a scheduled session (from ten minutes before it), with its plan."""
    now = now or timezone.now()
    _check_partner(partnership, member)
    occurrence = _occurrence_or_refuse(partnership, key)
    if now < occurrence.opens_at:
        raise FeltError(
            _("The room for this session opens at %(when)s, ten minutes before it begins.")
            % {"when": _moment_words(occurrence.opens_at, member.time_zone)}
        )
    if occurrence.over(now):
        raise FeltError(
            _(
                "This session's time has passed. If you would like to meet now, you can open "
                "the room from your partnership's page."
            )
        )
    session = room_services.start_session(
        partnership=partnership, member=member, length=occurrence.length, occurrence=occurrence.key
    )
    logger.info(
        "member %s joined occurrence %s (session %s)", member.pk, occurrence.key, session.pk
    )
    return session


# -- each member's reminders and calendar link -----------------------------------------------


def set_reminder_lead(*, member, minutes: int) -> ReminderPreference:
    if minutes not in ReminderPreference.Lead.values:
        raise FeltError(_("Please choose one of the reminder times in the list."))
    preference, _created = ReminderPreference.objects.update_or_create(
        member=member, defaults={"lead_minutes": minutes}
    )
    logger.info("member %s set reminders to %s minutes", member.pk, minutes)
    return preference


def renew_calendar_feed(*, member) -> str:
    """A new private calendar link (the old one, if any, stops working); returns its secret,
    which is shown once and never stored."""
    token = secrets.token_urlsafe(32)
    CalendarFeed.objects.update_or_create(
        member=member,
        defaults={"token_hash": selectors.token_hash(token), "created_at": timezone.now()},
    )
    logger.info("member %s made a new calendar link", member.pk)
    return token


def revoke_calendar_feed(*, member) -> None:
    deleted, _rows = CalendarFeed.objects.filter(member=member).delete()
    if not deleted:
        raise FeltError(_("You have no calendar link to turn off."))
    logger.info("member %s turned off their calendar link", member.pk)
