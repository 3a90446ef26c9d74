"""The emails Felt owes members: reminders of sessions and a note when a partnership lapses.

Each email is first *planned* as a `Notice` row whose key makes it the one it is (a reminder:
this member, this session, this start; a lapse note: this member, this partnership, this
lapse), under a unique constraint, so any number of workers planning at once make one row.

Sending then goes, for each due row:

1. **claim**: one conditional UPDATE sets the row from pending (or from a claim whose lease
   ran out) to sending, with a token of this attempt. On SQLite the write lock, on PostgreSQL
   the row lock and the re-check of the WHERE clause after it, let exactly one worker's UPDATE
   match; every other worker sees zero rows changed and moves on. No transaction is held open
   while the mail is handed over, so the room never waits on a mail server.
2. **send**, with a Message-ID made from the row (the same on every attempt);
3. **mark sent**, only where the row still carries this attempt's token.

A worker that crashes before handing the mail over leaves the row claimed; when the lease
runs out another worker sends it, once. A crash in the instant between the mail server taking
the message and the row being marked would send it again on retry: no database can close that
gap with a mail server, so the retry carries the same Message-ID, by which mail systems
recognise and drop a duplicate. The lease is far longer than the send timeout, so a slow send
is never overtaken by a retry.
"""

from __future__ import annotations

import logging
import os
import socket
import uuid
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from felt.partnerships.models import Partnership

from . import occurrences, selectors
from .models import Notice, ReminderPreference, Schedule
from .services import zone_label

logger = logging.getLogger(__name__)

# Seconds a mail server may take to answer before a send counts as failed.
DEFAULT_SEND_TIMEOUT_SECONDS = 60
# How long a claim holds before another worker may take the row over (a crashed worker's).
DEFAULT_LEASE_SECONDS = 300
MAX_ATTEMPTS = 5
BATCH = 200
_KEY_TIME = "%Y%m%dT%H%M%SZ"


# Both read from settings only so that tests may shorten them; Felt's settings leave them be.
def send_timeout() -> float:
    return float(
        getattr(settings, "FELT_SCHEDULE_SEND_TIMEOUT_SECONDS", DEFAULT_SEND_TIMEOUT_SECONDS)
    )


def lease() -> timedelta:
    """Always longer than a send may take, so a slow send is never overtaken by a retry."""
    seconds = float(getattr(settings, "FELT_SCHEDULE_SEND_LEASE_SECONDS", DEFAULT_LEASE_SECONDS))
    return timedelta(seconds=max(seconds, 2 * send_timeout()))


def _stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime(_KEY_TIME)


def _can_be_emailed(member) -> bool:
    # Only a confirmed address: an unconfirmed one may be a typo, and so a stranger's.
    return member.is_active and member.email_verified_at is not None


def _open_schedules(now: datetime):
    """Schedules of active partnerships with a rhythm that still gives sessions."""
    reach = occurrences.MOVE_REACH + timedelta(days=1)
    return (
        Schedule.objects.filter(partnership__status=Partnership.Status.ACTIVE)
        .filter(Q(rhythms__ends_at__isnull=True) | Q(rhythms__ends_at__gt=now - reach))
        .distinct()
        .select_related("partnership__member_a", "partnership__member_b")
    )


def _leads(members) -> dict[int, int]:
    chosen = dict(
        ReminderPreference.objects.filter(member__in=members).values_list(
            "member_id", "lead_minutes"
        )
    )
    return {member.pk: chosen.get(member.pk, ReminderPreference.DEFAULT) for member in members}


def plan_reminders(*, now: datetime) -> int:
    """Make a reminder row for each member and session whose reminder is due and that has
    not begun. Returns how many rows were asked for (existing ones are left as they are)."""
    longest_lead = timedelta(minutes=max(ReminderPreference.Lead.values))
    rows = []
    for schedule in _open_schedules(now):
        partnership = schedule.partnership
        members = [m for m in partnership.members() if _can_be_emailed(m)]
        if not members:
            continue
        leads = _leads(members)
        for occurrence in selectors.occurrences_of(
            partnership=partnership, start=now, end=now + longest_lead + timedelta(minutes=1)
        ):
            for member in members:
                lead = leads[member.pk]
                if not lead or occurrence.start - timedelta(minutes=lead) > now:
                    continue
                rows.append(
                    Notice(
                        kind=Notice.Kind.REMINDER,
                        member=member,
                        partnership=partnership,
                        key=f"{occurrence.key}@{_stamp(occurrence.start)}",
                        occurrence=occurrence.key,
                        about=occurrence.start,
                        due_at=occurrence.start - timedelta(minutes=lead),
                    )
                )
    Notice.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows)


def plan_lapse_notes(*, now: datetime) -> int:
    """A note to both partners when they have not met for three cadence intervals: one per
    lapse, because the lapse is named by when it began (their last meeting, or the start of
    the regular time in force)."""
    rows = []
    for schedule in _open_schedules(now).filter(paused_at__isnull=True):
        rhythm = selectors.rhythm_in_force(schedule=schedule)
        if rhythm is None:
            continue
        partnership = schedule.partnership
        since = selectors.lapse_since(partnership=partnership, rhythm=rhythm)
        if not occurrences.lapsed(since=since, interval=rhythm.interval_weeks, now=now):
            continue
        for member in partnership.members():
            if _can_be_emailed(member):
                rows.append(
                    Notice(
                        kind=Notice.Kind.LAPSE,
                        member=member,
                        partnership=partnership,
                        key=f"{partnership.pk}@{since.astimezone(UTC).isoformat()}",
                        about=since,
                        due_at=now,
                    )
                )
    Notice.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows)


# A reminder's row is kept this long after its session, then forgotten: no reminder is ever
# planned for a session that has begun, so an old row guards nothing. (A lapse note's row is
# kept: it is what stops a second note for the same lapse.)
REMINDERS_KEPT_FOR = timedelta(days=30)


def forget_old_reminders(*, now: datetime) -> int:
    deleted, _rows = Notice.objects.filter(
        kind=Notice.Kind.REMINDER, about__lt=now - REMINDERS_KEPT_FOR
    ).delete()
    return deleted


# -- sending -------------------------------------------------------------------------------


def _claimable(now: datetime) -> Q:
    return Q(status=Notice.Status.PENDING, due_at__lte=now) | Q(
        status=Notice.Status.SENDING, claimed_at__lt=now - lease()
    )


def worker_name() -> str:
    return f"{socket.gethostname()[:40]}:{os.getpid()}"


def claim(*, notice_id: int, now: datetime, worker: str) -> str | None:
    """Take one due notice for this worker; returns this attempt's token, or None if another
    worker has it (or it is no longer due)."""
    token = f"{worker}:{uuid.uuid4().hex[:12]}"
    claimed = Notice.objects.filter(_claimable(now), pk=notice_id).update(
        status=Notice.Status.SENDING,
        claimed_by=token,
        claimed_at=now,
        attempts=F("attempts") + 1,
    )
    return token if claimed == 1 else None


def _finish(notice_id: int, token: str, **fields) -> bool:
    done = Notice.objects.filter(
        pk=notice_id, status=Notice.Status.SENDING, claimed_by=token
    ).update(**fields)
    if not done:
        logger.warning(
            "notice %s was taken over by another worker before it was finished", notice_id
        )
    return bool(done)


@dataclass(frozen=True)
class Sent:
    sent: int = 0
    dropped: int = 0
    failed: int = 0


def send_due_notices(*, now: datetime | None = None, worker: str | None = None) -> Sent:
    """Claim and send every notice due now; each one is sent by one worker only."""
    worker = worker or worker_name()
    due = list(
        Notice.objects.filter(_claimable(now or timezone.now()))
        .order_by("due_at", "id")
        .values_list("pk", flat=True)[:BATCH]
    )
    outcomes = Counter()
    connection = None
    for notice_id in due:
        moment = now or timezone.now()
        token = claim(notice_id=notice_id, now=moment, worker=worker)
        if token is None:
            continue  # another worker has it
        notice = Notice.objects.select_related(
            "member", "partnership__member_a", "partnership__member_b"
        ).get(pk=notice_id)
        try:
            message = compose(notice=notice, now=moment)
            if message is not None:
                connection = connection or get_connection(timeout=send_timeout())
                message.connection = connection
                message.send()
        except Exception as error:
            # The kind of failure only: a mail server's answer may quote the address.
            logger.warning(
                "%s %s could not be sent (attempt %s): %s",
                notice.kind,
                notice_id,
                notice.attempts,
                type(error).__name__,
            )
            if notice.attempts >= MAX_ATTEMPTS:
                _finish(notice_id, token, status=Notice.Status.FAILED)
            else:
                retry_at = moment + timedelta(minutes=2**notice.attempts)
                _finish(notice_id, token, status=Notice.Status.PENDING, due_at=retry_at)
            outcomes["failed"] += 1
        else:
            if message is None:
                _finish(notice_id, token, status=Notice.Status.DROPPED)
                outcomes["dropped"] += 1
                logger.info("%s %s no longer needed", notice.kind, notice_id)
            elif _finish(notice_id, token, status=Notice.Status.SENT, sent_at=moment):
                outcomes["sent"] += 1
                logger.info("%s %s sent to member %s", notice.kind, notice_id, notice.member_id)
    return Sent(**outcomes)


# -- the emails ----------------------------------------------------------------------------


def message_id(notice: Notice) -> str:
    """The same on every attempt, so a mail system can tell a retry from a new email."""
    host = urlsplit(settings.FELT_BASE_URL).hostname or "felt.invalid"
    return f"<felt.{notice.kind}.{notice.pk}@{host}>"


def _email(notice: Notice, template: str, context: dict) -> EmailMessage:
    member = notice.member
    with translation.override(settings.LANGUAGE_CODE), timezone.override(member.time_zone):
        subject = render_to_string(f"schedule/email/{template}_subject.txt", context)
        body = render_to_string(f"schedule/email/{template}_body.txt", context)
    return EmailMessage(
        subject=" ".join(subject.split()),
        body=body,
        to=[member.email],
        headers={"Message-ID": message_id(notice), "Auto-Submitted": "auto-generated"},
    )


def compose(*, notice: Notice, now: datetime) -> EmailMessage | None:
    """The email for a notice, or None if it is no longer true (the session was skipped or
    moved, reminders were turned off, the partners met again, the partnership ended...)."""
    partnership = notice.partnership
    member = notice.member
    if (
        partnership.status != Partnership.Status.ACTIVE
        or not partnership.includes(member)
        or not _can_be_emailed(member)
    ):
        return None
    partner = partnership.partner_of(member)
    if notice.kind == Notice.Kind.REMINDER:
        occurrence = selectors.occurrence_in(partnership=partnership, key=notice.occurrence)
        if (
            occurrence is None
            or occurrence.start != notice.about
            or occurrence.begun(now)
            or not selectors.reminder_lead_of(member=member)
        ):
            return None
        return _email(
            notice,
            "reminder",
            {
                "member": member,
                "partner": partner,
                "occurrence": occurrence,
                "zone": zone_label(member.time_zone),
                "schedule_zone": zone_label(occurrence.rhythm.zone),
                "same_zone": occurrence.rhythm.zone == member.time_zone,
                "link": selectors.occurrence_url(partnership=partnership, key=occurrence.key),
                "settings_link": settings.FELT_BASE_URL + reverse("schedule:settings"),
            },
        )
    schedule = selectors.schedule_of(partnership=partnership)
    rhythm = selectors.rhythm_in_force(schedule=schedule)
    if rhythm is None or schedule.paused:
        return None
    if selectors.lapse_since(partnership=partnership, rhythm=rhythm) != notice.about:
        return None  # they met, or chose a new time, since the lapse was noticed
    return _email(
        notice,
        "lapse",
        {
            "member": member,
            "partner": partner,
            "schedule_link": settings.FELT_BASE_URL
            + reverse("schedule:schedule", args=[partnership.pk]),
            "partnership_link": settings.FELT_BASE_URL
            + reverse("partnerships:detail", args=[partnership.pk]),
        },
    )
