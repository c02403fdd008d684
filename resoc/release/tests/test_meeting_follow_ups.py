"""The meeting page takes any number of follow-up tasks, stored with the meeting or not at all."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from resoc.release import services
from resoc.release.models import InterInstitutionalMeeting, ReleaseTask
from resoc.release.tests.conftest import days, snapshot


def _task(index: int, **overrides: str) -> dict[str, str]:
    fields = {
        "title": f"Uzdevums {index + 1}",
        "area": "probation_handover",
        "due_on": days(10 + index).isoformat(),
        "organization": "vpd-zemgale",
        "role": "probation_officer",
        **overrides,
    }
    return {f"follow_ups-{index}-{name}": value for name, value in fields.items()}


def _data(*tasks: dict[str, str], total: int | None = None) -> dict[str, Any]:
    data: dict[str, Any] = {
        "meeting-held_on": days(-1).isoformat(),
        "meeting-place": "Jelgavas cietums",
        "meeting-reasons": ["radicalisation"],
        "meeting-participants": ["jelgavas-cietums", "vpd-zemgale", "valsts-policija"],
        "meeting-decisions": "Kopīgs riska pārvaldības plāns",
        "follow_ups-TOTAL_FORMS": str(len(tasks) if total is None else total),
        "follow_ups-INITIAL_FORMS": "0",
    }
    for task in tasks:
        data.update(task)
    return data


def _url(world) -> str:
    return reverse("release:meeting_new", args=[world.person.public_id])


def test_three_tasks_for_three_organizations_are_stored_with_the_meeting(world, held):
    data = _data(
        _task(0),
        _task(1, organization="jelgava-social", role="social_worker", area="accommodation"),
        _task(2, organization="jelgavas-cietums", role="resocialization_officer", area="documents"),
    )
    response = world.client("prison_officer").post(_url(world), data, follow=True)
    assert "The meeting has been recorded with 3 follow-up tasks." in response.content.decode()
    meeting = InterInstitutionalMeeting.objects.get()
    tasks = ReleaseTask.objects.filter(meeting=meeting).order_by("due_on")
    assert [(t.title, t.assigned_organization.code, t.assigned_role) for t in tasks] == [
        ("Uzdevums 1", "vpd-zemgale", "probation_officer"),
        ("Uzdevums 2", "jelgava-social", "social_worker"),
        ("Uzdevums 3", "jelgavas-cietums", "resocialization_officer"),
    ]


def test_empty_and_removed_task_forms_are_skipped(world, held):
    data = _data(_task(0), _task(1, title="Nevajadzīgs"), total=3)
    data["follow_ups-1-DELETE"] = "on"
    response = world.client("prison_officer").post(_url(world), data)
    assert response.status_code == 302
    assert list(ReleaseTask.objects.values_list("title", flat=True)) == ["Uzdevums 1"]


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        ({"organization": "nav-tadas"}, "Select a valid choice"),
        ({"due_on": days(-5).isoformat()}, "A follow-up cannot be due before the meeting."),
        ({"title": ""}, "This field is required."),
        ({"role": "analyst"}, "Select a valid choice"),
    ],
)
def test_one_bad_task_stores_nothing_and_names_the_task(world, held, bad, message):
    before = snapshot()
    response = world.client("prison_officer").post(_url(world), _data(_task(0), _task(1, **bad), _task(2)))
    assert response.status_code == 422
    html = response.content.decode()
    assert message in html
    assert "Follow-up task 2" in html
    assert 'role="alert"' in html
    assert snapshot() == before
    # What was typed is kept, so that nothing has to be entered again.
    assert "Uzdevums 3" in html


def test_the_service_refuses_a_task_of_an_unknown_organization_and_stores_nothing(world, held):
    before = snapshot()
    with pytest.raises(ValidationError) as error:
        services.meeting_record(
            acting=world.acting("prison_officer"),
            person=world.person,
            held_on=days(-1),
            place="Jelgava",
            reasons=["radicalisation"],
            participants=["jelgavas-cietums", "vpd-zemgale"],
            follow_ups=[
                services.FollowUp("Derīgs", "documents", days(3), "vpd-zemgale", "probation_officer"),
                services.FollowUp("Nederīgs", "documents", days(3), "nav-tadas", "probation_officer"),
            ],
        )
    assert list(error.value.message_dict) == ["follow_ups.1"]
    assert snapshot() == before


def test_add_another_task_without_script_keeps_what_was_typed(world, held):
    data = _data(_task(0))
    data["add_follow_up"] = "1"
    response = world.client("prison_officer").post(_url(world), data)
    html = response.content.decode()
    assert response.status_code == 200
    assert 'name="follow_ups-1-title"' in html
    assert 'value="Uzdevums 1"' in html
    assert "Follow-up task 2 added." in html
    assert not InterInstitutionalMeeting.objects.exists()


def test_add_another_task_with_htmx_answers_the_next_numbered_form(world, held):
    response = world.client("prison_officer").get(
        reverse("release:follow_up_form", args=[world.person.public_id]),
        {"follow_ups-TOTAL_FORMS": "2"},
        headers={"HX-Request": "true"},
    )
    html = response.content.decode()
    assert 'name="follow_ups-2-title"' in html
    assert "autofocus" in html
    assert 'value="3" id="id_follow_ups-TOTAL_FORMS" hx-swap-oob="true"' in html
    assert "Follow-up task 3 added." in html
    # Who may not record meetings gets no form either.
    refused = world.client("other_prison_officer").get(
        reverse("release:follow_up_form", args=[world.person.public_id])
    )
    assert refused.status_code == 404
