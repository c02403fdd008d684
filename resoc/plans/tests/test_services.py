"""Goals, measures, status changes, reviews and closing: what is stored, and every refusal stores nothing."""

import pytest
from django.core.exceptions import ValidationError

from resoc.audit.models import AuditEntry
from resoc.organizations.models import Organization, OrganizationType
from resoc.people.models import PersonEvent
from resoc.plans import services
from resoc.plans.models import MeasureStatus, PlanStatus
from resoc.plans.tests.conftest import add_measure, future, make_plan, past, snapshot


@pytest.fixture
def plan(world):
    return make_plan(world)


def _goal_add(world, plan, **kwargs):
    defaults = {"need_key": "family", "text": "Atjaunot saikni ar ģimeni", "target": "", "due_on": future()}
    return services.goal_add(acting=world.acting("prison_officer"), plan=plan, **{**defaults, **kwargs})


def _refused(call, field=None, code=None):
    before = snapshot()
    with pytest.raises(ValidationError) as error:
        call()
    assert snapshot() == before
    if field:
        assert field in error.value.message_dict
    if code:
        assert code in [e.code for e in error.value.error_list] or getattr(error.value, "code", None) == code
    return error.value


def test_a_goal_is_added_with_its_need_target_and_due_date(world, plan):
    goal = _goal_add(world, plan, target="Apmeklē 4 ģimenes dienas", due_on=future(90))
    assert goal.need_key == "family"
    assert goal.need_priority == "none"
    assert goal.order == 3
    assert goal.target == "Apmeklē 4 ģimenes dienas"
    assert PersonEvent.objects.filter(type="plan_goal_added", parameters__need="family").exists()
    assert AuditEntry.objects.filter(record_type="plan", detail__goal_added=str(goal.public_id)).exists()


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"text": "   "}, "text"),
        ({"text": "<script>alert(1)</script>"}, "text"),
        ({"target": "<b>4</b>"}, "target"),
        ({"due_on": past()}, "due_on"),
        ({"need_key": "astrology"}, "need_key"),
    ],
)
def test_invalid_goals_are_refused(world, plan, kwargs, field):
    _refused(lambda: _goal_add(world, plan, **kwargs), field)


def test_a_measure_is_added_and_moves_to_done(world, plan):
    goal = plan.goals.all()[0]
    officer = world.users["prison_officer"]
    measure = add_measure(world, goal, kind="education", responsible_user=officer)
    assert measure.status == MeasureStatus.PLANNED
    assert measure.responsible_user == officer
    services.measure_status_set(acting=world.acting("prison_officer"), measure=measure, status="in_progress")
    services.measure_status_set(acting=world.acting("prison_officer"), measure=measure, status="done")
    measure.refresh_from_db()
    assert measure.status == MeasureStatus.DONE
    assert PersonEvent.objects.filter(type="plan_measure_status_changed").count() == 2
    assert PersonEvent.objects.filter(type="plan_measure_added", parameters__kind="education").exists()


def test_a_measure_for_an_inactive_organization_is_refused(world, plan):
    closed = Organization.objects.create(
        code="slegta-nvo", name="Slēgta NVO", type=OrganizationType.NGO, is_active=False
    )
    goal = plan.goals.all()[0]
    _refused(lambda: add_measure(world, goal, responsible_organization=closed), "responsible_organization")


def test_a_measure_for_an_organization_that_does_not_exist_is_refused(world, plan):
    goal = plan.goals.all()[0]
    ghost = Organization(code="nav-tadas", name="Nav tādas", type=OrganizationType.NGO)
    _refused(lambda: add_measure(world, goal, responsible_organization=ghost), "responsible_organization")


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"description": ""}, "description"),
        ({"description": "Skat. <a href='x'>saiti</a>"}, "description"),
        ({"due_on": past()}, "due_on"),
        ({"kind": "holiday"}, "kind"),
    ],
)
def test_invalid_measures_are_refused(world, plan, kwargs, field):
    goal = plan.goals.all()[0]
    _refused(lambda: add_measure(world, goal, **kwargs), field)


def test_the_responsible_person_must_belong_to_the_responsible_organization(world, plan):
    goal = plan.goals.all()[0]
    consultant = world.users["career_consultant"]
    _refused(lambda: add_measure(world, goal, responsible_user=consultant), "responsible_user")


def test_done_and_cancelled_are_final(world, plan):
    measure = add_measure(world, plan.goals.all()[0])
    acting = world.acting("prison_officer")
    services.measure_status_set(acting=acting, measure=measure, status="cancelled")
    _refused(lambda: services.measure_status_set(acting=acting, measure=measure, status="planned"), "status")


def test_an_unknown_status_is_refused(world, plan):
    measure = add_measure(world, plan.goals.all()[0])
    _refused(
        lambda: services.measure_status_set(
            acting=world.acting("prison_officer"), measure=measure, status="x"
        ),
        "status",
    )


def test_a_review_sets_the_next_review_date(world, plan):
    review = services.plan_review_record(
        acting=world.acting("prison_officer"),
        plan=plan,
        reviewed_on=past(0),
        notes="Programma sākta, motivācija laba.",
        next_review_due=future(120),
    )
    plan.refresh_from_db()
    assert plan.next_review_due == review.next_review_due == future(120)
    assert PersonEvent.objects.filter(type="plan_reviewed").exists()


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"notes": ""}, "notes"),
        ({"notes": "<i>labi</i>"}, "notes"),
        ({"reviewed_on": future(1)}, "reviewed_on"),
        ({"next_review_due": past(0)}, "next_review_due"),
        ({"reviewed_on": past(10), "next_review_due": past(2)}, "next_review_due"),
    ],
)
def test_invalid_reviews_are_refused(world, plan, kwargs, field):
    defaults = {"reviewed_on": past(0), "notes": "Pārskatīts", "next_review_due": future(90)}
    _refused(
        lambda: services.plan_review_record(
            acting=world.acting("prison_officer"), plan=plan, **{**defaults, **kwargs}
        ),
        field,
    )


def test_review_overdue_when_the_due_date_has_passed(world, plan):
    assert not plan.review_overdue()
    plan.next_review_due = past()
    assert plan.review_overdue()
    assert not plan.review_overdue(on=past(2))
    plan.status = PlanStatus.CLOSED
    assert not plan.review_overdue()  # a closed plan is not reviewed any more


def test_a_closed_plan_cannot_be_changed(world, plan):
    goal = plan.goals.all()[0]
    measure = add_measure(world, goal)
    acting = world.acting("prison_officer")
    services.plan_close(acting=acting, plan=plan)
    assert PersonEvent.objects.filter(type="plan_closed").exists()
    _refused(lambda: _goal_add(world, plan), code="plan_closed")
    _refused(lambda: add_measure(world, goal), code="plan_closed")
    _refused(lambda: services.measure_status_set(acting=acting, measure=measure, status="done"))
    _refused(
        lambda: services.plan_review_record(
            acting=acting, plan=plan, reviewed_on=past(0), notes="x", next_review_due=future()
        )
    )
    _refused(lambda: services.plan_close(acting=acting, plan=plan))
