"""Generating the release timeline from the template: dates, assignees, idempotence, refusals."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from resoc.people.models import PersonEvent, Relationship
from resoc.release import services
from resoc.release.models import ReleasePreparation, ReleaseTask, ReleaseTemplate, Slot, TaskStatus
from resoc.release.tests.conftest import (
    RELEASE_IN,
    STEPS_IN_DEFAULT_TEMPLATE,
    days,
    generate,
    hold,
    org,
    snapshot,
    task_of,
)
from resoc.sentences import services as sentence_services


def test_the_default_template_is_seeded_as_data(db):
    template = ReleaseTemplate.objects.get(is_default=True)
    offsets = sorted({step.offset_days for step in template.steps.all()})
    assert offsets == [-180, -90, -30, -7, 1, 7]
    areas = {step.area for step in template.steps.all()}
    assert areas == {
        "documents",
        "accommodation",
        "employment",
        "health",
        "family",
        "probation_handover",
        "ngo_mentor",
    }
    assert all(step.title and step.title_en for step in template.steps.all())


def test_it_places_every_step_on_the_sentence_end(world, held):
    result = generate(world)
    assert result.created == STEPS_IN_DEFAULT_TEMPLATE
    preparation = result.preparation
    assert preparation.release_on == days(RELEASE_IN)
    assert preparation.prison == org("jelgavas-cietums")
    assert preparation.probation_unit == org("vpd-zemgale")
    first_meeting = task_of(Slot.PROBATION_UNIT, -90)
    assert first_meeting.due_on == days(RELEASE_IN - 90)
    assert first_meeting.assigned_organization == org("vpd-zemgale")
    assert first_meeting.assigned_role == "probation_officer"
    documents = task_of(Slot.PRISON, -180, "documents")
    assert documents.assigned_organization == org("jelgavas-cietums")
    assert documents.is_overdue()  # 180 days before a release in 100 days: already late
    assert PersonEvent.objects.filter(type="release_timeline_generated").count() == 1


def test_unnamed_municipality_and_ngo_steps_are_coordinated_by_the_prison_until_named(world, held):
    generate(world)
    housing = task_of(Slot.MUNICIPALITY, -30)
    assert housing.assigned_organization == org("jelgavas-cietums")
    assert housing.assigned_role == "resocialization_officer"
    generate(world, municipality=org("jelgava-social"), ngo=world.ngo)
    housing.refresh_from_db()
    assert housing.assigned_organization == org("jelgava-social")
    assert housing.assigned_role == "social_worker"
    assert task_of(Slot.NGO, -7).assigned_organization == world.ngo
    # The named municipality prepares the release with the prison: it may read the person now.
    row = Relationship.objects.get(person=world.person, source=services.RELATIONSHIP_SOURCE)
    assert (row.organization, row.kind, row.ends_on) == (org("jelgava-social"), "release_preparation", None)


def test_generating_again_is_idempotent(world, held):
    generate(world)
    again = generate(world)
    assert (again.created, again.moved) == (0, STEPS_IN_DEFAULT_TEMPLATE)
    assert ReleaseTask.objects.count() == STEPS_IN_DEFAULT_TEMPLATE
    assert ReleasePreparation.objects.count() == 1


def test_a_new_release_date_moves_open_tasks_and_keeps_done_ones(world, held):
    generate(world)
    done = task_of(Slot.PRISON, -30, "family")
    services.task_status_set(acting=world.acting("prison_officer"), task=done, status=TaskStatus.DONE)
    result = generate(world, release_on=days(60))
    assert result.kept == 1
    assert result.preparation.release_on == days(60)
    done.refresh_from_db()
    assert done.due_on == days(RELEASE_IN - 30)  # left where it was when it was done
    assert task_of(Slot.PRISON, -30, "health").due_on == days(30)
    assert task_of(Slot.PROBATION_UNIT, 1).due_on == days(61)


def test_a_person_without_a_sentence_end_gets_a_clear_error_and_nothing_is_stored(world):
    hold(world, world.person, ends_in=None)
    before = snapshot()
    with pytest.raises(ValidationError) as error:
        generate(world)
    assert error.value.error_dict["release_on"][0].code == "no_release_date"
    assert "Record the sentence first" in error.value.messages[0]
    assert snapshot() == before


@pytest.mark.parametrize(("offset", "code"), [(-1, "past"), (RELEASE_IN + 1, "after_sentence_end")])
def test_impossible_release_dates_are_refused(world, held, offset, code):
    before = snapshot()
    with pytest.raises(ValidationError) as error:
        generate(world, release_on=days(offset))
    assert error.value.error_dict["release_on"][0].code == code
    assert snapshot() == before


def test_a_municipality_must_be_a_social_service(world, held):
    before = snapshot()
    with pytest.raises(ValidationError) as error:
        generate(world, municipality=world.ngo)
    assert "municipality" in error.value.error_dict
    assert snapshot() == before


def test_a_person_not_in_custody_has_no_release_to_prepare(world, held):
    sentence_services.person_release(
        acting=world.acting("prison_officer"), person=world.person, released_on=days(0), reason="pardon"
    )
    with pytest.raises(ValidationError) as error:
        generate(world)
    assert error.value.error_dict["release_on"][0].code == "not_in_custody"


@pytest.mark.parametrize("persona", ["other_prison_officer", "probation_officer", "facilitator", "analyst"])
def test_only_the_holding_prisons_officers_generate(world, held, persona):
    before = snapshot()
    with pytest.raises(PermissionDenied):
        services.timeline_generate(acting=world.acting(persona), person=world.person)
    assert snapshot() == before
