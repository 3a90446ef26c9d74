"""Reminders and lapse notes: each email planned once, sent once, and only while it is true."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import pytest
from django.core import mail

from felt.room.models import Session
from felt.schedule import notices, selectors, services, worker
from felt.schedule.models import Notice

pytestmark = pytest.mark.django_db

NOW = datetime(2027, 1, 6, 12, tzinfo=UTC)
HOUR = timedelta(hours=1)


@pytest.fixture
def weekly(partnership, ada, bo):
    """Mondays at 09:00 in Berlin, agreed on NOW; the first session is Monday 11 January."""
    proposal = services.propose_schedule(
        partnership=partnership,
        member=ada,
        weekday=0,
        at=time(9),
        length=60,
        interval=1,
        time_zone="Europe/Berlin",
        now=NOW,
    )
    services.accept_proposal(partnership=partnership, member=bo, proposal_id=proposal.pk, now=NOW)
    return selectors.occurrences_of(
        partnership=partnership, start=NOW, end=NOW + 10 * 7 * 24 * HOUR
    )


def run(at: datetime) -> worker.Report:
    return worker.run_once(now=at, worker="test-worker")


def sent_to(address: str) -> list:
    return [message for message in mail.outbox if message.to == [address]]


def test_each_member_is_reminded_once_at_their_own_lead_time_in_their_own_time(
    weekly, partnership, ada, bo
):
    services.set_reminder_lead(member=bo, minutes=15)
    first = weekly[0]

    run(first.start - 61 * timedelta(minutes=1))
    assert mail.outbox == []

    run(first.start - HOUR)
    run(first.start - HOUR + timedelta(minutes=1))
    (to_ada,) = sent_to(ada.email)
    assert sent_to(bo.email) == []
    assert "Monday 11 January, 09:00 (Berlin time)" in to_ada.body
    assert selectors.occurrence_url(partnership=partnership, key=first.key) in to_ada.body

    run(first.start - timedelta(minutes=15))
    run(first.start - timedelta(minutes=1))
    (to_bo,) = sent_to(bo.email)
    # Bo is in New York: 09:00 in Berlin in January is 03:00 there.
    assert "Monday 11 January, 03:00 (New York time)" in to_bo.body
    assert "Berlin time" in to_bo.body
    assert len(mail.outbox) == 2
    assert to_ada.extra_headers["Message-ID"] != to_bo.extra_headers["Message-ID"]
    assert Notice.objects.filter(status=Notice.Status.SENT).count() == 2


def test_a_day_ahead_reminder_comes_a_day_ahead_and_none_when_turned_off(weekly, ada, bo):
    services.set_reminder_lead(member=ada, minutes=24 * 60)
    services.set_reminder_lead(member=bo, minutes=0)
    first = weekly[0]

    run(first.start - 25 * HOUR)
    assert mail.outbox == []
    run(first.start - 24 * HOUR)
    assert len(sent_to(ada.email)) == 1
    run(first.start - timedelta(minutes=5))
    assert len(mail.outbox) == 1


def test_an_unconfirmed_email_address_gets_no_reminder(weekly, ada, bo):
    bo.email_verified_at = None
    bo.save()

    run(weekly[0].start - HOUR)

    assert [m.to for m in mail.outbox] == [[ada.email]]


def test_a_skipped_session_is_not_reminded_and_a_moved_one_is_reminded_at_its_new_time(
    weekly, partnership, ada
):
    first, second = weekly[0], weekly[1]
    services.skip_occurrence(partnership=partnership, member=ada, key=first.key, now=NOW)
    services.move_occurrence(
        partnership=partnership,
        member=ada,
        key=second.key,
        day=second.start.date(),
        at=time(18),
        now=NOW,
    )
    moved = selectors.occurrence_in(partnership=partnership, key=second.key)

    run(first.start - HOUR)
    run(second.start - HOUR)
    assert sent_to(ada.email) == []

    run(moved.start - HOUR)
    (message,) = sent_to(ada.email)
    assert "Monday 18 January, 18:00" in message.body


def test_a_reminder_planned_before_the_session_was_skipped_is_not_sent(weekly, partnership, ada):
    first = weekly[0]
    notices.plan_reminders(now=first.start - HOUR)
    assert Notice.objects.filter(status=Notice.Status.PENDING).count() == 2

    services.skip_occurrence(partnership=partnership, member=ada, key=first.key, now=NOW)
    notices.send_due_notices(now=first.start - HOUR, worker="test-worker")

    assert mail.outbox == []
    assert Notice.objects.filter(status=Notice.Status.DROPPED).count() == 2


def test_a_sent_reminder_is_forgotten_a_month_after_its_session_and_never_sent_again(weekly):
    first = weekly[0]
    run(first.start - HOUR)
    assert Notice.objects.filter(kind=Notice.Kind.REMINDER).count() == 2

    run(first.start + notices.REMINDERS_KEPT_FOR + HOUR)

    assert Notice.objects.filter(kind=Notice.Kind.REMINDER, about=first.start).count() == 0
    reminders = [m for m in mail.outbox if m.subject.startswith("Your Focusing session")]
    assert len(reminders) == 2


def test_a_reminder_is_never_sent_after_the_session_began(weekly):
    first = weekly[0]
    notices.plan_reminders(now=first.start - HOUR)

    notices.send_due_notices(now=first.start + timedelta(minutes=1), worker="late-worker")

    assert mail.outbox == []


# -- exactly once, in one process (two processes: test_workers.py) ---------------------------


def test_a_notice_claimed_by_one_worker_cannot_be_claimed_by_another(weekly):
    notices.plan_reminders(now=weekly[0].start - HOUR)
    notice = Notice.objects.first()

    first = notices.claim(notice_id=notice.pk, now=weekly[0].start - HOUR, worker="one")
    second = notices.claim(notice_id=notice.pk, now=weekly[0].start - HOUR, worker="two")

    assert first is not None and second is None


def test_a_worker_that_crashed_mid_send_is_taken_over_once_its_claim_runs_out(weekly, ada):
    due = weekly[0].start - 2 * HOUR
    services.set_reminder_lead(member=ada, minutes=24 * 60)
    notices.plan_reminders(now=due)
    (notice,) = Notice.objects.all()
    # A worker claims it and dies before the mail leaves.
    assert notices.claim(notice_id=notice.pk, now=due, worker="crashed") is not None

    notices.send_due_notices(now=due + notices.lease() - timedelta(seconds=1), worker="other")
    assert mail.outbox == []

    notices.send_due_notices(now=due + notices.lease() + timedelta(seconds=1), worker="other")
    notices.send_due_notices(now=due + 2 * notices.lease() + timedelta(seconds=1), worker="third")
    assert len(mail.outbox) == 1
    notice.refresh_from_db()
    assert (notice.status, notice.attempts) == (Notice.Status.SENT, 2)
    # The retry is recognisable as the same email.
    assert mail.outbox[0].extra_headers["Message-ID"] == notices.message_id(notice)


def test_a_mail_server_failure_is_tried_again_later_and_then_sent_once(weekly, monkeypatch):
    due = weekly[0].start - HOUR
    calls = []

    def refuse(self, fail_silently=False):
        calls.append(self)
        raise OSError("mail server away")

    with monkeypatch.context() as patched:
        patched.setattr("django.core.mail.EmailMessage.send", refuse)
        run(due)
    assert len(calls) == 2 and mail.outbox == []
    assert set(Notice.objects.values_list("status", flat=True)) == {Notice.Status.PENDING}

    run(due + timedelta(minutes=1))
    assert mail.outbox == []  # waiting for the retry, a couple of minutes later
    run(due + timedelta(minutes=3))
    assert len(mail.outbox) == 2
    run(due + timedelta(minutes=10))
    assert len(mail.outbox) == 2


def test_a_notice_that_keeps_failing_is_given_up_after_a_few_attempts(weekly, monkeypatch):
    due = weekly[0].start - HOUR

    def refuse(self, fail_silently=False):
        raise OSError("mail server away")

    monkeypatch.setattr("django.core.mail.EmailMessage.send", refuse)
    # Tries again after 2, 4, 8, then 16 minutes.
    for minutes in (0, 2, 6, 14, 30, 45):
        run(due + timedelta(minutes=minutes))

    assert list(Notice.objects.values_list("status", "attempts").distinct()) == [
        (Notice.Status.FAILED, notices.MAX_ATTEMPTS)
    ]


# -- lapses ----------------------------------------------------------------------------------


def lapse_notes() -> list:
    return [m for m in mail.outbox if "a while since" in m.subject]


def test_a_lapse_note_goes_to_both_partners_once_per_lapse(weekly, partnership, ada, bo):
    for member in (ada, bo):
        services.set_reminder_lead(member=member, minutes=0)
    first = weekly[0].start
    lapse = first + timedelta(weeks=3, days=1)

    run(lapse - timedelta(minutes=1))
    assert lapse_notes() == []
    run(lapse)
    assert sorted(m.to[0] for m in lapse_notes()) == [ada.email, bo.email]
    note = lapse_notes()[0]
    assert "no blame" in note.body
    assert f"/schedule/{partnership.pk}/" in note.body
    assert f"/partnerships/{partnership.pk}/" in note.body
    for later in (lapse + HOUR, lapse + timedelta(weeks=1), lapse + timedelta(weeks=9)):
        run(later)
    assert len(lapse_notes()) == 2

    # They meet again; when that, too, is three weeks behind them, that is a new lapse.
    met = lapse + timedelta(weeks=10)
    session = Session.objects.create(partnership=partnership, phase="ended", state={})
    Session.objects.filter(pk=session.pk).update(created_at=met)
    run(met + timedelta(weeks=3))
    assert len(lapse_notes()) == 2
    run(met + timedelta(weeks=3, days=1))
    run(met + timedelta(weeks=5))
    assert len(lapse_notes()) == 4


def test_a_paused_schedule_or_a_session_in_time_means_no_lapse_note(weekly, partnership, ada):
    for member in partnership.members():
        services.set_reminder_lead(member=member, minutes=0)
    first = weekly[0].start
    session = Session.objects.create(partnership=partnership, phase="turn_1", state={})
    Session.objects.filter(pk=session.pk).update(created_at=first + timedelta(weeks=2))
    run(first + timedelta(weeks=3, days=1))
    assert lapse_notes() == []

    services.pause_schedule(partnership=partnership, member=ada, now=first + timedelta(weeks=3))
    run(first + timedelta(weeks=12))
    assert lapse_notes() == []


def test_a_session_nobody_came_to_does_not_count_as_meeting(weekly, partnership):
    first = weekly[0].start
    session = Session.objects.create(partnership=partnership, phase="waiting", state={})
    Session.objects.filter(pk=session.pk).update(created_at=first + timedelta(weeks=2))

    run(first + timedelta(weeks=3, days=1))

    assert len(lapse_notes()) == 2
