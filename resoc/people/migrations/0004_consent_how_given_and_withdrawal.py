import uuid

import django.core.validators
import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


def give_public_ids(apps, schema_editor):
    Consent = apps.get_model("people", "Consent")
    rows = list(Consent.objects.filter(public_id__isnull=True).only("pk"))
    for row in rows:
        row.public_id = uuid.uuid4()
    Consent.objects.bulk_update(rows, ["public_id"], batch_size=1000)


class Migration(migrations.Migration):

    dependencies = [
        ("people", "0003_person_birth_index"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="consent",
            name="public_id",
            field=models.UUIDField(editable=False, null=True),
        ),
        migrations.RunPython(give_public_ids, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="consent",
            name="public_id",
            field=models.UUIDField(default=uuid.uuid4, editable=False, unique=True),
        ),
        migrations.AddField(
            model_name="consent",
            name="method",
            field=models.CharField(
                choices=[
                    ("signed_form", "Signed form uploaded"),
                    ("recorded_by_staff", "Given orally, recorded by staff"),
                ],
                default="recorded_by_staff",
                max_length=20,
                verbose_name="how it was given",
            ),
        ),
        migrations.AddField(
            model_name="consent",
            name="signed_form",
            field=models.FileField(blank=True, editable=False, upload_to="consents/", verbose_name="signed form"),
        ),
        migrations.AddField(
            model_name="consent",
            name="signed_form_type",
            field=models.CharField(blank=True, editable=False, max_length=40),
        ),
        migrations.AddField(
            model_name="consent",
            name="recorded_at",
            field=models.DateTimeField(
                default=django.utils.timezone.now, editable=False, verbose_name="recorded"
            ),
        ),
        migrations.AddField(
            model_name="consent",
            name="withdrawn_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddField(
            model_name="consent",
            name="withdrawal_reason",
            field=models.CharField(
                blank=True,
                max_length=300,
                validators=[
                    django.core.validators.RegexValidator(
                        "[<>]",
                        "This field may not contain the characters < or >.",
                        code="markup",
                        inverse_match=True,
                    )
                ],
                verbose_name="reason for the withdrawal",
            ),
        ),
    ]
