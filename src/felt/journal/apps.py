from django.apps import AppConfig


class JournalConfig(AppConfig):
    name = "felt.journal"
    label = "journal"
