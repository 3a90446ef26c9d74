from django.urls import path

from . import views

app_name = "partnerships"
urlpatterns = [
    path("", views.partnership_list, name="list"),
    path("invite/", views.invite, name="invite"),
    path("invitation/<str:token>/", views.invitation, name="invitation"),
    path("invitation/<str:token>/accept/", views.accept_invitation, name="accept_invitation"),
    path("invitation/<str:token>/decline/", views.decline_invitation, name="decline_invitation"),
    path("<int:pk>/", views.partnership_detail, name="detail"),
    path("<int:pk>/pause/", views.pause, name="pause"),
    path("<int:pk>/resume/", views.resume, name="resume"),
    path("<int:pk>/end/", views.end, name="end"),
    path("<int:pk>/way-to-meet/", views.way_to_meet, name="way_to_meet"),
    path("<int:pk>/block/", views.block, name="block"),
    path("<int:pk>/acknowledge-ending/", views.acknowledge_ending, name="acknowledge_ending"),
]
