from django.db import migrations


def create(apps, schema_editor):
    apps.get_model("studio", "StudioSettings").objects.get_or_create(id=1)


class Migration(migrations.Migration):
    dependencies = [("studio", "0001_initial")]

    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
