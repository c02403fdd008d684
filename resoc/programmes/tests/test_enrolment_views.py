"""Participants on the group page and through the API: given by personal code, refusals shown,
listed only to those who may read them (audited)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from resoc.audit.models import AuditAction, AuditEntry
from resoc.programmes.models import Enrolment, EnrolmentStatus
from resoc.programmes.tests.test_enrolments import hold
from resoc.programmes.tests.test_groups import create

pytestmark = pytest.mark.django_db


def english(client: Any) -> Any:
    client.cookies["resoc_language"] = "en"
    return client


def test_a_planner_gives_a_place_by_personal_code_and_ends_it(world, directory) -> None:
    hold(world, world.person)
    group = create(world, directory)
    client = english(world.client("prison_officer"))
    url = f"/programmes/groups/{group.public_id}/"
    page = client.post(f"{url}enrol/", {"personal_code": "010180-10018"}, follow=True).content.decode()
    assert "Jānis Bērziņš has a place in the group." in page
    assert "1 of 10 places taken" in page
    assert AuditEntry.objects.filter(
        action=AuditAction.LIST, person_public_id=world.person.public_id
    ).exists()
    page = client.post(f"{url}enrol/", {"personal_code": "010180-10018"}, follow=True).content.decode()
    assert "The person already has a place in this group." in page
    enrolment = Enrolment.objects.get()
    client.post(f"/programmes/enrolments/{enrolment.public_id}/withdraw/", {"reason": "Slimība"})
    enrolment.refresh_from_db()
    assert enrolment.status == EnrolmentStatus.WITHDRAWN
    assert "No participants you may see." in client.get(url).content.decode()


def test_an_unreadable_code_is_not_found(world, directory) -> None:
    group = create(world, directory)
    client = english(world.client("prison_officer"))
    page = client.post(
        f"/programmes/groups/{group.public_id}/enrol/", {"personal_code": "999999-99999"}, follow=True
    ).content.decode()
    assert "No person you may read has this personal code." in page
    assert (
        world.client("other_prison_officer")
        .post(f"/programmes/groups/{group.public_id}/enrol/", {"personal_code": "010180-10018"})
        .status_code
        == 403
    )
    assert not Enrolment.objects.exists()


def test_other_organizations_do_not_see_the_participants(world, directory) -> None:
    hold(world, world.person)
    group = create(world, directory)
    english(world.client("prison_officer")).post(
        f"/programmes/groups/{group.public_id}/enrol/", {"personal_code": "010180-10018"}
    )
    page = english(world.client("other_prison_officer")).get(f"/programmes/groups/{group.public_id}/")
    assert "Bērziņš" not in page.content.decode()
    assert "No participants you may see." in page.content.decode()


def test_enrolments_through_the_api(world, directory, api_as) -> None:
    hold(world, world.person)
    group = create(world, directory, capacity=1)
    api = api_as("prison_officer")
    response = api.post(f"/groups/{group.public_id}/enrolments", {"person": str(world.person.public_id)})
    assert response.status_code == 201, response.content
    again = api.post(f"/groups/{group.public_id}/enrolments", {"person": str(world.person.public_id)})
    assert again.status_code == 422
    # A duplicate is said once: that the group is now full does not concern the same person.
    assert again.json()["errors"]["person"] == ["Personai jau ir vieta šajā grupā."]
    listing = api.get(f"/groups/{group.public_id}/enrolments").json()
    assert [row["person"] for row in listing] == [str(world.person.public_id)]
    assert listing[0]["in_custody"] is True
    assert api_as("other_prison_officer").get(f"/groups/{group.public_id}/enrolments").json() == []
    denied = api_as("other_prison_officer").post(
        f"/groups/{group.public_id}/enrolments", {"person": str(world.person.public_id)}
    )
    assert denied.status_code == 404  # the person is not readable: as if unknown
    withdrawn = api.post(f"/enrolments/{response.json()['public_id']}/withdraw", {"reason": "Pārcelts"})
    assert withdrawn.json()["status"] == "withdrawn"


def test_the_group_page_takes_the_same_queries_for_few_and_many(world, directory) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from resoc.programmes.tests.test_enrolments import another, enrol

    hold(world, world.person)
    small = create(world, directory, recurrence="FREQ=WEEKLY;BYDAY=MO;COUNT=2")
    enrol(world, small)
    big = create(world, directory, name="Liela grupa", session_start=dt.time(14, 0))
    enrol(world, big)
    enrol(world, big, another(world))
    client = world.client("prison_officer")
    client.get(f"/programmes/groups/{small.public_id}/")
    with CaptureQueriesContext(connection) as few:
        client.get(f"/programmes/groups/{small.public_id}/")
    with CaptureQueriesContext(connection) as many:
        page = client.get(f"/programmes/groups/{big.public_id}/").content.decode()
    assert "Ozols" in page
    assert len(many) == len(few)
