"""Programme types: reference data seeded with the application (migration ``0002``).

Data, not code: a type added here is created by ``ensure_programme_types`` on the next migrate or
demo seed; a type is never deleted, only retired (``is_active``), so old programmes stay readable.
"""

from __future__ import annotations

from typing import Any

# (code, Latvian name, English name)
PROGRAMME_TYPES: list[tuple[str, str, str]] = [
    ("correction", "Sociālās uzvedības korekcijas programma", "Correction (social behaviour) programme"),
    ("motivation", "Motivācijas programma", "Motivation programme"),
    ("general_education", "Vispārējā izglītība", "General education"),
    ("vocational_education", "Profesionālā izglītība", "Vocational education"),
    ("state_language", "Valsts valodas apguve", "State language"),
    ("addiction", "Atkarību programma", "Addiction programme"),
    ("health", "Veselības izglītība", "Health education"),
    ("family", "Ģimenes atbalsts", "Family support"),
    ("leisure_sport", "Brīvais laiks un sports", "Leisure and sport"),
    ("culture_religion", "Kultūra un reliģija", "Culture and religion"),
    ("volunteer_led", "Brīvprātīgo vadītas aktivitātes", "Volunteer-led activities"),
    ("career", "Karjeras konsultācijas", "Career consultations"),
]


def ensure_programme_types(type_model: Any) -> int:
    """Create the types that are missing; return how many were created. Safe to run again."""
    created = 0
    for order, (code, name, name_en) in enumerate(PROGRAMME_TYPES, start=1):
        _, was_created = type_model.objects.get_or_create(
            code=code, defaults={"name": name, "name_en": name_en, "order": order}
        )
        created += int(was_created)
    return created
