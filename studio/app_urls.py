from django.urls import path

from studio import views

app_name = "studio"

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("preferences/", views.preferences, name="preferences"),
]
