"""Every access rule, tested for the personas who must be refused as well as for those allowed."""

import datetime as dt

import pytest
from django.utils import timezone

from conftest import add_consent, add_relationship
from resoc.access import policy
from resoc.access.context import Acting
from resoc.access.policy import Reason


def test_prison_officer_reads_every_category_of_a_person_in_custody(world):
    decisions = policy.readable_categories(world.acting("prison_officer"), world.person)
    assert all(decisions.values())


def test_it_refuses_an_officer_of_another_prison(world):
    decision = policy.can_read(world.acting("other_prison_officer"), world.person, "identity")
    assert not decision
    assert decision.reason == Reason.RELATIONSHIP
    assert not policy.visible_persons(world.acting("other_prison_officer")).exists()


def test_the_prison_administration_covers_its_prisons(world):
    from resoc.access.models import Membership
    from resoc.organizations.models import Organization

    Membership.objects.create(
        user=world.users["other_prison_officer"],
        organization=Organization.objects.get(code="ievp"),
        role="resocialization_officer",
    )
    acting = Acting(
        user=world.users["other_prison_officer"],
        membership=world.users["other_prison_officer"].memberships.get(organization__code="ievp"),
    )
    assert policy.can_read(acting, world.person, "sentence")


@pytest.mark.parametrize("persona", ["system_admin", "org_admin", "analyst", "project_manager", "auditor"])
def test_roles_without_case_access_read_nothing_even_with_a_relationship(world, persona):
    org_code = world.users[persona].memberships.get().organization.code
    add_relationship(world.person, org_code, "custody")
    acting = world.acting(persona)
    assert not any(policy.readable_categories(acting, world.person).values())
    assert not policy.visible_persons(acting).exists()


def test_probation_officer_sees_a_prisoner_only_while_preparing_release(world):
    acting = world.acting("probation_officer")
    assert not policy.can_read(acting, world.person, "identity")
    add_relationship(world.person, "vpd-zemgale", "release_preparation")
    assert policy.can_read(acting, world.person, "sentence")


def test_an_ended_relationship_gives_no_access(world):
    add_relationship(
        world.person,
        "vpd-zemgale",
        "supervision",
        starts_on=timezone.localdate() - dt.timedelta(days=400),
        ends_on=timezone.localdate() - dt.timedelta(days=1),
    )
    assert not policy.can_read(world.acting("probation_officer"), world.person, "identity")


def test_a_relationship_that_has_not_started_gives_no_access(world):
    add_relationship(
        world.person, "vpd-zemgale", "supervision", starts_on=timezone.localdate() + dt.timedelta(days=5)
    )
    assert not policy.can_read(world.acting("probation_officer"), world.person, "identity")


def test_career_consultant_reads_only_identity_and_education(world):
    add_relationship(world.person, "nva-jelgava", "client")
    decisions = policy.readable_categories(world.acting("career_consultant"), world.person)
    assert {key for key, d in decisions.items() if d} == {"identity", "education_employment"}


def test_a_relationship_kind_that_does_not_fit_the_role_gives_no_access(world):
    # Custody is a prison relationship; an NVA consultant gains nothing from a custody row at NVA.
    add_relationship(world.person, "nva-jelgava", "custody")
    assert not policy.can_read(world.acting("career_consultant"), world.person, "identity")


def test_ngo_sees_nothing_without_consent(world):
    add_relationship(world.person, "test-ngo", "referral")
    decision = policy.can_read(world.acting("ngo_coordinator"), world.person, "identity")
    assert decision.reason == Reason.CONSENT
    assert not policy.visible_persons(world.acting("ngo_coordinator")).exists()


def test_ngo_sees_only_consented_categories(world):
    add_relationship(world.person, "test-ngo", "referral")
    add_consent(world.person, world.ngo, ["identity", "family"])
    decisions = policy.readable_categories(world.acting("ngo_coordinator"), world.person)
    assert {key for key, d in decisions.items() if d} == {"identity", "family"}
    assert list(policy.visible_persons(world.acting("ngo_coordinator"))) == [world.person]


def test_withdrawn_consent_stops_access_at_once(world):
    add_relationship(world.person, "test-ngo", "referral")
    consent = add_consent(world.person, world.ngo, ["identity"])
    assert policy.can_read(world.acting("ngo_coordinator"), world.person, "identity")
    consent.withdrawn_at = timezone.now()
    consent.save()
    assert not policy.can_read(world.acting("ngo_coordinator"), world.person, "identity")


def test_mentor_sees_only_their_own_mentee(world):
    add_relationship(world.person, "test-ngo", "mentoring", mentor=world.users["mentor"])
    add_consent(world.person, world.ngo, ["identity", "family"], mentor=world.users["mentor"])
    assert policy.can_read(world.acting("mentor"), world.person, "family")
    assert not policy.can_read(world.acting("other_mentor"), world.person, "identity")
    assert not policy.visible_persons(world.acting("other_mentor")).exists()


def test_mentor_needs_consent_given_to_them(world):
    add_relationship(world.person, "test-ngo", "mentoring", mentor=world.users["mentor"])
    # Consent to the NGO as an organization does not extend to each of its volunteers.
    add_consent(world.person, world.ngo, ["identity"])
    assert not policy.can_read(world.acting("mentor"), world.person, "identity")


def test_mentor_never_reads_health_even_with_consent(world):
    add_relationship(world.person, "test-ngo", "mentoring", mentor=world.users["mentor"])
    add_consent(world.person, world.ngo, ["identity", "health"], mentor=world.users["mentor"])
    assert policy.can_read(world.acting("mentor"), world.person, "health").reason == Reason.ROLE


def test_sensitive_categories_need_a_purpose_for_some_roles(world, participant):
    assert policy.can_read(world.acting("facilitator"), world.person, "assessment").needs_purpose
    assert not policy.can_read(world.acting("prison_officer"), world.person, "assessment").needs_purpose


def test_a_user_without_membership_reads_nothing(world):
    world.users["prison_officer"].memberships.update(is_active=False)
    acting = world.acting("prison_officer")
    assert policy.can_read(acting, world.person, "identity").reason == Reason.NO_MEMBERSHIP
    assert not policy.visible_persons(acting).exists()


def test_merged_records_are_not_listed(world):
    from resoc.people.models import Person

    survivor = Person.objects.create(given_names="Jānis", family_name="Bērziņš", sex="male")
    world.person.merged_into = survivor
    world.person.save()
    assert not policy.visible_persons(world.acting("prison_officer")).filter(pk=world.person.pk).exists()


@pytest.mark.parametrize("category", ["identity", "family", "health"])
@pytest.mark.parametrize("persona", ["prison_officer", "other_prison_officer", "ngo_coordinator", "analyst"])
def test_readable_person_ids_answers_as_can_read_does_for_each_person(world, persona, category):
    from resoc.people.models import Person

    related = Person.objects.create(given_names="Anna", family_name="Liepa", sex="female")
    consented = Person.objects.create(given_names="Ilze", family_name="Ozola", sex="female")
    stranger = Person.objects.create(given_names="Juris", family_name="Kalns", sex="male")
    for person in (related, consented):
        add_relationship(person, "test-ngo", "referral")
        add_relationship(person, "jelgavas-cietums", "custody")
    add_consent(consented, world.ngo, ["identity", "family"])
    acting = world.acting(persona)
    people = [world.person, related, consented, stranger]
    expected = {p.pk for p in people if policy.can_read(acting, p, category)}
    assert policy.readable_person_ids(acting, [p.pk for p in people], category) == expected
