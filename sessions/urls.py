from django.urls import path  # noqa: F401

from sessions import hub

app_name = "photo_sessions"

urlpatterns: list = [
    path("", hub.session_list, name="list"),
    path("export.csv", hub.session_export, name="export"),
    path("advance-status/", hub.advance_status, name="advance_status"),
]
