from django.apps import AppConfig


class RoomConfig(AppConfig):
    name = "felt.room"
    label = "room"
    verbose_name = "Session room"
