"""Proposing, accepting, pausing, skipping, moving and joining: the schedule's services."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest
import recurring_ical_events
from icalendar import Calendar

from felt.core.errors import FeltError
from felt.partnerships.models import Partnership
from felt.room.models import Session
from felt.schedule import occurrences, selectors, services
from felt.schedule.models import OccurrenceChange, Proposal, Rhythm, Schedule

pytestmark = pytest.mark.django_db

# A Wednesday in winter, when Berlin is UTC+1 and New York UTC-5.
NOW = datetime(2027, 1, 6, 12, tzinfo=UTC)
MONDAY = date(2027, 1, 11)
HOUR = timedelta(hours=1)


def everything() -> tuple:
    """All the schedule's rows, to show a refused request changed nothing."""
    return (
        list(Proposal.objects.order_by("pk").values()),
        list(Rhythm.objects.order_by("pk").values()),
        list(OccurrenceChange.objects.order_by("pk").values()),
        list(Schedule.objects.order_by("pk").values()),
        list(Session.objects.order_by("pk").values("pk", "occurrence")),
    )


def propose(partnership, member, **overrides):
    fields = {
        "weekday": 0,
        "at": time(9),
        "length": 60,
        "interval": 1,
        "time_zone": "Europe/Berlin",
        "starts_on": None,
        "now": NOW,
    } | overrides
    return services.propose_schedule(partnership=partnership, member=member, **fields)


def agreed(partnership, proposer, accepter, **overrides) -> Rhythm:
    proposal = propose(partnership, proposer, **overrides)
    return services.accept_proposal(
        partnership=partnership, member=accepter, proposal_id=proposal.pk, now=NOW
    )


def sessions(partnership, weeks=6, now=NOW):
    return selectors.occurrences_of(
        partnership=partnership, start=now, end=now + timedelta(weeks=weeks)
    )


# -- proposing and accepting -----------------------------------------------------------------


def test_a_proposal_becomes_the_regular_time_when_the_partner_accepts(partnership, ada, bo):
    proposal = propose(partnership, ada)
    assert sessions(partnership) == []

    rhythm = services.accept_proposal(
        partnership=partnership, member=bo, proposal_id=proposal.pk, now=NOW
    )

    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.ACCEPTED
    assert (rhythm.proposed_by, rhythm.accepted_by) == (ada, bo)
    assert rhythm.first_day == MONDAY
    found = sessions(partnership)
    assert len(found) == 6
    assert found[0].start == datetime(2027, 1, 11, 8, tzinfo=UTC)  # 09:00 in Berlin in winter
    assert all(o.length == 60 for o in found)


def test_the_proposer_cannot_accept_their_own_proposal(partnership, ada):
    proposal = propose(partnership, ada)
    before = everything()

    with pytest.raises(FeltError, match="waiting for Bo to accept"):
        services.accept_proposal(
            partnership=partnership, member=ada, proposal_id=proposal.pk, now=NOW
        )

    assert everything() == before


def test_a_new_proposal_replaces_the_one_waiting_and_the_old_one_can_no_longer_be_accepted(
    partnership, ada, bo
):
    first = propose(partnership, ada)
    counter = propose(partnership, bo, weekday=3, at=time(18), time_zone="America/New_York")
    before = everything()

    with pytest.raises(FeltError, match="answered or replaced"):
        services.accept_proposal(partnership=partnership, member=bo, proposal_id=first.pk, now=NOW)

    assert everything() == before
    first.refresh_from_db()
    assert first.status == Proposal.Status.REPLACED
    rhythm = services.accept_proposal(
        partnership=partnership, member=ada, proposal_id=counter.pk, now=NOW
    )
    assert (rhythm.weekday, rhythm.time, rhythm.time_zone) == (3, time(18), "America/New_York")


def test_a_proposal_can_be_declined_by_the_partner_and_withdrawn_by_the_proposer(
    partnership, ada, bo
):
    proposal = propose(partnership, ada)
    with pytest.raises(FeltError):
        services.withdraw_proposal(partnership=partnership, member=bo, proposal_id=proposal.pk)
    with pytest.raises(FeltError):
        services.decline_proposal(partnership=partnership, member=ada, proposal_id=proposal.pk)
    services.decline_proposal(partnership=partnership, member=bo, proposal_id=proposal.pk)
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.DECLINED

    again = propose(partnership, ada)
    services.withdraw_proposal(partnership=partnership, member=ada, proposal_id=again.pk)
    again.refresh_from_db()
    assert again.status == Proposal.Status.WITHDRAWN
    assert Schedule.objects.count() == 0


def test_a_change_applies_from_its_date_and_the_old_time_keeps_the_sessions_before(
    partnership, ada, bo
):
    agreed(partnership, ada, bo)
    # From the 25th on, Thursdays at 18:00 New York time instead.
    agreed(
        partnership,
        bo,
        ada,
        weekday=3,
        at=time(18),
        time_zone="America/New_York",
        starts_on=date(2027, 1, 25),
    )

    found = sessions(partnership, weeks=4)

    berlin_mondays = [o for o in found if o.rhythm.zone == "Europe/Berlin"]
    ny_thursdays = [o for o in found if o.rhythm.zone == "America/New_York"]
    assert [o.start.date() for o in berlin_mondays] == [date(2027, 1, 11), date(2027, 1, 18)]
    # The first Thursday from the 25th, at 18:00 in New York (UTC-5 in winter).
    assert ny_thursdays[0].start == datetime(2027, 1, 28, 23, tzinfo=UTC)
    assert [o.start.date() for o in found] == [
        date(2027, 1, 11),
        date(2027, 1, 18),
        date(2027, 1, 28),
    ]
    assert Rhythm.objects.filter(ends_at__isnull=True).count() == 1


def test_a_second_change_before_the_first_takes_effect_replaces_both_from_its_date(
    partnership, ada, bo
):
    agreed(partnership, ada, bo)  # Mondays, from 11 January
    agreed(partnership, bo, ada, weekday=3, starts_on=date(2027, 2, 1))  # Thursdays, from February
    agreed(partnership, ada, bo, weekday=4, starts_on=date(2027, 1, 20))  # Fridays, from the 20th

    found = sessions(partnership, weeks=6)

    assert [o.start.date() for o in found] == [
        date(2027, 1, 11),
        date(2027, 1, 18),
        date(2027, 1, 22),
        date(2027, 1, 29),
        date(2027, 2, 5),
        date(2027, 2, 12),
    ]


def test_pausing_between_a_change_and_its_date_stops_the_old_time_too(partnership, ada, bo):
    agreed(partnership, ada, bo)
    agreed(partnership, bo, ada, weekday=3, starts_on=date(2027, 2, 1))

    services.pause_schedule(partnership=partnership, member=ada, now=NOW)

    assert sessions(partnership, weeks=8) == []
    services.resume_schedule(partnership=partnership, member=bo, now=NOW)
    assert {o.rhythm.weekday for o in sessions(partnership, weeks=8)} == {3}


def test_proposing_the_time_you_already_have_is_refused(partnership, ada, bo):
    agreed(partnership, ada, bo)
    before = everything()

    with pytest.raises(FeltError, match="already your regular time"):
        propose(partnership, bo)

    assert everything() == before


@pytest.mark.parametrize(
    ("overrides", "sentence"),
    [
        ({"time_zone": "Nowhere/Atlantis"}, "Please choose a time zone from the list"),
        ({"time_zone": ""}, "Please choose a time zone from the list"),
        ({"length": 29}, "Please choose a length from 30 to 120 minutes."),
        ({"length": 121}, "Please choose a length from 30 to 120 minutes."),
        ({"length": -60}, "Please choose a length from 30 to 120 minutes."),
        ({"weekday": 7}, "Please choose a day of the week."),
        ({"interval": 3}, "every week or every two weeks"),
        ({"starts_on": date(2027, 1, 1)}, "cannot be in the past"),
        ({"starts_on": date(2028, 6, 1)}, "within the coming year"),
        # Sundays at 02:30 in Berlin: the last Sunday of March has no 02:30.
        (
            {"weekday": 6, "at": time(2, 30)},
            "On Sunday 28 March 2027 the clocks in Berlin go forward, so 02:30 does not exist",
        ),
        # Sundays at 01:30 in New York: the first Sunday of November has two.
        (
            {"weekday": 6, "at": time(1, 30), "time_zone": "America/New_York"},
            "On Sunday 7 November 2027 the clocks in New York go back, so 01:30 happens twice",
        ),
    ],
)
def test_a_regular_time_that_cannot_be_kept_gets_one_clear_sentence_and_changes_nothing(
    partnership, ada, overrides, sentence
):
    before = everything()

    with pytest.raises(FeltError) as refused:
        propose(partnership, ada, **overrides)

    assert sentence in refused.value.message
    assert refused.value.message.count(". ") == 0  # one sentence
    assert everything() == before


def test_sunday_at_half_past_two_is_fine_in_tokyo_which_never_changes_its_clocks(
    partnership, ada, bo
):
    rhythm = agreed(partnership, ada, bo, weekday=6, at=time(2, 30), time_zone="Asia/Tokyo")

    assert all(o.wall is occurrences.Wall.EXISTS for o in sessions(partnership, weeks=60))
    assert rhythm.time_zone == "Asia/Tokyo"


def test_only_an_active_partnership_plans_sessions(partnership, ada, bo):
    partnership.status = Partnership.Status.PAUSED
    partnership.save()
    before = everything()

    with pytest.raises(FeltError, match="paused"):
        propose(partnership, ada)

    assert everything() == before


def test_a_stranger_cannot_propose_or_accept(partnership, ada, stranger):
    proposal = propose(partnership, ada)
    before = everything()

    with pytest.raises(FeltError):
        propose(partnership, stranger)
    with pytest.raises(FeltError):
        services.accept_proposal(
            partnership=partnership, member=stranger, proposal_id=proposal.pk, now=NOW
        )

    assert everything() == before


# -- pausing and resuming ------------------------------------------------------------------


def test_pausing_stops_the_sessions_and_resuming_picks_up_on_the_same_weeks(partnership, ada, bo):
    agreed(partnership, ada, bo, interval=2)
    all_along = [o.start for o in sessions(partnership, weeks=12)]

    services.pause_schedule(partnership=partnership, member=bo, now=NOW)
    assert sessions(partnership, weeks=12) == []
    with pytest.raises(FeltError, match="already paused"):
        services.pause_schedule(partnership=partnership, member=ada, now=NOW)

    later = NOW + timedelta(weeks=3)
    services.resume_schedule(partnership=partnership, member=ada, now=later)
    resumed = [o.start for o in sessions(partnership, weeks=12)]
    assert resumed
    assert all(moment >= later for moment in resumed)
    # The same fortnightly weeks as before the pause.
    assert set(resumed) <= {all_along[0] + timedelta(weeks=2 * k) for k in range(10)}
    with pytest.raises(FeltError, match="not paused"):
        services.resume_schedule(partnership=partnership, member=ada, now=later)


def test_accepting_a_new_time_ends_a_pause(partnership, ada, bo):
    agreed(partnership, ada, bo)
    services.pause_schedule(partnership=partnership, member=ada, now=NOW)

    agreed(partnership, bo, ada, weekday=4, at=time(7, 30), time_zone="America/New_York")

    schedule = Schedule.objects.get()
    assert not schedule.paused
    assert {o.rhythm.weekday for o in sessions(partnership)} == {4}


def test_a_session_moved_past_a_change_of_time_still_takes_place_and_is_in_the_calendar(
    partnership, ada, bo
):
    agreed(partnership, ada, bo)
    second = sessions(partnership)[1]  # Monday 18 January
    services.move_occurrence(
        partnership=partnership,
        member=ada,
        key=second.key,
        day=date(2027, 1, 27),
        at=time(9),
        now=NOW,
    )
    agreed(partnership, bo, ada, weekday=3, at=time(18), starts_on=date(2027, 1, 20))
    later = datetime(2027, 1, 21, tzinfo=UTC)

    moved = [o for o in sessions(partnership, now=later, weeks=2) if o.moved]

    assert [(o.key, o.start) for o in moved] == [(second.key, datetime(2027, 1, 27, 8, tzinfo=UTC))]
    feed = Calendar.from_ical(selectors.calendar_of(member=bo, now=later))
    starts = {
        event.start.astimezone(UTC)
        for event in recurring_ical_events.of(feed).between(later, later + timedelta(weeks=2))
    }
    assert datetime(2027, 1, 27, 8, tzinfo=UTC) in starts
    assert starts == {o.start for o in sessions(partnership, now=later, weeks=2)}


def test_pausing_also_drops_a_session_moved_to_after_the_pause(partnership, ada, bo):
    agreed(partnership, ada, bo)
    first = sessions(partnership)[0]
    services.move_occurrence(
        partnership=partnership,
        member=ada,
        key=first.key,
        day=date(2027, 1, 12),
        at=time(9),
        now=NOW,
    )

    services.pause_schedule(partnership=partnership, member=bo, now=first.start - HOUR)

    assert sessions(partnership, now=first.start - HOUR) == []


# -- one session -----------------------------------------------------------------------------


def test_either_partner_skips_one_session_and_it_is_gone_for_both(partnership, ada, bo):
    agreed(partnership, ada, bo)
    first, second, *_ = sessions(partnership)

    services.skip_occurrence(partnership=partnership, member=bo, key=second.key, now=NOW)

    keys = [o.key for o in sessions(partnership)]
    assert second.key not in keys and first.key in keys
    assert [s.key for s in selectors.skipped_of(partnership=partnership, now=NOW)] == [second.key]
    services.restore_occurrence(partnership=partnership, member=ada, key=second.key, now=NOW)
    assert second.key in [o.key for o in sessions(partnership)]


def test_a_session_is_moved_with_a_time_in_the_movers_own_zone(partnership, ada, bo):
    agreed(partnership, ada, bo)
    first = sessions(partnership)[0]

    # Bo, in New York, moves it to Tuesday at 12:00 his time (17:00 UTC in winter).
    services.move_occurrence(
        partnership=partnership,
        member=bo,
        key=first.key,
        day=date(2027, 1, 12),
        at=time(12),
        now=NOW,
    )

    moved = selectors.occurrence_in(partnership=partnership, key=first.key)
    assert moved.start == datetime(2027, 1, 12, 17, tzinfo=UTC)
    assert moved.moved and moved.original == first.start
    # Moving it back to its usual time removes the move.
    services.move_occurrence(
        partnership=partnership,
        member=ada,
        key=first.key,
        day=date(2027, 1, 11),
        at=time(9),
        now=NOW,
    )
    assert OccurrenceChange.objects.count() == 0


@pytest.mark.parametrize(
    ("day", "at", "sentence"),
    [
        # Ada is in Berlin: on the last Sunday of March 2027 there is no 02:30 there...
        (date(2027, 3, 28), time(2, 30), "clocks in Berlin go forward, so 02:30 does not exist"),
        # ...and on the last Sunday of October there are two.
        (date(2027, 10, 31), time(2, 30), "clocks in Berlin go back, so 02:30 happens twice"),
        (date(2027, 1, 5), time(9), "has not passed yet"),
        (date(2027, 3, 1), time(9), "up to four weeks either way"),
        # Right on top of the next week's session.
        (date(2027, 1, 18), time(9, 30), "overlaps your session on Monday 18 January, 09:00"),
    ],
)
def test_a_move_that_cannot_be_made_gets_one_clear_sentence_and_changes_nothing(
    partnership, ada, bo, day, at, sentence
):
    agreed(partnership, ada, bo)
    if "clocks" in sentence:
        # A session the day after that night, seen a week before.
        now = datetime.combine(day, time(12), UTC) - timedelta(days=7)
        (session,) = [
            o
            for o in sessions(partnership, now=now, weeks=2)
            if local_day(o) == day + timedelta(days=1)
        ]
    else:
        now = NOW
        session = sessions(partnership)[0]
    before = everything()

    with pytest.raises(FeltError) as refused:
        services.move_occurrence(
            partnership=partnership, member=ada, key=session.key, day=day, at=at, now=now
        )

    assert sentence in refused.value.message
    assert refused.value.message.count(". ") == 0  # one sentence
    assert everything() == before


def local_day(session) -> date:
    return occurrences.local(session.start, session.rhythm.zone).date()


@pytest.mark.parametrize(
    "forged",
    [
        "",
        "not-a-session",
        "999999-20270111T080000Z",  # no such rhythm
        "{rhythm}-20270111T083000Z",  # the rhythm gives no session then
        "{rhythm}-20270112T080000Z",  # nor on a Tuesday
        "{other}-20270111T080000Z",  # another partnership's rhythm
    ],
)
def test_a_forged_occurrence_id_is_refused_and_changes_nothing(
    partnership, ada, bo, stranger, make_member, forged
):
    rhythm = agreed(partnership, ada, bo)
    cy = make_member("Cy")
    elsewhere = Partnership.objects.create(member_a=stranger, member_b=cy)
    other = agreed(elsewhere, stranger, cy)
    key = forged.format(rhythm=rhythm.pk, other=other.pk)
    before = everything()

    for action in (services.skip_occurrence, services.join_occurrence):
        with pytest.raises(FeltError, match="could not find that session"):
            action(partnership=partnership, member=ada, key=key, now=NOW)
    with pytest.raises(FeltError, match="could not find that session"):
        services.move_occurrence(
            partnership=partnership,
            member=ada,
            key=key,
            day=date(2027, 1, 12),
            at=time(9),
            now=NOW,
        )
    with pytest.raises(FeltError, match="could not find that skipped or moved session"):
        services.restore_occurrence(partnership=partnership, member=ada, key=key, now=NOW)

    assert everything() == before


def test_a_skipped_session_cannot_be_skipped_moved_or_joined_again(partnership, ada, bo):
    agreed(partnership, ada, bo)
    first = sessions(partnership)[0]
    services.skip_occurrence(partnership=partnership, member=ada, key=first.key, now=NOW)
    before = everything()

    with pytest.raises(FeltError):
        services.skip_occurrence(partnership=partnership, member=bo, key=first.key, now=NOW)
    with pytest.raises(FeltError):
        services.join_occurrence(partnership=partnership, member=bo, key=first.key, now=first.start)

    assert everything() == before


def test_a_session_that_has_begun_cannot_be_skipped_or_moved(partnership, ada, bo):
    agreed(partnership, ada, bo)
    first = sessions(partnership)[0]
    during = first.start + timedelta(minutes=5)
    before = everything()

    with pytest.raises(FeltError, match="already begun"):
        services.skip_occurrence(partnership=partnership, member=ada, key=first.key, now=during)
    with pytest.raises(FeltError, match="already begun"):
        services.move_occurrence(
            partnership=partnership,
            member=ada,
            key=first.key,
            day=date(2027, 1, 13),
            at=time(9),
            now=during,
        )

    assert everything() == before


def test_the_room_opens_ten_minutes_before_with_the_sessions_plan(partnership, ada, bo):
    agreed(partnership, ada, bo, length=90)
    first = sessions(partnership)[0]

    with pytest.raises(FeltError, match="opens at Monday 11 January, 02:50"):
        # Bo reads the opening time in New York time.
        services.join_occurrence(
            partnership=partnership,
            member=bo,
            key=first.key,
            now=first.start - timedelta(minutes=11),
        )
    assert Session.objects.count() == 0

    session = services.join_occurrence(
        partnership=partnership, member=bo, key=first.key, now=first.start - timedelta(minutes=10)
    )
    again = services.join_occurrence(
        partnership=partnership, member=ada, key=first.key, now=first.start
    )

    assert again.pk == session.pk  # both partners land in the same room
    assert session.occurrence == first.key
    assert session.state["plan"]["length"] == 90
    with pytest.raises(FeltError, match="time has passed"):
        services.join_occurrence(partnership=partnership, member=ada, key=first.key, now=first.end)


# -- a member's reminders and calendar link --------------------------------------------------


def test_reminder_lead_is_one_of_the_choices(ada):
    assert selectors.reminder_lead_of(member=ada) == 60
    services.set_reminder_lead(member=ada, minutes=15)
    assert selectors.reminder_lead_of(member=ada) == 15

    with pytest.raises(FeltError, match="reminder times in the list"):
        services.set_reminder_lead(member=ada, minutes=30)

    assert selectors.reminder_lead_of(member=ada) == 15


def test_a_renewed_calendar_link_replaces_the_old_and_a_revoked_one_opens_nothing(ada):
    old = services.renew_calendar_feed(member=ada)
    assert selectors.member_for_feed_token(token=old) == ada

    new = services.renew_calendar_feed(member=ada)
    assert selectors.member_for_feed_token(token=old) is None
    assert selectors.member_for_feed_token(token=new) == ada

    services.revoke_calendar_feed(member=ada)
    assert selectors.member_for_feed_token(token=new) is None
    with pytest.raises(FeltError):
        services.revoke_calendar_feed(member=ada)
