from django.urls import path

from sessions import views

app_name = "client_sessions"

urlpatterns = [
    path("new/", views.session_new, name="new"),
]
