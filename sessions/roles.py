"""The staff groups and what each may do, kept in step after every migrate.

Migration 0004 created the groups; this runs on post_migrate (and after a
test flush) so models added later are granted too — Managers get every
permission of the studio's apps, the others exactly what ROLES lists.
"""

from __future__ import annotations

from django.contrib.auth.management import create_permissions

MANAGERS = "Managers"
FRONT_DESK = "Front desk"
PHOTOGRAPHERS = "Photographers"

# codename prefixes per model: a = add, c = change, d = delete, v = view
ROLES: dict[str, dict[str, str]] = {
    FRONT_DESK: {
        "clients.client": "acv",
        "clients.familymember": "acdv",
        "photo_sessions.session": "acv",
        "photo_sessions.sessionparticipant": "acdv",
        "photo_sessions.calendarevent": "acdv",
        "photo_sessions.statuschange": "av",
        "photo_sessions.sessionnote": "av",
        "photo_sessions.sessiontask": "acdv",
        "photo_sessions.sessionstatus": "v",
        "photo_sessions.sessionlogentry": "v",
        "scheduling.sessiontype": "v",
        "scheduling.resource": "v",
        "scheduling.pricelist": "v",
        "studio.staffprofile": "v",
    },
    PHOTOGRAPHERS: {
        "clients.client": "v",
        "clients.familymember": "v",
        "photo_sessions.session": "v",
        "photo_sessions.sessionparticipant": "v",
        "photo_sessions.calendarevent": "v",
        "photo_sessions.statuschange": "v",
        "photo_sessions.sessionnote": "av",
        "photo_sessions.sessiontask": "cv",
        "photo_sessions.sessionstatus": "v",
        "scheduling.sessiontype": "v",
        "scheduling.resource": "v",
        "studio.staffprofile": "v",
    },
}
ACTIONS = {"a": "add", "c": "change", "d": "delete", "v": "view"}
MANAGED_APPS = ["clients", "photo_sessions", "scheduling", "studio", "auth"]


def sync_groups(*, using: str = "default", apps=None) -> None:
    from django.apps import apps as global_apps

    apps = apps or global_apps
    for config in global_apps.get_app_configs():
        if config.models_module is not None:
            create_permissions(config, verbosity=0, using=using, apps=global_apps)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    managers, _ = Group.objects.using(using).get_or_create(name=MANAGERS)
    managers.permissions.set(
        Permission.objects.using(using).filter(content_type__app_label__in=MANAGED_APPS)
    )
    for name, spec in ROLES.items():
        group, _ = Group.objects.using(using).get_or_create(name=name)
        wanted = [
            (label.split(".")[0], f"{ACTIONS[letter]}_{label.split('.')[1]}")
            for label, letters in spec.items()
            for letter in letters
        ]
        perms = Permission.objects.using(using).filter(
            content_type__app_label__in={app for app, _ in wanted},
            codename__in={code for _, code in wanted},
        )
        group.permissions.set([p for p in perms if (p.content_type.app_label, p.codename) in wanted])


def sync_groups_after_migrate(sender, *, using: str = "default", plan=None, **kwargs) -> None:
    sync_groups(using=using)
