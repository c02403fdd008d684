"""The demo's resocialization plans and release handovers are what the domain services would have written."""

import datetime as dt
from collections import Counter

import pytest
from django.test import Client
from django.utils import timezone

from resoc.access import policy
from resoc.access.context import acting_for
from resoc.access.models import User
from resoc.assessments.models import Status
from resoc.casework.actions import next_actions
from resoc.casework.caseload import Filters, caseload
from resoc.demo import services
from resoc.organizations.models import Organization
from resoc.people.models import PersonEvent, Relationship
from resoc.plans import services as plan_services
from resoc.plans.models import Goal, Measure, MeasureStatus, Plan, PlanReview, PlanStatus
from resoc.plans.selectors import plan_fulfilment
from resoc.release import services as release_services
from resoc.release.models import Handover, HandoverItemKind, ReleaseTask, TaskStatus
from resoc.sentences.models import CustodyPeriod


@pytest.fixture
def seeded(db):
    return services.seed_demo(persons=400, seed=3)


def _goals(plan: Plan) -> list[tuple[str, str, str, int]]:
    return list(
        Goal.objects.filter(plan=plan)
        .order_by("order")
        .values_list("need_key", "need_priority", "text", "order")
    )


def test_plans_are_drawn_up_from_the_signed_assessment_as_the_service_draws_them(seeded):
    today = timezone.localdate()
    plans = Plan.objects.select_related("assessment", "organization").order_by("pk")
    assert seeded.plans.plans == plans.count() > 20
    for plan in plans:
        assert plan.status == PlanStatus.ACTIVE
        assert plan.assessment.person_id == plan.person_id
        assert plan.assessment.status == Status.SIGNED
        assert plan.assessment.signed_at is not None
        assert plan.assessment.signed_at < plan.created_at <= timezone.now()
        # Drawn up by the prison holding the person.
        assert CustodyPeriod.objects.filter(
            person_id=plan.person_id, prison=plan.organization, left_on__isnull=True
        ).exists()
    # The same person's plan drawn up again through the service has the same goals.
    officer = acting_for(User.objects.get(username="demo-officer"))
    chosen = plans.filter(organization__code="jelgavas-cietums").exclude(goals=None).first()
    assert chosen is not None
    demo_goals = _goals(chosen)
    chosen.delete()
    again = plan_services.plan_create_from_assessment(
        acting=officer, person=chosen.person, next_review_due=today + dt.timedelta(days=30)
    )
    assert _goals(again) == demo_goals


def test_measures_have_responsible_organizations_due_dates_and_every_step_its_event(seeded):
    today = timezone.localdate()
    measures = Measure.objects.select_related("goal__plan", "responsible_organization")
    statuses = Counter(measures.values_list("status", flat=True))
    assert set(statuses) >= {MeasureStatus.DONE, MeasureStatus.IN_PROGRESS, MeasureStatus.PLANNED}
    assert measures.filter(status__in=["planned", "in_progress"], due_on__lt=today).exists()  # overdue
    types = {
        org.type for org in Organization.objects.filter(pk__in=measures.values("responsible_organization"))
    }
    assert {"prison", "ngo"} <= types
    events = Counter(PersonEvent.objects.values_list("type", flat=True))
    assert events["plan_created"] == Plan.objects.count()
    assert events["plan_measure_added"] == measures.count()
    assert events["plan_measure_status_changed"] == measures.exclude(status="planned").count()
    assert events["plan_reviewed"] == PlanReview.objects.count() > 0
    for measure in measures:
        plan = measure.goal.plan
        assert measure.due_on > timezone.localdate(plan.created_at)  # the service refuses past dates
        assert measure.status_changed_on <= today
        added = PersonEvent.objects.get(type="plan_measure_added", parameters__measure=str(measure.public_id))
        assert (added.person_id, added.parameters["plan"]) == (plan.person_id, str(plan.public_id))
    for plan in Plan.objects.exclude(reviews=None):
        latest = plan.reviews.order_by("-reviewed_on").first()
        assert latest is not None
        assert plan.next_review_due == latest.next_review_due
    assert Plan.objects.filter(next_review_due__lt=today).exists()  # some reviews are overdue


def test_the_plan_fulfilment_indicator_computes_for_the_demo_prisons(seeded):
    prisons = Organization.objects.filter(type="prison")
    result = plan_fulfilment(organization_ids=prisons.values_list("pk", flat=True), on=timezone.localdate())
    assert len(result.organizations) >= 5
    assert 0 < result.fulfilled < result.counted
    client = Client()
    client.force_login(User.objects.get(username="demo-officer"))
    page = client.get("/plans/fulfilment/", HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200
    jelgava = next(o for o in result.organizations if o.organization.code == "jelgavas-cietums")
    assert f"<td>{jelgava.counted}</td><td>{jelgava.fulfilled}</td>" in page.content.decode()


def test_the_demo_officers_caseload_has_overdue_plan_measures(seeded):
    officer = User.objects.get(username="demo-officer")
    acting = acting_for(officer)
    today = timezone.localdate()
    overdue = caseload(acting, Filters(overdue=True), on=today)
    late = Measure.objects.filter(
        goal__plan__organization__code="jelgavas-cietums",
        goal__plan__person__in=overdue,
        status__in=["planned", "in_progress"],
        due_on__lt=today,
    ).first()
    assert late is not None
    client = Client()
    client.force_login(officer)
    page = client.get("/casework/?overdue=on&sort=next_action", HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200
    assert late.goal.plan.person.family_name in page.content.decode()


def test_a_released_demo_persons_case_is_with_probation(seeded):
    handovers = Handover.objects.select_related("to_probation_unit", "from_prison", "person", "release")
    assert seeded.handovers.handovers == handovers.count() > 0
    probation = acting_for(User.objects.get(username="demo-probation"))
    today = timezone.localdate()
    # Probation supervises the person or still prepares the release (30 days after it).
    supervised = policy.visible_persons(probation).filter(
        pk__in=handovers.filter(to_probation_unit__code="vpd-zemgale").values("person_id")
    )
    handover = handovers.filter(person__in=supervised, items__kind=HandoverItemKind.RELEASE_TASK).first()
    assert handover is not None
    assert handover.handed_over_on == handover.release.released_on
    assert PersonEvent.objects.filter(
        person=handover.person, type="release_handover", parameters__handover=str(handover.public_id)
    ).exists()
    moved = handover.items.filter(
        kind=HandoverItemKind.RELEASE_TASK, previous_organization=handover.from_prison
    )
    assert moved.exists()
    for item in moved:
        assert item.task is not None
        assert item.organization == handover.to_probation_unit
        assert item.task.assigned_organization == handover.to_probation_unit
        assert item.task.assigned_role == "probation_officer"
    # Nothing is left open with the prison after the release.
    for task in ReleaseTask.objects.filter(person=handover.person, status=TaskStatus.OPEN):
        assert task.assigned_organization != handover.from_prison
    client = Client()
    client.force_login(probation.user)
    assert client.get(f"/people/{handover.person.public_id}/").status_code == 200
    open_tasks = ReleaseTask.objects.filter(person=handover.person, status=TaskStatus.OPEN)
    if open_tasks.exists():  # the probation officer's "My people" lists them as next actions
        actions = next_actions(probation, [handover.person.pk], today)[handover.person.pk]
        assert {a.text for a in actions if a.source == "release_task"} >= {t.title for t in open_tasks}


def test_the_demo_handover_is_what_the_release_service_hands_over(seeded):
    handover = (
        Handover.objects.filter(to_probation_unit__isnull=False, items__kind=HandoverItemKind.RELEASE_TASK)
        .select_related("release", "to_municipality")
        .order_by("pk")
        .first()
    )
    assert handover is not None
    release = handover.release
    items = sorted(
        handover.items.values_list(
            "kind", "task_id", "measure_id", "previous_organization_id", "organization_id"
        )
    )
    municipality = Relationship.objects.filter(person=release.person, source="release").values_list(
        "organization_id", "kind", "starts_on", "ends_on"
    )
    demo_municipality = list(municipality)
    # Back to the day of the release: the handed-over tasks open and with their previous holders.
    for item in handover.items.filter(kind=HandoverItemKind.RELEASE_TASK).select_related("task"):
        assert item.task_id is not None
        ReleaseTask.objects.filter(pk=item.task_id).update(
            status=TaskStatus.OPEN, assigned_organization=item.previous_organization, completed_at=None
        )
    expected = (handover.to_probation_unit_id, handover.to_municipality_id, handover.preparation_id)
    handover.delete()
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(release_services, "_today", lambda: release.released_on)
        again = release_services.hand_over(
            acting=acting_for(User.objects.get(username="demo-officer")), release=release
        )
    assert again is not None
    assert (again.to_probation_unit_id, again.to_municipality_id, again.preparation_id) == expected
    assert (
        sorted(
            again.items.values_list(
                "kind", "task_id", "measure_id", "previous_organization_id", "organization_id"
            )
        )
        == items
    )
    assert list(municipality) == demo_municipality
