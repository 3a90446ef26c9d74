from django.urls import path

from . import views

app_name = "room"
urlpatterns = [
    path("start/<int:partnership_pk>/", views.start, name="start"),
    path("<int:pk>/", views.room, name="room"),
]
