"""Who may draw up and change plans: every refused persona leaves nothing stored."""

import pytest
from django.core.exceptions import PermissionDenied

from conftest import add_relationship, enrol_with_facilitator
from resoc.plans import services
from resoc.plans.models import Plan
from resoc.plans.tests.conftest import add_measure, future, make_plan, past, sign_assessment, snapshot

REFUSED = [
    "other_prison_officer",
    "career_consultant",
    "ngo_coordinator",
    "system_admin",
    "facilitator",
    "analyst",
    "mentor",
    "org_admin",
]


@pytest.fixture(autouse=True)
def _facilitator_reads_the_file(request, world):
    """The facilitator is refused as a reader of Jānis's file (a participant of his group), not as a stranger."""
    callspec = getattr(request.node, "callspec", None)
    if callspec is not None and callspec.params.get("persona") == "facilitator":
        enrol_with_facilitator(world)


@pytest.mark.parametrize("persona", REFUSED)
def test_others_may_not_draw_up_a_plan(world, persona):
    sign_assessment(world)
    before = snapshot()
    with pytest.raises(PermissionDenied):
        services.plan_create_from_assessment(acting=world.acting(persona), person=world.person)
    assert snapshot() == before
    assert not Plan.objects.exists()


@pytest.mark.parametrize("persona", REFUSED)
def test_others_may_not_change_a_plan(world, persona):
    plan = make_plan(world)
    goal = plan.goals.all()[0]
    measure = add_measure(world, goal)
    acting = world.acting(persona)
    before = snapshot()
    calls = [
        lambda: services.goal_add(
            acting=acting, plan=plan, need_key="family", text="x", target="", due_on=future()
        ),
        lambda: services.measure_add(
            acting=acting,
            goal=goal,
            kind="work",
            description="Darbs virtuvē",
            responsible_organization=plan.organization,
            due_on=future(),
        ),
        lambda: services.measure_status_set(acting=acting, measure=measure, status="done"),
        lambda: services.plan_review_record(
            acting=acting, plan=plan, reviewed_on=past(0), notes="x", next_review_due=future()
        ),
        lambda: services.plan_close(acting=acting, plan=plan),
    ]
    for call in calls:
        with pytest.raises(PermissionDenied):
            call()
    assert snapshot() == before


def test_a_probation_officer_supervising_the_person_may_draw_up_a_plan(world):
    sign_assessment(world)
    add_relationship(world.person, "vpd-zemgale", "supervision")
    plan = services.plan_create_from_assessment(acting=world.acting("probation_officer"), person=world.person)
    assert plan.organization.code == "vpd-zemgale"


def test_a_released_person_is_no_longer_planned_by_the_prison(world):
    plan = make_plan(world)
    world.person.relationships.update(ends_on=past(1))
    with pytest.raises(PermissionDenied):
        services.plan_close(acting=world.acting("prison_officer"), plan=plan)
