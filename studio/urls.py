from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

urlpatterns = [
    path("accounts/login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("admin/", admin.site.urls),
    path("clients/", include("clients.urls")),
    # New Session from a client record belongs to the sessions app (a higher layer).
    path("clients/<int:client_id>/sessions/", include("sessions.client_urls")),
    path("sessions/", include("sessions.urls")),
    path("", include("scheduling.urls")),
    path("", include("studio.app_urls")),
]
