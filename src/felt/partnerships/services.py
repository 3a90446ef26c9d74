"""Changing partnerships: invitations, pausing and ending, blocking, and the time ledger.

Every `check_*` raises `FeltError` with one kind sentence before anything is written, so a
refused request changes nothing.
"""

from __future__ import annotations

import logging
import secrets
from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from felt.core.errors import FeltError

from . import selectors
from .models import Block, Invitation, LedgerEntry, Partnership

logger = logging.getLogger(__name__)

INVITATION_LIFETIME = timedelta(days=7)
# Enough for anyone inviting friends by hand; a guard against a script minting links.
OPEN_INVITATIONS_LIMIT = 20


# -- invitations ---------------------------------------------------------------------------


def check_can_invite(*, inviter) -> None:
    if selectors.open_invitations_of(member=inviter).count() >= OPEN_INVITATIONS_LIMIT:
        raise FeltError(
            _(
                "You already have %(count)d invitations waiting for an answer. Please wait until "
                "some are used or expire before making another."
            )
            % {"count": OPEN_INVITATIONS_LIMIT}
        )


def create_invitation(*, inviter) -> tuple[Invitation, str]:
    """A new single-use invitation and its secret; the secret is returned once, never stored."""
    check_can_invite(inviter=inviter)
    token = secrets.token_urlsafe(32)
    invitation = Invitation.objects.create(
        inviter=inviter,
        token_hash=selectors.token_hash(token),
        expires_at=timezone.now() + INVITATION_LIFETIME,
    )
    logger.info("invitation %s created by member %s", invitation.pk, inviter.pk)
    return invitation, token


def _invitation_or_refuse(token: str) -> Invitation:
    invitation = selectors.invitation_for_token(token=token)
    if invitation is None:
        raise FeltError(
            _(
                "We could not find this invitation. Please check that the whole link was copied, "
                "or ask for a new one."
            )
        )
    return invitation


def check_invitation_open(*, invitation: Invitation) -> None:
    """The link can still be answered: nobody has used it and it has not expired."""
    if invitation.used_at is not None:
        raise FeltError(
            _(
                "This invitation has already been answered. If you need a new one, please ask for it."
            )
        )
    if invitation.expires_at <= timezone.now():
        raise FeltError(
            _(
                "This invitation has expired; links stay valid for seven days. Please ask "
                "%(name)s for a new one."
            )
            % {"name": invitation.inviter.display_name}
        )


def check_can_answer(*, invitation: Invitation, member) -> None:
    check_invitation_open(invitation=invitation)
    if invitation.inviter_id == member.pk:
        raise FeltError(
            _(
                "This is your own invitation. Send the link to the person you would like to "
                "listen with."
            )
        )


def check_can_accept(*, invitation: Invitation, member) -> None:
    check_can_answer(invitation=invitation, member=member)
    inviter = invitation.inviter
    if selectors.is_blocked_between(first=inviter, second=member):
        # The same sentence whichever side blocked: it tells nobody who did.
        raise FeltError(_("This invitation cannot be accepted."))
    if selectors.open_partnerships_between(first=inviter, second=member).exists():
        raise FeltError(
            _("You and %(name)s are already partners.") % {"name": inviter.display_name}
        )


def _mark_used(*, invitation: Invitation, member, accepted: bool, partnership=None) -> None:
    # Only one answer wins, even if two arrive at once: the update matches an unused row or none.
    answered = Invitation.objects.filter(pk=invitation.pk, used_at__isnull=True).update(
        used_at=timezone.now(), used_by=member, accepted=accepted, partnership=partnership
    )
    if answered != 1:
        raise FeltError(
            _(
                "This invitation has already been answered. If you need a new one, please ask for it."
            )
        )


def accept_invitation(*, token: str, member) -> Partnership:
    """Become the inviter's partner. The inviter is `member_a`."""
    with transaction.atomic():
        invitation = _invitation_or_refuse(token)
        check_can_accept(invitation=invitation, member=member)
        partnership = Partnership.objects.create(
            member_a=invitation.inviter, member_b=member, status=Partnership.Status.ACTIVE
        )
        _mark_used(invitation=invitation, member=member, accepted=True, partnership=partnership)
    logger.info("invitation %s accepted: partnership %s", invitation.pk, partnership.pk)
    return partnership


def decline_invitation(*, token: str, member) -> Invitation:
    """Say no to an invitation; the link is then spent and no partnership is made."""
    with transaction.atomic():
        invitation = _invitation_or_refuse(token)
        check_can_answer(invitation=invitation, member=member)
        _mark_used(invitation=invitation, member=member, accepted=False)
    logger.info("invitation %s declined", invitation.pk)
    invitation.refresh_from_db()
    return invitation


# -- the life of a partnership -------------------------------------------------------------


def check_member_of(*, partnership: Partnership, member) -> None:
    if not partnership.includes(member):
        raise FeltError(_("Only the two partners can change this partnership."))


def pause_partnership(*, partnership: Partnership, member) -> Partnership:
    check_member_of(partnership=partnership, member=member)
    if partnership.status != Partnership.Status.ACTIVE:
        raise FeltError(_("Only an active partnership can be paused."))
    partnership.status = Partnership.Status.PAUSED
    partnership.save(update_fields=["status"])
    return partnership


def resume_partnership(*, partnership: Partnership, member) -> Partnership:
    check_member_of(partnership=partnership, member=member)
    if partnership.status != Partnership.Status.PAUSED:
        raise FeltError(_("Only a paused partnership can be resumed."))
    partnership.status = Partnership.Status.ACTIVE
    partnership.save(update_fields=["status"])
    return partnership


def set_way_to_meet(*, partnership: Partnership, member, way: str) -> Partnership:
    """How the two usually meet from now on; a session already open keeps its own choice."""
    check_member_of(partnership=partnership, member=member)
    if partnership.status == Partnership.Status.ENDED:
        raise FeltError(_("This partnership has ended."))
    if way not in Partnership.WayToMeet.values:
        raise FeltError(_("Please choose video, audio only, phone or in person."))
    if partnership.way_to_meet != way:
        partnership.way_to_meet = way
        partnership.save(update_fields=["way_to_meet"])
        logger.info("partnership %s way to meet: %s", partnership.pk, way)
    return partnership


def _end(partnership: Partnership, *, by) -> None:
    partnership.status = Partnership.Status.ENDED
    partnership.ended_at = timezone.now()
    partnership.ended_by = by
    partnership.ending_seen_by_other = False
    partnership.save(update_fields=["status", "ended_at", "ended_by", "ending_seen_by_other"])


def end_partnership(*, partnership: Partnership, member) -> Partnership:
    """A no-fault ending: no reason is asked; the partner is told kindly on their home page."""
    check_member_of(partnership=partnership, member=member)
    if partnership.status == Partnership.Status.ENDED:
        raise FeltError(_("This partnership has already ended."))
    _end(partnership, by=member)
    logger.info("partnership %s ended", partnership.pk)
    return partnership


def acknowledge_ending(*, partnership: Partnership, member) -> Partnership:
    """The partner has read the notice of an ending; it is not shown again."""
    check_member_of(partnership=partnership, member=member)
    if partnership.status != Partnership.Status.ENDED or partnership.ended_by_id == member.pk:
        raise FeltError(_("There is no ending to acknowledge here."))
    if not partnership.ending_seen_by_other:
        partnership.ending_seen_by_other = True
        partnership.save(update_fields=["ending_seen_by_other"])
    return partnership


def block_member(*, blocker, blocked) -> Block:
    """No more partnership or invitations between the two; any partnership still going ends."""
    if blocker.pk == blocked.pk:
        raise FeltError(_("You cannot block yourself."))
    with transaction.atomic():
        block, _created = Block.objects.get_or_create(blocker=blocker, blocked=blocked)
        for partnership in selectors.open_partnerships_between(first=blocker, second=blocked):
            _end(partnership, by=blocker)
    logger.info("member %s blocked member %s", blocker.pk, blocked.pk)
    return block


def end_partnerships_of_leaving_member(*, member) -> int:
    """End every partnership still going of a member about to delete their account.

    Deleting the member then deletes these partnerships too (the member keys cascade), with
    their ledger and sessions: nothing shared is kept of someone who left, so the partner's
    notice goes with them. Ending first still matters when the account is only deactivated,
    or the deletion is put off: the partner then sees a kind ending, not a partner who stopped
    answering. Returns how many were ended; safe to call again.
    """
    count = 0
    with transaction.atomic():
        for partnership in selectors.open_partnerships_of(member=member):
            _end(partnership, by=member)
            count += 1
    return count


# -- the time ledger -----------------------------------------------------------------------


def record_ledger_entry(
    *,
    partnership: Partnership,
    member,
    seconds: int,
    kind: str,
    session=None,
) -> LedgerEntry:
    """Add to what `member` owes the partner (a give-back is negative seconds).

    Within a session there is one entry per member and kind, so a retried command counts once.
    """
    if not partnership.includes(member):
        raise ValueError("the ledger belongs to the two partners only")
    if kind not in LedgerEntry.Kind.values:
        raise ValueError(f"unknown ledger entry kind {kind!r}")
    if session is None:
        return LedgerEntry.objects.create(
            partnership=partnership, member=member, seconds=seconds, kind=kind
        )
    if session.partnership_id != partnership.pk:
        raise ValueError("the session belongs to another partnership")
    entry, _created = LedgerEntry.objects.get_or_create(
        session=session,
        member=member,
        kind=kind,
        defaults={"partnership": partnership, "seconds": seconds},
    )
    return entry
