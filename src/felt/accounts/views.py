from django.contrib import messages
from django.contrib.auth import login, logout, update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from felt.core.errors import FeltError

from . import forms, services


def _next_url(request) -> str:
    """Where to go afterwards: the `next` we were given, if it stays on this site."""
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return ""


def _client_ip(request) -> str | None:
    # The direct peer. Behind a reverse proxy this is the proxy, which everyone shares.
    return request.META.get("REMOTE_ADDR") or None


@sensitive_post_parameters("password1", "password2")
def sign_up(request):
    next_url = _next_url(request)
    if request.user.is_authenticated:
        return redirect(next_url or "web:dashboard")
    form = forms.SignUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            member = services.sign_up(
                email=form.cleaned_data["email"],
                password=form.cleaned_data["password1"],
                display_name=form.cleaned_data["display_name"],
                time_zone=form.cleaned_data["time_zone"],
            )
        except FeltError as error:
            form.add_error(None, error.message)
        else:
            login(request, member, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(
                request,
                _(
                    "Welcome to Felt, %(name)s. We've emailed you a link to confirm your "
                    "address; please open it when you have a moment."
                )
                % {"name": member.display_name},
            )
            return redirect(next_url or "web:dashboard")
    return render(request, "accounts/sign_up.html", {"form": form, "next": next_url})


def verify_email(request, token):
    try:
        services.verify_email(token=token)
    except FeltError as error:
        return render(
            request, "accounts/verify_email_failed.html", {"problem": error.message}, status=400
        )
    messages.success(request, _("Thank you: your email address is confirmed."))
    return redirect("web:dashboard" if request.user.is_authenticated else "accounts:login")


@login_required
@require_POST
def resend_verification(request):
    try:
        services.send_verification_email(member=request.user)
    except FeltError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("We've sent a new link to %(email)s; it may take a minute to arrive.")
            % {"email": request.user.email},
        )
    return redirect("accounts:profile")


@sensitive_post_parameters("password")
def log_in(request):
    next_url = _next_url(request)
    if request.user.is_authenticated:
        return redirect(next_url or "web:dashboard")
    form = forms.LoginForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            member = services.authenticate_member(
                email=form.cleaned_data["email"],
                password=form.cleaned_data["password"],
                ip=_client_ip(request),
            )
        except FeltError as error:
            form.add_error(None, error.message)
        else:
            login(request, member)
            return redirect(next_url or "web:dashboard")
    return render(request, "accounts/log_in.html", {"form": form, "next": next_url})


@require_POST
def log_out(request):
    logout(request)
    messages.success(request, _("You've logged out. Until next time."))
    return redirect("web:home")


@login_required
def profile(request):
    member = request.user
    form = forms.ProfileForm(
        request.POST or None,
        initial={"display_name": member.display_name, "time_zone": member.time_zone},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.update_profile(
                member=member,
                display_name=form.cleaned_data["display_name"],
                time_zone=form.cleaned_data["time_zone"],
            )
        except FeltError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Your profile is saved."))
            return redirect("accounts:profile")
    return _render_profile(request, form=form, password_form=forms.ChangePasswordForm(member))


@login_required
@require_POST
@sensitive_post_parameters("old_password", "new_password1", "new_password2")
def change_password(request):
    member = request.user
    password_form = forms.ChangePasswordForm(member, request.POST)
    if password_form.is_valid():
        password_form.save()
        services.after_password_set(member=member)
        # Stay logged in here; other devices are logged out by the new password.
        update_session_auth_hash(request, member)
        messages.success(request, _("Your new password is set."))
        return redirect("accounts:profile")
    form = forms.ProfileForm(
        initial={"display_name": member.display_name, "time_zone": member.time_zone}
    )
    return _render_profile(request, form=form, password_form=password_form)


def _render_profile(request, *, form, password_form):
    return render(
        request,
        "accounts/profile.html",
        {"form": form, "password_form": password_form, "member": request.user},
    )


@login_required
@sensitive_post_parameters("password")
def delete_account(request):
    form = forms.DeleteAccountForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.delete_account(member=request.user, password=form.cleaned_data["password"])
        except FeltError as error:
            form.add_error(None, error.message)
        else:
            logout(request)
            messages.success(
                request, _("Your account and everything that was only yours has been deleted.")
            )
            return redirect("web:home")
    return render(request, "accounts/delete.html", {"form": form})


class PasswordResetRequest(auth_views.PasswordResetView):
    form_class = forms.PasswordResetRequestForm
    template_name = "accounts/password_reset_request.html"
    email_template_name = "accounts/email/password_reset_body.txt"
    subject_template_name = "accounts/email/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password_reset_sent")


class PasswordResetSent(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_sent.html"


class PasswordResetConfirm(auth_views.PasswordResetConfirmView):
    form_class = forms.SetNewPasswordForm
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:login")

    def form_valid(self, form):
        response = super().form_valid(form)
        services.after_password_set(member=form.user)
        messages.success(self.request, _("Your new password is set; you can log in with it now."))
        return response
