import pytest
from django.urls import reverse

from felt.core.errors import FeltError
from felt.partnerships import selectors, services
from felt.partnerships.models import Block, Partnership

pytestmark = pytest.mark.django_db


@pytest.fixture
def partnership(ada, sam):
    return Partnership.objects.create(member_a=ada, member_b=sam)


def test_my_partnerships_list_the_partner_and_status_ongoing_ones_first(client, ada, sam, stranger):
    ended = Partnership.objects.create(
        member_a=stranger, member_b=ada, status=Partnership.Status.ENDED
    )
    ongoing = Partnership.objects.create(member_a=ada, member_b=sam)
    # Created later, yet still listed after the partnership that is going on.
    Partnership.objects.filter(pk=ended.pk).update(created_at=ongoing.created_at)

    items = selectors.partnerships_of(member=ada)

    assert [(item.partnership, item.partner) for item in items] == [
        (ongoing, sam),
        (ended, stranger),
    ]
    client.force_login(ada)
    page = client.get(reverse("partnerships:list")).content.decode()
    assert "With Sam" in page and "With Stranger" in page
    assert "active" in page and "ended" in page


def test_a_partner_sees_the_partnership_page(client, partnership, sam):
    client.force_login(sam)

    response = client.get(reverse("partnerships:detail", args=[partnership.pk]))

    page = response.content.decode()
    assert response.status_code == 200
    assert "Your partnership with Ada" in page
    assert "This partnership is active." in page
    assert "Your time is even." in page
    assert f'action="{reverse("room:start", args=[partnership.pk])}"' in page
    assert "Meet now" in page


def test_meet_now_is_offered_only_while_active(client, partnership, ada):
    services.pause_partnership(partnership=partnership, member=ada)
    client.force_login(ada)

    page = client.get(reverse("partnerships:detail", args=[partnership.pk])).content.decode()

    assert "Meet now" not in page
    assert "This partnership is paused." in page


def test_a_stranger_cannot_see_someone_elses_partnership(client, partnership, stranger):
    client.force_login(stranger)

    response = client.get(reverse("partnerships:detail", args=[partnership.pk]))

    assert response.status_code == 404


def test_a_visitor_who_is_not_logged_in_is_sent_to_log_in(client, partnership):
    response = client.get(reverse("partnerships:detail", args=[partnership.pk]))

    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


@pytest.mark.parametrize("action", ["pause", "resume", "end", "block", "acknowledge_ending"])
def test_a_stranger_cannot_change_someone_elses_partnership(client, partnership, stranger, action):
    client.force_login(stranger)

    response = client.post(reverse(f"partnerships:{action}", args=[partnership.pk]))

    assert response.status_code == 404
    partnership.refresh_from_db()
    assert partnership.status == Partnership.Status.ACTIVE
    assert not Block.objects.exists()


def test_a_stranger_is_refused_by_the_services_too(partnership, stranger):
    for change in (
        services.pause_partnership,
        services.end_partnership,
        services.acknowledge_ending,
    ):
        with pytest.raises(FeltError, match="Only the two partners"):
            change(partnership=partnership, member=stranger)
    partnership.refresh_from_db()
    assert partnership.status == Partnership.Status.ACTIVE


def test_status_changes_need_a_post(client, partnership, ada):
    client.force_login(ada)

    response = client.get(reverse("partnerships:end", args=[partnership.pk]))

    assert response.status_code == 405
    partnership.refresh_from_db()
    assert partnership.status == Partnership.Status.ACTIVE


def test_a_partner_can_pause_and_resume(client, partnership, ada, sam):
    client.force_login(ada)
    client.post(reverse("partnerships:pause", args=[partnership.pk]))
    partnership.refresh_from_db()
    assert partnership.status == Partnership.Status.PAUSED

    client.force_login(sam)
    client.post(reverse("partnerships:resume", args=[partnership.pk]))
    partnership.refresh_from_db()
    assert partnership.status == Partnership.Status.ACTIVE


def test_resuming_an_active_partnership_is_refused_with_a_sentence(client, partnership, ada):
    client.force_login(ada)

    response = client.post(reverse("partnerships:resume", args=[partnership.pk]), follow=True)

    assert "Only a paused partnership can be resumed." in response.content.decode()
    partnership.refresh_from_db()
    assert partnership.status == Partnership.Status.ACTIVE


def test_ending_by_one_partner_shows_the_other_a_kind_notice_until_acknowledged(
    client, partnership, ada, sam
):
    client.force_login(ada)
    client.post(reverse("partnerships:end", args=[partnership.pk]))
    partnership.refresh_from_db()
    assert partnership.status == Partnership.Status.ENDED
    assert partnership.ended_by == ada
    assert partnership.ended_at is not None

    # The one who ended it sees no notice about it.
    assert "has brought your partnership to a close" not in (
        client.get(reverse("web:dashboard")).content.decode()
    )

    client.force_login(sam)
    dashboard = client.get(reverse("web:dashboard")).content.decode()
    assert "Ada has brought your partnership to a close" in dashboard
    assert reverse("partnerships:acknowledge_ending", args=[partnership.pk]) in dashboard

    response = client.post(reverse("partnerships:acknowledge_ending", args=[partnership.pk]))

    assert response.url == reverse("web:dashboard")
    partnership.refresh_from_db()
    assert partnership.ending_seen_by_other is True
    assert "has brought your partnership to a close" not in (
        client.get(reverse("web:dashboard")).content.decode()
    )


def test_ending_an_ended_partnership_is_refused_with_a_sentence(client, partnership, ada, sam):
    services.end_partnership(partnership=partnership, member=sam)
    client.force_login(ada)

    response = client.post(reverse("partnerships:end", args=[partnership.pk]), follow=True)

    assert "This partnership has already ended." in response.content.decode()
    partnership.refresh_from_db()
    assert partnership.ended_by == sam


def test_the_partner_who_ended_it_has_nothing_to_acknowledge(partnership, ada):
    services.end_partnership(partnership=partnership, member=ada)

    with pytest.raises(FeltError, match="no ending to acknowledge"):
        services.acknowledge_ending(partnership=partnership, member=ada)


def test_end_and_block_ends_the_partnership_and_refuses_later_invitations(
    client, partnership, ada, sam
):
    client.force_login(sam)

    client.post(reverse("partnerships:block", args=[partnership.pk]))

    assert Block.objects.filter(blocker=sam, blocked=ada).exists()
    partnership.refresh_from_db()
    assert partnership.status == Partnership.Status.ENDED
    assert partnership.ended_by == sam
    # The blocked member can still make links, but the blocker can never accept one.
    _, token = services.create_invitation(inviter=ada)
    with pytest.raises(FeltError, match="cannot be accepted"):
        services.accept_invitation(token=token, member=sam)
    _, token = services.create_invitation(inviter=sam)
    with pytest.raises(FeltError, match="cannot be accepted"):
        services.accept_invitation(token=token, member=ada)


def test_blocking_ends_every_partnership_still_going_between_the_two(ada, sam, stranger):
    first = Partnership.objects.create(member_a=ada, member_b=sam)
    second = Partnership.objects.create(
        member_a=sam, member_b=ada, status=Partnership.Status.PAUSED
    )
    other = Partnership.objects.create(member_a=ada, member_b=stranger)

    services.block_member(blocker=ada, blocked=sam)
    services.block_member(blocker=ada, blocked=sam)  # twice is harmless

    assert Block.objects.count() == 1
    for partnership in (first, second, other):
        partnership.refresh_from_db()
    assert first.status == second.status == Partnership.Status.ENDED
    assert other.status == Partnership.Status.ACTIVE


def test_a_member_cannot_block_themselves(ada):
    with pytest.raises(FeltError, match="cannot block yourself"):
        services.block_member(blocker=ada, blocked=ada)


def test_a_leaving_member_ends_their_partnerships_and_deletion_removes_them(ada, sam, stranger):
    with_sam = Partnership.objects.create(member_a=ada, member_b=sam)
    with_stranger = Partnership.objects.create(
        member_a=stranger, member_b=ada, status=Partnership.Status.PAUSED
    )
    between_others = Partnership.objects.create(member_a=sam, member_b=stranger)

    assert services.end_partnerships_of_leaving_member(member=ada) == 2
    assert services.end_partnerships_of_leaving_member(member=ada) == 0

    with_sam.refresh_from_db()
    with_stranger.refresh_from_db()
    assert with_sam.status == with_stranger.status == Partnership.Status.ENDED
    assert with_sam.ended_by == ada
    assert list(selectors.unseen_endings_for(member=sam)) == [with_sam]

    ada.delete()

    assert list(Partnership.objects.all()) == [between_others]
    assert between_others.status == Partnership.Status.ACTIVE
