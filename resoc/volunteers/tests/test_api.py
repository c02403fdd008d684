import datetime as dt

import pytest
from django.utils import timezone

from resoc.volunteers.models import (
    HoursClaim,
    HoursStatus,
    Participation,
    Qualification,
    QualificationKind,
    VolunteerStatus,
)
from resoc.volunteers.tests.conftest import make_volunteer, prison_activity, qualify, take_part

pytestmark = pytest.mark.django_db
PROBLEM = "application/problem+json"


def test_a_coordinator_lists_and_reads_volunteers(world, api_as, django_assert_max_num_queries):
    for index in range(3):
        qualify(make_volunteer(world, given_names=f"Vārds{index}"))
    api = api_as("ngo_coordinator")
    with django_assert_max_num_queries(12):
        response = api.get("/volunteers")
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 3
    assert body["results"][0]["next_expiry"]
    for index in range(3, 13):
        make_volunteer(world, given_names=f"Vārds{index}")
    with django_assert_max_num_queries(12):
        assert api.get("/volunteers").json()["count"] == 13
    detail = api.get(f"/volunteers/{body['results'][0]['public_id']}").json()
    assert {q["kind"] for q in detail["qualifications"]} == {"background_check", "training"}
    assert detail["history"][0]["to_status"] == "active"


def test_the_lifecycle_through_the_api_refuses_moves_out_of_order(world, api_as):
    api = api_as("ngo_coordinator")
    created = api.post(
        "/volunteers",
        {"kind": "peer_mentor", "given_names": "Uldis", "family_name": "Bērziņš", "sex": "male"},
    )
    assert created.status_code == 201
    volunteer = created.json()["public_id"]
    refused = api.post(f"/volunteers/{volunteer}/transitions", {"to_status": "active"})
    assert refused.status_code == 422
    assert refused["Content-Type"] == PROBLEM
    assert "status" in refused.json()["errors"]
    assert api.post(f"/volunteers/{volunteer}/transitions", {"to_status": "screening"}).status_code == 200
    screening = api.post(
        f"/volunteers/{volunteer}/screening",
        {
            "step": "criminal_record",
            "outcome": "suitable",
            "done_on": str(timezone.localdate()),
            "has_convictions": True,
        },
    )
    assert screening.status_code == 422
    assert "justification" in screening.json()["errors"]
    granted = api.post(
        f"/volunteers/{volunteer}/qualifications",
        {
            "kind": "prison_access",
            "prison": "jelgavas-cietums",
            "valid_from": "2026-01-01",
            "valid_until": "2027-01-01",
        },
    )
    assert granted.status_code == 201
    assert granted.json()["prison"] == "jelgavas-cietums"
    no_prison = api.post(
        f"/volunteers/{volunteer}/qualifications",
        {"kind": "prison_access", "prison": "vpd-zemgale", "valid_from": "2026-01-01"},
    )
    assert no_prison.status_code == 422


@pytest.mark.parametrize("persona", ["prison_officer", "analyst", "career_consultant", "social_worker"])
def test_other_roles_are_refused(world, api_as, persona):
    volunteer = make_volunteer(world)
    api = api_as(persona)
    assert api.get("/volunteers").status_code == 403
    assert api.get(f"/volunteers/{volunteer.public_id}").status_code == 404
    assert (
        api.post(
            f"/volunteers/{volunteer.public_id}/transitions", {"to_status": "suspended", "reason": "x"}
        ).status_code
        == 404
    )
    volunteer.refresh_from_db()
    assert volunteer.status == VolunteerStatus.ACTIVE


def test_a_volunteer_sees_only_himself(world, api_as, mentor_volunteer):
    other = make_volunteer(world, given_names="Cits")
    api = api_as("mentor")
    body = api.get("/volunteers").json()
    assert [v["public_id"] for v in body["results"]] == [str(mentor_volunteer.public_id)]
    assert api.get(f"/volunteers/{mentor_volunteer.public_id}").status_code == 200
    assert api.get(f"/volunteers/{other.public_id}").status_code == 404
    assert (
        api.post(
            f"/volunteers/{mentor_volunteer.public_id}/transitions", {"to_status": "suspended", "reason": "x"}
        ).status_code
        == 403
    )


def test_check_in_with_an_expired_prison_approval_is_refused_by_the_api(world, api_as, mentor_volunteer):
    participation = take_part(prison_activity(world), mentor_volunteer)
    Qualification.objects.filter(kind=QualificationKind.PRISON_ACCESS).update(
        valid_until=timezone.localdate() - dt.timedelta(days=1)
    )
    response = api_as("mentor").post(f"/volunteer-participations/{participation.public_id}/check-in")
    assert response.status_code == 422
    assert response["Content-Type"] == PROBLEM
    assert "Atļauja ieiet cietumā: derīgums beidzās" in response.json()["errors"]["volunteer"][0]
    assert Participation.objects.get(pk=participation.pk).checked_in_at is None


def test_activity_hours_from_check_in_to_approval(world, api_as, mentor_volunteer):
    coordinator = api_as("ngo_coordinator")
    start = timezone.now() - dt.timedelta(minutes=30)
    created = coordinator.post(
        "/volunteer-activities",
        {
            "title": "Sarunu grupa",
            "setting": "prison",
            "prison": "jelgavas-cietums",
            "starts_at": start.isoformat(),
            "ends_at": (start + dt.timedelta(hours=2)).isoformat(),
        },
    )
    assert created.status_code == 201, created.json()
    activity = created.json()["public_id"]
    added = coordinator.post(
        f"/volunteer-activities/{activity}/participants", {"volunteer": str(mentor_volunteer.public_id)}
    )
    assert added.status_code == 201
    participation = added.json()["public_id"]
    mentor = api_as("mentor")
    assert mentor.post(f"/volunteer-participations/{participation}/check-in").status_code == 200
    out = mentor.post(f"/volunteer-participations/{participation}/check-out")
    claim = out.json()["claims"][0]
    assert claim["status"] == "claimed"
    assert mentor.post(f"/volunteer-hours/{claim['public_id']}/approve").status_code == 403
    assert api_as("prison_officer").post(f"/volunteer-hours/{claim['public_id']}/approve").status_code == 404
    waiting = coordinator.get("/volunteer-hours").json()
    assert [c["public_id"] for c in waiting] == [claim["public_id"]]
    no_reason = coordinator.post(f"/volunteer-hours/{claim['public_id']}/decline", {"reason": ""})
    assert no_reason.status_code == 422
    approved = coordinator.post(f"/volunteer-hours/{claim['public_id']}/approve")
    assert approved.json()["status"] == "approved"
    again = coordinator.post(f"/volunteer-hours/{claim['public_id']}/decline", {"reason": "Kļūda"})
    assert again.status_code == 422
    assert HoursClaim.objects.get().status == HoursStatus.APPROVED


def test_the_openapi_document_lists_the_volunteer_endpoints(world, client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    for path in (
        "/api/v1/volunteers",
        "/api/v1/volunteers/{public_id}/transitions",
        "/api/v1/volunteer-hours/{public_id}/decline",
        "/api/v1/volunteer-participations/{public_id}/check-in",
    ):
        assert path in paths


def test_a_coordinator_cancels_an_activity_through_the_api(world, api_as, mentor_volunteer):
    activity = prison_activity(world, days=2)
    api = api_as("ngo_coordinator")
    assert api.post(f"/volunteer-activities/{activity.public_id}/cancel", {"reason": ""}).status_code == 422
    response = api.post(f"/volunteer-activities/{activity.public_id}/cancel", {"reason": "Karantīna"})
    assert response.json()["cancelled"] is True
    assert (
        api_as("mentor")
        .post(f"/volunteer-activities/{activity.public_id}/cancel", {"reason": "x"})
        .status_code
        == 404
    )
