from django.apps import AppConfig


class ScheduleConfig(AppConfig):
    name = "felt.schedule"
    label = "schedule"
