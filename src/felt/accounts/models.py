import zoneinfo

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.crypto import salted_hmac


def validate_time_zone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError("Please choose a time zone from the list, such as Europe/Berlin.")


class MemberManager(BaseUserManager):
    use_in_migrations = True

    def create_user(self, email, password=None, **extra):
        if not email:
            raise ValueError("A member needs an email address.")
        member = self.model(email=self.normalize_email(email).lower(), **extra)
        member.set_password(password)
        member.save(using=self._db)
        return member

    def create_superuser(self, email, password=None, **extra):
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        extra.setdefault("display_name", email.split("@")[0])
        extra.setdefault("email_verified_at", timezone.now())
        return self.create_user(email, password, **extra)


class Member(AbstractBaseUser, PermissionsMixin):
    """A person who uses Felt. Signs in with their email address."""

    email = models.EmailField(unique=True)
    display_name = models.CharField(max_length=80)
    time_zone = models.CharField(max_length=64, default="UTC", validators=[validate_time_zone])
    email_verified_at = models.DateTimeField(null=True, blank=True)
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(default=False)
    date_joined = models.DateTimeField(default=timezone.now)

    objects = MemberManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["display_name"]

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.display_name or self.email

    @property
    def email_verified(self) -> bool:
        return self.email_verified_at is not None

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        """The member's time zone, or UTC where this machine's tz data does not know the name."""
        try:
            return zoneinfo.ZoneInfo(self.time_zone or "UTC")
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            return zoneinfo.ZoneInfo("UTC")

    def get_full_name(self) -> str:
        return self.display_name

    def get_short_name(self) -> str:
        return self.display_name


class LoginFailure(models.Model):
    """One unsuccessful log-in, kept only as long as the log-in throttle needs it.

    Stored in the database so every server process sees the same count. The email is kept
    only as a keyed digest: an attempted address may be a stranger's, or a typo of one.
    """

    email_digest = models.CharField(max_length=64)
    ip = models.GenericIPAddressField(null=True, blank=True)
    at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        indexes = [
            models.Index(fields=["email_digest", "at"], name="loginfailure_email_at"),
            models.Index(fields=["ip", "at"], name="loginfailure_ip_at"),
        ]

    def __str__(self) -> str:
        return f"Log-in failure at {self.at:%Y-%m-%d %H:%M:%S}"

    @staticmethod
    def digest_of(email: str) -> str:
        return salted_hmac(
            "felt.accounts.LoginFailure", email.strip().lower(), algorithm="sha256"
        ).hexdigest()
