"""The register page: filled by the facilitator from the group page, errors per row, nothing lost."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from resoc.programmes.models import AttendanceMark, EnrolmentOutcome, SessionRegister
from resoc.programmes.tests.attendance_helpers import english_client, past_session, running_group


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    with translation.override("en"):
        yield


def url(session: Any) -> str:
    return reverse("programmes:attendance", args=[session.public_id])


def test_the_group_page_shows_which_registers_are_filled(world) -> None:
    group, enrolments = running_group(world, 2)
    session = past_session(group)
    client = english_client(world, "facilitator")
    page = client.get(reverse("programmes:group_detail", args=[group.public_id]))
    assert "not yet filled in" in page.content.decode()
    assert url(session) in page.content.decode()
    data = {f"status-{e.public_id}": "present" for e in enrolments}
    response = client.post(url(session), {**data, "notes": "Labi"})
    assert response.status_code == 302
    page = client.get(reverse("programmes:group_detail", args=[group.public_id]))
    assert "not yet filled in" not in page.content.decode()
    assert SessionRegister.objects.get().notes == "Labi"


def test_mark_the_rest_present_fills_only_rows_not_chosen_and_saves_nothing(world) -> None:
    group, enrolments = running_group(world, 3)
    session = past_session(group)
    client = english_client(world, "facilitator")
    first, second, third = (str(e.public_id) for e in enrolments)
    response = client.post(
        url(session), {f"status-{first}": "absent", f"reason-{first}": "court", "rest_present": "1"}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert f'id="status-{first}-absent" value="absent" checked' in html
    assert f'id="status-{second}-present" value="present" checked' in html
    assert f'id="status-{third}-present" value="present" checked' in html
    assert not AttendanceMark.objects.exists()


def test_a_row_without_a_choice_or_an_absence_without_reason_is_shown_and_nothing_saved(world) -> None:
    group, enrolments = running_group(world, 2)
    session = past_session(group)
    first, second = enrolments
    response = english_client(world, "facilitator").post(
        url(session), {f"status-{first.public_id}": "absent", "notes": "Piezīmes paliek"}
    )
    html = response.content.decode()
    assert response.status_code == 422
    assert f"{second.person.full_name}: choose present, late or absent." in html
    assert "Piezīmes paliek" in html  # what was typed is not lost
    response = english_client(world, "facilitator").post(
        url(session), {f"status-{first.public_id}": "absent", f"status-{second.public_id}": "late"}
    )
    assert response.status_code == 422
    assert f"{first.person.full_name}: choose the reason for the absence." in response.content.decode()
    assert not AttendanceMark.objects.exists()


def test_a_session_to_come_shows_why_and_offers_no_form(world) -> None:
    group, _enrolments = running_group(world, 1)
    future = group.sessions.order_by("starts_at").last()
    response = english_client(world, "facilitator").get(url(future))
    assert "has not started yet" in response.content.decode()
    assert "Save the register" not in response.content.decode()


@pytest.mark.parametrize("persona", ["ngo_coordinator", "other_prison_officer", "mentor"])
def test_others_get_403(world, persona: str) -> None:
    group, _ = running_group(world, 1)
    assert english_client(world, persona).get(url(past_session(group))).status_code == 403


def test_an_outcome_is_recorded_from_the_group_page_and_errors_keep_the_input(world) -> None:
    group, [enrolment] = running_group(world, 1)
    client = english_client(world, "facilitator")
    page = client.get(reverse("programmes:group_detail", args=[group.public_id])).content.decode()
    path = reverse("programmes:outcome", args=[enrolment.public_id])
    assert path in page
    today = timezone.localdate().isoformat()
    refused = client.post(path, {"kind": "dropped_out", "decided_on": today, "certificate_number": "DP-9"})
    assert refused.status_code == 422
    html = refused.content.decode()
    assert "Say why the place ended." in html
    assert 'value="DP-9"' in html
    assert not EnrolmentOutcome.objects.exists()
    saved = client.post(path, {"kind": "completed", "decided_on": today, "certificate_number": "DP-9"})
    assert saved.status_code == 302
    page = client.get(reverse("programmes:group_detail", args=[group.public_id])).content.decode()
    assert "Completed, DP-9" in page
