"""Reading members and the log-in throttle."""

import functools
import zoneinfo
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth import password_validation

from .models import LoginFailure, Member


@functools.cache
def time_zone_names() -> tuple[str, ...]:
    return tuple(sorted(zoneinfo.available_timezones()))


def member_with_email(*, email: str) -> Member | None:
    return Member.objects.filter(email__iexact=email.strip()).first()


def email_is_taken(*, email: str) -> bool:
    return Member.objects.filter(email__iexact=email.strip()).exists()


def minimum_password_length() -> int | None:
    for validator in password_validation.get_default_password_validators():
        if isinstance(validator, password_validation.MinimumLengthValidator):
            return validator.min_length
    return None


def login_failure_window() -> timedelta:
    return timedelta(seconds=settings.FELT_LOGIN_FAILURE_WINDOW_SECONDS)


def login_paused_until(*, email: str, ip: str | None, now: datetime) -> datetime | None:
    """When log-ins for this email (or from this address) may resume, or None if they may now.

    Log-ins resume once fewer than the limit of failures remain inside the window, that is
    when the limit-th most recent failure leaves it.
    """
    limit = max(settings.FELT_LOGIN_FAILURE_LIMIT, 1)
    window = login_failure_window()
    recent = LoginFailure.objects.filter(at__gt=now - window)
    groups = [recent.filter(email_digest=LoginFailure.digest_of(email))]
    if ip:
        groups.append(recent.filter(ip=ip))
    resume_at = None
    for failures in groups:
        deciding = failures.order_by("-at").values_list("at", flat=True)[limit - 1 : limit]
        for at in deciding:
            candidate = at + window
            if resume_at is None or candidate > resume_at:
                resume_at = candidate
    return resume_at
