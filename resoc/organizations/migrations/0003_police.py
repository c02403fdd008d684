from django.db import migrations, models

from resoc.organizations.reference import ensure_reference_organizations


def seed(apps, schema_editor):
    # Adds the State Police to databases seeded before it was reference data (idempotent).
    ensure_reference_organizations(apps.get_model("organizations", "Organization"))


class Migration(migrations.Migration):
    dependencies = [("organizations", "0002_reference_institutions")]

    operations = [
        migrations.AlterField(
            model_name="organization",
            name="type",
            field=models.CharField(
                choices=[
                    ("ministry", "Ministry"),
                    ("prison_administration", "Prison administration"),
                    ("prison", "Prison"),
                    ("probation_service", "Probation service"),
                    ("probation_unit", "Probation unit"),
                    ("employment_agency", "Employment agency"),
                    ("employment_branch", "Employment agency branch"),
                    ("social_service", "Municipal social service"),
                    ("ngo", "Non-governmental organization"),
                    ("police", "Police"),
                ],
                max_length=40,
                verbose_name="type",
            ),
        ),
        migrations.RunPython(seed, migrations.RunPython.noop),
    ]
