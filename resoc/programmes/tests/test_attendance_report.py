"""Utilization and completion per programme and prison: figures traceable to groups, CSV, SVG chart."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterator
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from resoc.programmes import attendance
from resoc.programmes.attendance import MarkInput
from resoc.programmes.attendance_reports import Dimension, utilization_report
from resoc.programmes.models import Group
from resoc.programmes.tests.attendance_helpers import english_client, past_session, running_group


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    with translation.override("en"):
        yield


def period() -> tuple[dt.date, dt.date]:
    today = timezone.localdate()
    return today - dt.timedelta(days=60), today + dt.timedelta(days=100)


@pytest.fixture
def filled(world):
    """A group of 4 (30 places) with one register: 3 attended, 1 absent; one completion, one drop-out."""
    group, enrolments = running_group(world, 4)
    marks = [MarkInput(enrolment=e.public_id, status="present") for e in enrolments[:2]]
    marks.append(MarkInput(enrolment=enrolments[2].public_id, status="late"))
    marks.append(MarkInput(enrolment=enrolments[3].public_id, status="absent", reason="illness"))
    acting = world.acting("facilitator")
    attendance.attendance_record(acting=acting, session=past_session(group), marks=marks)
    today = timezone.localdate()
    attendance.enrolment_outcome_set(
        acting=acting, enrolment=enrolments[0], kind="completed", decided_on=today
    )
    attendance.enrolment_outcome_set(
        acting=acting, enrolment=enrolments[1], kind="dropped_out", reason="Atteicās", decided_on=today
    )
    return group


def test_the_figures_of_a_programme(world, filled) -> None:
    start, end = period()
    report = utilization_report(dimension=Dimension.PROGRAMME, starts_on=start, ends_on=end)
    [row] = report.rows
    f = row.figures
    assert (f.places_taken, f.places_offered, f.utilization) == (4, 30, Decimal("13.3"))
    assert (f.registers_filled, f.sessions_scheduled) == (1, 1)
    assert (f.attended, f.marks, f.attendance) == (3, 4, Decimal("75.0"))
    assert (f.completed, f.outcomes, f.completion) == (1, 2, Decimal("50.0"))
    assert [(g.group.public_id, g.group.name) for g in row.groups] == [(filled.public_id, filled.name)]
    by_prison = utilization_report(dimension=Dimension.PRISON, starts_on=start, ends_on=end)
    assert [r.key for r in by_prison.rows] == ["jelgavas-cietums"]


def test_a_period_before_the_group_counts_nothing(world, filled) -> None:
    report = utilization_report(
        dimension=Dimension.PROGRAMME, starts_on=dt.date(2020, 1, 1), ends_on=dt.date(2020, 12, 31)
    )
    assert report.rows == []
    assert report.total.utilization is None


def test_the_query_count_does_not_grow_with_the_groups(world, filled) -> None:
    start, end = period()

    def count() -> int:
        with CaptureQueriesContext(connection) as captured:
            utilization_report(dimension=Dimension.PROGRAMME, starts_on=start, ends_on=end)
        return len(captured)

    one = count()
    for index in range(3):
        copy = Group.objects.get(pk=filled.pk)
        copy.pk = None
        copy.public_id = uuid.uuid4()
        copy.name = f"Kopija {index}"
        copy.save()
    assert (
        len(utilization_report(dimension=Dimension.PROGRAMME, starts_on=start, ends_on=end).rows[0].groups)
        == 4
    )
    assert count() == one


def test_the_page_shows_an_accessible_chart_traces_figures_and_exports_csv(world, filled) -> None:
    client = english_client(world, "analyst")
    start, end = period()
    query = {"by": "programme", "starts_on": start.isoformat(), "ends_on": end.isoformat()}
    html = client.get(reverse("programmes:attendance_report"), query).content.decode()
    assert '<svg role="img" aria-labelledby="chart-utilization-title chart-utilization-desc"' in html
    assert "Work skills: 13.3 %" in html
    assert "4 / 30" in html
    traced = client.get(reverse("programmes:attendance_report"), {**query, "show": "darba-prasmes"})
    assert reverse("programmes:group_detail", args=[filled.public_id]) in traced.content.decode()
    exported = client.get(reverse("programmes:attendance_report"), {**query, "format": "csv"})
    assert exported["Content-Type"].startswith("text/csv")
    lines = exported.content.decode("utf-8-sig").splitlines()
    assert lines[1].split(";")[:5] == ["Work skills", "", "30", "4", "13.3"]
    assert lines[2].split(";")[1] == filled.name


def test_a_period_ending_before_it_starts_is_refused(world) -> None:
    response = english_client(world, "analyst").get(
        reverse("programmes:attendance_report"), {"starts_on": "2026-05-01", "ends_on": "2026-04-01"}
    )
    assert response.status_code == 422
    assert "ends before it starts" in response.content.decode()


@pytest.mark.parametrize(
    "persona", ["analyst", "project_manager", "system_admin", "org_admin", "prison_officer"]
)
def test_the_roles_that_steer_programmes_read_the_report(world, filled, persona: str) -> None:
    start, end = period()
    query = {"starts_on": start.isoformat(), "ends_on": end.isoformat()}
    response = english_client(world, persona).get(reverse("programmes:attendance_report"), query)
    assert response.status_code == 200
    assert "4 / 30" in response.content.decode()


def test_an_organization_reads_only_the_groups_it_delivers_or_hosts(world, filled) -> None:
    start, end = period()
    query = {"starts_on": start.isoformat(), "ends_on": end.isoformat()}
    client = english_client(world, "other_prison_officer")
    html = client.get(reverse("programmes:attendance_report"), query).content.decode()
    assert "4 / 30" not in html
    assert "No programme group ran in this period." in html
    exported = client.get(reverse("programmes:attendance_report"), {**query, "format": "csv"})
    assert filled.name not in exported.content.decode("utf-8-sig")


@pytest.mark.parametrize(
    "persona",
    [
        "facilitator",
        "probation_officer",
        "career_consultant",
        "social_worker",
        "ngo_coordinator",
        "mentor",
        "auditor",
    ],
)
def test_other_roles_may_not_read_the_report(world, filled, persona: str) -> None:
    client = english_client(world, persona)
    assert client.get(reverse("programmes:attendance_report")).status_code == 403
    assert client.get(reverse("programmes:attendance_report"), {"format": "csv"}).status_code == 403
    groups = client.get(reverse("programmes:groups"))
    assert reverse("programmes:attendance_report") not in groups.content.decode()
