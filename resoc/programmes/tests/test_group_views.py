"""Group pages: list with filters and an empty state, the schedule, the check step, planning rights."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from resoc.programmes import services
from resoc.programmes.models import Group, Room, Session, SessionStatus
from resoc.programmes.tests.test_groups import create

pytestmark = pytest.mark.django_db


def english(client):
    client.cookies["resoc_language"] = "en"
    return client


def form_data(directory: dict[str, Any], world: Any, **overrides: Any) -> dict[str, Any]:
    data = {
        "offer": directory["offers"][0].pk,
        "name": "Metinātāji, pavasaris",
        "room": Room.objects.get(name="Klase 1").pk,
        "facilitator": world.users["facilitator"].pk,
        "capacity": 10,
        "starts_on": "2027-03-01",
        "ends_on": "2027-04-30",
        "recurrence": "FREQ=WEEKLY;BYDAY=MO,WE;COUNT=10",
        "session_start": "10:00",
        "session_minutes": 90,
    }
    data.update(overrides)
    return data


def test_an_empty_list_says_so_and_offers_planning_to_planners(world, directory) -> None:
    page = english(world.client("prison_officer")).get("/programmes/groups/").content.decode()
    assert "No groups are planned yet." in page
    assert "Plan a group" in page
    page = english(world.client("facilitator")).get("/programmes/groups/").content.decode()
    assert "No groups are planned yet." in page
    assert "Plan a group" not in page


def test_the_list_filters_by_organization_and_status(world, directory) -> None:
    group = create(world, directory)
    client = english(world.client("ngo_coordinator"))
    page = client.get("/programmes/groups/").content.decode()
    assert group.name in page
    assert "Klase 1" in page
    assert group.name in client.get("/programmes/groups/?organization=jelgavas-cietums").content.decode()
    page = client.get("/programmes/groups/?status=finished").content.decode()
    assert group.name not in page
    assert "No group matches these filters." in page


def test_the_list_takes_the_same_queries_for_few_and_many(world, directory) -> None:
    client = world.client("prison_officer")
    create(world, directory)
    client.get("/programmes/groups/")
    with CaptureQueriesContext(connection) as few:
        client.get("/programmes/groups/")
    for number in range(6):
        create(
            world,
            directory,
            name=f"Grupa {number}",
            starts_on=dt.date(2027, 2 + number, 1),
            ends_on=dt.date(2027, 2 + number, 28),
            recurrence="FREQ=WEEKLY;BYDAY=TU;COUNT=3",
        )
    with CaptureQueriesContext(connection) as many:
        assert "Grupa 5" in client.get("/programmes/groups/").content.decode()
    assert len(many) == len(few)


def test_the_check_step_shows_sessions_and_conflicts_without_saving(world, directory) -> None:
    create(
        world,
        directory,
        starts_on=dt.date(2027, 3, 1),
        ends_on=dt.date(2027, 4, 30),
        recurrence="FREQ=WEEKLY;BYDAY=MO;COUNT=3",
    )
    client = english(world.client("prison_officer"))
    response = client.post(
        "/programmes/groups/new/",
        {**form_data(directory, world), "check": "1"},
        headers={"HX-Request": "true"},
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "The rule gives 10 sessions." in page
    assert "3 conflicts" in page
    assert "the room Klase 1 is taken by the group “Metinātāji, 2027. gada ziema”" in page
    assert "<html" not in page  # only the check fragment is swapped in
    assert Group.objects.count() == 1


def test_saving_with_conflicts_needs_confirmation(world, directory) -> None:
    create(
        world,
        directory,
        starts_on=dt.date(2027, 3, 1),
        ends_on=dt.date(2027, 4, 30),
        recurrence="FREQ=WEEKLY;BYDAY=MO;COUNT=3",
    )
    client = english(world.client("prison_officer"))
    response = client.post("/programmes/groups/new/", form_data(directory, world))
    assert response.status_code == 422
    assert "Save despite the conflicts" in response.content.decode()
    assert Group.objects.count() == 1
    response = client.post(
        "/programmes/groups/new/", {**form_data(directory, world), "accept_conflicts": "1"}
    )
    assert response.status_code == 302
    assert Group.objects.count() == 2


def test_a_planner_creates_a_group_and_sees_its_schedule(world, directory) -> None:
    client = english(world.client("prison_officer"))
    response = client.post("/programmes/groups/new/", form_data(directory, world))
    assert response.status_code == 302
    group = Group.objects.get()
    assert group.sessions.count() == 10
    page = client.get(response["Location"]).content.decode()
    assert "Upcoming sessions" in page
    assert "01.03.2027 10:00–11:30" in page
    assert "Cancel the group" in page


def test_a_bad_rule_is_shown_on_the_form_and_nothing_saved(world, directory) -> None:
    client = english(world.client("prison_officer"))
    response = client.post(
        "/programmes/groups/new/", form_data(directory, world, recurrence="FREQ=WEEKLY;BYDAY=MO")
    )
    assert response.status_code == 422
    assert "The rule must end" in response.content.decode()
    assert not Group.objects.exists()


def test_others_may_not_plan_or_cancel(world, directory) -> None:
    group = create(world, directory)
    for persona in ("facilitator", "other_prison_officer", "mentor"):
        client = world.client(persona)
        assert client.get("/programmes/groups/new/").status_code == 403
        assert client.get(f"/programmes/groups/{group.public_id}/edit/").status_code == 403
        client.post(f"/programmes/groups/{group.public_id}/cancel/", {"reason": "x"})
    group.refresh_from_db()
    assert group.status == "planned"
    page = (
        english(world.client("other_prison_officer"))
        .get(f"/programmes/groups/{group.public_id}/")
        .content.decode()
    )
    assert "Edit the group" not in page
    assert "Cancel the group" not in page


def test_cancelling_a_session_from_the_group_page(world, directory) -> None:
    group = create(
        world,
        directory,
        starts_on=dt.date(2027, 3, 1),
        ends_on=dt.date(2027, 4, 30),
        recurrence="FREQ=WEEKLY;BYDAY=MO;COUNT=3",
    )
    session = group.sessions.earliest("starts_at")
    client = english(world.client("prison_officer"))
    client.post(f"/programmes/sessions/{session.public_id}/cancel/", {"reason": ""})
    session.refresh_from_db()
    assert session.status == SessionStatus.SCHEDULED
    response = client.post(f"/programmes/sessions/{session.public_id}/cancel/", {"reason": "Lieldienas"})
    assert response.status_code == 302
    assert Session.objects.get(pk=session.pk).status == SessionStatus.CANCELLED
    assert "Lieldienas" in client.get(response["Location"]).content.decode()


def test_cancelling_the_group(world, directory) -> None:
    group = create(world, directory)
    client = english(world.client("prison_officer"))
    client.post(f"/programmes/groups/{group.public_id}/cancel/", {"reason": "Nav pasniedzēja"})
    group.refresh_from_db()
    assert group.status == "cancelled"
    assert services.GROUP_RECORD
    page = client.get(f"/programmes/groups/{group.public_id}/").content.decode()
    assert "Nav pasniedzēja" in page
    assert "Edit the group" not in page


def test_moving_a_session_shows_conflicts_and_saves_when_accepted(world, directory) -> None:
    create(world, directory)
    evening = create(world, directory, name="Vakara grupa", session_start=dt.time(16, 0))
    session = evening.sessions.earliest("starts_at")
    client = english(world.client("prison_officer"))
    url = f"/programmes/sessions/{session.public_id}/move/"
    page = client.get(url).content.decode()
    assert 'value="2027-01-04T16:00"' in page
    data = {"starts_at": "2027-01-04T10:30", "room": session.room_id, "reason": "Eksāmens"}
    response = client.post(url, data)
    assert response.status_code == 422
    assert (
        "the room Klase 1 is taken by the group “Metinātāji, 2027. gada ziema”" in response.content.decode()
    )
    session.refresh_from_db()
    assert not session.is_moved
    response = client.post(url, {**data, "accept_conflicts": "on"})
    assert response.status_code == 302
    session.refresh_from_db()
    assert session.is_moved
    assert session.note == "Eksāmens"
    assert world.client("other_prison_officer").get(url).status_code == 403


def test_the_list_shows_a_page_at_a_time_and_keeps_the_filters(world, directory, monkeypatch) -> None:
    from resoc.programmes import group_views

    monkeypatch.setattr(group_views, "GROUPS_PER_PAGE", 2)
    for number in range(3):
        create(
            world,
            directory,
            name=f"Grupa {number}",
            starts_on=dt.date(2027, 2 + number, 1),
            ends_on=dt.date(2027, 2 + number, 28),
            recurrence="FREQ=WEEKLY;BYDAY=TU;COUNT=3",
        )
    client = english(world.client("prison_officer"))
    first = client.get("/programmes/groups/?status=planned").content.decode()
    assert "3 groups" in first  # the caption counts every match, not the page
    assert "Grupa 2" in first
    assert "Grupa 1" in first
    assert "Grupa 0" not in first
    assert "Page 1 of 2" in first
    assert 'href="?status=planned&amp;page=2"' in first
    second = client.get("/programmes/groups/?status=planned&page=2").content.decode()
    assert "Grupa 0" in second
    assert "Grupa 2" not in second
