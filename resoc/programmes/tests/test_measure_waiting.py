"""A plan measure of kind programme: its waiting lists on the plan, and the action that puts the
person on one — for those who keep the list, refused for everyone else."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from resoc.audit.models import AuditEntry
from resoc.plans.models import Measure
from resoc.plans.tests.conftest import add_measure, make_plan
from resoc.programmes.models import WaitingEntry, WaitingStatus
from resoc.programmes.tests.attendance_helpers import english_client
from resoc.programmes.tests.test_enrolments import hold

HTMX = {"HX-Request": "true"}


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    with translation.override("en"):
        yield


@pytest.fixture
def measure(world, directory) -> Measure:
    """An open programme measure of Jānis's plan, for the need the welding programme addresses."""
    hold(world, world.person)
    plan = make_plan(world)
    return add_measure(world, plan.goals.get(need_key="education_employment"))


def plan_page(world: Any, persona: str = "prison_officer") -> str:
    response = english_client(world, persona).get(reverse("plans:detail", args=[world.person.public_id]))
    assert response.status_code == 200
    html: str = response.content.decode()
    return html


def value(directory: dict[str, Any]) -> str:
    return f"{directory['welder'].public_id}|jelgavas-cietums"


def add(world: Any, measure: Measure, choice: str, persona: str = "prison_officer", **kwargs: Any) -> Any:
    url = reverse("programmes:measure_waiting_add", args=[measure.public_id])
    return english_client(world, persona).post(url, {"list": choice}, **kwargs)


def test_the_plan_offers_the_lists_of_programmes_for_the_need_and_adds_by_htmx(world, directory, measure):
    page = plan_page(world)
    assert "Not on a programme waiting list." in page
    assert f'<option value="{value(directory)}">Welder — Jelgavas cietums</option>' in page
    # The Latvian course addresses another need: not offered for this measure.
    assert "Latvian language course" not in page

    response = add(world, measure, value(directory), headers=HTMX)
    assert response.status_code == 200
    fragment = response.content.decode()
    assert "<html" not in fragment
    assert "On the waiting list for Welder at Jelgavas cietums since" in fragment
    # The list the person now waits on is no longer offered.
    assert "Add to the waiting list" not in fragment
    entry = WaitingEntry.objects.get(person=world.person)
    assert (entry.measure, entry.status) == (measure, WaitingStatus.WAITING)
    assert AuditEntry.objects.filter(record_type="programme_waiting", record_id=str(world.person.public_id))
    assert "On the waiting list for Welder at Jelgavas cietums since" in plan_page(world)


def test_without_javascript_the_action_returns_to_the_plan(world, directory, measure) -> None:
    response = add(world, measure, value(directory))
    assert response.status_code == 302
    assert response["Location"].endswith(f"#measure-{measure.public_id}")
    assert WaitingEntry.objects.filter(measure=measure).count() == 1


def test_a_second_submission_says_the_person_is_already_waiting(world, directory, measure) -> None:
    add(world, measure, value(directory), headers=HTMX)
    again = add(world, measure, value(directory), headers=HTMX)
    assert "The person is already on this waiting list." in again.content.decode()
    assert WaitingEntry.objects.filter(measure=measure).count() == 1


def test_a_list_that_was_not_offered_is_refused(world, directory, measure) -> None:
    latvian = f"{directory['latvian'].public_id}|jelgavas-cietums"
    response = add(world, measure, latvian, headers=HTMX)
    assert "Choose one of the listed waiting lists." in response.content.decode()
    assert not WaitingEntry.objects.exists()


@pytest.mark.parametrize("persona", ["other_prison_officer", "facilitator", "probation_officer", "mentor"])
def test_those_who_may_not_read_the_person_are_refused_and_see_nothing(
    world, directory, measure, persona: str
) -> None:
    assert add(world, measure, value(directory), persona=persona).status_code == 404
    assert not WaitingEntry.objects.exists()


def test_a_closed_measure_or_one_of_another_kind_offers_no_list(world, directory, measure) -> None:
    consultation = add_measure(world, measure.goal, kind="consultation")
    assert add(world, consultation, value(directory)).status_code == 403
    Measure.objects.filter(pk=measure.pk).update(status="done")
    assert "Add to the waiting list" not in plan_page(world)
    assert add(world, measure, value(directory)).status_code == 403
    assert not WaitingEntry.objects.exists()


def test_a_person_released_meanwhile_is_offered_no_prison_list(world, directory, measure) -> None:
    from resoc.sentences.models import CustodyPeriod

    CustodyPeriod.objects.filter(person=world.person).update(left_on="2026-01-01")
    assert "Add to the waiting list" not in plan_page(world)
    assert add(world, measure, value(directory)).status_code == 403


def test_the_plan_page_takes_the_same_queries_for_one_or_three_programme_measures(
    world, directory, measure
) -> None:
    def count() -> int:
        client = english_client(world, "prison_officer")
        url = reverse("plans:detail", args=[world.person.public_id])
        client.get(url)
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    one = count()
    add(world, measure, value(directory))
    for _ in range(2):
        add_measure(world, measure.goal)
    assert count() == one
