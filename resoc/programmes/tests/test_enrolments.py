"""Places in a group: refused with every reason (full, ineligible, duplicate, released, clashing),
flagged when a fact is missing, and the facilitator reading only the participants of his groups."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from conftest import add_consent, add_relationship
from resoc.access import policy
from resoc.access.context import acting_for
from resoc.access.models import Membership, User
from resoc.access.roles import Role
from resoc.audit.models import AuditEntry
from resoc.people.models import Person, Relationship
from resoc.programmes import enrolment_services, selectors, services
from resoc.programmes.models import Enrolment, EnrolmentStatus, Location, Offer, OfferLocation, Room
from resoc.programmes.tests.conftest import make_programme, org
from resoc.programmes.tests.test_groups import create, spec
from resoc.sentences import services as sentence_services
from resoc.sentences.models import CustodyPeriod, RegimeLevel


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    with translation.override("en"):
        yield


def hold(world: Any, person: Person) -> Person:
    """``person`` serving a sentence to about a year from now in Jelgava prison."""
    today = timezone.localdate()
    acting = world.acting("prison_officer")
    if not Relationship.objects.filter(person=person, kind="custody").exists():
        add_relationship(person, "jelgavas-cietums", "custody")
    sentence_services.sentence_record(
        acting=acting,
        person=person,
        court="Zemgales rajona tiesa",
        starts_on=today - dt.timedelta(days=400),
        ends_on=today + dt.timedelta(days=500),
    )
    sentence_services.custody_admit(
        acting=acting,
        person=person,
        prison=org("jelgavas-cietums"),
        admitted_on=today - dt.timedelta(days=100),
        regime_level=RegimeLevel.objects.get(code="closed-medium"),
    )
    return person


def another(world: Any) -> Person:
    person = Person.objects.create(
        given_names="Pēteris",
        family_name="Ozols",
        personal_code="020285-10013",
        date_of_birth=dt.date(1985, 2, 2),
        sex="male",
    )
    return hold(world, person)


def enrol(world: Any, group: Any, person: Person | None = None, **kwargs: Any) -> Enrolment:
    return enrolment_services.enrolment_create(
        acting=world.acting("prison_officer"), group=group, person=person or world.person, **kwargs
    )


def reasons(error: pytest.ExceptionInfo[ValidationError]) -> str:
    return " ".join(error.value.message_dict["person"])


def nothing_written(person: Person) -> bool:
    return (
        not Enrolment.objects.filter(person=person).exists()
        and not Relationship.objects.filter(person=person, kind="participant").exists()
    )


def test_a_place_keeps_the_participant_relationship_and_is_audited(world, directory) -> None:
    hold(world, world.person)
    group = create(world, directory)
    enrolment = enrol(world, group)
    assert enrolment.status == EnrolmentStatus.ENROLLED
    relationship = Relationship.objects.get(person=world.person, kind="participant")
    assert relationship.mentor == world.users["facilitator"]
    assert relationship.ends_on == group.ends_on
    entry = AuditEntry.objects.get(record_type=enrolment_services.ENROLMENT_RECORD)
    assert entry.person_public_id == world.person.public_id


def test_a_duplicate_place_is_refused(world, directory) -> None:
    hold(world, world.person)
    group = create(world, directory)
    enrol(world, group)
    with pytest.raises(ValidationError) as error:
        enrol(world, group)
    assert "already has a place in this group" in reasons(error)
    assert Enrolment.objects.count() == 1


def test_over_capacity_is_refused(world, directory) -> None:
    hold(world, world.person)
    group = create(world, directory, capacity=1)
    enrol(world, group)
    second = another(world)
    with pytest.raises(ValidationError) as error:
        enrol(world, group, second)
    assert "The group is full: all 1 places are taken." in reasons(error)
    assert nothing_written(second)


def test_an_ineligible_person_is_refused_with_the_rule(world, directory) -> None:
    hold(world, world.person)
    seniors = make_programme("seniori", name="Seniori", name_en="Seniors", min_age=60)
    offer = Offer.objects.create(programme=seniors, organization=org("jelgavas-cietums"))
    OfferLocation.objects.create(offer=offer, location=directory["location"])
    group = create(world, directory, offer=offer)
    with pytest.raises(ValidationError) as error:
        enrol(world, group)
    assert "60" in reasons(error)
    assert nothing_written(world.person)


def test_a_missing_fact_flags_the_place_instead_of_refusing(world, directory) -> None:
    hold(world, world.person)
    latvian = directory["offers"][1]  # Latvian at most A2; Jānis's level is not recorded
    enrolment = enrol(world, create(world, directory, offer=latvian))
    assert [flag["rule"] for flag in enrolment.flags] == ["latvian_level"]


def test_a_person_released_meanwhile_is_refused(world, directory) -> None:
    hold(world, world.person)
    group = create(world, directory)
    CustodyPeriod.objects.filter(person=world.person).update(left_on=timezone.localdate())
    with pytest.raises(ValidationError) as error:
        enrol(world, group)
    assert "no longer held at Jelgavas cietums" in reasons(error)
    assert nothing_written(world.person)


def test_a_person_in_two_sessions_at_once_is_refused_unless_accepted(world, directory) -> None:
    hold(world, world.person)
    other_facilitator = User.objects.create_user(username="vaditajs", password="a-long-test-password-1")
    Membership.objects.create(
        user=other_facilitator, organization=org("jelgavas-cietums"), role=Role.PROGRAMME_FACILITATOR
    )
    first = create(world, directory)
    workshop = Room.objects.get(name="Metināšanas darbnīca")
    second = create(
        world, directory, name="Darbnīca", room=workshop, capacity=8, facilitator=other_facilitator
    )
    enrol(world, first)
    with pytest.raises(ValidationError) as error:
        enrol(world, second)
    assert "a participant is in the group “Metinātāji, 2027. gada ziema” at that time" in reasons(error)
    assert enrol(world, second, accept_conflicts=True).status == EnrolmentStatus.ENROLLED
    # Rescheduling the first group now shows the participant's clash too.
    proposal = services.group_check(
        acting=world.acting("prison_officer"), spec=spec(world, directory), group=first
    )
    assert {c.kind for c in proposal.conflicts} == {selectors.ConflictKind.PERSON}


def test_others_may_not_enrol(world, directory) -> None:
    hold(world, world.person)
    group = create(world, directory)
    for persona in ("other_prison_officer", "facilitator", "mentor"):
        with pytest.raises(PermissionDenied):
            enrolment_services.enrolment_create(
                acting=world.acting(persona), group=group, person=world.person
            )
    assert nothing_written(world.person)


def _ngo_group(world: Any) -> tuple[Any, User, User]:
    """A group the test NGO delivers at its own centre, led by one of its two facilitators."""
    ngo = world.ngo
    leader, colleague = (
        User.objects.create_user(username=name, password="a-long-test-password-1")
        for name in ("ilze", "aiga")
    )
    for user in (leader, colleague):
        Membership.objects.create(user=user, organization=ngo, role=Role.PROGRAMME_FACILITATOR)
    centre = Location.objects.create(organization=ngo, name="Centrs “Ceļš”", city="Jelgava")
    room = Room.objects.create(location=centre, name="Grupu telpa", kind="counselling", capacity=10)
    programme = make_programme("atbalsta-grupa", name="Atbalsta grupa", organizations=["test-ngo"])
    offer = Offer.objects.create(programme=programme, organization=ngo)
    OfferLocation.objects.create(offer=offer, location=centre)
    add_relationship(world.person, "test-ngo", "client")
    add_consent(world.person, ngo, ["identity", "education_employment"])
    group = services.group_create(
        acting=world.acting("ngo_coordinator"),
        spec=services.GroupSpec(
            offer=offer,
            room=room,
            facilitator=leader,
            name="Atbalsta grupa",
            starts_on=dt.date(2027, 1, 4),
            ends_on=dt.date(2027, 2, 28),
            capacity=10,
            recurrence="FREQ=WEEKLY;BYDAY=TU;COUNT=8",
            session_start=dt.time(17, 0),
            session_minutes=90,
        ),
    )
    return group, leader, colleague


def test_a_facilitator_reads_only_the_participants_of_his_groups(world) -> None:
    group, leader, colleague = _ngo_group(world)
    assert not policy.can_read(acting_for(leader), world.person, "identity")
    enrolment = enrolment_services.enrolment_create(
        acting=world.acting("ngo_coordinator"), group=group, person=world.person
    )
    assert policy.can_read(acting_for(leader), world.person, "identity")
    assert policy.can_read(acting_for(leader), world.person, "education_employment")
    assert not policy.can_read(acting_for(leader), world.person, "sentence")  # not what the group needs
    assert not policy.can_read(acting_for(colleague), world.person, "identity")
    assert [p.enrolment for p in selectors.group_participants(acting=acting_for(leader), group=group)] == [
        enrolment
    ]
    assert selectors.group_participants(acting=acting_for(colleague), group=group) == []
    enrolment_services.enrolment_withdraw(
        acting=world.acting("ngo_coordinator"), enrolment=enrolment, reason="Pārcēlās uz Rīgu"
    )
    assert not policy.can_read(acting_for(leader), world.person, "identity", on=timezone.localdate())


def test_withdrawing_needs_a_reason_and_ends_once(world, directory) -> None:
    hold(world, world.person)
    enrolment = enrol(world, create(world, directory))
    acting = world.acting("prison_officer")
    with pytest.raises(ValidationError):
        enrolment_services.enrolment_withdraw(acting=acting, enrolment=enrolment, reason=" ")
    enrolment_services.enrolment_withdraw(acting=acting, enrolment=enrolment, reason="Slimība")
    with pytest.raises(ValidationError):
        enrolment_services.enrolment_withdraw(acting=acting, enrolment=enrolment, reason="Vēlreiz")
    with pytest.raises(PermissionDenied):
        enrolment_services.enrolment_withdraw(
            acting=world.acting("other_prison_officer"), enrolment=enrolment, reason="x"
        )


def test_participants_take_the_same_queries_for_few_and_many(world, directory) -> None:
    hold(world, world.person)
    group = create(world, directory)
    enrol(world, group)
    acting = world.acting("prison_officer")
    selectors.group_participants(acting=acting, group=group)  # the acting scope is read once
    with CaptureQueriesContext(connection) as few:
        found = selectors.group_participants(acting=acting, group=group)
    assert [p.in_custody for p in found] == [True]
    for number in range(3):
        person = Person.objects.create(
            given_names="Persona",
            family_name=f"Nr{number}",
            date_of_birth=dt.date(1990, 1, 1 + number),
            sex="male",
        )
        enrol(world, group, hold(world, person))
    with CaptureQueriesContext(connection) as many:
        assert len(selectors.group_participants(acting=acting, group=group)) == 4
    assert len(many) == len(few)
    assert selectors.group_participants(acting=world.acting("other_prison_officer"), group=group) == []


def test_places_follow_a_merged_record_and_two_places_in_one_group_refuse_the_merge(world, directory) -> None:
    hold(world, world.person)
    group = create(world, directory)
    duplicate = another(world)
    enrol(world, group, duplicate)
    enrol(world, group)
    with pytest.raises(ValidationError) as error:
        enrolment_services.merge_enrolments(duplicate, world.person)
    assert "Both records hold a place in the group “Metinātāji, 2027. gada ziema”" in " ".join(
        error.value.messages
    )
    enrolment_services.enrolment_withdraw(
        acting=world.acting("prison_officer"),
        enrolment=Enrolment.objects.get(person=duplicate),
        reason="Dublikāts",
    )
    assert enrolment_services.merge_enrolments(duplicate, world.person) == {"programme_enrolments": 1}
    assert Enrolment.objects.filter(person=world.person).count() == 2


def test_a_participant_released_after_enrolling_is_flagged_on_the_list(world, directory) -> None:
    hold(world, world.person)
    group = create(world, directory)
    enrol(world, group)
    CustodyPeriod.objects.filter(person=world.person).update(left_on=timezone.localdate())
    found = selectors.group_participants(acting=world.acting("prison_officer"), group=group)
    assert [p.in_custody for p in found] == [False]
    page = world.client("prison_officer")
    page.cookies["resoc_language"] = "en"
    assert "no longer held here" in page.get(f"/programmes/groups/{group.public_id}/").content.decode()


def test_places_cannot_be_reduced_below_the_participants(world, directory) -> None:
    hold(world, world.person)
    group = create(world, directory)
    enrol(world, group)
    enrol(world, group, another(world))
    with pytest.raises(ValidationError) as error:
        services.group_update(
            acting=world.acting("prison_officer"), group=group, spec=spec(world, directory, capacity=1)
        )
    assert "2 people already have a place" in " ".join(error.value.message_dict["capacity"])
    group.refresh_from_db()
    assert group.capacity == 10
