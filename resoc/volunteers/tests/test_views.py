import datetime as dt

import pytest
from django.utils import timezone

from resoc.organizations.models import Organization, OrganizationType
from resoc.volunteers import activities
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


def test_the_list_filters_and_pages_without_more_queries_for_more_rows(world, django_assert_max_num_queries):
    client = world.client("ngo_coordinator")
    for index in range(5):
        qualify(make_volunteer(world, given_names=f"Anna{index}"))
    with django_assert_max_num_queries(14) as few:
        response = client.get("/volunteers/")
    assert response.status_code == 200
    assert "Anna0" in response.content.decode()
    for index in range(5, 60):
        qualify(make_volunteer(world, given_names=f"Anna{index:02d}"))
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get("/volunteers/")
    assert response.context["page"].paginator.num_pages == 2
    assert len(response.context["volunteers"]) == 50
    make_volunteer(world, VolunteerStatus.SCREENING, given_names="Jaunais")
    response = client.get("/volunteers/", {"status": "screening"})
    assert [v.given_names for v in response.context["volunteers"]] == ["Jaunais"]


def test_the_list_shows_an_empty_state(world):
    response = world.client("ngo_coordinator").get("/volunteers/")
    assert "No volunteers yet" in response.content.decode() or "Vēl nav" in response.content.decode()


@pytest.mark.parametrize(
    "persona", ["mentor", "prison_officer", "analyst", "career_consultant", "facilitator"]
)
def test_others_may_not_open_the_coordinators_pages(world, persona):
    volunteer = make_volunteer(world)
    client = world.client(persona)
    for url in ("/volunteers/", "/volunteers/hours/", "/volunteers/activities/", "/volunteers/expiring/"):
        assert client.get(url).status_code == 403, url
    assert client.get(f"/volunteers/{volunteer.public_id}/").status_code in (403, 404)
    response = client.post(
        f"/volunteers/{volunteer.public_id}/move/", {"to_status": "suspended", "reason": "x"}
    )
    assert response.status_code in (403, 404)
    volunteer.refresh_from_db()
    assert volunteer.status == VolunteerStatus.ACTIVE


def test_a_coordinator_of_another_ngo_gets_not_found(world):
    other = Organization.objects.create(code="other-ngo", name="Cita", type=OrganizationType.NGO)
    volunteer = make_volunteer(world, organization=other)
    assert world.client("ngo_coordinator").get(f"/volunteers/{volunteer.public_id}/").status_code == 404


def test_the_volunteer_page_and_a_refused_move(world):
    volunteer = make_volunteer(world, VolunteerStatus.APPLICATION)
    client = world.client("ngo_coordinator")
    page = client.get(f"/volunteers/{volunteer.public_id}/")
    assert page.status_code == 200
    response = client.post(f"/volunteers/{volunteer.public_id}/move/", {"to_status": "ended", "reason": ""})
    assert response.status_code == 422
    assert "error-summary" in response.content.decode()
    response = client.post(f"/volunteers/{volunteer.public_id}/move/", {"to_status": "screening"})
    assert response.status_code == 302
    volunteer.refresh_from_db()
    assert volunteer.status == VolunteerStatus.SCREENING
    response = client.post(
        f"/volunteers/{volunteer.public_id}/screening/",
        {
            "step": "criminal_record",
            "outcome": "suitable",
            "has_convictions": "on",
            "done_on": str(timezone.localdate()),
        },
    )
    assert response.status_code == 422
    assert not volunteer.screening.exists()


def test_an_application_and_a_qualification_through_the_forms(world):
    client = world.client("ngo_coordinator")
    response = client.post(
        "/volunteers/new/",
        {
            "kind": "volunteer",
            "given_names": "Laima",
            "family_name": "Vītola",
            "sex": "female",
            "capacity": "1",
        },
    )
    assert response.status_code == 302
    volunteer = world.ngo.volunteers.get()
    assert volunteer.status == VolunteerStatus.APPLICATION
    response = client.post(
        f"/volunteers/{volunteer.public_id}/qualifications/",
        {"kind": "background_check", "valid_from": "2026-01-01"},
    )
    assert response.status_code == 422  # a background check expires: the end is required
    response = client.post(
        f"/volunteers/{volunteer.public_id}/qualifications/",
        {"kind": "background_check", "valid_from": "2026-01-01", "valid_until": "2027-12-31"},
    )
    assert response.status_code == 302
    assert Qualification.objects.get(volunteer=volunteer).kind == QualificationKind.BACKGROUND_CHECK


def test_a_coordinator_approves_and_declines_hours_on_the_page(world, mentor_volunteer):
    activity = prison_activity(world)
    participation = take_part(activity, mentor_volunteer)
    activities.check_in(acting=world.acting("mentor"), participation=participation, at=activity.starts_at)
    claim = activities.check_out(
        acting=world.acting("mentor"), participation=participation, at=activity.ends_at
    )
    client = world.client("ngo_coordinator")
    assert str(claim.public_id) in client.get("/volunteers/hours/").content.decode()
    client.post(f"/volunteers/hours/{claim.public_id}/", {"decision": "decline", "reason": ""})
    assert HoursClaim.objects.get(pk=claim.pk).status == HoursStatus.CLAIMED
    client.post(f"/volunteers/hours/{claim.public_id}/", {"decision": "approve"})
    assert HoursClaim.objects.get(pk=claim.pk).status == HoursStatus.APPROVED
    mentor = world.client("mentor")
    assert mentor.post(f"/volunteers/hours/{claim.public_id}/", {"decision": "approve"}).status_code == 404


def test_a_volunteer_checks_in_on_his_own_page(world, mentor_volunteer):
    participation = take_part(prison_activity(world), mentor_volunteer)
    client = world.client("mentor")
    page = client.get("/volunteers/me/")
    assert page.status_code == 200
    assert "Sarunu grupa" in page.content.decode()
    client.post(f"/volunteers/me/{participation.public_id}/check-in/")
    assert Participation.objects.get(pk=participation.pk).checked_in_at is not None


def test_a_volunteer_cannot_check_in_another(world, mentor_volunteer):
    make_volunteer(world, user=world.users["other_mentor"], given_names="Cits")
    participation = take_part(prison_activity(world), mentor_volunteer)
    response = world.client("other_mentor").post(f"/volunteers/me/{participation.public_id}/check-in/")
    assert response.status_code == 404
    assert Participation.objects.get(pk=participation.pk).checked_in_at is None
    assert world.client("ngo_coordinator").get("/volunteers/me/").status_code == 403


def test_an_expired_approval_is_shown_to_the_volunteer_at_check_in(world, mentor_volunteer):
    participation = take_part(prison_activity(world), mentor_volunteer)
    Qualification.objects.filter(kind=QualificationKind.PRISON_ACCESS).update(
        valid_until=timezone.localdate() - dt.timedelta(days=1)
    )
    response = world.client("mentor").post(f"/volunteers/me/{participation.public_id}/check-in/", follow=True)
    assert "message-error" in response.content.decode()
    assert Participation.objects.get(pk=participation.pk).checked_in_at is None


def test_the_volunteer_page_costs_the_same_for_more_activities(
    world, mentor_volunteer, django_assert_max_num_queries
):
    client = world.client("ngo_coordinator")
    url = f"/volunteers/{mentor_volunteer.public_id}/"

    def participate(days):
        activity = prison_activity(world, days=-days)
        participation = take_part(activity, mentor_volunteer)
        activities.check_in(acting=world.acting("mentor"), participation=participation, at=activity.starts_at)
        activities.check_out(acting=world.acting("mentor"), participation=participation, at=activity.ends_at)

    participate(0)
    with django_assert_max_num_queries(40) as few:
        assert client.get(url).status_code == 200
    for days in range(1, 8):
        participate(days)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url)
    assert response.content.decode().count("Sarunu grupa") == 8


def test_the_hours_of_a_period_download_as_csv_and_the_export_is_audited(world, mentor_volunteer):
    from resoc.audit.models import AuditEntry

    activity = prison_activity(world, title="=HYPERLINK(1)")
    participation = take_part(activity, mentor_volunteer)
    activities.check_in(acting=world.acting("mentor"), participation=participation, at=activity.starts_at)
    claim = activities.check_out(
        acting=world.acting("mentor"), participation=participation, at=activity.ends_at
    )
    activities.hours_decline(acting=world.acting("ngo_coordinator"), claim=claim, reason="Par daudz")
    today = timezone.localdate()
    response = world.client("ngo_coordinator").get(
        "/volunteers/hours/export/", {"since": str(today - dt.timedelta(days=1)), "until": str(today)}
    )
    assert response["Content-Type"].startswith("text/csv")
    text = response.content.decode("utf-8-sig")
    rows = [line.split(";") for line in text.strip().splitlines()]
    assert len(rows) == 2
    assert rows[1][2] == "'=HYPERLINK(1)"
    assert rows[1][7] == "2,00"
    assert rows[1][10] == "Par daudz"
    assert AuditEntry.objects.filter(action="export", record_type="volunteer").exists()
    assert world.client("mentor").get("/volunteers/hours/export/").status_code == 403


def test_the_volunteer_page_says_where_he_may_take_part_today(world, mentor_volunteer):
    Qualification.objects.create(
        volunteer=mentor_volunteer,
        kind=QualificationKind.PRISON_ACCESS,
        prison=Organization.objects.get(code="liepajas-cietums"),
        valid_from=timezone.localdate() - dt.timedelta(days=300),
        valid_until=timezone.localdate() - dt.timedelta(days=3),
    )
    response = world.client("ngo_coordinator").get(
        f"/volunteers/{mentor_volunteer.public_id}/", HTTP_ACCEPT_LANGUAGE="en"
    )
    readiness = {str(r.prison): r.refusals for r in response.context["readiness"]}
    assert readiness["None"] == []
    assert readiness[str(Organization.objects.get(code="jelgavas-cietums"))] == []
    codes = {x.code for x in readiness[str(Organization.objects.get(code="liepajas-cietums"))]}
    assert codes == {"prison_access_expired", "agreement"}
