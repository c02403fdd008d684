"""Drawing up a plan from the person's current signed assessment."""

import pytest
from django.core.exceptions import ValidationError

from resoc.audit.models import AuditAction, AuditEntry
from resoc.people.models import PersonEvent
from resoc.plans import services
from resoc.plans.models import Plan, PlanStatus
from resoc.plans.tests.conftest import PROPOSED_NEEDS, make_plan, sign_assessment, snapshot


def test_it_proposes_one_goal_per_medium_or_high_need_in_priority_order(world):
    plan = make_plan(world)
    assert plan.status == PlanStatus.ACTIVE
    assert plan.organization.code == "jelgavas-cietums"
    assert plan.assessment.status == "signed"
    goals = list(plan.goals.all())
    assert [g.need_key for g in goals] == PROPOSED_NEEDS  # high first, then medium by share; low left out
    assert [g.need_priority for g in goals] == ["high", "medium", "medium"]
    assert goals[0].text.startswith("Mazināt vajadzību") or goals[0].text.startswith("Reduce the need")
    assert plan.next_review_due is not None


def test_it_writes_a_timeline_event_and_an_audit_entry(world):
    plan = make_plan(world)
    event = PersonEvent.objects.get(type="plan_created")
    assert event.category == "assessment"
    assert event.parameters["plan"] == str(plan.public_id)
    assert event.parameters["goals"] == 3
    entry = AuditEntry.objects.get(record_type="plan", action=AuditAction.CREATE)
    assert entry.person_public_id == world.person.public_id
    assert entry.detail["goals"] == PROPOSED_NEEDS


def test_it_uses_the_current_assessment_not_a_superseded_one(world):
    first = sign_assessment(world)
    current = sign_assessment(world, scores={"al_use": 3, "al_offending": 2})
    plan = services.plan_create_from_assessment(acting=world.acting("prison_officer"), person=world.person)
    assert plan.assessment == current != first
    assert [g.need_key for g in plan.goals.all()] == ["alcohol"]


def test_a_second_active_plan_is_refused(world):
    make_plan(world)
    before = snapshot()
    with pytest.raises(ValidationError) as error:
        services.plan_create_from_assessment(acting=world.acting("prison_officer"), person=world.person)
    assert error.value.code == "plan_exists"
    assert snapshot() == before


def test_after_closing_a_new_plan_may_be_drawn_up(world):
    plan = make_plan(world)
    services.plan_close(acting=world.acting("prison_officer"), plan=plan)
    again = services.plan_create_from_assessment(acting=world.acting("prison_officer"), person=world.person)
    assert Plan.objects.filter(status=PlanStatus.ACTIVE).get() == again


def test_without_a_signed_assessment_nothing_is_drawn_up(world):
    before = snapshot()
    with pytest.raises(ValidationError) as error:
        services.plan_create_from_assessment(acting=world.acting("prison_officer"), person=world.person)
    assert error.value.code == "no_assessment"
    assert snapshot() == before


def test_a_review_date_in_the_past_is_refused(world):
    from resoc.plans.tests.conftest import past

    sign_assessment(world)
    before = snapshot()
    with pytest.raises(ValidationError) as error:
        services.plan_create_from_assessment(
            acting=world.acting("prison_officer"), person=world.person, next_review_due=past()
        )
    assert "next_review_due" in error.value.message_dict
    assert snapshot() == before
