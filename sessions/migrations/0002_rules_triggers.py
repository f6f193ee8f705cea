from django.db import migrations

from sessions import sql


class Migration(migrations.Migration):
    dependencies = [
        ("photo_sessions", "0001_initial"),
        ("studio", "0001_initial"),
        ("clients", "0001_initial"),
    ]

    operations = [
        migrations.RunSQL(sql.TRIGGERS_FORWARD, sql.TRIGGERS_REVERSE),
    ]
