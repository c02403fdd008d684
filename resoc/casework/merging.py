"""Case notes follow a person when a duplicate record is merged (see ``people.merging``).

Notes never conflict: they are dated records of what happened, so every note of the duplicate moves
to the surviving record as it is (corrections keep pointing at the notes they correct).
"""

from __future__ import annotations

from resoc.casework.models import CaseNote
from resoc.people.models import Person


def merge_case_notes(source: Person, target: Person) -> dict[str, int]:
    return {"case_notes": CaseNote.objects.filter(person=source).update(person=target)}
