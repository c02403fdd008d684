"""Recording and withdrawing consents: who may, what is refused, and what the policy does with it."""

from __future__ import annotations

import datetime as dt
import os

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from conftest import add_relationship
from resoc.access import policy
from resoc.audit.models import AuditEntry
from resoc.community.consents import consent_record, consent_withdraw
from resoc.community.tests.conftest import pdf, png, spec
from resoc.people.models import Consent, ConsentMethod, PersonEvent

pytestmark = pytest.mark.django_db


def _refer(world):
    add_relationship(world.person, "test-ngo", "referral")


def test_an_officer_holding_the_person_records_a_consent(world):
    consent = consent_record(acting=world.acting("prison_officer"), person=world.person, spec=spec(world))
    assert consent.category_keys == ["family", "identity"]
    assert consent.method == ConsentMethod.RECORDED_BY_STAFF
    assert consent.recorded_by == world.users["prison_officer"]
    entry = AuditEntry.objects.get(record_type="consent", action="create")
    assert entry.person_public_id == world.person.public_id
    assert entry.detail["categories"] == ["family", "identity"]
    assert PersonEvent.objects.filter(person=world.person, type="consent_recorded").exists()


@pytest.mark.parametrize(
    "persona",
    ["other_prison_officer", "ngo_coordinator", "mentor", "career_consultant", "org_admin", "system_admin"],
)
def test_someone_without_a_custody_or_supervision_relationship_may_not_record(world, persona):
    _refer(world)
    with pytest.raises(PermissionDenied):
        consent_record(acting=world.acting(persona), person=world.person, spec=spec(world))
    assert not Consent.objects.exists()
    assert not AuditEntry.objects.filter(action="create").exists()


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"categories": []}, "categories"),
        ({"categories": ["identity", "horoscope"]}, "categories"),
        ({"purpose": ""}, "purpose"),
        ({"purpose": "<script>"}, "purpose"),
        ({"given_on": dt.date.today() + dt.timedelta(days=3)}, "given_on"),
        ({"method": ConsentMethod.SIGNED_FORM}, "signed_form"),
        ({"method": "telepathy"}, "method"),
    ],
)
def test_bad_input_is_refused_with_nothing_written(world, overrides, field):
    with pytest.raises(ValidationError) as raised:
        consent_record(
            acting=world.acting("prison_officer"), person=world.person, spec=spec(world, **overrides)
        )
    assert field in raised.value.message_dict
    assert not Consent.objects.exists()
    assert not PersonEvent.objects.exists()
    assert not AuditEntry.objects.exists()


def test_consent_only_to_an_ngo(world):
    from resoc.community.tests.conftest import org

    with pytest.raises(ValidationError) as raised:
        consent_record(
            acting=world.acting("prison_officer"),
            person=world.person,
            spec=spec(world, organization=org("nva-jelgava")),
        )
    assert "organization" in raised.value.message_dict


def test_a_mentor_must_be_a_volunteer_of_that_ngo(world):
    with pytest.raises(ValidationError) as raised:
        consent_record(
            acting=world.acting("prison_officer"),
            person=world.person,
            spec=spec(world, mentor=world.users["ngo_coordinator"]),
        )
    assert "mentor" in raised.value.message_dict
    consent = consent_record(
        acting=world.acting("prison_officer"),
        person=world.person,
        spec=spec(world, mentor=world.users["mentor"]),
    )
    assert consent.mentor == world.users["mentor"]


def test_a_signed_pdf_is_stored_under_a_random_name(world):
    consent = consent_record(
        acting=world.acting("prison_officer"),
        person=world.person,
        spec=spec(world, method=ConsentMethod.SIGNED_FORM, signed_form=pdf("Bērziņš piekrišana.pdf")),
    )
    assert consent.signed_form_type == "application/pdf"
    assert "Bērziņš" not in str(consent.signed_form.name)
    assert consent.signed_form.read().startswith(b"%PDF-")


def test_an_image_of_the_form_is_accepted(world):
    consent = consent_record(
        acting=world.acting("prison_officer"),
        person=world.person,
        spec=spec(world, method=ConsentMethod.SIGNED_FORM, signed_form=png()),
    )
    assert consent.signed_form_type == "image/png"


@pytest.mark.parametrize(
    "upload",
    [
        SimpleUploadedFile("forma.pdf", b"MZ\x90\x00 this is a program", content_type="application/pdf"),
        SimpleUploadedFile("forma.pdf", b"%PDF-1.4 cut short", content_type="application/pdf"),
        SimpleUploadedFile("forma.png", b"GIF89a\x01\x00\x01\x00", content_type="image/png"),
        SimpleUploadedFile("forma.docx", b"PK\x03\x04 word document", content_type="application/pdf"),
    ],
)
def test_a_file_that_is_not_a_pdf_jpeg_or_png_is_refused(world, upload, settings):
    with pytest.raises(ValidationError) as raised:
        consent_record(
            acting=world.acting("prison_officer"),
            person=world.person,
            spec=spec(world, method=ConsentMethod.SIGNED_FORM, signed_form=upload),
        )
    assert "signed_form" in raised.value.message_dict
    assert not Consent.objects.exists()
    assert not os.listdir(settings.MEDIA_ROOT) or not os.listdir(settings.MEDIA_ROOT / "consents")


def test_a_form_over_the_size_limit_is_refused(world, monkeypatch):
    monkeypatch.setattr("resoc.community.consent_files.MAX_FORM_BYTES", 10)
    with pytest.raises(ValidationError) as raised:
        consent_record(
            acting=world.acting("prison_officer"),
            person=world.person,
            spec=spec(world, method=ConsentMethod.SIGNED_FORM, signed_form=pdf()),
        )
    assert "10 MB" in raised.value.message_dict["signed_form"][0]


def test_a_failure_after_the_file_was_stored_leaves_no_file(world, settings, monkeypatch):
    def broken(**kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr("resoc.community.events.consent_recorded_event", broken)
    with pytest.raises(RuntimeError):
        consent_record(
            acting=world.acting("prison_officer"),
            person=world.person,
            spec=spec(world, method=ConsentMethod.SIGNED_FORM, signed_form=pdf()),
        )
    assert not Consent.objects.exists()
    assert not list((settings.MEDIA_ROOT / "consents").iterdir())


def test_withdrawal_stops_the_coordinators_access_at_once(world):
    _refer(world)
    coordinator = world.acting("ngo_coordinator")
    assert not policy.can_read(coordinator, world.person, "identity")
    consent = consent_record(acting=world.acting("prison_officer"), person=world.person, spec=spec(world))
    assert policy.can_read(coordinator, world.person, "identity")
    assert policy.can_read(coordinator, world.person, "family")
    assert not policy.can_read(coordinator, world.person, "health")
    consent_withdraw(acting=world.acting("prison_officer"), consent=consent, reason="Persona atsauca mutiski")
    assert not policy.can_read(coordinator, world.person, "identity")
    assert not policy.visible_persons(coordinator).exists()
    consent.refresh_from_db()
    assert consent.withdrawn_by == world.users["prison_officer"]
    assert consent.withdrawal_reason == "Persona atsauca mutiski"
    assert (
        AuditEntry.objects.filter(record_type="consent", action="update", detail__withdrawn=True).count() == 1
    )


def test_the_receiving_ngos_coordinator_may_withdraw(world):
    _refer(world)
    consent = consent_record(acting=world.acting("prison_officer"), person=world.person, spec=spec(world))
    consent_withdraw(acting=world.acting("ngo_coordinator"), consent=consent, reason="Pateica konsultācijā")
    consent.refresh_from_db()
    assert consent.is_withdrawn


@pytest.mark.parametrize("persona", ["mentor", "other_prison_officer", "career_consultant", "system_admin"])
def test_others_may_not_withdraw(world, persona):
    consent = consent_record(acting=world.acting("prison_officer"), person=world.person, spec=spec(world))
    with pytest.raises(PermissionDenied):
        consent_withdraw(acting=world.acting(persona), consent=consent, reason="Nav tiesību")
    consent.refresh_from_db()
    assert not consent.is_withdrawn


def test_withdrawing_twice_is_refused_and_the_first_withdrawal_stays(world):
    consent = consent_record(acting=world.acting("prison_officer"), person=world.person, spec=spec(world))
    consent_withdraw(acting=world.acting("prison_officer"), consent=consent, reason="Pirmā reize")
    with pytest.raises(ValidationError) as raised:
        consent_withdraw(acting=world.acting("prison_officer"), consent=consent, reason="Otrā reize")
    assert raised.value.code == "already_withdrawn"
    consent.refresh_from_db()
    assert consent.withdrawal_reason == "Pirmā reize"
    assert PersonEvent.objects.filter(type="consent_withdrawn").count() == 1


def test_a_withdrawal_needs_a_reason(world):
    consent = consent_record(acting=world.acting("prison_officer"), person=world.person, spec=spec(world))
    with pytest.raises(ValidationError):
        consent_withdraw(acting=world.acting("prison_officer"), consent=consent, reason=" ")
    consent.refresh_from_db()
    assert not consent.is_withdrawn
