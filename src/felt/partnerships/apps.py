from django.apps import AppConfig


class PartnershipsConfig(AppConfig):
    name = "felt.partnerships"
    label = "partnerships"
