"""A group's schedule as a week grid: sessions in their day columns on the Riga clock, cancelled ones
marked, week navigation, one query for the week's sessions however many there are."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from resoc.programmes import session_services
from resoc.programmes.models import Room
from resoc.programmes.tests.attendance_helpers import english_client
from resoc.programmes.tests.test_groups import create


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    with translation.override("en"):
        yield


def week(world: Any, group: Any, persona: str = "prison_officer", **query: str) -> Any:
    url = reverse("programmes:group_week", args=[group.public_id])
    return english_client(world, persona).get(url, query)


def columns(html: str) -> list[str]:
    """The seven day cells of the grid, in order."""
    body = html.split("<tbody><tr>", 1)[1].split("</tr></tbody>", 1)[0]
    return [cell.split(">", 1)[1] for cell in body.split("<td")[1:]]


def test_the_sessions_stand_in_their_days_with_their_times(world, directory) -> None:
    group = create(world, directory)  # Mondays and Wednesdays at 10:00, 4–27 January 2027
    response = week(world, group, week="2027-W01")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Week 2027-W01: 2 sessions" in html
    assert "Sessions from 04.01.2027 to 10.01.2027" in html
    days = columns(html)
    assert len(days) == 7
    assert "10:00–11:30" in days[0]
    assert "Klase 1" in days[0]
    assert "10:00–11:30" not in days[1]
    assert "10:00–11:30" in days[2]
    assert all("No session" in day for day in days[3:])
    assert '?week=2026-W53" rel="prev"' in html
    assert '?week=2027-W02" rel="next"' in html


def test_the_first_week_is_shown_for_a_group_that_has_not_started(world, directory) -> None:
    group = create(world, directory)
    assert "Week 2027-W01: 2 sessions" in week(world, group).content.decode()


def test_a_cancelled_session_is_shown_as_cancelled_and_only_planners_may_move(world, directory) -> None:
    group = create(world, directory)
    first = group.sessions.earliest("starts_at")
    session_services.session_cancel(acting=world.acting("prison_officer"), session=first, reason="Svētki")
    html = week(world, group, week="2027-W01").content.decode()
    days = columns(html)
    assert "week-session cancelled" in days[0]
    assert "Svētki" in days[0]
    assert "Move" not in days[0]
    assert "Move" in days[2]
    assert "Move" not in "".join(columns(week(world, group, "facilitator", week="2027-W01").content.decode()))


@pytest.mark.parametrize("value", ["2027-W60", "2027-1", "next"])
def test_a_week_that_does_not_exist_is_not_found(world, directory, value: str) -> None:
    group = create(world, directory)
    assert week(world, group, week=value).status_code == 404


def test_a_week_takes_the_same_queries_for_two_or_seven_sessions(world, directory) -> None:
    sparse = create(world, directory)
    daily = create(
        world,
        directory,
        name="Katru dienu",
        room=Room.objects.get(name="Metināšanas darbnīca"),
        capacity=8,
        recurrence="FREQ=DAILY;COUNT=14",
        session_start=dt.time(14, 0),
    )

    def count(group: Any) -> int:
        client = english_client(world, "prison_officer")
        url = reverse("programmes:group_week", args=[group.public_id])
        client.get(url, {"week": "2027-W01"})
        with CaptureQueriesContext(connection) as captured:
            html = client.get(url, {"week": "2027-W01"}).content.decode()
        assert "Week 2027-W01" in html
        return len(captured)

    assert "7 sessions" in week(world, daily, week="2027-W01").content.decode()
    assert count(sparse) == count(daily)


def test_someone_not_logged_in_is_sent_to_log_in(world, directory, client) -> None:
    group = create(world, directory)
    response = client.get(reverse("programmes:group_week", args=[group.public_id]))
    assert response.status_code == 302
    assert "/login/" in response["Location"]
