from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "felt.core"
    label = "core"
