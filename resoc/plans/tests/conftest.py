"""Helpers for plan tests: persons with a signed assessment of known needs, and plans drawn from them."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from resoc.assessments import services as assessment_services
from resoc.assessments.models import Assessment
from resoc.assessments.tests.conftest import api_as, items, qualified, qualify  # noqa: F401  # fixtures
from resoc.audit.models import AuditAction, AuditEntry
from resoc.organizations.models import Organization
from resoc.people.models import Person, PersonEvent, Relationship
from resoc.plans import services
from resoc.plans.models import Goal, Measure, Plan, PlanReview

# Criminal history full (high), drugs 3/5 (medium), education/employment 3/7 (medium), leisure 1/4 (low).
KNOWN_SCORES = {
    "ch_prior": 3,
    "ch_early": 2,
    "ch_breach": 2,
    "dr_use": 3,
    "ee_employment": 3,
    "le_structured": 1,
}
PROPOSED_NEEDS = ["criminal_history", "drugs", "education_employment"]


def future(days: int = 30) -> dt.date:
    return timezone.localdate() + dt.timedelta(days=days)


def past(days: int = 1) -> dt.date:
    return timezone.localdate() - dt.timedelta(days=days)


def sign_assessment(world, person: Person | None = None, scores: dict[str, int] | None = None) -> Assessment:
    """A signed assessment of ``person`` (the world's person by default) with ``scores`` (others 0)."""
    qualify(world)
    person = person or world.person
    scores = KNOWN_SCORES if scores is None else scores
    acting = world.acting("prison_officer")
    assessment = assessment_services.assessment_start(acting=acting, person=person)
    assessment_services.assessment_score_set(
        acting=acting,
        assessment=assessment,
        scores=[
            assessment_services.ScoreInput(
                item=item.key,
                score=scores.get(item.key, 0),
                rationale="Intervija" if scores.get(item.key) else "",
            )
            for item in items()
        ],
        motivation_stage="contemplation",
    )
    return assessment_services.assessment_sign(acting=acting, assessment=assessment)


def make_plan(world, person: Person | None = None, scores: dict[str, int] | None = None) -> Plan:
    person = person or world.person
    sign_assessment(world, person, scores)
    return services.plan_create_from_assessment(acting=world.acting("prison_officer"), person=person)


def prisoner(given: str, family: str, org_code: str = "jelgavas-cietums") -> Person:
    person = Person.objects.create(given_names=given, family_name=family, sex="male")
    Relationship.objects.create(
        person=person,
        organization=Organization.objects.get(code=org_code),
        kind="custody",
        starts_on=timezone.localdate() - dt.timedelta(days=100),
    )
    return person


def jelgava() -> Organization:
    return Organization.objects.get(code="jelgavas-cietums")


def add_measure(world, goal: Goal, **kwargs) -> Measure:
    defaults = {
        "kind": "programme",
        "description": "Uzvedības korekcijas programma",
        "responsible_organization": jelgava(),
        "due_on": future(),
    }
    return services.measure_add(acting=world.acting("prison_officer"), goal=goal, **{**defaults, **kwargs})


def snapshot():
    """Everything a plan service may write: compared before and after a refusal."""
    return (
        list(Plan.objects.values_list("pk", "status", "next_review_due")),
        list(Goal.objects.values_list("pk", "text", "target", "due_on")),
        list(Measure.objects.values_list("pk", "status", "status_changed_on")),
        PlanReview.objects.count(),
        PersonEvent.objects.filter(type__startswith="plan_").count(),
        AuditEntry.objects.filter(record_type="plan").exclude(action=AuditAction.DENIED).count(),
    )
