import pytest
from django.urls import reverse

from felt.partnerships import selectors, services
from felt.partnerships.models import LedgerEntry, Partnership
from felt.room.models import Session

pytestmark = pytest.mark.django_db

OVERRUN = LedgerEntry.Kind.OVERRUN
GIVE_BACK = LedgerEntry.Kind.GIVE_BACK


@pytest.fixture
def partnership(ada, sam):
    return Partnership.objects.create(member_a=ada, member_b=sam)


def test_the_ledger_is_even_without_entries(partnership, ada, sam):
    assert selectors.time_owed(partnership=partnership, member=ada) == 0
    assert selectors.time_owed_in_words(partnership=partnership, viewer=ada) == (
        "Your time is even."
    )


def test_an_overrun_makes_the_focuser_owe_their_partner(partnership, ada, sam):
    services.record_ledger_entry(partnership=partnership, member=ada, seconds=240, kind=OVERRUN)

    assert selectors.time_owed(partnership=partnership, member=ada) == 240
    assert selectors.time_owed(partnership=partnership, member=sam) == -240
    assert selectors.time_owed_in_words(partnership=partnership, viewer=ada) == (
        "You owe Sam 4 minutes."
    )
    assert selectors.time_owed_in_words(partnership=partnership, viewer=sam) == (
        "Ada owes you 4 minutes."
    )


def test_both_partners_entries_and_give_backs_are_balanced(partnership, ada, sam):
    services.record_ledger_entry(partnership=partnership, member=ada, seconds=600, kind=OVERRUN)
    services.record_ledger_entry(partnership=partnership, member=sam, seconds=300, kind=OVERRUN)
    services.record_ledger_entry(partnership=partnership, member=ada, seconds=-240, kind=GIVE_BACK)

    assert selectors.time_owed(partnership=partnership, member=ada) == 60
    assert selectors.time_owed_in_words(partnership=partnership, viewer=ada) == (
        "You owe Sam 1 minute."
    )

    services.record_ledger_entry(partnership=partnership, member=ada, seconds=-60, kind=GIVE_BACK)
    assert selectors.time_owed_in_words(partnership=partnership, viewer=sam) == (
        "Your time is even."
    )


def test_a_few_seconds_owed_are_called_less_than_a_minute(partnership, ada, sam):
    services.record_ledger_entry(partnership=partnership, member=sam, seconds=20, kind=OVERRUN)

    assert selectors.time_owed_in_words(partnership=partnership, viewer=ada) == (
        "Sam owes you less than a minute."
    )


def test_the_partnership_page_tells_the_ledger_in_words(client, partnership, ada, sam):
    services.record_ledger_entry(partnership=partnership, member=sam, seconds=240, kind=OVERRUN)
    client.force_login(ada)

    page = client.get(reverse("partnerships:detail", args=[partnership.pk])).content.decode()

    assert "Sam owes you 4 minutes." in page


def test_recording_the_same_session_entry_twice_counts_once(partnership, ada):
    session = Session.objects.create(partnership=partnership, state={})

    first = services.record_ledger_entry(
        partnership=partnership, member=ada, seconds=120, kind=OVERRUN, session=session
    )
    again = services.record_ledger_entry(
        partnership=partnership, member=ada, seconds=120, kind=OVERRUN, session=session
    )

    assert first.pk == again.pk
    assert LedgerEntry.objects.count() == 1
    assert selectors.time_owed(partnership=partnership, member=ada) == 120


def test_one_session_may_hold_an_overrun_and_a_give_back(partnership, ada):
    session = Session.objects.create(partnership=partnership, state={})

    services.record_ledger_entry(
        partnership=partnership, member=ada, seconds=120, kind=OVERRUN, session=session
    )
    services.record_ledger_entry(
        partnership=partnership, member=ada, seconds=-60, kind=GIVE_BACK, session=session
    )

    assert selectors.time_owed(partnership=partnership, member=ada) == 60


def test_only_the_partners_have_ledger_entries(partnership, stranger):
    with pytest.raises(ValueError):
        services.record_ledger_entry(
            partnership=partnership, member=stranger, seconds=60, kind=OVERRUN
        )


def _finished_session(partnership, *, started_at, minute_seconds=60):
    return Session.objects.create(
        partnership=partnership,
        phase="ended",
        state={
            "minute_seconds": minute_seconds,
            "started_at": started_at,
            "ended_at": started_at + 3600,
            "turns": [
                {
                    "phase": "turn_1",
                    "focuser": "b",
                    "planned": 25 * minute_seconds,
                    "active": 27 * minute_seconds + minute_seconds / 6,
                    "overrun": round(2 * minute_seconds + minute_seconds / 6),
                    "start": started_at + 180,
                    "end": started_at + 1800,
                },
                {
                    "phase": "turn_2",
                    "focuser": "a",
                    "planned": 25 * minute_seconds,
                    "active": 24 * minute_seconds,
                    "overrun": 0,
                    "start": started_at + 1900,
                    "end": started_at + 3400,
                },
            ],
            "requests": [{"kind": "more_time", "by": "b"}],
        },
    )


def test_past_sessions_show_who_focused_and_for_how_long(client, partnership, ada):
    session = _finished_session(partnership, started_at=1_700_000_000)
    Session.objects.create(partnership=partnership, state={"started_at": None, "turns": []})

    history = selectors.session_history(partnership=partnership, viewer=ada)

    assert len(history) == 1
    past = history[0]
    assert past.pk == session.pk
    assert past.finished
    assert past.when.timestamp() == 1_700_000_000
    assert [(t.focuser_name, t.focuser_is_viewer, t.minutes) for t in past.turns] == [
        ("Sam", False, 27),
        ("Ada", True, 24),
    ]
    client.force_login(ada)
    page = client.get(reverse("partnerships:detail", args=[partnership.pk])).content.decode()
    assert "Sam focused for 27 minutes." in page
    assert "You focused for 24 minutes." in page


def test_a_shortened_demonstration_session_is_counted_in_its_own_minutes(partnership, sam):
    _finished_session(partnership, started_at=1_700_000_000, minute_seconds=2)

    (past,) = selectors.session_history(partnership=partnership, viewer=sam)

    assert [(t.focuser_is_viewer, t.minutes) for t in past.turns] == [(True, 27), (False, 24)]
