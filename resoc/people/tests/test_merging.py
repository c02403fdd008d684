"""The merge-handler registry: every app's records move inside the merge, conflicts undo all of it."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from resoc.audit.models import AuditAction, AuditEntry
from resoc.organizations.models import Organization
from resoc.people import merging, services
from resoc.people.models import Consent, Person, PersonEvent, PersonIdentifier, Relationship


def _duplicate(world, **fields) -> Person:
    person = Person.objects.create(given_names="Jānis", family_name="Bērziņš", sex="male", **fields)
    Relationship.objects.create(
        person=person,
        organization=Organization.objects.get(code="jelgavas-cietums"),
        kind="custody",
        starts_on=timezone.localdate() - dt.timedelta(days=5),
    )
    return person


def _state(*persons: Person) -> list[tuple[str, int]]:
    """Every row that points at one of ``persons``: a refused merge must leave all of it in place."""
    rows: list[tuple[str, int]] = []
    for model in (Relationship, PersonEvent, Consent, PersonIdentifier):
        rows += [
            (model.__name__, pk)
            for pk in model.objects.filter(person__in=persons).values_list("pk", flat=True)
        ]
        rows += [
            (f"{model.__name__}.person", person_id)
            for person_id in model.objects.filter(person__in=persons).values_list("person_id", flat=True)
        ]
    rows += [
        ("merged_into", p.merged_into_id or 0) for p in Person.objects.filter(pk__in=[p.pk for p in persons])
    ]
    return sorted(rows)


def test_the_apps_of_the_journey_register_their_handlers():
    assert {"sentences", "assessments", "plans"} <= set(merging.merge_handler_keys())


def test_the_audit_entries_list_what_moved(world, monkeypatch):
    duplicate = _duplicate(world)
    PersonIdentifier.objects.create(
        person=duplicate, kind="passport", value="LV7654321", issuing_country="LV"
    )
    monkeypatch.setitem(merging._HANDLERS, "test", lambda source, target: {"letters": 2, "parcels": 0})
    services.person_merge(acting=world.acting("prison_officer"), survivor=world.person, duplicate=duplicate)
    kept = AuditEntry.objects.get(action=AuditAction.MERGE, person_public_id=world.person.public_id)
    merged = AuditEntry.objects.get(action=AuditAction.MERGE, person_public_id=duplicate.public_id)
    expected = {"relationships": 1, "identifiers": 1, "letters": 2}  # nothing of a kind: left out
    assert kept.detail == {"merged": str(duplicate.public_id), "moved": expected}
    assert merged.detail == {"merged_into": str(world.person.public_id), "moved": expected}


def test_handlers_get_the_duplicate_and_the_survivor(world, monkeypatch):
    duplicate = _duplicate(world)
    seen: list[tuple[Person, Person]] = []

    def records(source: Person, target: Person) -> dict[str, int]:
        seen.append((source, target))
        return {}

    monkeypatch.setitem(merging._HANDLERS, "test", records)
    services.person_merge(acting=world.acting("prison_officer"), survivor=world.person, duplicate=duplicate)
    assert seen == [(duplicate, world.person)]


def test_conflicts_of_all_handlers_are_reported_together_and_nothing_changes(world, monkeypatch):
    duplicate = _duplicate(world)
    PersonIdentifier.objects.create(
        person=duplicate, kind="passport", value="LV7654321", issuing_country="LV"
    )

    def moves_then_refuses(source: Person, target: Person) -> dict[str, int]:
        Relationship.objects.filter(person=source).update(person=target)
        raise ValidationError("First conflict.", code="first")

    def refuses(source: Person, target: Person) -> dict[str, int]:
        raise ValidationError({"plans": ["Second conflict."]})

    monkeypatch.setitem(merging._HANDLERS, "first", moves_then_refuses)
    monkeypatch.setitem(merging._HANDLERS, "second", refuses)
    before = _state(world.person, duplicate)
    with pytest.raises(ValidationError) as raised:
        services.person_merge(
            acting=world.acting("prison_officer"), survivor=world.person, duplicate=duplicate
        )
    assert raised.value.messages == ["First conflict.", "Second conflict."]
    assert _state(world.person, duplicate) == before
    assert not AuditEntry.objects.filter(action=AuditAction.MERGE).exists()
    assert not PersonEvent.objects.filter(type="person_merged").exists()


def test_the_merge_page_shows_the_conflict_and_merges_nothing(world, monkeypatch):
    duplicate = _duplicate(world, personal_code="321234-56789")

    def refuses(source: Person, target: Person) -> dict[str, int]:
        raise ValidationError("Both records have an active resocialization plan.")

    monkeypatch.setitem(merging._HANDLERS, "test", refuses)
    url = reverse("people:merge", args=[world.person.public_id])
    response = world.client("prison_officer").post(url, {"duplicate": "32123456789", "confirm": "1"})
    assert response.status_code == 200
    assert "Both records have an active resocialization plan." in response.content.decode()
    duplicate.refresh_from_db()
    assert duplicate.merged_into_id is None


def test_every_app_that_keeps_records_about_persons_moves_them_on_merge():
    """An app whose models point at a person must register a merge handler, or a merge would leave
    its records behind on the duplicate (or delete them with it)."""
    from django.apps import apps

    from resoc.people.merging import merge_handler_keys
    from resoc.people.models import Person

    # The people app moves its own records; the audit log keeps pointing at whom it was about.
    handled_elsewhere = {"people", "audit"}
    holding = {
        model._meta.app_label
        for model in apps.get_models()
        if model.__module__.startswith("resoc.")
        for field in model._meta.get_fields()
        if getattr(field, "related_model", None) is Person and field.concrete
    }
    assert holding - handled_elsewhere <= set(merge_handler_keys())
