"""The consents page: listing, recording with an upload, withdrawing; access before and after withdrawal."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from conftest import add_relationship
from resoc.audit.models import AuditEntry
from resoc.community.consents import consent_record
from resoc.community.tests.conftest import lv, pdf, spec, today
from resoc.people.models import Consent

pytestmark = pytest.mark.django_db


def _url(world):
    return reverse("community:person_consents", args=[world.person.public_id])


def _form(world, **overrides):
    data = {
        "organization": world.ngo.pk,
        "categories": ["identity", "family"],
        "purpose": "Atbalsts pēc atbrīvošanas",
        "given_on": today().isoformat(),
        "method": "recorded_by_staff",
    }
    data.update(overrides)
    return data


def test_the_officer_records_a_consent_with_a_signed_form(world):
    client = world.client("prison_officer")
    page = client.get(_url(world))
    assert page.status_code == 200
    assert lv("No consent in force: no NGO or mentor sees anything of this person.") in page.text
    response = client.post(_url(world), _form(world, method="signed_form", signed_form=pdf()))
    assert response.status_code == 302
    consent = Consent.objects.get()
    assert consent.signed_form_type == "application/pdf"
    download = client.get(reverse("community:consent_form", args=[consent.public_id]))
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert AuditEntry.objects.filter(record_type="consent_form", action="view").count() == 1


def test_reading_the_list_is_audited(world):
    consent_record(acting=world.acting("prison_officer"), person=world.person, spec=spec(world))
    world.client("prison_officer").get(_url(world))
    entry = AuditEntry.objects.get(record_type="consents", action="view")
    assert entry.person_public_id == world.person.public_id
    assert len(entry.detail["consents"]) == 1


def test_a_non_pdf_upload_is_refused_on_the_page(world):
    response = world.client("prison_officer").post(
        _url(world),
        _form(world, method="signed_form", signed_form=SimpleUploadedFile("forma.pdf", b"<html>nope</html>")),
    )
    assert response.status_code == 422
    assert lv("Upload the signed form as a PDF, JPEG or PNG file.") in response.text
    assert not Consent.objects.exists()


def test_no_category_is_refused_on_the_page(world):
    response = world.client("prison_officer").post(_url(world), _form(world, categories=[]))
    assert response.status_code == 422
    assert not Consent.objects.exists()


@pytest.mark.parametrize("persona", ["other_prison_officer", "mentor", "analyst"])
def test_without_a_relationship_the_page_is_not_found(world, persona):
    assert world.client(persona).get(_url(world)).status_code == 404
    assert world.client(persona).post(_url(world), _form(world)).status_code == 404
    assert not Consent.objects.exists()
    assert AuditEntry.objects.filter(action="denied", record_type="consents").exists()


def test_a_career_consultant_reading_the_person_may_not_see_consents(world):
    add_relationship(world.person, "nva-jelgava", "client")
    client = world.client("career_consultant")
    assert client.get(_url(world)).status_code == 403
    assert client.post(_url(world), _form(world)).status_code == 403
    assert not Consent.objects.exists()


def test_the_coordinator_sees_the_person_until_the_consent_is_withdrawn(world):
    add_relationship(world.person, "test-ngo", "referral")
    coordinator = world.client("ngo_coordinator")
    person_page = reverse("people:detail", args=[world.person.public_id])
    api_person = f"/persons/{world.person.public_id}"
    from resoc.api.tests.conftest import ApiClient, token_for

    api = ApiClient(token_for(world.users["ngo_coordinator"]))
    assert coordinator.get(person_page).status_code == 404
    assert api.get(api_person).status_code == 404

    consent = consent_record(acting=world.acting("prison_officer"), person=world.person, spec=spec(world))
    assert coordinator.get(person_page).status_code == 200
    assert api.get(api_person).status_code == 200
    page = coordinator.get(_url(world))
    assert page.status_code == 200
    assert lv("Record a consent") not in page.text  # the coordinator withdraws, but does not record

    response = coordinator.post(
        reverse("community:consent_withdraw", args=[consent.public_id]),
        {"reason": "Persona to pateica konsultācijā"},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("web:home")
    assert coordinator.get(person_page).status_code == 404
    assert api.get(api_person).status_code == 404
    assert coordinator.get(_url(world)).status_code == 404
    # What was read before stays in the audit log.
    assert AuditEntry.objects.filter(
        actor=world.users["ngo_coordinator"], action="view", person_public_id=world.person.public_id
    ).exists()


def test_withdrawing_through_htmx_redirects_the_page(world):
    consent = consent_record(acting=world.acting("prison_officer"), person=world.person, spec=spec(world))
    response = world.client("prison_officer").post(
        reverse("community:consent_withdraw", args=[consent.public_id]),
        {"reason": "Atsaukta"},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 204
    assert response["HX-Redirect"] == _url(world)
    page = world.client("prison_officer").get(_url(world)).text
    assert lv("Withdrawn consents") in page
    assert "Atsaukta" in page


def test_withdrawing_twice_shows_an_error_and_keeps_the_first(world):
    consent = consent_record(acting=world.acting("prison_officer"), person=world.person, spec=spec(world))
    client = world.client("prison_officer")
    url = reverse("community:consent_withdraw", args=[consent.public_id])
    client.post(url, {"reason": "Pirmā"})
    response = client.post(url, {"reason": "Otrā"}, follow=True)
    assert lv("This consent has already been withdrawn.") in response.text
    consent.refresh_from_db()
    assert consent.withdrawal_reason == "Pirmā"


def test_a_stranger_may_not_withdraw(world):
    consent = consent_record(acting=world.acting("prison_officer"), person=world.person, spec=spec(world))
    response = world.client("other_prison_officer").post(
        reverse("community:consent_withdraw", args=[consent.public_id]), {"reason": "Nē"}
    )
    assert response.status_code == 404
    consent.refresh_from_db()
    assert not consent.is_withdrawn
    assert AuditEntry.objects.filter(action="denied", record_type="consent").exists()


def test_the_signed_form_is_not_served_to_others(world):
    from resoc.people.models import ConsentMethod

    consent = consent_record(
        acting=world.acting("prison_officer"),
        person=world.person,
        spec=spec(world, method=ConsentMethod.SIGNED_FORM, signed_form=pdf()),
    )
    url = reverse("community:consent_form", args=[consent.public_id])
    assert world.client("other_prison_officer").get(url).status_code == 404
    assert world.client("mentor").get(url).status_code == 404


def test_the_person_page_links_to_the_consents(world):
    page = world.client("prison_officer").get(reverse("people:detail", args=[world.person.public_id])).text
    assert _url(world) in page


def test_the_timeline_names_the_consent_events(world):
    consent = consent_record(acting=world.acting("prison_officer"), person=world.person, spec=spec(world))
    world.client("prison_officer").post(
        reverse("community:consent_withdraw", args=[consent.public_id]), {"reason": "Atsaukta"}
    )
    page = world.client("prison_officer").get(reverse("people:detail", args=[world.person.public_id])).text
    assert lv("Consent to share data recorded") in page
    assert lv("Consent to share data withdrawn") in page


def test_the_consents_page_does_not_grow_in_queries(world):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = world.client("prison_officer")
    consent_record(acting=world.acting("prison_officer"), person=world.person, spec=spec(world))
    client.get(_url(world))
    with CaptureQueriesContext(connection) as few:
        client.get(_url(world))
    for n in range(5):
        made = consent_record(
            acting=world.acting("prison_officer"),
            person=world.person,
            spec=spec(world, purpose=f"Mērķis {n}"),
        )
        if n % 2:
            from resoc.community.consents import consent_withdraw

            consent_withdraw(acting=world.acting("prison_officer"), consent=made, reason="Atsaukta")
    with CaptureQueriesContext(connection) as many:
        assert "Mērķis 4" in client.get(_url(world)).text
    assert len(many) == len(few)
