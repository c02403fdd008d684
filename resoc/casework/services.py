"""Writing case notes: one function per action, each with its timeline event and audit entry."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from resoc.access import policy
from resoc.access.context import Acting
from resoc.audit.models import AuditAction
from resoc.audit.services import audit_person
from resoc.casework import events, rules
from resoc.casework.models import TEXT_MAX, CaseNote, NoteKind
from resoc.people.models import Person

RECORD_TYPE = "case_note"
# Clocks of phones and workstations differ a little; a note "in the future" beyond this is a typo.
CLOCK_SKEW = dt.timedelta(minutes=5)
OLDEST = dt.timedelta(days=366 * 5)


def _writable_keys(acting: Acting, person: Person) -> set[str]:
    if not rules.has_caseload(acting):
        return set()
    return {c.key for c in rules.note_categories(policy.readable_categories(acting, person))}


def _validate(*, writable: set[str], category: str, kind: str, text: str, occurred_at: dt.datetime) -> None:
    errors: dict[str, list[ValidationError]] = {}

    def add(field: str, message: str, code: str) -> None:
        errors.setdefault(field, []).append(ValidationError(message, code=code))

    if category not in writable:
        add("category", _("Choose a data category you may write notes in for this person."), "category")
    if kind not in NoteKind.values:
        add("kind", _("Choose the kind of contact from the list."), "kind")
    if not text.strip():
        add("text", _("Write the note."), "blank")
    elif len(text) > TEXT_MAX:
        add("text", _("A note may have at most %(max)s characters.") % {"max": TEXT_MAX}, "too_long")
    now = timezone.now()
    if occurred_at > now + CLOCK_SKEW:
        add("occurred_at", _("The time cannot be in the future."), "future")
    elif occurred_at < now - OLDEST:
        add("occurred_at", _("The time is more than five years ago: please check it."), "too_old")
    if errors:
        raise ValidationError(errors)


def _audit(acting: Acting, action: AuditAction, note: CaseNote, **detail: object) -> None:
    audit_person(
        actor=acting.actor,
        action=action,
        person_id=note.person.public_id,
        category=note.category,
        record_type=RECORD_TYPE,
        detail={"note": str(note.public_id), "kind": note.kind, **detail},
    )


def case_note_write(
    *,
    acting: Acting,
    person: Person,
    category: str,
    kind: str,
    text: str,
    occurred_at: dt.datetime,
    corrects: CaseNote | None = None,
) -> CaseNote:
    """File a note about ``person``; with ``corrects``, a correction of an earlier note (same category).

    A correction may be written by the original note's organization only: the note is its record.
    """
    writable = _writable_keys(acting, person)
    if not writable or acting.membership is None:
        raise PermissionDenied
    if corrects is not None:
        if corrects.person_id != person.pk or corrects.organization_id != acting.organization_id:
            raise PermissionDenied
        category = corrects.category
    text = text.strip()
    _validate(writable=writable, category=category, kind=kind, text=text, occurred_at=occurred_at)
    with transaction.atomic():
        note = CaseNote(
            person=person,
            author=acting.user,
            organization_id=acting.membership.organization_id,
            category=category,
            kind=kind,
            text=text,
            occurred_at=occurred_at,
            corrects=corrects,
        )
        note.full_clean()
        note.save()
        events.case_note_written_event(note=note, acting=acting)
        extra = {"corrects": str(corrects.public_id)} if corrects else {}
        _audit(acting, AuditAction.CREATE, note, **extra)
    return note


def case_note_edit(
    *, acting: Acting, note: CaseNote, category: str, kind: str, text: str, occurred_at: dt.datetime
) -> CaseNote:
    """The author's change within the edit window; afterwards a note can only be corrected."""
    with transaction.atomic():
        locked = CaseNote.objects.select_for_update().select_related("person").get(pk=note.pk)
        if not locked.is_editable_by(acting.user.pk):
            raise PermissionDenied
        writable = _writable_keys(acting, locked.person)
        if not writable:
            raise PermissionDenied
        text = text.strip()
        _validate(writable=writable, category=category, kind=kind, text=text, occurred_at=occurred_at)
        if category != locked.category and (locked.corrects_id is not None or locked.corrections.exists()):
            raise ValidationError(
                {"category": _("A note and its corrections stay in one category.")}, code="category"
            )
        changed = sorted(
            field
            for field, value in {
                "category": category,
                "kind": kind,
                "text": text,
                "occurred_at": occurred_at,
            }.items()
            if getattr(locked, field) != value
        )
        locked.category, locked.kind, locked.text, locked.occurred_at = category, kind, text, occurred_at
        locked.full_clean()
        locked.save()
        events.case_note_event_follow(note=locked)
        _audit(acting, AuditAction.UPDATE, locked, fields=changed)
    return locked
