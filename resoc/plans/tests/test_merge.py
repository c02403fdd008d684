"""Merging duplicate records moves the plans; two active plans refuse the merge, and a refusal of any
app undoes what the other apps had already moved."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from resoc.assessments import services as assessment_services
from resoc.assessments.models import Assessment
from resoc.audit.models import AuditAction, AuditEntry
from resoc.people import services as people_services
from resoc.people.models import Person
from resoc.plans import services
from resoc.plans.models import Goal, Plan
from resoc.plans.tests.conftest import make_plan, prisoner, snapshot
from resoc.sentences import services as sentence_services
from resoc.sentences.models import CustodyPeriod
from resoc.sentences.tests.conftest import days, org


@pytest.fixture
def duplicate(world) -> Person:
    return prisoner("Jānis", "Bērziņš")


def _merge(world, duplicate: Person) -> Person:
    return people_services.person_merge(
        acting=world.acting("prison_officer"), survivor=world.person, duplicate=duplicate
    )


def test_a_closed_plan_moves_with_its_goals(world, duplicate):
    old = make_plan(world, duplicate)
    services.plan_close(acting=world.acting("prison_officer"), plan=old)
    current = make_plan(world)
    goals = Goal.objects.filter(plan__in=[old, current]).count()
    _merge(world, duplicate)
    assert set(Plan.objects.filter(person=world.person)) == {old, current}
    assert Goal.objects.filter(plan__person=world.person).count() == goals
    old.refresh_from_db()
    assert old.status == "closed"
    # The plan kept its assessment, which moved to the survivor too.
    assert old.assessment.person == world.person
    entry = AuditEntry.objects.get(action=AuditAction.MERGE, person_public_id=world.person.public_id)
    assert entry.detail["moved"]["plans"] == 1


def test_two_active_plans_refuse_the_merge_and_nothing_changes(world, duplicate):
    make_plan(world)
    make_plan(world, duplicate)
    before = (snapshot(), sorted(Plan.objects.values_list("pk", "person_id")))
    with translation.override("en"), pytest.raises(ValidationError) as raised:
        _merge(world, duplicate)
    assert [e.code for e in raised.value.error_list] == ["plans_active"]
    assert raised.value.messages == [
        "Both records have an active resocialization plan. Close one of them before merging."
    ]
    assert (snapshot(), sorted(Plan.objects.values_list("pk", "person_id"))) == before
    duplicate.refresh_from_db()
    assert duplicate.merged_into_id is None


def test_every_conflict_is_named_and_the_other_apps_moves_are_undone(world, duplicate):
    officer = world.acting("prison_officer")
    make_plan(world)
    make_plan(world, duplicate)
    # An earlier, finished custody stay of the duplicate: movable on its own.
    sentence_services.custody_admit(
        acting=officer, person=duplicate, prison=org("jelgavas-cietums"), admitted_on=days(-400)
    )
    sentence_services.person_release(
        acting=officer, person=duplicate, released_on=days(-300), reason="end_of_sentence"
    )
    # Two drafts: the assessments conflict as well.
    for person in (world.person, duplicate):
        assessment_services.assessment_start(acting=officer, person=person)
    assessments = sorted(Assessment.objects.values_list("pk", "person_id", "status"))
    with pytest.raises(ValidationError) as raised:
        _merge(world, duplicate)
    assert [e.code for e in raised.value.error_list] == ["assessment_drafts", "plans_active"]
    assert CustodyPeriod.objects.get().person == duplicate  # the sentences' move was rolled back
    assert sorted(Assessment.objects.values_list("pk", "person_id", "status")) == assessments
    assert not AuditEntry.objects.filter(action=AuditAction.MERGE).exists()
