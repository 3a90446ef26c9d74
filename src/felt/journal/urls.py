from django.urls import path
from django.views.i18n import JavaScriptCatalog

from . import views

app_name = "journal"
urlpatterns = [
    path("", views.journal, name="home"),
    path("preferences/", views.preferences, name="preferences"),
    path("delete/", views.delete_all, name="delete"),
    # The journal's own words for its scripts, so they can be translated like the pages.
    path("jsi18n/", JavaScriptCatalog.as_view(packages=["felt.journal"]), name="jsi18n"),
    path("api/journal/", views.api_journal, name="api_journal"),
    path("api/journal/passphrase/", views.api_passphrase, name="api_passphrase"),
    path("api/journal/recovery/", views.api_recovery, name="api_recovery"),
    path("api/entries/", views.api_entries, name="api_entries"),
    path("api/entries/<uuid:uid>/", views.api_entry, name="api_entry"),
    path("api/check-ins/", views.api_check_ins, name="api_check_ins"),
    path("api/check-ins/<uuid:uid>/", views.api_check_in, name="api_check_in"),
]
