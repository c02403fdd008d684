"""Admission, transfer, temporary absence and release: what they store and every refusal."""

import pytest
from django.core.exceptions import ValidationError

from conftest import add_relationship
from resoc.audit.models import AuditEntry
from resoc.people.models import PersonEvent
from resoc.sentences import services
from resoc.sentences.models import CustodyEnd, CustodyPeriod, Release, ReleaseReason
from resoc.sentences.tests.conftest import counts, days, level, org


def _codes(error: ValidationError) -> dict[str, list[str]]:
    return {field: [str(e.code) for e in errors] for field, errors in error.error_dict.items()}


def test_admission_opens_a_period_with_event_and_audit_entry(world, held):
    assert held.prison.code == "jelgavas-cietums"
    assert held.left_on is None
    assert held.regime_level.code == "closed-lowest"
    event = PersonEvent.objects.get(type="custody_admitted")
    assert event.category == "sentence"
    assert event.parameters["prison"] == "jelgavas-cietums"
    entry = AuditEntry.objects.get(record_type="custody_period")
    assert (entry.category, entry.action, entry.person_public_id) == (
        "sentence",
        "create",
        world.person.public_id,
    )


def test_transfer_ends_the_period_and_opens_one_the_same_day(world, held):
    new = services.custody_transfer(
        acting=world.acting("prison_officer"),
        person=world.person,
        to_prison=org("jekabpils-cietums"),
        transferred_on=days(-10),
    )
    held.refresh_from_db()
    assert (held.left_on, held.ended_by) == (days(-10), CustodyEnd.TRANSFER)
    assert (new.prison.code, new.admitted_on, new.left_on) == ("jekabpils-cietums", days(-10), None)
    assert new.regime_level == held.regime_level  # carried over
    assert PersonEvent.objects.filter(type="custody_transferred").count() == 1


def test_release_ends_the_open_period(world, held):
    release = services.person_release(
        acting=world.acting("prison_officer"),
        person=world.person,
        released_on=days(-1),
        reason=ReleaseReason.CONDITIONAL_EARLY,
    )
    held.refresh_from_db()
    assert (held.left_on, held.ended_by) == (days(-1), CustodyEnd.RELEASE)
    assert release.custody_period == held
    assert PersonEvent.objects.filter(type="person_released").exists()
    assert AuditEntry.objects.filter(record_type="release", category="sentence").exists()


def test_temporary_absence_is_recorded_in_the_period(world, held):
    absence = services.temporary_absence_record(
        acting=world.acting("prison_officer"),
        custody_period=held,
        starts_on=days(-20),
        ends_on=days(-18),
        kind="hospital",
    )
    assert list(held.absences.all()) == [absence]
    assert PersonEvent.objects.filter(type="temporary_absence_recorded").exists()


def test_admission_after_an_earlier_release_is_allowed(world, held):
    officer = world.acting("prison_officer")
    services.person_release(
        acting=officer, person=world.person, released_on=days(-50), reason="end_of_sentence"
    )
    # Released: the prison may no longer read him; a new intake relationship opens the file again.
    add_relationship(world.person, "jelgavas-cietums", "custody", source="registration")
    services.custody_admit(
        acting=officer, person=world.person, prison=org("jelgavas-cietums"), admitted_on=days(-5)
    )
    assert CustodyPeriod.objects.filter(person=world.person).count() == 2


# --- refusals: a clear translated error, nothing stored ---------------------------------------------

REFUSALS = [
    # (description, call, field, code)
    (
        "admission while already in custody",
        lambda w: services.custody_admit(
            acting=w.acting("prison_officer"),
            person=w.person,
            prison=org("jelgavas-cietums"),
            admitted_on=days(-1),
        ),
        "admitted_on",
        "already_in_custody",
    ),
    (
        "transfer to the same prison",
        lambda w: services.custody_transfer(
            acting=w.acting("prison_officer"),
            person=w.person,
            to_prison=org("jelgavas-cietums"),
            transferred_on=days(-1),
        ),
        "to_prison",
        "same_prison",
    ),
    (
        "transfer into an organization that is not a prison",
        lambda w: services.custody_transfer(
            acting=w.acting("prison_officer"),
            person=w.person,
            to_prison=org("vpd-zemgale"),
            transferred_on=days(-1),
        ),
        "to_prison",
        "not_a_prison",
    ),
    (
        "transfer before the admission",
        lambda w: services.custody_transfer(
            acting=w.acting("prison_officer"),
            person=w.person,
            to_prison=org("jekabpils-cietums"),
            transferred_on=days(-101),
        ),
        "transferred_on",
        "ends_before_start",
    ),
    (
        "transfer in the future",
        lambda w: services.custody_transfer(
            acting=w.acting("prison_officer"),
            person=w.person,
            to_prison=org("jekabpils-cietums"),
            transferred_on=days(3),
        ),
        "transferred_on",
        "future",
    ),
    (
        "release before the admission",
        lambda w: services.person_release(
            acting=w.acting("prison_officer"), person=w.person, released_on=days(-101), reason="pardon"
        ),
        "released_on",
        "ends_before_start",
    ),
    (
        "release in the future",
        lambda w: services.person_release(
            acting=w.acting("prison_officer"), person=w.person, released_on=days(1), reason="pardon"
        ),
        "released_on",
        "future",
    ),
    (
        "release without a known reason",
        lambda w: services.person_release(
            acting=w.acting("prison_officer"), person=w.person, released_on=days(-1), reason=""
        ),
        "reason",
        "reason",
    ),
    (
        "absence ending before it starts",
        lambda w: services.temporary_absence_record(
            acting=w.acting("prison_officer"),
            custody_period=CustodyPeriod.objects.get(person=w.person),
            starts_on=days(-5),
            ends_on=days(-6),
            kind="court",
        ),
        "ends_on",
        "ends_before_start",
    ),
    (
        "absence before the admission",
        lambda w: services.temporary_absence_record(
            acting=w.acting("prison_officer"),
            custody_period=CustodyPeriod.objects.get(person=w.person),
            starts_on=days(-120),
            ends_on=days(-99),
            kind="court",
        ),
        "starts_on",
        "outside_period",
    ),
    (
        "absence starting in the future",
        lambda w: services.temporary_absence_record(
            acting=w.acting("prison_officer"),
            custody_period=CustodyPeriod.objects.get(person=w.person),
            starts_on=days(2),
            ends_on=days(4),
            kind="short_leave",
        ),
        "starts_on",
        "future",
    ),
]


@pytest.mark.parametrize(("call", "field", "code"), [r[1:] for r in REFUSALS], ids=[r[0] for r in REFUSALS])
def test_refusals_store_nothing(world, held, call, field, code):
    before = counts()
    with pytest.raises(ValidationError) as raised:
        call(world)
    assert code in _codes(raised.value)[field]
    assert counts() == before
    held.refresh_from_db()
    assert held.left_on is None


def test_admission_into_an_organization_that_is_not_a_prison_is_refused(world):
    # An officer whose scope also covers a non-prison (e.g. a ministry-level membership) is the case
    # the type check catches; the scope is widened by hand here.
    acting = world.acting("prison_officer")
    acting._scope = frozenset(acting.scope_organization_ids | {org("vpd-zemgale").pk})
    before = counts()
    with pytest.raises(ValidationError) as raised:
        services.custody_admit(
            acting=acting, person=world.person, prison=org("vpd-zemgale"), admitted_on=days(-1)
        )
    assert "not_a_prison" in _codes(raised.value)["prison"]
    assert counts() == before


def test_admission_in_the_future_is_refused(world):
    before = counts()
    with pytest.raises(ValidationError) as raised:
        services.custody_admit(
            acting=world.acting("prison_officer"),
            person=world.person,
            prison=org("jelgavas-cietums"),
            admitted_on=days(1),
        )
    assert "future" in _codes(raised.value)["admitted_on"]
    assert counts() == before


def test_admission_overlapping_an_earlier_period_is_refused(world, held):
    officer = world.acting("prison_officer")
    services.person_release(acting=officer, person=world.person, released_on=days(-10), reason="pardon")
    add_relationship(world.person, "jelgavas-cietums", "custody", source="registration")
    before = counts()
    with pytest.raises(ValidationError) as raised:
        services.custody_admit(
            acting=officer, person=world.person, prison=org("jelgavas-cietums"), admitted_on=days(-30)
        )
    assert "overlap" in _codes(raised.value)["admitted_on"]
    assert counts() == before


def test_overlapping_absences_are_refused(world, held):
    officer = world.acting("prison_officer")
    services.temporary_absence_record(
        acting=officer, custody_period=held, starts_on=days(-20), ends_on=days(-15), kind="hospital"
    )
    before = counts()
    with pytest.raises(ValidationError) as raised:
        services.temporary_absence_record(
            acting=officer, custody_period=held, starts_on=days(-16), ends_on=days(-14), kind="court"
        )
    assert "overlap" in _codes(raised.value)["starts_on"]
    assert counts() == before


def test_transfer_and_release_of_a_person_not_in_custody_are_refused(world, held):
    officer = world.acting("prison_officer")
    services.person_release(acting=officer, person=world.person, released_on=days(0), reason="pardon")
    before = counts()
    with pytest.raises(ValidationError):
        services.custody_transfer(
            acting=officer, person=world.person, to_prison=org("jekabpils-cietums"), transferred_on=days(0)
        )
    with pytest.raises(ValidationError):
        services.person_release(acting=officer, person=world.person, released_on=days(0), reason="pardon")
    assert counts() == before
    assert Release.objects.count() == 1


def test_inactive_regime_level_is_refused(world):
    closed = level("closed-medium")
    closed.is_active = False
    closed.save()
    before = counts()
    with pytest.raises(ValidationError) as raised:
        services.custody_admit(
            acting=world.acting("prison_officer"),
            person=world.person,
            prison=org("jelgavas-cietums"),
            admitted_on=days(-1),
            regime_level=closed,
        )
    assert "inactive_regime" in _codes(raised.value)["regime_level"]
    assert counts() == before
