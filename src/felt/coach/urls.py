from django.urls import path

from . import views

app_name = "coach"

urlpatterns = [
    path("practice/", views.practice, name="practice"),
    path("practice/history/", views.history, name="history"),
    path("practice/history/keep/", views.history_keep, name="history_keep"),
    path("practice/history/delete/", views.history_delete, name="history_delete"),
]
