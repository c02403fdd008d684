"""Typed constructors for the person timeline (one table, one small function per event type)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from resoc.access.context import Acting
from resoc.people.models import Person, PersonEvent

EVENT_LABELS: dict[str, str | Promise] = {
    "person_registered": _("Registered in Resoc"),
    "person_updated": _("Identity data changed"),
    "person_merged": _("Duplicate record merged into this one"),
}


def register_event_labels(labels: Mapping[str, str | Promise]) -> None:
    """Feature apps name their event types for the timeline (call from ``AppConfig.ready``)."""
    EVENT_LABELS.update(labels)


def event_label(event_type: str) -> str | Promise:
    return EVENT_LABELS.get(event_type, event_type)


def _event(
    *, person: Person, type: str, category: str, acting: Acting | None, save: bool = True, **parameters: Any
) -> PersonEvent:
    event = PersonEvent(
        person=person,
        type=type,
        category=category,
        parameters=parameters,
        actor=acting.user if acting else None,
        organization_id=acting.organization_id if acting else None,
    )
    if save:
        event.save()
    return event


def person_registered_event(*, person: Person, acting: Acting | None, save: bool = True) -> PersonEvent:
    """``save=False``: the event unsaved, for writers that store many at once."""
    return _event(person=person, type="person_registered", category="identity", acting=acting, save=save)


def person_updated_event(*, person: Person, acting: Acting, fields: Iterable[str]) -> PersonEvent:
    return _event(
        person=person, type="person_updated", category="identity", acting=acting, fields=sorted(fields)
    )


def person_merged_event(*, person: Person, merged: Person, acting: Acting) -> PersonEvent:
    return _event(
        person=person,
        type="person_merged",
        category="identity",
        acting=acting,
        merged_public_id=str(merged.public_id),
    )
