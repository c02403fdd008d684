from django.db import migrations

from resoc.assessments.definitions import install_instrument, read_definition


def seed(apps, schema_editor):
    install_instrument(
        read_definition("resoc-rna-1.json"),
        instrument_model=apps.get_model("assessments", "Instrument"),
        domain_model=apps.get_model("assessments", "Domain"),
        item_model=apps.get_model("assessments", "Item"),
    )


class Migration(migrations.Migration):
    dependencies = [("assessments", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
