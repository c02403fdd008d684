"""Typed constructors for the case-note entries of a person's timeline (``people.PersonEvent``).

A note's event carries the note's data category, so the timeline shows it only to those who may
read that category. The text stays in the note: the event names the kind of contact and the note.
"""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from resoc.access.context import Acting
from resoc.casework.models import CaseNote, NoteKind
from resoc.people.models import PersonEvent

CORRECTED = "case_note_correction"

EVENT_LABELS: dict[str, str | Promise] = {
    "case_note_conversation": _("Case note: conversation"),
    "case_note_phone_call": _("Case note: phone call"),
    "case_note_visit": _("Case note: visit"),
    "case_note_meeting": _("Case note: meeting"),
    "case_note_observation": _("Case note: observation"),
    "case_note_incident": _("Case note: incident"),
    CORRECTED: _("Case note corrected"),
}
assert {f"case_note_{kind}" for kind in NoteKind.values} <= set(EVENT_LABELS)


def _type(note: CaseNote) -> str:
    return CORRECTED if note.corrects_id else f"case_note_{note.kind}"


def case_note_written_event(*, note: CaseNote, acting: Acting) -> PersonEvent:
    return PersonEvent.objects.create(
        person_id=note.person_id,
        type=_type(note),
        category=note.category,
        parameters={"note": str(note.public_id), "kind": note.kind},
        actor=acting.user,
        organization_id=acting.organization_id,
        occurred_at=note.occurred_at,
    )


def case_note_event_follow(*, note: CaseNote) -> None:
    """The author changed the note within the edit window: its event follows the category, kind and time."""
    PersonEvent.objects.filter(person_id=note.person_id, parameters__note=str(note.public_id)).update(
        type=_type(note),
        category=note.category,
        parameters={"note": str(note.public_id), "kind": note.kind},
        occurred_at=note.occurred_at,
    )
