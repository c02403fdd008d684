"""Seed the programme types (reference data, ``programmes/reference.py``)."""

from django.db import migrations

from resoc.programmes.reference import ensure_programme_types


def seed(apps, schema_editor):
    ensure_programme_types(apps.get_model("programmes", "ProgrammeType"))


class Migration(migrations.Migration):
    dependencies = [("programmes", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
