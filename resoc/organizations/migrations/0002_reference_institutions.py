from django.db import migrations

from resoc.organizations.reference import ensure_reference_organizations


def seed(apps, schema_editor):
    ensure_reference_organizations(apps.get_model("organizations", "Organization"))


class Migration(migrations.Migration):
    dependencies = [("organizations", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
