from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "felt.web"
    label = "web"
