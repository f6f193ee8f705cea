from django.urls import path  # noqa: F401

app_name = "client_sessions"

urlpatterns: list = []
