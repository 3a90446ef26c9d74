from django.urls import path

from . import views

app_name = "schedule"
urlpatterns = [
    path("settings/", views.settings_page, name="settings"),
    path("settings/reminders/", views.reminders, name="reminders"),
    path("settings/calendar/new/", views.calendar_renew, name="calendar_renew"),
    path("settings/calendar/off/", views.calendar_revoke, name="calendar_revoke"),
    path("calendar/<str:token>.ics", views.calendar, name="calendar"),
    path("next/", views.next_sessions, name="next_sessions"),
    path("<int:pk>/", views.schedule, name="schedule"),
    path("<int:pk>/propose/", views.propose, name="propose"),
    path("<int:pk>/proposals/<int:proposal_pk>/accept/", views.accept, name="accept"),
    path("<int:pk>/proposals/<int:proposal_pk>/decline/", views.decline, name="decline"),
    path("<int:pk>/proposals/<int:proposal_pk>/withdraw/", views.withdraw, name="withdraw"),
    path("<int:pk>/pause/", views.pause, name="pause"),
    path("<int:pk>/resume/", views.resume, name="resume"),
    path("<int:pk>/now/", views.now, name="now"),
    path("<int:pk>/sessions/<str:key>/", views.occurrence, name="occurrence"),
    path("<int:pk>/sessions/<str:key>/skip/", views.skip, name="skip"),
    path("<int:pk>/sessions/<str:key>/restore/", views.restore, name="restore"),
    path("<int:pk>/sessions/<str:key>/move/", views.move, name="move"),
    path("<int:pk>/sessions/<str:key>/join/", views.join, name="join"),
]
