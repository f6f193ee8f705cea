from django.db import migrations

# codename prefixes per model: a = add, c = change, d = delete, v = view
GROUPS = {
    "Managers": "__all__",
    "Front desk": {
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
    "Photographers": {
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


def create_groups(apps, schema_editor):
    from django.apps import apps as global_apps
    from django.contrib.auth.management import create_permissions

    # Permissions are normally created after migrate; make sure they exist now.
    for config in global_apps.get_app_configs():
        original = config.models_module
        config.models_module = original or True
        try:
            create_permissions(config, verbosity=0, apps=apps)
        finally:
            config.models_module = original

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, spec in GROUPS.items():
        group, _ = Group.objects.get_or_create(name=name)
        if spec == "__all__":
            perms = Permission.objects.filter(content_type__app_label__in=MANAGED_APPS)
        else:
            codenames = []
            for label, letters in spec.items():
                app_label, model = label.split(".")
                codenames += [(app_label, f"{ACTIONS[ch]}_{model}") for ch in letters]
            perms = [
                Permission.objects.get(content_type__app_label=app, codename=code)
                for app, code in codenames
            ]
        group.permissions.set(perms)


def remove_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=GROUPS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("photo_sessions", "0003_statuses"),
        ("scheduling", "0001_initial"),
        ("studio", "0001_initial"),
        ("clients", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_groups, remove_groups)]
