"""The shape of what members type. The rules live in services; forms only gather input."""

from django import forms
from django.conf import settings
from django.contrib.auth import forms as auth_forms
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from felt.core.errors import FeltError

from . import selectors, services

_EMAIL_ERRORS = {
    "required": _("Please enter your email address."),
    "invalid": _("Please enter a whole email address, such as name@example.org."),
}


def _email_field() -> forms.EmailField:
    return forms.EmailField(
        label=_("Email address"),
        max_length=254,
        error_messages=_EMAIL_ERRORS,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )


def _password_field(label, *, autocomplete: str, required_message) -> forms.CharField:
    return forms.CharField(
        label=label,
        strip=False,
        error_messages={"required": required_message},
        widget=forms.PasswordInput(attrs={"autocomplete": autocomplete}),
    )


def _new_password_help() -> str:
    length = selectors.minimum_password_length()
    if length:
        return gettext(
            "At least %(count)d characters. A few unrelated words make a password that is "
            "strong and easy to remember."
        ) % {"count": length}
    return gettext("A few unrelated words make a password that is strong and easy to remember.")


def _time_zone_field() -> forms.CharField:
    # A plain text field under a list: the service, not the form, decides what is valid.
    return forms.CharField(
        label=_("Your time zone"),
        initial="UTC",
        help_text=_("Session times are shown to you in this time zone."),
        error_messages={"required": _("Please choose your time zone.")},
        widget=forms.Select(choices=[(name, name) for name in selectors.time_zone_names()]),
    )


def _display_name_field() -> forms.CharField:
    return forms.CharField(
        label=_("Your name"),
        max_length=80,
        help_text=_("The name your partners will see. A first name is enough."),
        error_messages={
            "required": _("Please tell us the name you'd like your partners to see."),
            "max_length": _("Please keep your name to %(limit_value)d characters or fewer."),
        },
        widget=forms.TextInput(attrs={"autocomplete": "nickname"}),
    )


class SignUpForm(forms.Form):
    email = _email_field()
    display_name = _display_name_field()
    password1 = _password_field(
        _("Choose a password"),
        autocomplete="new-password",
        required_message=_("Please choose a password."),
    )
    password2 = _password_field(
        _("The same password again"),
        autocomplete="new-password",
        required_message=_("Please type your password a second time."),
    )
    time_zone = _time_zone_field()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["password1"].help_text = _new_password_help()

    def clean(self):
        cleaned = super().clean()
        if (
            cleaned.get("password1")
            and cleaned.get("password2")
            and cleaned["password1"] != cleaned["password2"]
        ):
            self.add_error(
                "password2",
                gettext("The two passwords are different; please type the same one twice."),
            )
        return cleaned


class LoginForm(forms.Form):
    email = _email_field()
    password = _password_field(
        _("Password"),
        autocomplete="current-password",
        required_message=_("Please enter your password."),
    )


class ProfileForm(forms.Form):
    display_name = _display_name_field()
    time_zone = _time_zone_field()


class DeleteAccountForm(forms.Form):
    password = _password_field(
        _("Your password, to confirm"),
        autocomplete="current-password",
        required_message=_("Please enter your password to confirm."),
    )


class _OurPasswordRules:
    """Django's password forms, with the rules said in our own words."""

    error_messages = {
        "password_mismatch": _("The two passwords are different; please type the same one twice."),
        "password_incorrect": _("That isn't your current password; please try again."),
    }

    def _use_our_new_password_fields(self):
        self.fields["new_password1"] = _password_field(
            _("New password"),
            autocomplete="new-password",
            required_message=_("Please choose a new password."),
        )
        self.fields["new_password1"].help_text = _new_password_help()
        self.fields["new_password2"] = _password_field(
            _("The same new password again"),
            autocomplete="new-password",
            required_message=_("Please type your new password a second time."),
        )

    def validate_password_for_user(self, user, password_field_name="new_password2"):
        password = self.cleaned_data.get(password_field_name)
        if password:
            try:
                services.check_new_password(password=password, member=user)
            except FeltError as error:
                self.add_error(password_field_name, error.message)


class SetNewPasswordForm(_OurPasswordRules, auth_forms.SetPasswordForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._use_our_new_password_fields()


class ChangePasswordForm(_OurPasswordRules, auth_forms.PasswordChangeForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._use_our_new_password_fields()
        self.fields["old_password"] = _password_field(
            _("Your current password"),
            autocomplete="current-password",
            required_message=_("Please enter your current password."),
        )
        self.order_fields(["old_password", "new_password1", "new_password2"])


class PasswordResetRequestForm(auth_forms.PasswordResetForm):
    email = _email_field()

    def send_mail(
        self,
        subject_template_name,
        email_template_name,
        context,
        from_email,
        to_email,
        html_email_template_name=None,
    ):
        # Links point at Felt's public address, not whatever host the request came in on.
        context["link"] = settings.FELT_BASE_URL + reverse(
            "accounts:password_reset_confirm",
            kwargs={"uidb64": context["uid"], "token": context["token"]},
        )
        super().send_mail(
            subject_template_name,
            email_template_name,
            context,
            from_email,
            to_email,
            html_email_template_name,
        )
