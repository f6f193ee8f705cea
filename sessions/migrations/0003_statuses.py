from django.db import migrations

WORKFLOW = [
    # name, sort order, default duration in work days, initial, final
    ("Session Pending", 10, 0, True, False),
    ("Image Capture Pending", 20, 1, False, False),
    ("Upload to Web Pending", 30, 2, False, False),
    ("Sales Presentation Pending", 40, 5, False, False),
    ("Retouch Pending", 50, 5, False, False),
    ("Complete", 60, 0, False, True),
]


def create(apps, schema_editor):
    SessionStatus = apps.get_model("photo_sessions", "SessionStatus")
    for name, order, days, initial, final in WORKFLOW:
        SessionStatus.objects.update_or_create(
            name=name,
            defaults={
                "sort_order": order,
                "default_duration_days": days,
                "is_initial": initial,
                "is_final": final,
                "active": True,
            },
        )


def remove(apps, schema_editor):
    apps.get_model("photo_sessions", "SessionStatus").objects.filter(
        name__in=[row[0] for row in WORKFLOW], sessions__isnull=True
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("photo_sessions", "0002_rules_triggers")]

    operations = [migrations.RunPython(create, remove)]
