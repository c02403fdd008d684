"""Outcomes of places: completion sets the plan measure to done and moves the fulfilment indicator;
dropping out ends the place and puts the measure back to planned; certificates unique per programme."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone, translation

from resoc.people.models import PersonEvent, Relationship
from resoc.plans import services as plan_services
from resoc.plans.models import Measure
from resoc.plans.selectors import plan_fulfilment
from resoc.plans.tests.conftest import add_measure, jelgava, make_plan
from resoc.programmes import attendance
from resoc.programmes.models import EnrolmentOutcome, EnrolmentStatus
from resoc.programmes.tests.attendance_helpers import running_group


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    with translation.override("en"):
        yield


def outcome(
    world: Any, enrolment: Any, kind: str, persona: str = "facilitator", **kw: Any
) -> EnrolmentOutcome:
    return attendance.enrolment_outcome_set(
        acting=world.acting(persona), enrolment=enrolment, kind=kind, decided_on=timezone.localdate(), **kw
    )


def plan_with_programme_measure(world: Any) -> Measure:
    """Jānis's plan: every goal addressed by a done measure except one open "Darba prasmes" measure."""
    plan = make_plan(world)
    goals = list(plan.goals.all())
    for goal in goals[:-1]:
        done = add_measure(world, goal)
        plan_services.measure_status_set(acting=world.acting("prison_officer"), measure=done, status="done")
    return add_measure(world, goals[-1], description="Programma “Darba prasmes” Jelgavas cietumā")


def fulfilled() -> int:
    return plan_fulfilment(organization_ids=[jelgava().pk], on=timezone.localdate()).fulfilled


def test_completion_sets_the_measure_done_and_the_plan_counts_as_fulfilled(world) -> None:
    measure = plan_with_programme_measure(world)
    _group, [enrolment] = running_group(world, 1)
    assert fulfilled() == 0
    result = outcome(world, enrolment, "completed", certificate_number="DP-2026-001")
    measure.refresh_from_db()
    assert result.measure == measure
    assert measure.status == "done"
    assert fulfilled() == 1
    event = PersonEvent.objects.get(type=attendance.OUTCOME_EVENT)
    assert event.parameters["measure"] == str(measure.public_id)
    assert PersonEvent.objects.filter(type="plan_measure_status_changed").exists()


def test_dropping_out_ends_the_place_and_puts_the_measure_back_to_planned(world) -> None:
    measure = plan_with_programme_measure(world)
    plan_services.measure_status_set(
        acting=world.acting("prison_officer"), measure=measure, status="in_progress"
    )
    _group, [enrolment] = running_group(world, 1)
    with pytest.raises(ValidationError) as error:
        outcome(world, enrolment, "dropped_out")
    assert "Say why" in error.value.message_dict["reason"][0]
    outcome(world, enrolment, "dropped_out", reason="Atteicās turpināt")
    measure.refresh_from_db()
    enrolment.refresh_from_db()
    assert measure.status == "planned"
    assert enrolment.status == EnrolmentStatus.WITHDRAWN
    assert not Relationship.objects.filter(
        person=enrolment.person, kind="participant", ends_on__gte=timezone.localdate()
    ).exists()
    assert fulfilled() == 0


def test_a_certificate_number_is_unique_within_the_programme(world) -> None:
    _group, enrolments = running_group(world, 2)
    outcome(world, enrolments[0], "completed", certificate_number="DP-1")
    with pytest.raises(ValidationError) as error:
        outcome(world, enrolments[1], "completed", certificate_number="DP-1")
    assert "already given" in error.value.message_dict["certificate_number"][0]
    assert EnrolmentOutcome.objects.count() == 1


def test_a_certificate_belongs_only_to_a_completion_and_dates_cannot_be_ahead(world) -> None:
    _group, [enrolment] = running_group(world, 1)
    with pytest.raises(ValidationError) as error:
        attendance.enrolment_outcome_set(
            acting=world.acting("facilitator"),
            enrolment=enrolment,
            kind="transferred",
            certificate_number="X",
            decided_on=timezone.localdate() + dt.timedelta(days=1),
        )
    assert set(error.value.message_dict) == {"certificate_number", "decided_on"}
    assert not EnrolmentOutcome.objects.exists()


@pytest.mark.parametrize("persona", ["ngo_coordinator", "other_prison_officer", "mentor"])
def test_others_may_not_record_an_outcome(world, persona: str) -> None:
    measure = plan_with_programme_measure(world)
    _group, [enrolment] = running_group(world, 1)
    with pytest.raises(PermissionDenied):
        outcome(world, enrolment, "completed", persona=persona)
    measure.refresh_from_db()
    assert measure.status == "planned"
    assert not EnrolmentOutcome.objects.exists()
