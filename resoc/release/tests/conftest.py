"""Helpers for release tests: a person held in Jelgava prison with a sentence ending in 100 days."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from django.utils import timezone, translation

from resoc.api.tests.conftest import ApiClient, token_for
from resoc.audit.models import AuditAction, AuditEntry
from resoc.organizations.models import Organization
from resoc.people.models import Person, PersonEvent, Relationship
from resoc.release import services
from resoc.release.models import (
    Handover,
    HandoverItem,
    InterInstitutionalMeeting,
    MeetingIndicator,
    ReleasePreparation,
    ReleaseTask,
)
from resoc.sentences import services as sentence_services
from resoc.sentences.models import Sentence

RELEASE_IN = 100
STEPS_IN_DEFAULT_TEMPLATE = 20


def days(offset: int) -> dt.date:
    return timezone.localdate() + dt.timedelta(days=offset)


def org(code: str) -> Organization:
    return Organization.objects.get(code=code)


def hold(
    world: Any, person: Person, *, ends_in: int | None = RELEASE_IN, unit: str | None = "vpd-zemgale"
) -> None:
    """Record ``person``'s sentence (ending in ``ends_in`` days) and custody in Jelgava prison.

    The hand-made relationship rows are removed afterwards, so access is what the sentence journey
    derives (custody; release preparation of ``unit`` from 180 days before the end).
    """
    acting = world.acting("prison_officer")
    Relationship.objects.get_or_create(
        person=person,
        organization=org("jelgavas-cietums"),
        kind="custody",
        starts_on=days(-300),
        source="test",
    )
    if ends_in is not None:
        sentence_services.sentence_record(
            acting=acting,
            person=person,
            court="Zemgales rajona tiesa",
            starts_on=days(-200),
            ends_on=days(ends_in),
            release_probation_unit=org(unit) if unit else None,
        )
    sentence_services.custody_admit(
        acting=acting, person=person, prison=org("jelgavas-cietums"), admitted_on=days(-150)
    )
    Relationship.objects.filter(person=person).exclude(source=sentence_services.RELATIONSHIP_SOURCE).delete()


@pytest.fixture
def held(world: Any) -> Person:
    person: Person = world.person
    hold(world, person)
    return person


def generate(world: Any, person: Person | None = None, **kwargs: Any) -> services.Generated:
    return services.timeline_generate(
        acting=world.acting("prison_officer"), person=person or world.person, **kwargs
    )


def task_of(slot: str, offset: int, area: str | None = None) -> ReleaseTask:
    tasks = ReleaseTask.objects.filter(slot=slot, offset_days=offset)
    if area:
        tasks = tasks.filter(area=area)
    return tasks.select_related("person").first()  # type: ignore[return-value]


def snapshot() -> dict[str, Any]:
    """Everything a release service may write: compared before and after a refusal."""
    return {
        "preparations": list(ReleasePreparation.objects.values_list("pk", "release_on", "municipality_id")),
        "tasks": list(
            ReleaseTask.objects.values_list("pk", "status", "due_on", "note", "assigned_organization_id")
        ),
        "meetings": InterInstitutionalMeeting.objects.count(),
        "indicators": MeetingIndicator.objects.count(),
        "handovers": Handover.objects.count(),
        "items": HandoverItem.objects.count(),
        "sentences": Sentence.objects.count(),
        "relationships": Relationship.objects.filter(source=services.RELATIONSHIP_SOURCE).count(),
        "events": PersonEvent.objects.filter(type__startswith="release_").count(),
        "audit": AuditEntry.objects.filter(record_type__startswith="release")
        .exclude(action=AuditAction.DENIED)
        .count(),
    }


@pytest.fixture
def api_as(world: Any) -> Any:
    def make(persona: str) -> ApiClient:
        return ApiClient(token_for(world.users[persona]))

    return make


@pytest.fixture(autouse=True)
def _english(settings: Any) -> Iterator[None]:
    """These tests read the English texts; the Latvian ones are checked where a test asks for them."""
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield
