"""The plan page, its forms, and the indicator page."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from resoc.plans import services
from resoc.plans.models import Goal, Measure, Plan, PlanReview
from resoc.plans.tests.conftest import (
    add_measure,
    future,
    make_plan,
    past,
    prisoner,
    sign_assessment,
    snapshot,
)


def _url(world):
    return reverse("plans:detail", args=[world.person.public_id])


def test_an_officer_draws_up_a_plan_with_the_button(world):
    sign_assessment(world)
    client = world.client("prison_officer")
    page = client.get(_url(world)).content.decode()
    create = reverse("plans:create", args=[world.person.public_id])
    assert create in page
    response = client.post(create)
    assert response.status_code == 302
    assert Plan.objects.get().goals.count() == 3
    page = client.get(_url(world)).content.decode()
    assert create not in page
    assert reverse("plans:add_goal", args=[Plan.objects.get().public_id]) in page


def test_drawing_up_without_an_assessment_shows_the_reason(world):
    response = world.client("prison_officer").post(reverse("plans:create", args=[world.person.public_id]))
    assert response.status_code == 422
    assert not Plan.objects.exists()


def test_goal_measure_and_review_forms(world):
    plan = make_plan(world)
    client = world.client("prison_officer")
    response = client.post(
        reverse("plans:add_goal", args=[plan.public_id]),
        {
            "goal-need_key": "family",
            "goal-text": "Uzturēt saikni ar meitu",
            "goal-target": "",
            "goal-due_on": future(),
        },
    )
    assert response.status_code == 302, response.content.decode()
    goal = Goal.objects.get(need_key="family")
    response = client.post(
        reverse("plans:add_measure", args=[plan.public_id]),
        {
            "measure-goal": str(goal.public_id),
            "measure-kind": "consultation",
            "measure-description": "Ģimenes konsultācija",
            "measure-responsible_organization": "jelgavas-cietums",
            "measure-due_on": future(),
        },
    )
    assert response.status_code == 302, response.content.decode()
    measure = Measure.objects.get(goal=goal)
    response = client.post(
        reverse("plans:add_review", args=[plan.public_id]),
        {"review-reviewed_on": past(0), "review-notes": "Labi", "review-next_review_due": future(60)},
    )
    assert response.status_code == 302
    assert PlanReview.objects.count() == 1
    page = client.get(_url(world)).content.decode()
    assert "Uzturēt saikni ar meitu" in page
    assert "Ģimenes konsultācija" in page
    assert f'id="measure-{measure.public_id}"' in page


def test_invalid_form_input_is_shown_and_nothing_is_stored(world):
    plan = make_plan(world)
    before = snapshot()
    response = world.client("prison_officer").post(
        reverse("plans:add_goal", args=[plan.public_id]),
        {"goal-need_key": "family", "goal-text": "<b>x</b>", "goal-due_on": past(3)},
    )
    assert response.status_code == 422
    page = response.content.decode()
    assert 'class="error-summary"' in page
    assert snapshot() == before


def test_the_status_changes_by_htmx_and_by_plain_post(world):
    plan = make_plan(world)
    measure = add_measure(world, plan.goals.all()[0])
    client = world.client("prison_officer")
    url = reverse("plans:measure_status", args=[measure.public_id])
    response = client.post(url, {"status": "in_progress"}, headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert f'id="measure-{measure.public_id}"' in response.content.decode()
    assert "<html" not in response.content.decode()
    response = client.post(url, {"status": "done"})
    assert response.status_code == 302
    measure.refresh_from_db()
    assert measure.status == "done"


def test_the_review_overdue_badge(world):
    plan = make_plan(world)
    client = world.client("prison_officer")
    assert "badge-warning" not in client.get(_url(world)).content.decode()
    Plan.objects.filter(pk=plan.pk).update(next_review_due=past())
    assert "badge-warning" in client.get(_url(world)).content.decode()


@pytest.mark.parametrize(
    "persona", ["other_prison_officer", "career_consultant", "ngo_coordinator", "system_admin"]
)
def test_persons_one_may_not_read_answer_404(world, persona):
    plan = make_plan(world)
    measure = add_measure(world, plan.goals.all()[0])
    client = world.client(persona)
    before = snapshot()
    assert client.get(_url(world)).status_code == 404
    assert client.post(reverse("plans:create", args=[world.person.public_id])).status_code in (403, 404)
    for name in ("add_goal", "add_review", "close"):
        assert client.post(reverse(f"plans:{name}", args=[plan.public_id])).status_code in (403, 404)
    assert client.post(
        reverse("plans:measure_status", args=[measure.public_id]), {"status": "done"}
    ).status_code in (
        403,
        404,
    )
    assert snapshot() == before


def test_a_facilitator_reads_with_a_purpose_but_may_not_change(world, participant):
    plan = make_plan(world)
    client = world.client("facilitator")
    assert client.get(_url(world)).status_code == 302  # to the case file, to state the purpose
    client.post(
        reverse("people:state_purpose", args=[world.person.public_id, "assessment"]),
        {"purpose": "Grupas atlase programmai"},
    )
    page = client.get(_url(world))
    assert page.status_code == 200
    assert reverse("plans:add_goal", args=[plan.public_id]) not in page.content.decode()
    response = client.post(
        reverse("plans:add_goal", args=[plan.public_id]),
        {"goal-need_key": "family", "goal-text": "x", "goal-due_on": future()},
    )
    assert response.status_code == 403


def _plan_with_goals(world, count):
    plan = make_plan(world, scores={})
    acting = world.acting("prison_officer")
    for index in range(count):
        goal = services.goal_add(
            acting=acting, plan=plan, need_key="family", text=f"Mērķis {index}", target="", due_on=future()
        )
        add_measure(world, goal, responsible_user=world.users["prison_officer"])
    services.plan_review_record(
        acting=acting, plan=plan, reviewed_on=past(0), notes="Pārskatīts", next_review_due=future()
    )
    return plan


def _queries(world):
    client = world.client("prison_officer")
    client.get(_url(world))  # warm the session and caches
    with CaptureQueriesContext(connection) as captured:
        assert client.get(_url(world)).status_code == 200
    return len(captured)


def test_the_page_query_count_does_not_grow_with_goals(world):
    _plan_with_goals(world, 1)
    one = _queries(world)
    Plan.objects.all().delete()
    _plan_with_goals(world, 5)
    assert _queries(world) == one


def test_the_indicator_page_shows_the_prison_share_and_visible_persons(world):
    fulfilled = make_plan(world)
    for goal in fulfilled.goals.all():
        services.measure_status_set(
            acting=world.acting("prison_officer"), measure=add_measure(world, goal), status="done"
        )
    released = prisoner("Pēteris", "Kalniņš")
    make_plan(world, released)
    released.relationships.update(ends_on=past(1))  # counted, but no longer shown to the prison
    page = world.client("prison_officer").get(reverse("plans:fulfilment"))
    assert page.status_code == 200
    text = page.content.decode()
    assert "50,0 %" in text  # Latvian number format
    assert "Bērziņš" in text
    assert "Kalniņš" not in text


@pytest.mark.parametrize("persona", ["probation_officer", "career_consultant", "system_admin", "analyst"])
def test_the_indicator_page_is_for_resocialization_officers(world, persona):
    assert world.client(persona).get(reverse("plans:fulfilment")).status_code == 403


def test_the_case_file_section_receives_the_plan(world):
    from resoc.people.sections import section_context

    sign_assessment(world)
    data = section_context("assessment", world.acting("prison_officer"), world.person)
    assert data["plan_current"] is None
    assert data["plan_may_create"]
    assert data["latest"] is not None  # the signed assessment the plan would be drawn up from
    plan = services.plan_create_from_assessment(acting=world.acting("prison_officer"), person=world.person)
    Plan.objects.filter(pk=plan.pk).update(next_review_due=past())
    data = section_context("assessment", world.acting("prison_officer"), world.person)
    assert data["plan_current"] == plan
    assert data["plan_review_overdue"]
    assert not data["plan_may_create"]
    assert "latest" in data  # the assessments app's own keys are kept
    page = world.client("prison_officer").get(reverse("people:detail", args=[world.person.public_id]))
    assert page.status_code == 200


def _case_file(client, person):
    return client.get(reverse("people:detail", args=[person.public_id]))


def test_the_case_file_offers_a_plan_only_from_a_signed_assessment(world):
    from django.utils import translation

    client = world.client("prison_officer")  # the page in Latvian
    with translation.override("lv"):
        link = translation.gettext("Create a plan from the current assessment")
        current = translation.gettext("Individual resocialization plan")
    assert link not in _case_file(client, world.person).content.decode()  # nothing signed yet
    sign_assessment(world)
    assert link in _case_file(client, world.person).content.decode()
    make_plan(world, prisoner("Jānis", "Kalns"))
    services.plan_create_from_assessment(acting=world.acting("prison_officer"), person=world.person)
    text = _case_file(client, world.person).content.decode()
    assert link not in text
    assert current in text


def test_the_case_file_costs_the_same_queries_with_and_without_a_plan(world):
    """The "may a plan be drawn up" check reuses the signed assessment the section has read."""
    client = world.client("prison_officer")
    sign_assessment(world)

    def counted() -> int:
        _case_file(client, world.person)  # warm per-process caches
        with CaptureQueriesContext(connection) as captured:
            page = _case_file(client, world.person)
        assert page.status_code == 200
        return len(captured.captured_queries)

    without_plan = counted()  # signed, no plan yet: the link to draw one up is shown
    services.plan_create_from_assessment(acting=world.acting("prison_officer"), person=world.person)
    with_plan = counted()
    assert without_plan == with_plan
