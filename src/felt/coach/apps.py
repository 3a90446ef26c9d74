from django.apps import AppConfig


class CoachConfig(AppConfig):
    name = "felt.coach"
    label = "coach"
    verbose_name = "Listening coach"
