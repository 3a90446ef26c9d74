from django.urls import include, path

urlpatterns = [
    path("", include("felt.web.urls")),
    path("account/", include("felt.accounts.urls")),
    path("partnerships/", include("felt.partnerships.urls")),
    path("sessions/", include("felt.room.urls")),
    path("schedule/", include("felt.schedule.urls")),
    path("journal/", include("felt.journal.urls")),
    path("matching/", include("felt.matching.urls")),
    path("coach/", include("felt.coach.urls")),
]
