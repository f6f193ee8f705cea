from django.apps import AppConfig


class PhotoSessionsConfig(AppConfig):
    # Django's own session framework already owns the label "sessions".
    name = "sessions"
    label = "photo_sessions"
    verbose_name = "Photo sessions"
    default_auto_field = "django.db.models.BigAutoField"
