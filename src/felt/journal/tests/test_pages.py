"""The journal's pages: deleting it all, the weekly invitation, and forms that cannot leak."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from felt.accounts.models import Member
from felt.journal import selectors
from felt.journal.models import CheckIn, Journal, JournalEntry

from .conftest import PASSWORD, post_json, sealed

pytestmark = pytest.mark.django_db


@pytest.fixture
def full_journal(ada_client, ada_journal):
    for _ in range(2):
        post_json(ada_client, reverse("journal:api_entries"), sealed())
        post_json(ada_client, reverse("journal:api_check_ins"), sealed())


def rows_in_journal_tables() -> dict[str, int]:
    """Counted with SQL, past the ORM: deleted must mean gone from the tables."""
    counts = {}
    with connection.cursor() as cursor:
        for model in (Journal, JournalEntry, CheckIn):
            table = model._meta.db_table
            cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")
            counts[table] = cursor.fetchone()[0]
    return counts


def test_the_journal_page_is_for_members_only_and_never_cached(client, ada_client):
    page = ada_client.get(reverse("journal:home"))

    assert page.status_code == 200
    assert "no-store" in page["Cache-Control"]
    assert client.get(reverse("journal:home")).status_code == 302


@pytest.mark.parametrize("page", ["journal:home", "room"])
def test_no_field_that_holds_the_members_words_could_be_submitted(ada_client, ada, bo, page):
    """Without its script a form would be sent as it is: so the fields holding words have no
    name, and the radio buttons belong to no form at all."""
    if page == "room":
        from felt.partnerships.models import Partnership
        from felt.room.services import start_session

        session = start_session(partnership=Partnership.objects.get(), member=ada)
        html = ada_client.get(reverse("room:room", args=[session.pk])).content.decode()
        html = html[html.index('id="journal-panel"') :]
        html = html[: html.index("</section>")]
    else:
        html = ada_client.get(reverse(page)).content.decode()
        html = html[html.index('id="journal"') :]
    # The one ordinary form here, the weekly-invitation choice, carries no words.
    html = re.sub(r'<form method="post".*?</form>', "", html, flags=re.S)

    fields = re.findall(r"<(?:input|textarea|select)\b[^>]*>", html)

    assert len(fields) >= 5
    for field in fields:
        if 'type="radio"' in field:
            assert 'form="journal-sealed-only"' in field, field
        else:
            assert " name=" not in field, field
    assert 'id="journal-sealed-only"' not in html


def test_deleting_the_journal_with_the_wrong_password_changes_nothing(ada_client, full_journal):
    before = rows_in_journal_tables()

    response = ada_client.post(reverse("journal:delete"), {"password": "not my password"})

    assert response.status_code == 200
    assert "That password isn&#x27;t right, so nothing has been deleted." in (
        response.content.decode()
    )
    assert rows_in_journal_tables() == before


def test_deleting_the_journal_removes_every_sealed_row_and_its_keys(
    ada_client, as_member, ada, cy, full_journal
):
    theirs = as_member(cy)
    post_json(theirs, reverse("journal:api_journal"), _keys_for_another())
    post_json(theirs, reverse("journal:api_entries"), sealed())

    page = ada_client.get(reverse("journal:delete"))
    response = ada_client.post(reverse("journal:delete"), {"password": PASSWORD}, follow=True)

    assert page.status_code == 200 and 'autocomplete="current-password"' in page.content.decode()
    assert response.redirect_chain[-1][0] == reverse("journal:home")
    assert "Your journal is deleted" in response.content.decode()
    assert not Journal.objects.filter(member=ada).exists()
    assert not JournalEntry.objects.filter(member=ada).exists()
    assert not CheckIn.objects.filter(member=ada).exists()
    # Only Cy's journal is left, untouched.
    assert rows_in_journal_tables() == {
        "journal_journal": 1,
        "journal_journalentry": 1,
        "journal_checkin": 0,
    }


def _keys_for_another() -> dict:
    import os

    from .conftest import keys

    return keys(os.urandom(32))


def test_deleting_the_account_removes_every_journal_row(ada_client, ada, full_journal):
    assert rows_in_journal_tables() == {
        "journal_journal": 1,
        "journal_journalentry": 2,
        "journal_checkin": 2,
    }

    ada_client.post(reverse("accounts:delete"), {"password": PASSWORD})

    assert not Member.objects.filter(pk=ada.pk).exists()
    assert rows_in_journal_tables() == {
        "journal_journal": 0,
        "journal_journalentry": 0,
        "journal_checkin": 0,
    }


def test_a_weekly_invitation_comes_a_week_after_the_last_check_in(ada_client, ada, ada_journal):
    assert not selectors.check_in_due(member=ada)

    response = ada_client.post(
        reverse("journal:preferences"), {"weekly_check_in_invitation": "on"}, follow=True
    )

    assert "invited to a check-in" in response.content.decode()
    assert Journal.objects.get(member=ada).weekly_check_in_invitation
    # Never checked in yet: invited now.
    assert selectors.check_in_due(member=ada)
    post_json(ada_client, reverse("journal:api_check_ins"), sealed())
    assert not selectors.check_in_due(member=ada)
    assert ada_client.get(reverse("journal:api_journal")).json()["journal"]["check_in_due"] is False
    later = timezone.now() + timedelta(days=7, minutes=1)
    assert selectors.check_in_due(member=ada, now=later)

    ada_client.post(reverse("journal:preferences"), {})

    assert not selectors.check_in_due(member=ada, now=later)


def test_the_invitation_choice_is_said_in_place_so_an_open_journal_stays_open(
    ada_client, ada, ada_journal
):
    response = ada_client.post(
        reverse("journal:preferences"),
        {"weekly_check_in_invitation": "on"},
        headers={"HX-Request": "true"},
    )

    assert response.status_code == 200
    assert response.content.decode().strip() == (
        '<p class="message" role="status">You&#x27;ll be invited to a check-in when a week has '
        "passed since your last one.</p>"
    )
    assert Journal.objects.get(member=ada).weekly_check_in_invitation


def test_choosing_the_invitation_before_setting_up_is_refused_kindly(ada_client, ada):
    response = ada_client.post(
        reverse("journal:preferences"), {"weekly_check_in_invitation": "on"}, follow=True
    )

    assert "Please set up your journal first" in response.content.decode()
    assert not Journal.objects.exists()
