"""Every persona who must be refused a change of the sentence journey, and that nothing is stored."""

import pytest
from django.core.exceptions import PermissionDenied

from resoc.sentences import services
from resoc.sentences.tests.conftest import counts, days, org

ALL_PERSONAS = [
    "prison_officer",
    "other_prison_officer",
    "facilitator",
    "probation_officer",
    "career_consultant",
    "social_worker",
    "ngo_coordinator",
    "mentor",
    "other_mentor",
    "analyst",
    "project_manager",
    "system_admin",
    "org_admin",
    "auditor",
]
NOT_CUSTODY = [p for p in ALL_PERSONAS if p != "prison_officer"]
NOT_PROBATION = [p for p in ALL_PERSONAS if p != "probation_officer"]


@pytest.mark.parametrize("persona", NOT_CUSTODY)
def test_only_the_holding_prisons_officer_changes_custody(world, held, persona):
    acting = world.acting(persona)
    before = counts()
    calls = [
        lambda: services.custody_transfer(
            acting=acting, person=world.person, to_prison=org("jekabpils-cietums"), transferred_on=days(-1)
        ),
        lambda: services.person_release(
            acting=acting, person=world.person, released_on=days(-1), reason="pardon"
        ),
        lambda: services.temporary_absence_record(
            acting=acting, custody_period=held, starts_on=days(-3), ends_on=days(-2), kind="court"
        ),
        lambda: services.sentence_record(
            acting=acting, person=world.person, court="Tiesa", starts_on=days(-9), ends_on=days(9)
        ),
    ]
    for call in calls:
        with pytest.raises(PermissionDenied):
            call()
    assert counts() == before


@pytest.mark.parametrize("persona", NOT_CUSTODY)
def test_only_a_prison_officer_admits(world, persona):
    before = counts()
    with pytest.raises(PermissionDenied):
        services.custody_admit(
            acting=world.acting(persona),
            person=world.person,
            prison=org("jekabpils-cietums"),
            admitted_on=days(-1),
        )
    assert counts() == before


def test_a_prison_officer_admits_only_into_their_own_prison(world):
    with pytest.raises(PermissionDenied):
        services.custody_admit(
            acting=world.acting("prison_officer"),
            person=world.person,
            prison=org("jekabpils-cietums"),
            admitted_on=days(-1),
        )


@pytest.mark.parametrize("persona", NOT_PROBATION)
def test_only_the_units_probation_officer_starts_and_ends_probation(world, held, persona):
    services.sentence_record(
        acting=world.acting("prison_officer"),
        person=world.person,
        court="Zemgales rajona tiesa",
        starts_on=days(-400),
        ends_on=days(30),
        release_probation_unit=org("vpd-zemgale"),
    )
    services.person_release(
        acting=world.acting("prison_officer"),
        person=world.person,
        released_on=days(0),
        reason="end_of_sentence",
    )
    period = services.probation_start(
        acting=world.acting("probation_officer"),
        person=world.person,
        probation_unit=org("vpd-zemgale"),
        starts_on=days(0),
    )
    acting = world.acting(persona)
    before = counts()
    with pytest.raises(PermissionDenied):
        services.probation_start(
            acting=acting, person=world.person, probation_unit=org("vpd-zemgale"), starts_on=days(0)
        )
    with pytest.raises(PermissionDenied):
        services.probation_end(acting=acting, period=period, ends_on=days(0))
    assert counts() == before
