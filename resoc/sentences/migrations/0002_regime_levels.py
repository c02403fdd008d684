"""Institution types and regime levels of the Latvian progressive system (Sentence Execution Code).

Data, not code: the admin edits them when the new Criminal Sentence Execution Law changes the system.
"""

from django.db import migrations

TYPES = [
    # code, name, name_en, order, levels as (code, name, name_en)
    (
        "closed",
        "Slēgtais cietums",
        "Closed prison",
        1,
        [
            ("closed-lowest", "zemākā pakāpe", "lowest level"),
            ("closed-medium", "vidējā pakāpe", "medium level"),
            ("closed-highest", "augstākā pakāpe", "highest level"),
        ],
    ),
    (
        "partly-closed",
        "Daļēji slēgtais cietums",
        "Partly closed prison",
        2,
        [
            ("partly-closed-lowest", "zemākā pakāpe", "lowest level"),
            ("partly-closed-medium", "vidējā pakāpe", "medium level"),
            ("partly-closed-highest", "augstākā pakāpe", "highest level"),
        ],
    ),
    (
        "open",
        "Atklātais cietums",
        "Open prison",
        3,
        [
            ("open-lowest", "zemākā pakāpe", "lowest level"),
            ("open-highest", "augstākā pakāpe", "highest level"),
        ],
    ),
]


def seed(apps, schema_editor):
    InstitutionType = apps.get_model("sentences", "InstitutionType")
    RegimeLevel = apps.get_model("sentences", "RegimeLevel")
    for code, name, name_en, order, levels in TYPES:
        institution_type, _ = InstitutionType.objects.update_or_create(
            code=code, defaults={"name": name, "name_en": name_en, "order": order}
        )
        for position, (level_code, level_name, level_name_en) in enumerate(levels, start=1):
            RegimeLevel.objects.update_or_create(
                code=level_code,
                defaults={
                    "name": level_name,
                    "name_en": level_name_en,
                    "institution_type": institution_type,
                    "order": position,
                },
            )


class Migration(migrations.Migration):
    dependencies = [("sentences", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
