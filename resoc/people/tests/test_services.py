import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from resoc.access import policy
from resoc.audit.models import AuditAction, AuditEntry
from resoc.people import services
from resoc.people.models import Person, PersonEvent, PersonIdentifier, Relationship

VALID = {
    "given_names": "Anna",
    "family_name": "Kalniņa",
    "personal_code": "150392-11234",
    "sex": "female",
    "citizenship_status": "citizen",
}


def _valid(**changes):
    from resoc.people.identity import make_personal_code

    data = dict(VALID, personal_code=make_personal_code(dt.date(1992, 3, 15), 123))
    data.update(changes)
    return data


def test_registering_writes_person_relationship_event_and_audit_entry(world):
    acting = world.acting("prison_officer")
    person = services.person_register(acting=acting, data=_valid())
    assert person.date_of_birth == dt.date(1992, 3, 15)  # taken from the code
    assert Relationship.objects.get(person=person).kind == "custody"
    assert PersonEvent.objects.filter(person=person, type="person_registered").exists()
    entry = AuditEntry.objects.get(person_public_id=person.public_id, action=AuditAction.CREATE)
    assert entry.actor_username == "prison_officer"
    assert entry.role == "resocialization_officer"
    assert policy.visible_persons(acting).filter(pk=person.pk).exists()


def test_probation_officer_registration_starts_supervision(world):
    person = services.person_register(acting=world.acting("probation_officer"), data=_valid())
    assert Relationship.objects.get(person=person).kind == "supervision"


@pytest.mark.parametrize(
    "persona", ["career_consultant", "ngo_coordinator", "mentor", "system_admin", "analyst"]
)
def test_other_roles_cannot_register(world, persona):
    with pytest.raises(PermissionDenied):
        services.person_register(acting=world.acting(persona), data=_valid())
    assert not Person.objects.filter(family_name="Kalniņa").exists()


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"personal_code": "010180-10019"}, "personal_code"),
        ({"given_names": "<script>alert(1)</script>"}, "given_names"),
        ({"family_name": "Ozols" * 30}, "family_name"),
        ({"family_name": ""}, "family_name"),
        ({"personal_code": "", "date_of_birth": dt.date(2999, 1, 1)}, "date_of_birth"),
        ({"personal_code": "", "date_of_birth": dt.date(1850, 1, 1)}, "date_of_birth"),
        ({"date_of_birth": dt.date(1991, 3, 15)}, "date_of_birth"),
        ({"address": "<b>Rīga</b>"}, "address"),
        ({"email": "not-an-email"}, "email"),
        ({"sex": "unknown-value"}, "sex"),
    ],
)
def test_bad_input_is_refused_and_nothing_is_stored(world, changes, field):
    before = (Person.objects.count(), AuditEntry.objects.count(), PersonEvent.objects.count())
    with pytest.raises(ValidationError) as caught:
        services.person_register(acting=world.acting("prison_officer"), data=_valid(**changes))
    assert field in caught.value.message_dict
    assert (Person.objects.count(), AuditEntry.objects.count(), PersonEvent.objects.count()) == before


def test_a_duplicate_personal_code_is_refused(world):
    with pytest.raises(ValidationError) as caught:
        services.person_register(
            acting=world.acting("prison_officer"),
            data=_valid(personal_code="010180-10018", given_names="Pēteris"),
        )
    assert "personal_code" in caught.value.message_dict


def test_same_name_and_birth_date_is_a_warning_that_can_be_confirmed(world):
    data = _valid(
        given_names="Jānis", family_name="Bērziņš", personal_code="", date_of_birth=dt.date(1980, 1, 1)
    )
    with pytest.raises(services.PossibleDuplicateError) as caught:
        services.person_register(acting=world.acting("probation_officer"), data=data)
    assert caught.value.duplicates == [world.person]
    person = services.person_register(
        acting=world.acting("probation_officer"), data=data, confirm_possible_duplicate=True
    )
    assert person.pk != world.person.pk


def test_duplicate_warning_ignores_diacritics_and_case(world):
    data = _valid(
        given_names="JANIS", family_name="Berzins", personal_code="", date_of_birth=dt.date(1980, 1, 1)
    )
    with pytest.raises(services.PossibleDuplicateError):
        services.person_register(acting=world.acting("prison_officer"), data=data)


def test_update_records_changed_fields_only(world):
    services.person_update(
        acting=world.acting("prison_officer"), person=world.person, data={"phone": "+371 20000000"}
    )
    event = PersonEvent.objects.get(person=world.person, type="person_updated")
    assert event.parameters["fields"] == ["phone"]
    assert AuditEntry.objects.get(action=AuditAction.UPDATE).detail == {"fields": ["phone"]}


def test_update_is_refused_to_other_prisons_and_to_reading_roles(world, participant):
    for persona in ("other_prison_officer", "facilitator"):
        with pytest.raises(PermissionDenied):
            services.person_update(
                acting=world.acting(persona), person=world.person, data={"phone": "+371 1"}
            )


def test_update_with_invalid_data_changes_nothing(world):
    with pytest.raises(ValidationError):
        services.person_update(
            acting=world.acting("prison_officer"),
            person=world.person,
            data={"phone": "+371 29999999", "personal_code": "bad"},
        )
    world.person.refresh_from_db()
    assert world.person.phone == ""
    assert world.person.personal_code == "010180-10018"


def test_merge_moves_everything_to_the_survivor(world):
    acting = world.acting("prison_officer")
    duplicate = services.person_register(
        acting=acting,
        data=_valid(
            given_names="Jānis",
            family_name="Bērziņš",
            personal_code="",
            date_of_birth=dt.date(1980, 1, 1),
            phone="+371 22222222",
        ),
        confirm_possible_duplicate=True,
    )
    PersonIdentifier.objects.create(
        person=duplicate, kind="passport", value="LV1234567", issuing_country="LV"
    )
    survivor = services.person_merge(acting=acting, survivor=world.person, duplicate=duplicate)
    duplicate.refresh_from_db()
    assert duplicate.merged_into == survivor
    assert survivor.phone == "+371 22222222"  # filled from the duplicate where the survivor had nothing
    assert survivor.identifiers.get().value == "LV1234567"
    assert Relationship.objects.filter(person=duplicate).count() == 0
    assert PersonEvent.objects.filter(person=survivor, type="person_merged").exists()
    assert AuditEntry.objects.filter(action=AuditAction.MERGE).count() == 2
    assert list(policy.visible_persons(acting)) == [survivor]


def test_merge_is_refused_to_roles_without_the_right(world):
    with pytest.raises(PermissionDenied):
        services.person_merge(
            acting=world.acting("facilitator"), survivor=world.person, duplicate=world.person
        )


def test_a_record_cannot_be_merged_into_itself(world):
    with pytest.raises(ValidationError):
        services.person_merge(
            acting=world.acting("prison_officer"), survivor=world.person, duplicate=world.person
        )
