"""Rounds and proposals: who is proposed to whom, what each sees, and what answers do.

Ada lives in Berlin and is free on Mondays 18:00-20:00; Noor lives in New York and is free on
Mondays 12:00-14:00. In January both clocks are on winter time, six hours apart, so they
share Mondays 17:00-19:00 UTC: 18:00-20:00 for Ada, 12:00-14:00 for Noor.
"""

import pytest
from django.core import mail
from django.core.management import call_command
from django.template import Context, Template
from django.test import RequestFactory
from django.urls import reverse
from django.utils.html import escape

from felt.core.errors import FeltError
from felt.matching import services
from felt.matching.models import MatchingProfile, MatchingRound, Proposal
from felt.partnerships.models import Block, Partnership

from .conftest import NEW_YORK_MONDAY_NOON

pytestmark = pytest.mark.django_db


@pytest.fixture
def proposed(clock, ada, noor, give_profile, django_capture_on_commit_callbacks):
    give_profile(ada, experience="new")
    give_profile(noor, availability=NEW_YORK_MONDAY_NOON, experience="seasoned")
    with django_capture_on_commit_callbacks(execute=True):
        services.run_round()
    return Proposal.objects.get()


def page(client, member, proposal) -> tuple[int, str]:
    client.force_login(member)
    response = client.get(reverse("matching:proposal", args=[proposal.pk]))
    return response.status_code, response.content.decode()


def test_a_round_proposes_two_members_who_fit_and_emails_each_in_their_own_time(
    clock, proposed, ada, noor
):
    assert (proposed.member_a, proposed.member_b) == (ada, noor)
    assert proposed.status == Proposal.Status.PENDING
    assert proposed.languages == ["en"]
    assert proposed.weekly_overlap_minutes == 120
    round_ = MatchingRound.objects.get()
    assert (round_.seekers, round_.matchable, round_.pairs) == (2, 2, 1)

    to_ada = next(message for message in mail.outbox if message.to == [ada.email])
    to_noor = next(message for message in mail.outbox if message.to == [noor.email])
    assert len(mail.outbox) == 2
    assert "Noor" in to_ada.subject
    assert "Monday 18:00–20:00" in to_ada.body and "Europe/Berlin" in to_ada.body
    assert "Monday 12:00–14:00" in to_noor.body and "America/New_York" in to_noor.body
    assert "English" in to_ada.body
    assert "I am Noor" in to_ada.body
    assert reverse("matching:proposal", args=[proposed.pk]) in to_ada.body
    # Contact details are never in a proposal.
    assert noor.email not in to_ada.body and ada.email not in to_noor.body


def test_each_sees_the_others_introduction_and_the_times_in_their_own_zone_but_no_contact(
    client, proposed, ada, noor
):
    status, seen_by_ada = page(client, ada, proposed)
    assert status == 200
    assert "A possible partner: Noor" in seen_by_ada
    assert "I am Noor" in seen_by_ada
    assert "English" in seen_by_ada
    assert "Monday 18:00–20:00" in seen_by_ada
    assert "Seasoned" in seen_by_ada
    assert noor.email not in seen_by_ada

    status, seen_by_noor = page(client, noor, proposed)
    assert "I am Ada" in seen_by_noor
    assert "Monday 12:00–14:00" in seen_by_noor
    assert ada.email not in seen_by_noor


def test_when_both_accept_they_become_partners_and_are_offered_their_shared_times(
    client, clock, proposed, ada, noor, django_capture_on_commit_callbacks
):
    client.force_login(ada)
    client.post(reverse("matching:accept", args=[proposed.pk]))

    proposed.refresh_from_db()
    assert proposed.status == Proposal.Status.PENDING
    assert not Partnership.objects.exists()
    status, seen_by_ada = page(client, ada, proposed)
    assert "You have said yes. We'll let you know" in seen_by_ada
    assert noor.email not in seen_by_ada
    # Noor is not told that Ada has said yes: each answers freely.
    status, seen_by_noor = page(client, noor, proposed)
    assert "You have said yes" not in seen_by_noor
    assert "Ada has" not in seen_by_noor and "accepted" not in seen_by_noor

    mail.outbox.clear()
    client.force_login(noor)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("matching:accept", args=[proposed.pk]), follow=True)

    partnership = Partnership.objects.get()
    assert {partnership.member_a, partnership.member_b} == {ada, noor}
    assert partnership.status == Partnership.Status.ACTIVE
    assert partnership.way_to_meet == "video"
    proposed.refresh_from_db()
    assert proposed.status == Proposal.Status.ACCEPTED
    assert proposed.partnership == partnership
    seen_by_noor = response.content.decode()
    assert "You and Ada are now partners. Welcome!" in seen_by_noor
    assert ada.email in seen_by_noor
    # The coming Monday (the round ran on Wednesday 13 January 2027), in each one's time.
    assert "For your first session" in seen_by_noor
    assert "Monday 18 January, 12:00–14:00" in seen_by_noor
    assert reverse("partnerships:detail", args=[partnership.pk]) in seen_by_noor
    status, seen_by_ada = page(client, ada, proposed)
    assert noor.email in seen_by_ada
    assert "Monday 18 January, 18:00–20:00" in seen_by_ada
    # Both are told by email, with the other's address.
    assert sorted(message.to[0] for message in mail.outbox) == [ada.email, noor.email]
    assert all("now Focusing partners" in message.subject for message in mail.outbox)


def test_declining_needs_no_reason_and_the_pair_is_never_proposed_again(
    client, clock, proposed, ada, noor
):
    client.force_login(noor)
    response = client.post(reverse("matching:decline", args=[proposed.pk]), follow=True)

    assert escape("No reason is needed, and we won't propose you two again.") in (
        response.content.decode()
    )
    proposed.refresh_from_db()
    assert proposed.status == Proposal.Status.DECLINED
    status, seen_by_ada = page(client, ada, proposed)
    assert "will not go ahead" in seen_by_ada
    assert "I am Noor" not in seen_by_ada  # the profile is no longer shown

    for _week in range(3):
        clock.advance(days=7)
        round_ = services.run_round()
        assert round_.seekers == 2
        assert round_.matchable == 0
    assert Proposal.objects.count() == 1


def test_a_proposal_expires_after_seven_days_and_whoever_did_not_answer_is_paused(
    client, clock, proposed, ada, noor
):
    client.force_login(ada)
    client.post(reverse("matching:accept", args=[proposed.pk]))
    clock.advance(days=7, minutes=1)

    client.force_login(noor)
    response = client.post(reverse("matching:accept", args=[proposed.pk]), follow=True)

    assert "This proposal has expired" in response.content.decode()
    assert not Partnership.objects.exists()
    services.run_round()
    proposed.refresh_from_db()
    assert proposed.status == Proposal.Status.EXPIRED
    assert MatchingProfile.objects.get(member=noor).looking_paused is True
    assert MatchingProfile.objects.get(member=ada).looking_paused is False
    # Nor are they proposed to each other again.
    MatchingProfile.objects.filter(member=noor).update(looking_paused=False)
    assert services.run_round().pairs == 0


def test_a_proposal_is_still_open_just_before_seven_days(client, clock, proposed, noor):
    clock.advance(days=6, hours=23)
    client.force_login(noor)
    client.post(reverse("matching:accept", args=[proposed.pk]))
    proposed.refresh_from_db()
    assert proposed.accepted_by_b_at is not None


@pytest.mark.parametrize("action", ["accept", "decline"])
def test_a_stranger_can_neither_see_nor_answer_someone_elses_proposal(
    client, proposed, stranger, action
):
    status, seen = page(client, stranger, proposed)
    assert status == 404
    assert "We could not find this proposal." in seen
    assert "I am Ada" not in seen and "I am Noor" not in seen
    assert "Noor" not in seen and "Ada" not in seen

    response = client.post(reverse(f"matching:{action}", args=[proposed.pk]))

    assert response.status_code == 404
    assert "We could not find this proposal." in response.content.decode()
    proposed.refresh_from_db()
    assert proposed.status == Proposal.Status.PENDING
    assert proposed.accepted_by_a_at is None and proposed.accepted_by_b_at is None


def test_a_forged_proposal_id_gets_a_clear_sentence_and_changes_nothing(client, proposed, ada):
    client.force_login(ada)

    response = client.post(reverse("matching:accept", args=[proposed.pk + 1000]))

    assert response.status_code == 404
    assert "We could not find this proposal." in response.content.decode()
    with pytest.raises(FeltError, match="We could not find this proposal."):
        services.accept_proposal(proposal_id="1; DROP TABLE", member=ada)
    proposed.refresh_from_db()
    assert proposed.accepted_by_a_at is None


def test_a_visitor_who_is_not_logged_in_sees_no_proposal(client, proposed):
    response = client.get(reverse("matching:proposal", args=[proposed.pk]))
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


def test_answering_twice_or_after_closing_is_refused_kindly(client, proposed, ada, noor):
    services.accept_proposal(proposal_id=proposed.pk, member=ada)
    with pytest.raises(FeltError, match="You have already accepted"):
        services.accept_proposal(proposal_id=proposed.pk, member=ada)
    services.decline_proposal(proposal_id=proposed.pk, member=noor)
    with pytest.raises(FeltError, match="This proposal is closed"):
        services.accept_proposal(proposal_id=proposed.pk, member=noor)


def test_a_block_withdraws_the_proposal_and_it_can_no_longer_be_accepted(
    client, proposed, ada, noor
):
    Block.objects.create(blocker=noor, blocked=ada)

    proposed.refresh_from_db()
    assert proposed.status == Proposal.Status.WITHDRAWN
    with pytest.raises(FeltError):
        services.accept_proposal(proposal_id=proposed.pk, member=ada)
    status, seen_by_ada = page(client, ada, proposed)
    assert "I am Noor" not in seen_by_ada
    assert not Partnership.objects.exists()


def test_members_with_a_proposal_waiting_are_left_out_of_the_next_round(
    clock, proposed, make_member, give_profile
):
    # Two more members who would fit Ada and Noor just as well.
    give_profile(make_member("Bea"))
    give_profile(make_member("Cy", time_zone="America/New_York"), availability=NEW_YORK_MONDAY_NOON)

    round_ = services.run_round()

    assert round_.seekers == 2
    assert round_.pairs == 1
    for proposal in Proposal.objects.all():
        assert Proposal.objects.filter(member_a=proposal.member_a, status="pending").count() == 1


def test_partners_already_are_not_proposed(clock, ada, noor, give_profile):
    give_profile(ada)
    give_profile(noor, availability=NEW_YORK_MONDAY_NOON)
    Partnership.objects.create(member_a=noor, member_b=ada, status=Partnership.Status.ENDED)

    assert services.run_round().pairs == 0


def test_in_person_needs_the_same_area_and_the_partnership_is_then_in_person(
    clock, make_member, give_profile
):
    first = make_member("First")
    second = make_member("Second")
    third = make_member("Third")
    give_profile(first, ways=["in_person"], area="Leeds")
    give_profile(second, ways=["in_person"], area="  leeds ")
    give_profile(third, ways=["in_person"], area="York")

    services.run_round()

    proposal = Proposal.objects.get()
    assert {proposal.member_a, proposal.member_b} == {first, second}
    assert proposal.ways == ["in_person"]
    services.accept_proposal(proposal_id=proposal.pk, member=first)
    services.accept_proposal(proposal_id=proposal.pk, member=second)
    assert Partnership.objects.get().way_to_meet == "in_person"


def test_a_wish_for_a_partner_from_a_helping_profession_is_kept(clock, make_member, give_profile):
    give_profile(make_member("Helper"), helpers_only=True)
    give_profile(make_member("Engineer"), profession="not_helping")

    assert services.run_round().pairs == 0


def test_the_felt_match_command_runs_a_round(clock, ada, noor, give_profile, capsys):
    give_profile(ada)
    give_profile(noor, availability=NEW_YORK_MONDAY_NOON)

    call_command("match")

    out = capsys.readouterr().out
    assert (
        "2 members were looking without a proposal; 2 of them could be matched; 1 pair was" in out
    )
    assert Proposal.objects.count() == 1


def test_only_staff_can_see_rounds_and_run_one(client, clock, ada, noor, give_profile, make_member):
    give_profile(ada)
    give_profile(noor, availability=NEW_YORK_MONDAY_NOON)
    client.force_login(ada)

    assert client.get(reverse("matching:rounds")).status_code == 404
    assert client.post(reverse("matching:run_round")).status_code == 404
    assert not MatchingRound.objects.exists()

    staff = make_member("Staff")
    staff.is_staff = True
    staff.save()
    client.force_login(staff)
    assert "Run a matching round now" in client.get(reverse("matching:rounds")).content.decode()
    response = client.post(reverse("matching:run_round"), follow=True)

    assert "1 pair was proposed" in response.content.decode()
    assert MatchingRound.objects.get().started_by == staff
    assert Proposal.objects.count() == 1
    assert client.get(reverse("matching:run_round")).status_code == 405


def test_the_home_page_tag_shows_the_members_proposals(client, proposed, ada, stranger):
    template = Template("{% load matching %}{% pending_proposals %}")
    request = RequestFactory().get("/home/")

    request.user = ada
    shown = template.render(Context({"request": request}))
    assert "A possible partner: Noor" in shown
    assert reverse("matching:proposal", args=[proposed.pk]) in shown

    request.user = stranger
    shown = template.render(Context({"request": request}))
    assert "Noor" not in shown and "Ada" not in shown
    assert reverse("matching:directory") in shown


def test_a_member_who_leaves_while_the_engine_runs_is_not_proposed(
    clock, ada, noor, give_profile, monkeypatch
):
    from felt.matching import engine

    give_profile(ada)
    give_profile(noor, availability=NEW_YORK_MONDAY_NOON)
    real_match = engine.match

    def match_while_noor_leaves(*args, **kwargs):
        result = real_match(*args, **kwargs)
        services.leave_directory(member=noor)
        return result

    monkeypatch.setattr(engine, "match", match_while_noor_leaves)

    round_ = services.run_round()

    assert round_.pairs == 0
    assert not Proposal.objects.exists()
