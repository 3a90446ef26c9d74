from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from felt.core.errors import FeltError
from felt.partnerships import services
from felt.partnerships.models import Block, Invitation, Partnership
from felt.partnerships.selectors import token_hash

pytestmark = pytest.mark.django_db


def invitation_url(token):
    return reverse("partnerships:invitation", args=[token])


def accept_url(token):
    return reverse("partnerships:accept_invitation", args=[token])


def decline_url(token):
    return reverse("partnerships:decline_invitation", args=[token])


def test_making_an_invitation_shows_the_link_once_and_keeps_only_its_hash(client, ada, settings):
    settings.FELT_BASE_URL = "https://felt.example"
    client.force_login(ada)

    response = client.post(reverse("partnerships:invite"))

    invitation = Invitation.objects.get(inviter=ada)
    link = response.context["link"]
    token = link.rsplit("/", 2)[-2]
    assert link == "https://felt.example" + invitation_url(token)
    assert link in response.content.decode()
    assert invitation.token_hash == token_hash(token) != token
    assert timedelta(days=6, hours=23) < invitation.expires_at - timezone.now() <= timedelta(days=7)
    assert link not in client.get(reverse("partnerships:invite")).content.decode()


def test_a_logged_out_visitor_sees_who_invites_them_and_ways_to_sign_up_or_log_in(client, ada):
    _, token = services.create_invitation(inviter=ada)

    page = client.get(invitation_url(token)).content.decode()

    assert "An invitation from Ada" in page
    assert f"{reverse('accounts:signup')}?next={invitation_url(token)}" in page
    assert f"{reverse('accounts:login')}?next={invitation_url(token)}" in page
    assert "Accept" not in page


def test_a_logged_in_member_sees_accept_and_decline_buttons(client, ada, sam):
    _, token = services.create_invitation(inviter=ada)
    client.force_login(sam)

    page = client.get(invitation_url(token)).content.decode()

    assert f'action="{accept_url(token)}"' in page
    assert f'action="{decline_url(token)}"' in page
    assert "<button" in page


def test_accepting_an_invitation_makes_an_active_partnership_with_the_inviter_first(
    client, ada, sam
):
    invitation, token = services.create_invitation(inviter=ada)
    client.force_login(sam)

    response = client.post(accept_url(token))

    partnership = Partnership.objects.get()
    assert (partnership.member_a, partnership.member_b) == (ada, sam)
    assert partnership.status == Partnership.Status.ACTIVE
    assert response.url == reverse("partnerships:detail", args=[partnership.pk])
    invitation.refresh_from_db()
    assert invitation.used_at is not None
    assert invitation.used_by == sam
    assert invitation.accepted is True
    assert invitation.partnership == partnership


def test_declining_an_invitation_makes_no_partnership_and_closes_the_link(client, ada, sam):
    invitation, token = services.create_invitation(inviter=ada)
    client.force_login(sam)

    client.post(decline_url(token))

    assert not Partnership.objects.exists()
    invitation.refresh_from_db()
    assert invitation.used_at is not None
    assert invitation.accepted is False
    assert invitation.partnership is None


def test_an_expired_invitation_is_refused_and_changes_nothing(client, ada, sam):
    invitation, token = services.create_invitation(inviter=ada)
    Invitation.objects.filter(pk=invitation.pk).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )
    client.force_login(sam)

    response = client.post(accept_url(token))

    assert response.status_code == 400
    assert "This invitation has expired" in response.content.decode()
    assert not Partnership.objects.exists()
    invitation.refresh_from_db()
    assert invitation.used_at is None
    assert "This invitation has expired" in client.get(invitation_url(token)).content.decode()


def test_an_invitation_cannot_be_used_twice(client, ada, sam, stranger):
    invitation, token = services.create_invitation(inviter=ada)
    services.accept_invitation(token=token, member=sam)
    client.force_login(stranger)

    response = client.post(accept_url(token))

    assert response.status_code == 400
    assert "already been answered" in response.content.decode()
    assert Partnership.objects.count() == 1
    invitation.refresh_from_db()
    assert invitation.used_by == sam


def test_a_declined_invitation_cannot_then_be_accepted(ada, sam):
    _, token = services.create_invitation(inviter=ada)
    services.decline_invitation(token=token, member=sam)

    with pytest.raises(FeltError, match="already been answered"):
        services.accept_invitation(token=token, member=sam)
    assert not Partnership.objects.exists()


@pytest.mark.parametrize("method", ["get", "post_accept", "post_decline"])
def test_a_forged_link_is_not_found_with_a_kind_sentence(client, sam, method):
    client.force_login(sam)
    forged = "not-a-token-we-ever-made"
    if method == "get":
        response = client.get(invitation_url(forged))
    elif method == "post_accept":
        response = client.post(accept_url(forged))
    else:
        response = client.post(decline_url(forged))

    assert response.status_code == 404
    assert "We could not find this invitation" in response.content.decode()
    assert not Partnership.objects.exists()


def test_a_member_cannot_accept_their_own_invitation(client, ada):
    invitation, token = services.create_invitation(inviter=ada)
    client.force_login(ada)

    response = client.post(accept_url(token))

    assert response.status_code == 400
    assert "This is your own invitation" in response.content.decode()
    assert not Partnership.objects.exists()
    invitation.refresh_from_db()
    assert invitation.used_at is None


def test_a_member_cannot_decline_their_own_invitation(ada):
    invitation, token = services.create_invitation(inviter=ada)

    with pytest.raises(FeltError, match="your own invitation"):
        services.decline_invitation(token=token, member=ada)
    invitation.refresh_from_db()
    assert invitation.used_at is None


@pytest.mark.parametrize("who_blocks", ["inviter", "invitee"])
def test_an_invitation_between_blocked_members_is_refused(client, ada, sam, who_blocks):
    if who_blocks == "inviter":
        Block.objects.create(blocker=ada, blocked=sam)
    else:
        Block.objects.create(blocker=sam, blocked=ada)
    invitation, token = services.create_invitation(inviter=ada)
    client.force_login(sam)

    response = client.post(accept_url(token))

    assert response.status_code == 400
    assert "This invitation cannot be accepted." in response.content.decode()
    assert not Partnership.objects.exists()
    invitation.refresh_from_db()
    assert invitation.used_at is None


def test_a_blocked_member_invitation_offers_the_blocker_no_accept_button(client, ada, sam):
    Block.objects.create(blocker=sam, blocked=ada)
    _, token = services.create_invitation(inviter=ada)
    client.force_login(sam)

    page = client.get(invitation_url(token)).content.decode()

    assert "This invitation cannot be accepted." in page
    assert accept_url(token) not in page


@pytest.mark.parametrize("status", [Partnership.Status.ACTIVE, Partnership.Status.PAUSED])
def test_an_invitation_between_members_already_partners_is_refused(ada, sam, status):
    Partnership.objects.create(member_a=sam, member_b=ada, status=status)
    invitation, token = services.create_invitation(inviter=ada)

    with pytest.raises(FeltError, match="You and Ada are already partners."):
        services.accept_invitation(token=token, member=sam)
    assert Partnership.objects.count() == 1
    invitation.refresh_from_db()
    assert invitation.used_at is None


def test_former_partners_may_become_partners_again(ada, sam):
    Partnership.objects.create(member_a=ada, member_b=sam, status=Partnership.Status.ENDED)
    _, token = services.create_invitation(inviter=ada)

    partnership = services.accept_invitation(token=token, member=sam)

    assert partnership.status == Partnership.Status.ACTIVE
    assert Partnership.objects.count() == 2


def test_answering_needs_a_logged_in_member(client, ada):
    _, token = services.create_invitation(inviter=ada)

    response = client.post(accept_url(token))

    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))
    assert not Partnership.objects.exists()


def test_a_member_with_many_unanswered_invitations_is_asked_to_wait(client, ada):
    for _ in range(services.OPEN_INVITATIONS_LIMIT):
        services.create_invitation(inviter=ada)
    client.force_login(ada)

    response = client.post(reverse("partnerships:invite"), follow=True)

    assert "waiting for an answer" in response.content.decode()
    assert Invitation.objects.count() == services.OPEN_INVITATIONS_LIMIT
