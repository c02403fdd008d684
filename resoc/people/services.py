"""Every change of a person record goes through these functions: UI, API and importers alike.

Each one validates, writes, records the timeline event and the audit entry in one transaction, so
that a failure leaves nothing half-written.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from resoc.access import policy
from resoc.access.context import Acting
from resoc.access.roles import Role
from resoc.audit.models import AuditAction
from resoc.audit.services import audit_person
from resoc.people import events
from resoc.people.merging import move_person_records
from resoc.people.models import Person, PersonEvent, PersonIdentifier, Relationship
from resoc.people.photos import normalized_photo
from resoc.people.selectors import person_possible_duplicates

EDITABLE_FIELDS = (
    "given_names",
    "family_name",
    "personal_code",
    "date_of_birth",
    "sex",
    "citizenship_status",
    "citizenship_country",
    "languages",
    "latvian_level",
    "education_level",
    "phone",
    "email",
    "address",
)

# Until custody and supervision periods exist (casework), registering a person starts the
# registering organization's relationship with them.
INTAKE_RELATIONSHIP = {
    Role.RESOCIALIZATION_OFFICER: policy.CUSTODY.key,
    Role.PROBATION_OFFICER: policy.SUPERVISION.key,
}


class PossibleDuplicateError(ValidationError):
    """Another current record has the same name and date of birth; the user must confirm."""

    def __init__(self, duplicates: list[Person]) -> None:
        super().__init__(
            _("A person with the same name and date of birth is already registered."),
            code="possible_duplicate",
        )
        self.duplicates = duplicates


def _validated(person: Person) -> None:
    person.full_clean(exclude=["merged_into"], validate_unique=False, validate_constraints=False)


def _duplicate_code() -> ValidationError:
    # The code goes on the field's error: a dict of messages would drop it (API and import reports show it).
    message = _("A person with this personal code is already registered.")
    return ValidationError({"personal_code": ValidationError(message, code="duplicate_code")})


def _ensure_unique_code(person: Person) -> None:
    if person.personal_code and (
        Person.objects.current().filter(personal_code=person.personal_code).exclude(pk=person.pk).exists()
    ):
        raise _duplicate_code()


def person_registration_checked(*, acting: Acting, data: dict[str, Any]) -> Person:
    """The unsaved person ``person_register`` would store, after the checks that need no query.

    Bulk writers (the register import) check the code's uniqueness and the look-alikes for many
    persons at once themselves.
    """
    if not policy.can_register_persons(acting):
        raise PermissionDenied
    person = Person(**{field: value for field, value in data.items() if field in EDITABLE_FIELDS})
    _validated(person)
    return person


def registration_relationship(*, acting: Acting, person: Person) -> Relationship:
    """The provisional relationship registering a person starts with the registering organization (unsaved)."""
    return Relationship(
        person=person,
        organization=acting.membership.organization,  # type: ignore[union-attr]  # checked by policy
        kind=INTAKE_RELATIONSHIP[Role(acting.role)],
        starts_on=timezone.localdate(),
        source="registration",
    )


def person_register(
    *, acting: Acting, data: dict[str, Any], confirm_possible_duplicate: bool = False
) -> Person:
    person = person_registration_checked(acting=acting, data=data)
    _ensure_unique_code(person)
    if not confirm_possible_duplicate:
        lookalikes = list(
            person_possible_duplicates(
                family_name=person.family_name,
                given_names=person.given_names,
                date_of_birth=person.date_of_birth,
                personal_code=None,
            )[:5]
        )
        if lookalikes:
            raise PossibleDuplicateError(lookalikes)
    try:
        with transaction.atomic():
            person.save()
            registration_relationship(acting=acting, person=person).save()
            events.person_registered_event(person=person, acting=acting)
            audit_person(
                actor=acting.actor,
                action=AuditAction.CREATE,
                person_id=person.public_id,
                category=policy.IDENTITY.key,
            )
    except IntegrityError:
        # A concurrent registration of the same code won the race.
        raise _duplicate_code() from None
    return person


def person_update(*, acting: Acting, person: Person, data: dict[str, Any]) -> Person:
    if not policy.can_update(acting, person):
        raise PermissionDenied
    before = {field: getattr(person, field) for field in EDITABLE_FIELDS}
    for field, value in data.items():
        if field in EDITABLE_FIELDS:
            setattr(person, field, value)
    _validated(person)
    _ensure_unique_code(person)
    changed = [field for field in EDITABLE_FIELDS if getattr(person, field) != before[field]]
    if not changed:
        return person
    with transaction.atomic():
        person.save()
        events.person_updated_event(person=person, acting=acting, fields=changed)
        audit_person(
            actor=acting.actor,
            action=AuditAction.UPDATE,
            person_id=person.public_id,
            category=policy.IDENTITY.key,
            detail={"fields": changed},
        )
    return person


def person_merge(*, acting: Acting, survivor: Person, duplicate: Person) -> Person:
    """Fold ``duplicate`` into ``survivor``: its relationships, identifiers, consents, timeline and the
    records of every app registered in :mod:`resoc.people.merging` move over.

    The duplicate stays as a record pointing at the survivor, so that old links and audit entries resolve.
    Records the apps cannot combine refuse the merge with a ``ValidationError`` naming every conflict,
    and nothing is changed. The audit entries list how many records of each kind moved.
    """
    if not policy.can_merge(acting):
        raise PermissionDenied
    if survivor.pk == duplicate.pk:
        raise ValidationError(_("A record cannot be merged with itself."), code="same_record")
    if duplicate.merged_into_id or survivor.merged_into_id:
        raise ValidationError(_("One of these records has already been merged."), code="already_merged")
    for person in (survivor, duplicate):
        if not policy.can_update(acting, person):
            raise PermissionDenied
    with transaction.atomic():
        # The apps' services lock a person while they change its periods, plans and assessments: hold
        # both records (in one order, so two merges cannot deadlock) while their records move.
        locked = list(
            Person.objects.select_for_update().filter(pk__in=[survivor.pk, duplicate.pk]).order_by("pk")
        )
        if any(person.merged_into_id for person in locked):
            raise ValidationError(_("One of these records has already been merged."), code="already_merged")
        moved = {
            "relationships": Relationship.objects.filter(person=duplicate).update(person=survivor),
            "timeline_events": PersonEvent.objects.filter(person=duplicate).update(person=survivor),
            "consents": duplicate.consents.update(person=survivor),
            "identifiers": 0,
        }
        known = set(survivor.identifiers.values_list("kind", "value", "issuing_country"))
        for identifier in PersonIdentifier.objects.filter(person=duplicate):
            if (identifier.kind, identifier.value, identifier.issuing_country) in known:
                identifier.delete()
            else:
                identifier.person = survivor
                identifier.save(update_fields=["person"])
                moved["identifiers"] += 1
        moved = {kind: count for kind, count in moved.items() if count}
        moved.update(move_person_records(source=duplicate, target=survivor))
        for field in EDITABLE_FIELDS:
            if not getattr(survivor, field) and getattr(duplicate, field):
                setattr(survivor, field, getattr(duplicate, field))
        if not survivor.photo and duplicate.photo:
            survivor.photo = duplicate.photo
        code = duplicate.personal_code
        duplicate.merged_into = survivor
        duplicate.save(update_fields=["merged_into", "updated_at"])
        if code and not survivor.personal_code:
            survivor.personal_code = code
        survivor.save()
        events.person_merged_event(person=survivor, merged=duplicate, acting=acting)
        audit_person(
            actor=acting.actor,
            action=AuditAction.MERGE,
            person_id=survivor.public_id,
            category=policy.IDENTITY.key,
            detail={"merged": str(duplicate.public_id), "moved": moved},
        )
        audit_person(
            actor=acting.actor,
            action=AuditAction.MERGE,
            person_id=duplicate.public_id,
            category=policy.IDENTITY.key,
            detail={"merged_into": str(survivor.public_id), "moved": moved},
        )
    return survivor


def person_photo_set(*, acting: Acting, person: Person, upload: UploadedFile[bytes]) -> Person:
    if not policy.can_update(acting, person):
        raise PermissionDenied
    content = normalized_photo(upload)
    previous = person.photo.name if person.photo else ""
    with transaction.atomic():
        person.photo.save(content.name or "photo.jpg", content, save=False)
        person.save(update_fields=["photo", "updated_at"])
        events.person_updated_event(person=person, acting=acting, fields=["photo"])
        audit_person(
            actor=acting.actor,
            action=AuditAction.UPDATE,
            person_id=person.public_id,
            category=policy.IDENTITY.key,
            record_type="photo",
        )
    if previous:
        person.photo.storage.delete(previous)
    return person


def person_photo_remove(*, acting: Acting, person: Person) -> Person:
    if not policy.can_update(acting, person):
        raise PermissionDenied
    if not person.photo:
        return person
    previous = person.photo.name
    with transaction.atomic():
        person.photo = ""
        person.save(update_fields=["photo", "updated_at"])
        events.person_updated_event(person=person, acting=acting, fields=["photo"])
        audit_person(
            actor=acting.actor,
            action=AuditAction.DELETE,
            person_id=person.public_id,
            category=policy.IDENTITY.key,
            record_type="photo",
        )
    person.photo.storage.delete(previous)
    return person
