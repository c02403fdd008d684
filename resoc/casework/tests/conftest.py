"""Helpers for casework tests: persons in custody with sentences, signed assessments, plans and measures.

Records are written directly (not through the feature apps' services): these tests are about how the
caseload reads them, and the feature apps test their own rules.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from conftest import World
from resoc.api.tests.conftest import ApiClient, token_for
from resoc.assessments.models import Assessment, Instrument, Status
from resoc.organizations.models import Organization
from resoc.people.models import Person, Relationship
from resoc.plans.models import Goal, Measure, MeasureStatus, Plan
from resoc.sentences.models import CustodyPeriod, Sentence


def days(offset: int) -> dt.date:
    return timezone.localdate() + dt.timedelta(days=offset)


def org(code: str) -> Organization:
    return Organization.objects.get(code=code)


def held(
    given: str,
    family: str,
    *,
    prison: str = "jelgavas-cietums",
    release_in: int | None = None,
    personal_code: str | None = None,
) -> Person:
    """A person in the custody of ``prison``; with ``release_in``, a sentence ending that many days from today."""
    person = Person.objects.create(
        given_names=given, family_name=family, sex="male", personal_code=personal_code
    )
    Relationship.objects.create(
        person=person, organization=org(prison), kind="custody", starts_on=days(-100), source="test"
    )
    if release_in is not None:
        Sentence.objects.create(
            person=person, court="Zemgales rajona tiesa", starts_on=days(-400), ends_on=days(release_in)
        )
        CustodyPeriod.objects.create(person=person, prison=org(prison), admitted_on=days(-100))
    return person


def signed(world: World, person: Person, risk: str = "high", on: dt.date | None = None) -> Assessment:
    moment = timezone.make_aware(dt.datetime.combine(on or days(-20), dt.time(10)))
    return Assessment.objects.create(
        person=person,
        instrument=Instrument.objects.current(),  # type: ignore[misc]  # seeded by a migration
        status=Status.SIGNED,
        assessor=world.users["prison_officer"],
        signed_by=world.users["prison_officer"],
        organization=org("jelgavas-cietums"),
        risk_level=risk,
        signed_at=moment,
    )


def plan_for(
    world: World, person: Person, *, review_in: int | None = 90, org_code: str = "jelgavas-cietums"
) -> Plan:
    assessment = Assessment.objects.filter(person=person, status=Status.SIGNED).first() or signed(
        world, person
    )
    return Plan.objects.create(
        person=person,
        organization=org(org_code),
        assessment=assessment,
        created_by=world.users["prison_officer"],
        next_review_due=days(review_in) if review_in is not None else None,
    )


def measure(
    plan: Plan,
    *,
    due_in: int,
    responsible: str = "jelgavas-cietums",
    status: str = MeasureStatus.PLANNED,
    description: str = "Uzvedības korekcijas programma",
) -> Measure:
    goal = plan.goals.first() or Goal.objects.create(
        plan=plan, need_key="drugs", text="Atteikties no narkotikām"
    )
    return Measure.objects.create(
        goal=goal,
        kind="programme",
        description=description,
        responsible_organization=org(responsible),
        due_on=days(due_in),
        status=status,
        status_changed_on=days(-30),
    )


def logged_in(world: World, persona: str, language: str = "en") -> Client:
    client = Client(headers={"accept-language": language})
    client.force_login(world.users[persona])
    return client


@pytest.fixture
def api_as(world: World):
    def make(persona: str) -> ApiClient:
        return ApiClient(token_for(world.users[persona]), "en")

    return make
