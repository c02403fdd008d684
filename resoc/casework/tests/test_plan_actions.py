"""The plans next-actions source: open measures and due reviews, for whom, in Python and in SQL alike."""

from __future__ import annotations

import pytest
from django.utils import translation

from conftest import add_relationship
from resoc.casework.actions import action_due_dates, action_sources, next_actions
from resoc.casework.tests.conftest import days, held, measure, plan_for
from resoc.plans.models import MeasureStatus, PlanStatus
from resoc.plans.selectors import ACTION_SOURCE


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def texts(world, persona, person) -> list[str]:
    return [a.text for a in next_actions(world.acting(persona), [person.pk], days(0))[person.pk]]


def sql_due(world, persona) -> set[tuple[int, object]]:
    rows = set()
    for qs in action_due_dates()[ACTION_SOURCE](world.acting(persona), days(0)):
        rows |= {(row["person_id"], row["due"]) for row in qs}
    return rows


def test_it_is_registered_with_its_sql_form():
    assert ACTION_SOURCE in action_sources()
    assert ACTION_SOURCE in action_due_dates()


def test_open_measures_and_the_review_of_the_plan_organization(world):
    person = held("Anna", "Liepa")
    plan = plan_for(world, person, review_in=10)
    measure(plan, due_in=-2, description="Atkarību programma")
    measure(plan, due_in=5, description="Pabeigta", status=MeasureStatus.DONE)
    measure(plan, due_in=7, description="Atcelta", status=MeasureStatus.CANCELLED)
    measure(plan, due_in=3, description="Notiek", status=MeasureStatus.IN_PROGRESS)
    actions = next_actions(world.acting("prison_officer"), [person.pk], days(0))[person.pk]
    assert [a.text for a in actions] == [
        "Programme: Atkarību programma",
        "Programme: Notiek",
        "Review of the resocialization plan",
    ]
    assert actions[0].is_overdue(days(0))
    assert not actions[1].is_overdue(days(0))
    assert actions[0].url.startswith(f"/plans/{person.public_id}/#measure-")
    assert sql_due(world, "prison_officer") == {
        (person.pk, days(-2)),
        (person.pk, days(3)),
        (person.pk, days(10)),
    }


def test_a_closed_plan_has_no_actions(world):
    person = held("Anna", "Liepa")
    plan = plan_for(world, person)
    measure(plan, due_in=-2)
    plan.status = PlanStatus.CLOSED
    plan.save()
    assert texts(world, "prison_officer", person) == []
    assert sql_due(world, "prison_officer") == set()


def test_a_responsible_organization_sees_its_measures_but_not_the_rest_of_the_plan(world):
    person = held("Anna", "Liepa")
    add_relationship(person, "nva-jelgava", "client")
    plan = plan_for(world, person)
    measure(plan, due_in=4, responsible="nva-jelgava", description="Karjeras konsultācija")
    measure(plan, due_in=2, description="Cietuma programma")
    actions = next_actions(world.acting("career_consultant"), [person.pk], days(0))[person.pk]
    assert [a.text for a in actions] == ["Programme: Karjeras konsultācija"]
    # The consultant may not read plans: the action leads to the page of his organization's measures.
    assert actions[0].url.startswith(f"/plans/{person.public_id}/#measure-")
    page = world.client("career_consultant").get(actions[0].url.split("#")[0]).content.decode()
    assert "Karjeras konsultācija" in page
    assert "Cietuma programma" not in page
    assert sql_due(world, "career_consultant") == {(person.pk, days(4))}


def test_another_prison_sees_nothing_of_this_plan(world):
    person = held("Anna", "Liepa")
    measure(plan_for(world, person), due_in=1)
    assert texts(world, "other_prison_officer", person) == []
    assert sql_due(world, "other_prison_officer") == set()
