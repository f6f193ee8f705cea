from django.apps import AppConfig
from django.db.models.signals import post_migrate


class PhotoSessionsConfig(AppConfig):
    # Django's own session framework already owns the label "sessions".
    name = "sessions"
    label = "photo_sessions"
    verbose_name = "Photo sessions"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from sessions.roles import sync_groups_after_migrate

        post_migrate.connect(sync_groups_after_migrate, sender=self, dispatch_uid="photo_sessions_sync_groups")
