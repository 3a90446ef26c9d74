"""Changing members: signing up, confirming an email, logging in safely, leaving.

Every function here that can be refused raises FeltError with one sentence for the member
and changes nothing.
"""

import logging
import math
import smtplib
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import authenticate, password_validation
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from felt.core.errors import FeltError
from felt.partnerships import services as partnership_services

from . import selectors
from .models import LoginFailure, Member

logger = logging.getLogger(__name__)

EMAIL_VERIFICATION_VALID_FOR = timedelta(days=7)
_EMAIL_VERIFICATION_SALT = "felt.accounts.verify_email"
_DISPLAY_NAME_MAX_LENGTH = Member._meta.get_field("display_name").max_length


# Checks: each raises FeltError with one sentence, or returns the cleaned value.


def check_email_available(*, email: str) -> str:
    email = email.strip().lower()
    if not email:
        raise FeltError(_("Please enter your email address."))
    if selectors.email_is_taken(email=email):
        raise FeltError(
            _(
                "There is already an account with this email address: you can log in, "
                "or set a new password if you have forgotten it."
            )
        )
    return email


def check_display_name(*, display_name: str) -> str:
    display_name = display_name.strip()
    if not display_name:
        raise FeltError(_("Please tell us the name you'd like your partners to see."))
    if len(display_name) > _DISPLAY_NAME_MAX_LENGTH:
        raise FeltError(
            _("Please keep your name to %(count)d characters or fewer.")
            % {"count": _DISPLAY_NAME_MAX_LENGTH}
        )
    return display_name


def check_time_zone(*, time_zone: str) -> str:
    if time_zone not in selectors.time_zone_names():
        raise FeltError(_("Please choose a time zone from the list, such as Europe/Berlin."))
    return time_zone


def check_new_password(*, password: str, member: Member) -> None:
    """Apply the configured password validators, saying the first problem in our own words."""
    try:
        password_validation.validate_password(password, member)
    except ValidationError as error:
        raise FeltError(_password_problem(error.error_list[0])) from None


def _password_problem(error: ValidationError) -> str:
    if error.code == "password_too_short":
        return _("Please choose a password of at least %(count)d characters.") % {
            "count": (error.params or {}).get("min_length", 0)
        }
    if error.code == "password_too_common":
        return _(
            "That password is one many people use, so it is easy to guess; please choose another."
        )
    if error.code == "password_entirely_numeric":
        return _("Please use more than digits in your password: add some letters or words.")
    if error.code == "password_too_similar":
        return _("That password is too close to your email or your name; please choose another.")
    return error.messages[0]


# Signing up and confirming the email address.


def sign_up(*, email: str, password: str, display_name: str, time_zone: str) -> Member:
    email = check_email_available(email=email)
    display_name = check_display_name(display_name=display_name)
    time_zone = check_time_zone(time_zone=time_zone)
    check_new_password(password=password, member=Member(email=email, display_name=display_name))
    try:
        with transaction.atomic():
            member = Member.objects.create_user(
                email, password, display_name=display_name, time_zone=time_zone
            )
    except IntegrityError:
        # Two sign-ups with the same address at once: the second one loses, kindly.
        raise FeltError(
            _(
                "There is already an account with this email address: you can log in, "
                "or set a new password if you have forgotten it."
            )
        ) from None
    logger.info("Member %s signed up", member.pk)
    try:
        send_verification_email(member=member)
    except FeltError:
        # The account stands; the member can ask for the link again from their profile.
        pass
    return member


def make_email_verification_token(*, member: Member) -> str:
    signer = signing.TimestampSigner(salt=_EMAIL_VERIFICATION_SALT)
    # The address is part of the token, so a link stops working if the address changes.
    return signer.sign_object({"member": member.pk, "email": member.email})


def email_verification_link(*, member: Member) -> str:
    token = make_email_verification_token(member=member)
    return settings.FELT_BASE_URL + reverse("accounts:verify_email", args=[token])


def send_verification_email(*, member: Member) -> None:
    if member.email_verified:
        raise FeltError(_("Your email address is already confirmed."))
    context = {
        "member": member,
        "link": email_verification_link(member=member),
        "valid_days": EMAIL_VERIFICATION_VALID_FOR.days,
    }
    subject = render_to_string("accounts/email/verify_email_subject.txt", context)
    body = render_to_string("accounts/email/verify_email_body.txt", context)
    try:
        send_mail(" ".join(subject.split()), body, None, [member.email])
    except (smtplib.SMTPException, OSError):
        logger.exception("Could not send the verification email to member %s", member.pk)
        raise FeltError(
            _("We couldn't send the email just now; please try again in a little while.")
        ) from None


def verify_email(*, token: str) -> Member:
    signer = signing.TimestampSigner(salt=_EMAIL_VERIFICATION_SALT)
    try:
        claim = signer.unsign_object(token, max_age=EMAIL_VERIFICATION_VALID_FOR)
    except signing.SignatureExpired:
        raise FeltError(
            _("This link has expired; you can ask for a fresh one on your profile page.")
        ) from None
    except signing.BadSignature:
        raise FeltError(
            _("This link isn't one we recognise; please copy the whole link from the email.")
        ) from None
    member = Member.objects.filter(pk=claim.get("member"), email=claim.get("email")).first()
    if member is None:
        raise FeltError(
            _("This link no longer belongs to an account; perhaps the account was deleted.")
        )
    if not member.email_verified:
        member.email_verified_at = timezone.now()
        member.save(update_fields=["email_verified_at"])
        logger.info("Member %s confirmed their email address", member.pk)
    return member


# Logging in, with a pause after repeated failures.


def check_login_allowed(*, email: str, ip: str | None) -> None:
    now = timezone.now()
    resume_at = selectors.login_paused_until(email=email, ip=ip, now=now)
    if resume_at is None:
        return
    minutes = max(1, math.ceil((resume_at - now).total_seconds() / 60))
    raise FeltError(
        ngettext(
            "After several unsuccessful tries we have paused log-ins for a while to keep "
            "accounts safe; please try again in about %(minutes)d minute.",
            "After several unsuccessful tries we have paused log-ins for a while to keep "
            "accounts safe; please try again in about %(minutes)d minutes.",
            minutes,
        )
        % {"minutes": minutes}
    )


def record_failed_login(*, email: str, ip: str | None) -> None:
    now = timezone.now()
    LoginFailure.objects.create(email_digest=LoginFailure.digest_of(email), ip=ip, at=now)
    # Failures older than the window can never pause anyone again.
    LoginFailure.objects.filter(at__lte=now - selectors.login_failure_window()).delete()
    logger.info("Unsuccessful log-in from %s", ip or "an unknown address")


def clear_login_failures(*, email: str) -> None:
    # Only the email's failures: clearing the address's too would let someone with one
    # account of their own reset their count between guesses at other people's.
    LoginFailure.objects.filter(email_digest=LoginFailure.digest_of(email)).delete()


def authenticate_member(*, email: str, password: str, ip: str | None) -> Member:
    """The member with these credentials, unless log-ins are paused or they don't match."""
    email = email.strip().lower()
    # Checked before the password, so a paused log-in is refused even when it is right.
    check_login_allowed(email=email, ip=ip)
    member = authenticate(None, email=email, password=password)
    if member is None:
        record_failed_login(email=email, ip=ip)
        raise FeltError(
            _(
                "That email and password don't match an account here; please check both and try again."
            )
        )
    clear_login_failures(email=email)
    return member


# The profile.


def update_profile(*, member: Member, display_name: str, time_zone: str) -> Member:
    display_name = check_display_name(display_name=display_name)
    time_zone = check_time_zone(time_zone=time_zone)
    member.display_name, member.time_zone = display_name, time_zone
    member.save(update_fields=["display_name", "time_zone"])
    return member


def after_password_set(*, member: Member) -> None:
    """A new password proves the account is theirs: earlier failures no longer count."""
    clear_login_failures(email=member.email)
    logger.info("Member %s set a new password", member.pk)


# Leaving.


def check_password_confirms(*, member: Member, password: str) -> None:
    if not password or not member.check_password(password):
        raise FeltError(_("That password isn't right, so nothing has been deleted."))


def delete_account(*, member: Member, password: str) -> None:
    check_password_confirms(member=member, password=password)
    member_id = member.pk
    with transaction.atomic():
        # Partners are told kindly first; the cascade then removes what was only theirs.
        partnership_services.end_partnerships_of_leaving_member(member=member)
        clear_login_failures(email=member.email)
        member.delete()
    logger.info("Member %s deleted their account", member_id)
