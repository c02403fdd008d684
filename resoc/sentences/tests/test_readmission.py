"""Re-admitting a released person: exact identification, nothing of the file before, audited.

Policy (``sentences.admission``): a resocialization officer admits an existing person into his own
prison when he identifies the person exactly, by the full personal code or another identifier.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import translation

from resoc.access import policy
from resoc.audit.models import AuditAction, AuditEntry
from resoc.people.identity import make_personal_code
from resoc.people.models import PersonIdentifier
from resoc.sentences import admission, services
from resoc.sentences.models import CustodyPeriod
from resoc.sentences.tests.conftest import counts, days, org

CODE = "010180-10018"  # the world's person


@pytest.fixture(autouse=True)
def _english(settings):
    """These tests read the English texts."""
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def released(world, held):
    services.person_release(
        acting=world.acting("prison_officer"),
        person=world.person,
        released_on=days(-30),
        reason="end_of_sentence",
    )
    return world.person


def admit(world, persona: str = "prison_officer", prison: str = "jelgavas-cietums", **identifier):
    return admission.custody_admit_identified(
        acting=world.acting(persona),
        prison=org(prison),
        admitted_on=days(-1),
        **({"scheme": "personal_code", "value": CODE} | identifier),
    )


def test_after_release_the_ordinary_admission_is_refused(world, released):
    acting = world.acting("prison_officer")
    assert not policy.can_read(acting, world.person, policy.SENTENCE.key)
    with pytest.raises(PermissionDenied):
        services.custody_admit(
            acting=acting, person=world.person, prison=org("jelgavas-cietums"), admitted_on=days(-1)
        )


@pytest.mark.parametrize("persona", ["prison_officer", "other_prison_officer"])
def test_an_officer_readmits_by_the_full_personal_code_into_his_own_prison(world, released, persona):
    prison = "jelgavas-cietums" if persona == "prison_officer" else "jekabpils-cietums"
    acting = world.acting(persona)
    found = admission.person_identify(acting=acting, scheme="personal_code", value="010180 10018")
    assert (found.full_name, found.date_of_birth, found.held_here) == (
        world.person.full_name,
        world.person.date_of_birth,
        False,
    )
    period = admit(world, persona, prison)
    assert period.prison == org(prison)
    assert policy.can_read(acting, world.person, policy.SENTENCE.key)
    entries = AuditEntry.objects.filter(actor_username=persona, record_type=admission.RECORD_TYPE)
    assert entries.filter(action=AuditAction.SEARCH, person_public_id=world.person.public_id).count() == 2
    assert AuditEntry.objects.filter(
        actor_username=persona, record_type="custody_period", action=AuditAction.CREATE
    ).exists()
    # The searched value itself is not written to the audit log.
    assert all(CODE not in str(entry.detail) for entry in entries)


def test_a_person_without_a_code_is_found_by_another_identifier_exactly(world, released):
    world.person.personal_code = None
    world.person.save()
    PersonIdentifier.objects.create(
        person=world.person, kind="passport", value="LT1234567", issuing_country="LT"
    )
    acting = world.acting("prison_officer")
    for wrong in [
        {"value": "LT123456"},
        {"issuing_country": "EE"},
        {"scheme": "id_card"},
        {"value": "lt1234567"},
    ]:
        arguments = {"scheme": "passport", "value": "LT1234567", "issuing_country": "LT"} | wrong
        with pytest.raises(ValidationError) as error:
            admission.person_identify(acting=acting, **arguments)
        assert error.value.message_dict["value"][0].startswith(
            "No registered person has exactly this identifier"
        )
    period = admit(world, scheme="passport", value="LT1234567", issuing_country="lt")
    assert period.person == world.person


@pytest.mark.parametrize("partial", ["010180", "010180-1001", "10018", "010180-10019", "Bērziņš"])
def test_partial_or_wrong_codes_find_nothing(world, released, partial):
    before = counts()
    with pytest.raises(ValidationError):
        admission.person_identify(
            acting=world.acting("prison_officer"), scheme="personal_code", value=partial
        )
    with pytest.raises(ValidationError):
        admit(world, value=partial)
    assert CustodyPeriod.objects.count() == before["CustodyPeriod"]


def test_a_lookup_that_found_nothing_is_audited(world, released):
    unknown = make_personal_code(dt.date(1999, 12, 31), 1)
    acting = world.acting("prison_officer")
    with pytest.raises(ValidationError):
        admission.person_identify(acting=acting, scheme="personal_code", value=unknown)
    with pytest.raises(ValidationError):
        admission.person_identify(acting=acting, scheme="personal_code", value="0101")
    entries = list(AuditEntry.objects.filter(record_type=admission.RECORD_TYPE).order_by("pk"))
    assert [entry.action for entry in entries] == [AuditAction.SEARCH, AuditAction.SEARCH]
    assert all(entry.person_public_id is None for entry in entries)
    assert [entry.detail for entry in entries] == [
        {"scheme": "personal_code", "found": False},
        {"scheme": "personal_code", "found": False, "invalid": True},
    ]


@pytest.mark.parametrize(
    "persona",
    [
        "facilitator",
        "probation_officer",
        "social_worker",
        "ngo_coordinator",
        "mentor",
        "analyst",
        "org_admin",
        "auditor",
    ],
)
def test_other_roles_may_not_identify_or_admit(world, released, persona):
    before = counts()
    with pytest.raises(PermissionDenied):
        admission.person_identify(acting=world.acting(persona), scheme="personal_code", value=CODE)
    with pytest.raises(PermissionDenied):
        admit(world, persona)
    assert counts() == before
    assert world.client(persona).get(reverse("sentences:admit_existing")).status_code == 403


def test_an_officer_admits_only_into_his_own_prison(world, released):
    before = CustodyPeriod.objects.count()
    with pytest.raises(PermissionDenied):
        admit(world, "prison_officer", "jekabpils-cietums")
    assert CustodyPeriod.objects.count() == before


def test_a_person_in_custody_elsewhere_is_refused_as_a_transfer(world, held):
    before = counts()
    with pytest.raises(ValidationError) as error:
        admit(world, "other_prison_officer", "jekabpils-cietums")
    assert "transfer" in error.value.message_dict["value"][0]
    assert CustodyPeriod.objects.count() == before["CustodyPeriod"]
    assert not policy.can_read(world.acting("other_prison_officer"), world.person, policy.IDENTITY.key)


def test_a_person_held_here_is_not_admitted_twice(world, held):
    found = admission.person_identify(
        acting=world.acting("prison_officer"), scheme="personal_code", value=CODE
    )
    assert found.held_here
    with pytest.raises(ValidationError):
        admit(world)


def test_the_web_flow_shows_only_name_and_birth_date_before_admission(world, released):
    client = world.client("other_prison_officer")
    url = reverse("sentences:admit_existing")
    page = client.get(url)
    assert page.status_code == 200
    missing = client.post(url, {"step": "identify", "scheme": "personal_code", "value": "010180"})
    assert missing.status_code == 422
    assert "11 digits" in missing.content.decode()
    response = client.post(url, {"step": "identify", "scheme": "personal_code", "value": CODE})
    html = response.content.decode()
    assert response.status_code == 200
    assert world.person.full_name in html
    assert "Admit this existing record" in html
    # Nothing else of the file: no link to it, no sentence, no earlier prison, no public id.
    assert str(world.person.public_id) not in html
    assert "Jelgavas" not in html
    assert "Zemgales" not in html
    before = CustodyPeriod.objects.count()
    response = client.post(
        url,
        {
            "step": "admit",
            "scheme": "personal_code",
            "value": CODE,
            "issuing_country": "",
            "prison": org("jekabpils-cietums").pk,
            "admitted_on": days(-1).isoformat(),
        },
    )
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("people:detail", args=[world.person.public_id]))
    assert CustodyPeriod.objects.count() == before + 1
    assert client.get(response["Location"]).status_code == 200


def test_the_web_admission_step_reports_errors_and_stores_nothing(world, held):
    client = world.client("other_prison_officer")
    before = counts()
    response = client.post(
        reverse("sentences:admit_existing"),
        {
            "step": "admit",
            "scheme": "personal_code",
            "value": CODE,
            "prison": org("jekabpils-cietums").pk,
            "admitted_on": days(-1).isoformat(),
        },
    )
    assert response.status_code == 422
    assert "is a transfer" in response.content.decode()
    assert CustodyPeriod.objects.count() == before["CustodyPeriod"]


def test_admission_through_the_api_follows_the_same_rule(world, released, api_as):
    api = api_as("other_prison_officer")
    # The person-id route still needs the person readable: a record id is not an intake document.
    by_id = api.post(
        f"/persons/{world.person.public_id}/custody-periods",
        {"prison": "jekabpils-cietums", "admitted_on": days(-1).isoformat()},
    )
    assert by_id.status_code == 404
    partial = api.post("/admissions/lookup", {"scheme": "personal_code", "value": "010180-1001"})
    assert partial.status_code == 422
    lookup = api.post("/admissions/lookup", {"scheme": "personal_code", "value": CODE})
    assert lookup.status_code == 200
    assert lookup.json() == {
        "full_name": world.person.full_name,
        "date_of_birth": world.person.date_of_birth.isoformat(),
        "held_here": False,
    }
    other = api.post(
        "/admissions",
        {
            "scheme": "personal_code",
            "value": CODE,
            "prison": "jelgavas-cietums",
            "admitted_on": days(-1).isoformat(),
        },
    )
    assert other.status_code == 403
    created = api.post(
        "/admissions",
        {
            "scheme": "personal_code",
            "value": CODE,
            "prison": "jekabpils-cietums",
            "admitted_on": days(-1).isoformat(),
        },
    )
    assert created.status_code == 201
    assert created.json()["person"] == str(world.person.public_id)
    assert api.get(f"/persons/{world.person.public_id}/custody-periods").status_code == 200


@pytest.mark.parametrize("persona", ["probation_officer", "social_worker", "analyst"])
def test_the_api_refuses_other_roles_and_audits_it(world, released, api_as, persona):
    response = api_as(persona).post("/admissions/lookup", {"scheme": "personal_code", "value": CODE})
    assert response.status_code == 403
    assert AuditEntry.objects.filter(
        actor_username=persona, action=AuditAction.DENIED, record_type=admission.RECORD_TYPE
    ).exists()


def test_registering_an_existing_code_points_the_officer_to_the_admission(world, released):
    data = {
        "given_names": "Jānis",
        "family_name": "Bērziņš",
        "personal_code": CODE,
        "sex": "male",
        "citizenship_status": "citizen",
    }
    officer = world.client("other_prison_officer").post(reverse("people:register"), data)
    assert "A person with this personal code is already registered." in officer.content.decode()
    assert reverse("sentences:admit_existing") in officer.content.decode()
    probation = world.client("probation_officer").post(reverse("people:register"), data)
    assert reverse("sentences:admit_existing") not in probation.content.decode()
