"""Probation periods: start, end and every refusal."""

import pytest
from django.core.exceptions import ValidationError

from resoc.access.models import Membership, User
from resoc.access.roles import Role
from resoc.people.models import PersonEvent
from resoc.sentences import services
from resoc.sentences.models import ProbationPeriod
from resoc.sentences.tests.conftest import counts, days, org


@pytest.fixture
def released(world, held):
    """Sentenced to end in 30 days, released today with Zemgale probation preparing it."""
    officer = world.acting("prison_officer")
    services.sentence_record(
        acting=officer,
        person=world.person,
        court="Zemgales rajona tiesa",
        starts_on=days(-400),
        ends_on=days(30),
        release_probation_unit=org("vpd-zemgale"),
    )
    services.person_release(
        acting=officer, person=world.person, released_on=days(0), reason="conditional_early"
    )
    return world.person


def _start(world, **kwargs):
    arguments = {
        "acting": world.acting("probation_officer"),
        "person": world.person,
        "probation_unit": org("vpd-zemgale"),
        "starts_on": days(0),
    }
    arguments.update(kwargs)
    return services.probation_start(**arguments)


def test_probation_officer_starts_and_ends_supervision(world, released):
    period = _start(world, officer=world.users["probation_officer"])
    assert (period.probation_unit.code, period.starts_on, period.ends_on) == ("vpd-zemgale", days(0), None)
    services.probation_end(acting=world.acting("probation_officer"), period=period, ends_on=days(0))
    period.refresh_from_db()
    assert period.ends_on == days(0)
    assert {"probation_started", "probation_ended"} <= set(PersonEvent.objects.values_list("type", flat=True))


def _codes(error):
    return {field: [e.code for e in errors] for field, errors in error.error_dict.items()}


def test_probation_unit_of_the_wrong_type_is_refused(world, released):
    acting = world.acting("probation_officer")
    acting._scope = frozenset(acting.scope_organization_ids | {org("jelgavas-cietums").pk})
    before = counts()
    with pytest.raises(ValidationError) as raised:
        _start(world, acting=acting, probation_unit=org("jelgavas-cietums"))
    assert "not_a_probation_unit" in _codes(raised.value)["probation_unit"]
    assert counts() == before


def test_probation_in_the_future_is_refused(world, released):
    before = counts()
    with pytest.raises(ValidationError) as raised:
        _start(world, starts_on=days(5))
    assert "future" in _codes(raised.value)["starts_on"]
    assert counts() == before


def test_overlapping_probation_periods_are_refused(world, released):
    _start(world)
    before = counts()
    with pytest.raises(ValidationError) as raised:
        _start(world)
    assert "overlap" in _codes(raised.value)["starts_on"]
    assert counts() == before


def test_an_officer_who_is_not_of_the_unit_is_refused(world, released):
    before = counts()
    with pytest.raises(ValidationError) as raised:
        _start(world, officer=world.users["prison_officer"])
    assert "not_an_officer" in _codes(raised.value)["officer"]
    assert counts() == before


@pytest.mark.parametrize(
    ("ends_on_offset", "code"), [(-1, "ends_before_start"), (3, "future")], ids=["before-start", "future"]
)
def test_ending_before_the_start_or_in_the_future_is_refused(world, released, ends_on_offset, code):
    period = _start(world)
    before = counts()
    with pytest.raises(ValidationError) as raised:
        services.probation_end(
            acting=world.acting("probation_officer"), period=period, ends_on=days(ends_on_offset)
        )
    assert code in _codes(raised.value)["ends_on"]
    assert counts() == before


def test_ending_twice_is_refused(world, released):
    period = _start(world)
    services.probation_end(acting=world.acting("probation_officer"), period=period, ends_on=days(0))
    before = counts()
    with pytest.raises(ValidationError):
        services.probation_end(acting=world.acting("probation_officer"), period=period, ends_on=days(0))
    assert counts() == before


def test_sentence_ending_before_it_starts_is_refused(world, held):
    before = counts()
    with pytest.raises(ValidationError) as raised:
        services.sentence_record(
            acting=world.acting("prison_officer"),
            person=world.person,
            court="Rīgas pilsētas tiesa",
            starts_on=days(-10),
            ends_on=days(-20),
            release_probation_unit=org("jelgavas-cietums"),
        )
    codes = _codes(raised.value)
    assert "ends_before_start" in codes["ends_on"]
    assert "not_a_probation_unit" in codes["release_probation_unit"]
    assert counts() == before


def test_another_units_officer_may_not_end_the_period(world, released):
    period = _start(world)
    other = User.objects.create_user(username="riga_probation", password="a-long-test-password-1")
    Membership.objects.create(user=other, organization=org("vpd-riga"), role=Role.PROBATION_OFFICER)
    from django.core.exceptions import PermissionDenied

    from resoc.access.context import acting_for

    with pytest.raises(PermissionDenied):
        services.probation_end(acting=acting_for(other), period=period, ends_on=days(0))
    assert ProbationPeriod.objects.get().ends_on is None
