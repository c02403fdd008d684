"""Merging duplicate records moves the sentence journey and derives the relationships again."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from conftest import add_relationship
from resoc.audit.models import AuditAction, AuditEntry
from resoc.people import services as people_services
from resoc.people.models import Person, Relationship
from resoc.sentences import services
from resoc.sentences.models import CustodyPeriod, ProbationPeriod, Release, Sentence, TemporaryAbsence
from resoc.sentences.tests.conftest import counts, days, org


def _duplicate() -> Person:
    person = Person.objects.create(given_names="Jānis", family_name="Bērziņš", sex="male")
    add_relationship(person, "jelgavas-cietums", "custody", starts_on=days(-500))
    add_relationship(person, "vpd-zemgale", "supervision", starts_on=days(-500))
    return person


def _journey_rows(person: Person) -> dict[str, int]:
    return {
        "sentences": Sentence.objects.filter(person=person).count(),
        "custody_periods": CustodyPeriod.objects.filter(person=person).count(),
        "temporary_absences": TemporaryAbsence.objects.filter(custody_period__person=person).count(),
        "releases": Release.objects.filter(person=person).count(),
        "probation_periods": ProbationPeriod.objects.filter(person=person).count(),
    }


def _relationship_rows() -> list[tuple[int, str, int, object, object, str]]:
    return sorted(
        Relationship.objects.values_list(
            "person_id", "kind", "organization_id", "starts_on", "ends_on", "source"
        )
    )


def _merge(world, duplicate: Person) -> Person:
    return people_services.person_merge(
        acting=world.acting("prison_officer"), survivor=world.person, duplicate=duplicate
    )


@pytest.fixture
def earlier_stay(world):
    """A duplicate record with an earlier, finished sentence: custody −400…−200 with an absence, then
    probation −199…−100."""
    duplicate = _duplicate()
    officer = world.acting("prison_officer")
    services.sentence_record(
        acting=officer,
        person=duplicate,
        court="Zemgales rajona tiesa",
        starts_on=days(-400),
        ends_on=days(-150),
        release_probation_unit=org("vpd-zemgale"),
    )
    period = services.custody_admit(
        acting=officer, person=duplicate, prison=org("jelgavas-cietums"), admitted_on=days(-400)
    )
    services.temporary_absence_record(
        acting=officer, custody_period=period, starts_on=days(-300), ends_on=days(-299), kind="court"
    )
    services.person_release(
        acting=officer, person=duplicate, released_on=days(-200), reason="conditional_early"
    )
    probation = services.probation_start(
        acting=world.acting("probation_officer"),
        person=duplicate,
        probation_unit=org("vpd-zemgale"),
        starts_on=days(-199),
    )
    services.probation_end(acting=world.acting("probation_officer"), period=probation, ends_on=days(-100))
    return duplicate


def test_the_journey_moves_to_the_survivor(world, held, earlier_stay):
    expected = _journey_rows(earlier_stay)
    assert set(expected.values()) == {1}
    _merge(world, earlier_stay)
    assert _journey_rows(earlier_stay) == dict.fromkeys(expected, 0)
    assert _journey_rows(world.person) == {**expected, "custody_periods": 2}
    entry = AuditEntry.objects.get(action=AuditAction.MERGE, person_public_id=world.person.public_id)
    assert {kind: entry.detail["moved"][kind] for kind in expected} == expected


def test_relationships_are_derived_again_for_the_survivor(world, held, earlier_stay):
    _merge(world, earlier_stay)
    derived = _relationship_rows()
    services.sync_relationships(person=world.person)
    assert _relationship_rows() == derived  # already what the periods say
    assert not Relationship.objects.filter(person=earlier_stay).exists()
    kept = Relationship.objects.filter(person=world.person, source=services.RELATIONSHIP_SOURCE)
    assert sorted(kept.values_list("kind", "starts_on", "ends_on")) == sorted(
        [
            ("custody", days(-400), days(-200)),
            ("custody", days(-100), None),
            ("supervision", days(-199), days(-100)),
            ("release_preparation", days(-150 - services.release_preparation_days()), days(-170)),
        ]
    )


def test_periods_that_only_touch_on_the_transfer_day_merge(world, held):
    duplicate = _duplicate()
    officer = world.acting("prison_officer")
    services.custody_admit(
        acting=officer, person=duplicate, prison=org("jelgavas-cietums"), admitted_on=days(-300)
    )
    services.person_release(
        acting=officer, person=duplicate, released_on=days(-100), reason="end_of_sentence"
    )
    _merge(world, duplicate)
    assert CustodyPeriod.objects.filter(person=world.person).count() == 2


def test_overlapping_custody_refuses_the_merge_and_changes_nothing(world, held):
    duplicate = _duplicate()
    services.custody_admit(
        acting=world.acting("prison_officer"),
        person=duplicate,
        prison=org("jelgavas-cietums"),
        admitted_on=days(-3),
    )
    before = (counts(), _relationship_rows(), _journey_rows(duplicate))
    with translation.override("en"), pytest.raises(ValidationError) as raised:
        _merge(world, duplicate)
    (error,) = raised.value.error_list
    assert error.code == "custody_overlap"
    assert error.messages == [
        "Both records have custody periods for the same days: "
        f"Jelgavas cietums {days(-100):%d.%m.%Y}– in the kept record and "
        f"Jelgavas cietums {days(-3):%d.%m.%Y}– in the duplicate. Correct the custody periods before merging."
    ]
    assert (counts(), _relationship_rows(), _journey_rows(duplicate)) == before
    duplicate.refresh_from_db()
    assert duplicate.merged_into_id is None


def test_overlapping_probation_refuses_the_merge_and_changes_nothing(world, held):
    duplicate = _duplicate()
    add_relationship(world.person, "vpd-zemgale", "supervision", starts_on=days(-500))
    probation = world.acting("probation_officer")
    for person, starts in ((world.person, -50), (duplicate, -20)):
        services.probation_start(
            acting=probation, person=person, probation_unit=org("vpd-zemgale"), starts_on=days(starts)
        )
    before = (counts(), _relationship_rows())
    with translation.override("en"), pytest.raises(ValidationError) as raised:
        _merge(world, duplicate)
    assert [e.code for e in raised.value.error_list] == ["probation_overlap"]
    assert "Correct the probation periods before merging." in raised.value.messages[0]
    assert (counts(), _relationship_rows()) == before
