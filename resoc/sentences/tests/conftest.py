"""Helpers for the sentence journey: dates relative to today, organizations by code, record counts."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from resoc.api.tests.conftest import ApiClient, token_for
from resoc.audit.models import AuditEntry
from resoc.organizations.models import Organization
from resoc.people.models import PersonEvent, Relationship
from resoc.sentences import services
from resoc.sentences.models import (
    CustodyPeriod,
    ProbationPeriod,
    RegimeLevel,
    Release,
    Sentence,
    TemporaryAbsence,
)


def days(offset: int) -> dt.date:
    """Today plus ``offset`` days (negative: in the past)."""
    return timezone.localdate() + dt.timedelta(days=offset)


def org(code: str) -> Organization:
    return Organization.objects.get(code=code)


def level(code: str) -> RegimeLevel:
    return RegimeLevel.objects.get(code=code)


def counts() -> dict[str, int]:
    """Everything a service might write: a refusal must leave all of it unchanged."""
    models: list[type[Any]] = [
        Sentence,
        CustodyPeriod,
        TemporaryAbsence,
        Release,
        ProbationPeriod,
        Relationship,
        PersonEvent,
        AuditEntry,
    ]
    return {model.__name__: model.objects.count() for model in models}


@pytest.fixture
def held(world):
    """Jānis admitted to Jelgava prison 100 days ago; access now comes only from the custody period.

    The ``world`` fixture's hand-made custody row (no source) is removed, so that what the tests see
    is what ``sync_relationships`` derived.
    """
    period = services.custody_admit(
        acting=world.acting("prison_officer"),
        person=world.person,
        prison=org("jelgavas-cietums"),
        admitted_on=days(-100),
        regime_level=level("closed-lowest"),
    )
    Relationship.objects.filter(person=world.person).exclude(source=services.RELATIONSHIP_SOURCE).delete()
    return period


@pytest.fixture
def api_as(world):
    def make(persona: str, language: str | None = None) -> ApiClient:
        return ApiClient(token_for(world.users[persona]), language)

    return make
