from django.urls import path

from . import views

app_name = "accounts"
urlpatterns = [
    path("sign-up/", views.sign_up, name="signup"),
    path("log-in/", views.log_in, name="login"),
    path("log-out/", views.log_out, name="logout"),
    path("verify-email/<str:token>/", views.verify_email, name="verify_email"),
    path("verify-email-again/", views.resend_verification, name="resend_verification"),
    path("profile/", views.profile, name="profile"),
    path("password/", views.change_password, name="password_change"),
    path("delete/", views.delete_account, name="delete"),
    path("password-reset/", views.PasswordResetRequest.as_view(), name="password_reset"),
    path("password-reset/sent/", views.PasswordResetSent.as_view(), name="password_reset_sent"),
    path(
        "password-reset/<uidb64>/<token>/",
        views.PasswordResetConfirm.as_view(),
        name="password_reset_confirm",
    ),
]
