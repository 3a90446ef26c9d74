from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "felt.accounts"
    label = "accounts"
    verbose_name = "Members"
