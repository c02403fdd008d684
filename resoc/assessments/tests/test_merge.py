"""Merging duplicate records moves the assessments; two drafts refuse the merge."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from conftest import add_relationship
from resoc.assessments import services
from resoc.assessments.models import Assessment, AssessmentScore, Status
from resoc.assessments.tests.conftest import qualify, score_all
from resoc.audit.models import AuditAction, AuditEntry
from resoc.people import services as people_services
from resoc.people.models import Person


@pytest.fixture
def duplicate(world) -> Person:
    person = Person.objects.create(given_names="Jānis", family_name="Bērziņš", sex="male")
    add_relationship(person, "jelgavas-cietums", "custody")
    return person


def _signed(world, person: Person, value=lambda item: 0) -> Assessment:
    qualify(world)
    acting = world.acting("prison_officer")
    assessment = services.assessment_start(acting=acting, person=person)
    score_all(world, assessment, value)
    return services.assessment_sign(acting=acting, assessment=assessment)


def _merge(world, duplicate: Person) -> Person:
    return people_services.person_merge(
        acting=world.acting("prison_officer"), survivor=world.person, duplicate=duplicate
    )


def _rows() -> list[tuple[int, int, str]]:
    return sorted(Assessment.objects.values_list("pk", "person_id", "status"))


def test_assessments_move_with_their_scores(world, duplicate):
    draft = services.assessment_start(acting=world.acting("prison_officer"), person=duplicate)
    score_all(world, draft)
    scores = AssessmentScore.objects.filter(assessment=draft).count()
    _merge(world, duplicate)
    draft.refresh_from_db()
    assert draft.person == world.person
    assert AssessmentScore.objects.filter(assessment__person=world.person).count() == scores
    entry = AuditEntry.objects.get(action=AuditAction.MERGE, person_public_id=world.person.public_id)
    assert entry.detail["moved"]["assessments"] == 1
    assert "assessments_superseded" not in entry.detail["moved"]


def test_of_two_signed_assessments_the_later_stays_current(world, duplicate):
    earlier = _signed(world, world.person)
    later = _signed(world, duplicate, value=lambda item: 1)
    _merge(world, duplicate)
    earlier.refresh_from_db()
    later.refresh_from_db()
    assert (earlier.status, later.status) == (Status.SUPERSEDED, Status.SIGNED)
    assert later.person == world.person
    entry = AuditEntry.objects.get(action=AuditAction.MERGE, person_public_id=world.person.public_id)
    assert (entry.detail["moved"]["assessments"], entry.detail["moved"]["assessments_superseded"]) == (1, 1)


def test_two_drafts_refuse_the_merge_and_nothing_changes(world, duplicate):
    acting = world.acting("prison_officer")
    _signed(world, duplicate)
    for person in (world.person, duplicate):
        services.assessment_start(acting=acting, person=person)
    before = _rows()
    with translation.override("en"), pytest.raises(ValidationError) as raised:
        _merge(world, duplicate)
    assert [e.code for e in raised.value.error_list] == ["assessment_drafts"]
    assert raised.value.messages == [
        "Both records have a risk and needs assessment in progress. Finish and sign one of them before merging."
    ]
    assert _rows() == before
    duplicate.refresh_from_db()
    assert duplicate.merged_into_id is None
    assert not AuditEntry.objects.filter(action=AuditAction.MERGE).exists()
