"""Keeping proposals in step with the rest of Felt."""

from django.db.models.signals import post_save
from django.dispatch import receiver

from felt.partnerships.models import Block

from . import services


@receiver(post_save, sender=Block, dispatch_uid="matching_withdraw_on_block")
def withdraw_proposals_on_block(sender, instance: Block, created: bool, **kwargs) -> None:
    # A block ends any proposal waiting between the two at once: neither is shown the
    # other's profile again, and the pair is never proposed again (blocks are excluded too).
    if created:
        services.withdraw_between(first=instance.blocker, second=instance.blocked)
