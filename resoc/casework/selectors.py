"""Reading case notes: only those in categories the reader may read (and has opened, if asked to)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.db.models import Exists, OuterRef, QuerySet

from resoc.access import policy
from resoc.access.context import Acting
from resoc.audit.models import AuditAction
from resoc.audit.services import audit_person
from resoc.casework import rules
from resoc.casework.forms import CaseNoteForm
from resoc.casework.models import CaseNote
from resoc.casework.services import RECORD_TYPE
from resoc.people.models import Person

SECTION_NOTES = 10


def person_case_notes(*, person: Person, categories: Iterable[str]) -> QuerySet[CaseNote]:
    """The person's notes in ``categories``, newest first, with author, organization and corrections."""
    return (
        CaseNote.objects.filter(person=person, category__in=list(categories))
        .select_related("author", "organization", "corrects")
        .annotate(corrected=Exists(CaseNote.objects.filter(corrects=OuterRef("pk"))))
    )


@dataclass(frozen=True)
class NoteView:
    """What the reader may see of a person's notes, and write."""

    notes: list[CaseNote]
    total: int
    waiting: list[policy.DataCategory]  # categories that need a stated purpose first
    writable: list[policy.DataCategory]
    shown_categories: list[str]


def notes_for_reader(
    acting: Acting,
    person: Person,
    *,
    stated: Mapping[str, str],
    limit: int | None = None,
    decisions: Mapping[str, policy.Decision] | None = None,
) -> NoteView:
    decisions = decisions or policy.readable_categories(acting, person)
    shown, waiting = rules.readable_note_categories(decisions, stated)
    notes = person_case_notes(person=person, categories=shown)
    total = notes.count()
    listed = list(notes[:limit] if limit else notes)
    writable = rules.note_categories(decisions) if rules.has_caseload(acting) else []
    return NoteView(
        notes=listed,
        total=total,
        waiting=waiting,
        writable=writable,
        shown_categories=sorted({note.category for note in listed}),
    )


def audit_note_reads(acting: Acting, person: Person, view: NoteView, *, stated: Mapping[str, str]) -> None:
    """One read per category of the notes shown, with the purpose stated for it (if any)."""
    for key in view.shown_categories:
        audit_person(
            actor=acting.actor,
            action=AuditAction.VIEW,
            person_id=person.public_id,
            category=key,
            record_type=RECORD_TYPE,
            purpose=stated.get(key, ""),
            detail={"notes": sum(1 for note in view.notes if note.category == key)},
        )


def case_notes_section(acting: Acting, person: Person) -> dict[str, Any]:
    """The case file's "case notes" section (registered in the app config): the newest notes and a form.

    The person page calls this only when the policy lets ``acting`` read case notes; notes filed in
    other categories are shown only where the policy allows those too. Sensitive categories that ask
    for a purpose stay out of the section (their notes are on the notes page once a purpose is given),
    and the notes shown are audited per category here, as the person page audits the section only.
    """
    view = notes_for_reader(acting, person, stated={}, limit=SECTION_NOTES)
    audit_note_reads(
        acting,
        person,
        NoteView(
            notes=view.notes,
            total=view.total,
            waiting=view.waiting,
            writable=view.writable,
            # The person page already logged the read of the section's own category.
            shown_categories=[key for key in view.shown_categories if key != policy.CASE_NOTES.key],
        ),
        stated={},
    )
    return {
        "notes": view.notes,
        "notes_total": view.total,
        "notes_more": view.total > len(view.notes),
        "note_form": CaseNoteForm(categories=view.writable) if view.writable else None,
    }
