"""The plan at release: the prison's open measures pass to the receiver chosen for each, the plan to
the probation unit, and the plan fulfilment indicator counts it for the prison up to the handover."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from resoc.access import policy
from resoc.audit.models import AuditEntry
from resoc.casework.actions import next_actions
from resoc.people.models import PersonEvent
from resoc.plans import services as plan_services
from resoc.plans.models import Goal, Measure, Plan, PlanHandover
from resoc.plans.selectors import plan_fulfilment
from resoc.plans.tests.conftest import add_measure, make_plan
from resoc.release import handover
from resoc.release.models import HandoverChoice, HandoverItem, HandoverItemKind
from resoc.release.tests.conftest import days, generate, org
from resoc.sentences import services as sentence_services


def release(world, on: dt.date | None = None):
    return sentence_services.person_release(
        acting=world.acting("prison_officer"),
        person=world.person,
        released_on=on or days(0),
        reason="conditional_early",
    )


def _drawn_up_earlier() -> None:
    """The plan, its goals and measures as if drawn up ten days ago (the indicator reads these dates)."""
    earlier = timezone.now() - dt.timedelta(days=10)
    for model in (Plan, Goal, Measure):
        model.objects.update(created_at=earlier)


@pytest.fixture
def planned(world, held):
    """A plan with two open prison measures, one done prison measure and one open NVA measure."""
    plan = make_plan(world)
    goals = list(plan.goals.all())
    programme = add_measure(world, goals[0])
    housing = add_measure(world, goals[1], kind="referral", description="Dzīvesvietas meklēšana")
    done = add_measure(world, goals[2], kind="education", description="Pamatizglītība")
    plan_services.measure_status_set(acting=world.acting("prison_officer"), measure=done, status="done")
    nva = add_measure(
        world,
        goals[2],
        kind="consultation",
        description="Karjeras konsultācija",
        responsible_organization=org("nva-jelgava"),
    )
    generate(world, municipality=org("jelgava-social"))
    return plan, programme, housing, done, nva


def test_by_default_the_prisons_open_measures_and_the_plan_pass_to_the_probation_unit(world, planned):
    plan, programme, housing, done, nva = planned
    released = release(world)

    for measure in (programme, housing):
        measure.refresh_from_db()
        assert measure.responsible_organization == org("vpd-zemgale")
        assert measure.responsible_user is None
    done.refresh_from_db()
    nva.refresh_from_db()
    assert done.responsible_organization == org("jelgavas-cietums")  # finished: stays the prison's
    assert nva.responsible_organization == org("nva-jelgava")  # another organization's: stays
    plan.refresh_from_db()
    assert (plan.handed_over_on, plan.held_by) == (days(0), org("vpd-zemgale"))
    assert plan.organization == org("jelgavas-cietums")  # who drew it up does not change
    history = PlanHandover.objects.get(plan=plan)
    assert history.from_organization == org("jelgavas-cietums")
    assert history.to_organization == org("vpd-zemgale")
    assert history.reference == str(released.handover.public_id)
    assert {m["measure"] for m in history.measures} == {str(programme.public_id), str(housing.public_id)}
    event = PersonEvent.objects.get(type="plan_handed_over")
    assert event.parameters["kept_by"] == "vpd-zemgale"
    entry = AuditEntry.objects.get(record_type="plan", detail__handover=str(history.public_id))
    assert entry.actor_username == "prison_officer"
    items = {
        item.measure_id: item.organization.code if item.organization else None
        for item in HandoverItem.objects.filter(kind=HandoverItemKind.PLAN_MEASURE)
    }
    assert items == {programme.pk: "vpd-zemgale", housing.pk: "vpd-zemgale", nva.pk: "nva-jelgava"}


def test_the_user_chooses_the_municipality_for_a_measure_on_the_release_page(world, planned):
    _plan, programme, housing, _done, _nva = planned
    client = world.client("prison_officer")
    page = client.get(reverse("release:timeline", args=[world.person.public_id])).content.decode()
    assert f'name="measure-{housing.public_id}"' in page
    response = client.post(
        reverse("release:handover_choices", args=[world.person.public_id]),
        {f"measure-{housing.public_id}": "jelgava-social"},
        follow=True,
    )
    assert "The receiver of 1 measure has been saved." in response.content.decode()
    release(world)
    housing.refresh_from_db()
    programme.refresh_from_db()
    assert housing.responsible_organization == org("jelgava-social")
    assert programme.responsible_organization == org("vpd-zemgale")


def test_without_a_probation_unit_the_municipality_takes_the_measures_and_nobody_keeps_the_plan(world):
    from resoc.release.tests.conftest import hold

    hold(world, world.person, unit=None)
    plan = make_plan(world)
    measure = add_measure(world, plan.goals.all()[0])
    generate(world, municipality=org("jelgava-social"))
    release(world)
    measure.refresh_from_db()
    plan.refresh_from_db()
    assert measure.responsible_organization == org("jelgava-social")
    assert (plan.handed_over_on, plan.held_by) == (days(0), None)


def test_bad_choices_are_refused_and_store_nothing(world, planned):
    _plan, programme, _housing, done, nva = planned
    acting = world.acting("prison_officer")
    for choices in [
        {str(programme.public_id): "nva-jelgava"},  # not a receiver
        {str(programme.public_id): "nav-tadas"},  # no such organization
        {str(done.public_id): "vpd-zemgale"},  # finished
        {str(nva.public_id): "vpd-zemgale"},  # not the prison's
    ]:
        with pytest.raises(ValidationError):
            handover.handover_choices_set(acting=acting, person=world.person, choices=choices)
    assert not HandoverChoice.objects.exists()


@pytest.mark.parametrize(
    "persona", ["other_prison_officer", "probation_officer", "social_worker", "facilitator"]
)
def test_only_the_holding_prisons_officer_chooses(world, planned, persona):
    _plan, programme, *_rest = planned
    with pytest.raises(PermissionDenied):
        handover.handover_choices_set(
            acting=world.acting(persona),
            person=world.person,
            choices={str(programme.public_id): "vpd-zemgale"},
        )
    response = world.client(persona).post(
        reverse("release:handover_choices", args=[world.person.public_id]),
        {f"measure-{programme.public_id}": "vpd-zemgale"},
    )
    assert response.status_code in (403, 404)
    assert not HandoverChoice.objects.exists()


def test_the_plan_service_refuses_others_and_foreign_measures(world, planned):
    plan, programme, _housing, _done, nva = planned
    arguments = {
        "plan": plan,
        "from_organization": org("jelgavas-cietums"),
        "keeper": org("vpd-zemgale"),
        "receivers": [org("vpd-zemgale")],
        "handed_over_on": days(0),
    }
    with pytest.raises(PermissionDenied):
        plan_services.plan_hand_over(
            acting=world.acting("probation_officer"),
            assignments=[(programme, org("vpd-zemgale"))],
            **arguments,
        )
    with pytest.raises(ValidationError):
        plan_services.plan_hand_over(
            acting=world.acting("prison_officer"), assignments=[(nva, org("vpd-zemgale"))], **arguments
        )
    with pytest.raises(ValidationError):
        plan_services.plan_hand_over(
            acting=world.acting("prison_officer"), assignments=[(programme, org("nva-jelgava"))], **arguments
        )
    assert not PlanHandover.objects.exists()
    programme.refresh_from_db()
    assert programme.responsible_organization == org("jelgavas-cietums")


def test_the_receivers_see_and_work_their_measures_and_the_prison_no_longer_does(world, planned):
    plan, programme, housing, _done, _nva = planned
    handover.handover_choices_set(
        acting=world.acting("prison_officer"),
        person=world.person,
        choices={str(housing.public_id): "jelgava-social"},
    )
    release(world, days(-1))
    person = world.person

    # The municipality: its measure among its next actions, on a page with only its measures.
    social = world.acting("social_worker")
    texts = [action.text for action in next_actions(social, [person.pk], days(0)).get(person.pk, [])]
    assert any("Dzīvesvietas meklēšana" in text for text in texts)
    assert not any("Uzvedības korekcijas" in text for text in texts)
    client = world.client("social_worker")
    page = client.get(reverse("plans:detail", args=[person.public_id]))
    html = page.content.decode()
    assert page.status_code == 200
    assert f"measure-{housing.public_id}" in html
    assert f"measure-{programme.public_id}" not in html
    assert "Reduce the need" not in html  # the goals (from the assessment) are not shown
    done = client.post(reverse("plans:measure_status", args=[housing.public_id]), {"status": "in_progress"})
    assert done.status_code == 302
    housing.refresh_from_db()
    assert housing.status == "in_progress"
    refused = client.post(reverse("plans:measure_status", args=[programme.public_id]), {"status": "done"})
    assert refused.status_code in (403, 404)

    # The probation unit: the plan, its measure and the plan's review among its next actions.
    probation = world.acting("probation_officer")
    actions = next_actions(probation, [person.pk], days(0)).get(person.pk, [])
    assert any("Uzvedības korekcijas" in action.text for action in actions)
    assert any(action.due == plan.next_review_due and "Review" in action.text for action in actions)
    plan_services.measure_status_set(acting=probation, measure=programme, status="done")

    # The prison: no access after the release day, so neither the plan nor its measures.
    prison = world.acting("prison_officer")
    assert not policy.can_read(prison, person, policy.ASSESSMENT.key)
    assert (
        world.client("prison_officer").get(reverse("plans:detail", args=[person.public_id])).status_code
        == 404
    )
    with pytest.raises(PermissionDenied):
        plan_services.measure_status_set(acting=prison, measure=housing, status="done")
    assert not next_actions(prison, [person.pk], days(0)).get(person.pk)


def test_the_indicator_counts_the_plan_for_the_prison_up_to_the_handover_day(world, planned):
    plan, programme, housing, _done, _nva = planned
    jelgava, vpd = org("jelgavas-cietums"), org("vpd-zemgale")
    _drawn_up_earlier()
    release(world, days(-2))
    # The receiver finishes the measures after the handover.
    for measure in (programme, housing):
        plan_services.measure_status_set(
            acting=world.acting("probation_officer"), measure=measure, status="done"
        )

    on_the_day = plan_fulfilment(organization_ids=[jelgava.pk], on=days(-2))
    assert [entry.plan for entry in on_the_day.plans] == [plan]
    assert not on_the_day.plans[0].fulfilled  # as the measures stood that day
    assert on_the_day.handed_over == []

    after = plan_fulfilment(organization_ids=[jelgava.pk], on=days(-1))
    assert after.counted == 0
    [passed] = after.handed_over
    assert (passed.plan, passed.handed_over_on, passed.kept_by) == (plan, days(-2), vpd)

    at_probation = plan_fulfilment(organization_ids=[vpd.pk], on=days(0))
    assert [share.organization for share in at_probation.organizations] == [vpd]
    assert plan_fulfilment(organization_ids=[vpd.pk], on=days(-2)).counted == 0
    # The nationwide figure counts the person once, whoever keeps the plan.
    both = plan_fulfilment(organization_ids=[jelgava.pk, vpd.pk], on=days(-1))
    assert both.counted == 1


def test_the_indicator_needs_a_fixed_number_of_queries(world, planned, django_assert_num_queries):
    release(world, days(-2))
    with django_assert_num_queries(5):
        plan_fulfilment(organization_ids=[org("jelgavas-cietums").pk], on=days(0))


def test_the_fulfilment_page_lists_handed_over_plans(world, planned):
    _drawn_up_earlier()
    release(world, days(-2))
    html = world.client("prison_officer").get(reverse("plans:fulfilment")).content.decode()
    assert "Handed over at release" in html
    assert "VPD" in html or str(org("vpd-zemgale")) in html
    assert Plan.objects.get().handed_over_on == days(-2)
    assert Measure.objects.filter(responsible_organization=org("vpd-zemgale")).count() == 2


def test_the_api_shows_the_keeper_and_lets_the_municipality_work_its_measure(world, planned, api_as):
    _plan, programme, housing, _done, _nva = planned
    handover.handover_choices_set(
        acting=world.acting("prison_officer"),
        person=world.person,
        choices={str(housing.public_id): "jelgava-social"},
    )
    release(world)
    body = api_as("probation_officer").get(f"/persons/{world.person.public_id}/plan").json()
    assert (body["handed_over_on"], body["kept_by"]) == (days(0).isoformat(), "vpd-zemgale")
    social = api_as("social_worker")
    assert social.patch(f"/measures/{housing.public_id}", {"status": "in_progress"}).status_code == 200
    assert social.patch(f"/measures/{programme.public_id}", {"status": "done"}).status_code == 404
    assert social.get(f"/persons/{world.person.public_id}/plan").status_code == 404


def test_the_keepers_caseload_counts_the_due_dates_of_other_organizations_measures(world, planned):
    """The caseload's filters and sorting read the plan's keeper, not the prison that drew it up."""
    from resoc.plans.selectors import plan_action_due_dates

    _plan, _programme, _housing, _done, nva = planned
    release(world, days(-1))
    Measure.objects.filter(pk=nva.pk).update(due_on=days(-3))

    def due_rows(persona: str) -> set[tuple[int, dt.date]]:
        querysets = plan_action_due_dates(world.acting(persona), days(0))
        return {(row["person_id"], row["due"]) for queryset in querysets for row in queryset}

    assert (world.person.pk, days(-3)) in due_rows("probation_officer")
    assert (world.person.pk, days(-3)) not in due_rows("prison_officer")
