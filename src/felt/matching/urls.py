from django.urls import path

from . import views

app_name = "matching"
urlpatterns = [
    path("", views.directory, name="directory"),
    path("join/", views.join, name="join"),
    path("pause/", views.pause, name="pause"),
    path("resume/", views.resume, name="resume"),
    path("leave/", views.leave, name="leave"),
    path("delete/", views.delete, name="delete"),
    path("proposals/<int:pk>/", views.proposal, name="proposal"),
    path("proposals/<int:pk>/accept/", views.accept, name="accept"),
    path("proposals/<int:pk>/decline/", views.decline, name="decline"),
    path("rounds/", views.rounds, name="rounds"),
    path("rounds/run/", views.run_round, name="run_round"),
]
