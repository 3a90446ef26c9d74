from django.apps import AppConfig


class MatchingConfig(AppConfig):
    name = "felt.matching"
    label = "matching"
