from django.db import migrations

from accounts import reference_data


def load_reference_organisations(apps, schema_editor) -> None:
    reference_data.load(apps.get_model("accounts", "Organisation"))


class Migration(migrations.Migration):
    dependencies = [("accounts", "0001_initial")]

    operations = [
        migrations.RunPython(load_reference_organisations, migrations.RunPython.noop)
    ]
