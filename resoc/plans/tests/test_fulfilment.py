"""The official indicator "Plan fulfilment" on a small known data set."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from resoc.organizations.models import Organization
from resoc.plans import services
from resoc.plans.models import Measure
from resoc.plans.selectors import percent, plan_fulfilment
from resoc.plans.tests.conftest import add_measure, jelgava, make_plan, prisoner


def _done(world, measure):
    services.measure_status_set(acting=world.acting("prison_officer"), measure=measure, status="done")


def _fulfil(world, plan):
    for goal in plan.goals.all():
        _done(world, add_measure(world, goal))


@pytest.fixture
def three_plans(world):
    """Jānis and Pēteris fulfilled; Andris has one goal open (one of its two measures is not done)."""
    janis = make_plan(world)
    peteris = make_plan(world, prisoner("Pēteris", "Kalniņš"))
    andris = make_plan(world, prisoner("Andris", "Ozols"))
    _fulfil(world, janis)
    _fulfil(world, peteris)
    # A cancelled measure does not count: the goal is addressed by the done one.
    cancelled = add_measure(world, peteris.goals.all()[0], description="Atcelta programma")
    services.measure_status_set(acting=world.acting("prison_officer"), measure=cancelled, status="cancelled")
    _fulfil(world, andris)
    add_measure(world, andris.goals.all().reverse()[0], kind="education", description="Metinātāja kurss")
    return janis, peteris, andris


def test_two_of_three_plans_fulfilled_is_66_7_per_cent(world, three_plans):
    janis, peteris, andris = three_plans
    result = plan_fulfilment(organization_ids=[jelgava().pk], on=timezone.localdate())
    assert (result.counted, result.fulfilled, result.share) == (3, 2, Decimal("66.7"))
    [prison] = result.organizations
    assert prison.organization == jelgava()
    assert (prison.counted, prison.fulfilled, prison.share) == (3, 2, Decimal("66.7"))
    # Traceable: which plans were counted and which goals are open.
    assert {entry.plan for entry in result.plans} == {janis, peteris, andris}
    open_entry = next(entry for entry in result.plans if entry.plan == andris)
    assert not open_entry.fulfilled
    assert (open_entry.goals, open_entry.addressed) == (3, 2)
    [open_goal] = open_entry.open_goals
    assert open_goal.need_key == "education_employment"
    assert (open_goal.done, open_goal.measures) == (1, 2)


def test_a_goal_without_measures_or_with_only_cancelled_ones_is_open(world):
    plan = make_plan(world)
    goals = list(plan.goals.all())
    _done(world, add_measure(world, goals[0]))
    cancelled = add_measure(world, goals[1])
    services.measure_status_set(acting=world.acting("prison_officer"), measure=cancelled, status="cancelled")
    [entry] = plan_fulfilment(organization_ids=[jelgava().pk], on=timezone.localdate()).plans
    assert [g.need_key for g in entry.open_goals] == [goals[1].need_key, goals[2].need_key]


def test_measures_done_after_the_day_do_not_count(world):
    plan = make_plan(world)
    _fulfil(world, plan)
    Measure.objects.update(status_changed_on=timezone.localdate() + dt.timedelta(days=1))
    # As of today the measures were not done yet.
    result = plan_fulfilment(organization_ids=[jelgava().pk], on=timezone.localdate())
    assert (result.counted, result.fulfilled) == (1, 0)
    # Before the plan was drawn up, nothing is counted.
    before = plan_fulfilment(organization_ids=[jelgava().pk], on=timezone.localdate() - dt.timedelta(days=1))
    assert before.counted == 0
    assert before.share is None


def test_plans_without_needs_are_reported_apart_and_other_prisons_are_not_counted(world):
    make_plan(world, prisoner("Kārlis", "Liepa"), scores={})  # no need: no goal
    make_plan(world)
    jekabpils = Organization.objects.get(code="jekabpils-cietums")
    result = plan_fulfilment(organization_ids=[jelgava().pk], on=timezone.localdate())
    assert result.counted == 1
    assert len(result.without_goals) == 1
    assert plan_fulfilment(organization_ids=[jekabpils.pk], on=timezone.localdate()).counted == 0


def test_a_closed_plan_counts_on_the_day_it_closed_only(world):
    plan = make_plan(world)
    services.plan_close(acting=world.acting("prison_officer"), plan=plan)
    assert plan_fulfilment(organization_ids=[jelgava().pk], on=timezone.localdate()).counted == 1
    assert (
        plan_fulfilment(
            organization_ids=[jelgava().pk], on=timezone.localdate() + dt.timedelta(days=1)
        ).counted
        == 0
    )


@pytest.mark.parametrize(
    ("part", "whole", "share"),
    [(2, 3, "66.7"), (1, 3, "33.3"), (1, 8, "12.5"), (0, 4, "0.0"), (7, 7, "100.0")],
)
def test_the_share_is_rounded_half_up_to_one_decimal(part, whole, share):
    assert percent(part, whole) == Decimal(share)
