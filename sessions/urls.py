from django.urls import path  # noqa: F401

app_name = "photo_sessions"

urlpatterns: list = []
