"""Changing a task's status: only the assigned organization's role, with a note when not needed."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from resoc.people.models import PersonEvent
from resoc.release import services
from resoc.release.models import Slot, TaskStatus
from resoc.release.tests.conftest import generate, org, snapshot, task_of


def test_the_assigned_prison_marks_its_task_done(world, held):
    generate(world)
    task = task_of(Slot.PRISON, -180, "documents")
    services.task_status_set(acting=world.acting("prison_officer"), task=task, status=TaskStatus.DONE)
    task.refresh_from_db()
    assert task.status == TaskStatus.DONE
    assert task.completed_by == world.users["prison_officer"]
    assert task.completed_at is not None
    assert not task.is_overdue()
    assert PersonEvent.objects.filter(type="release_task_done").count() == 1


def test_reopening_clears_who_completed_it(world, held):
    generate(world)
    task = task_of(Slot.PRISON, -180, "documents")
    acting = world.acting("prison_officer")
    services.task_status_set(acting=acting, task=task, status=TaskStatus.DONE)
    services.task_status_set(acting=acting, task=task, status=TaskStatus.OPEN)
    task.refresh_from_db()
    assert (task.status, task.completed_by, task.completed_at) == (TaskStatus.OPEN, None, None)


def test_not_needed_requires_a_note_and_stores_nothing_without_one(world, held):
    generate(world)
    task = task_of(Slot.PRISON, -90, "documents")
    before = snapshot()
    with pytest.raises(ValidationError) as error:
        services.task_status_set(
            acting=world.acting("prison_officer"), task=task, status=TaskStatus.NOT_NEEDED, note="  "
        )
    assert error.value.message_dict["note"] == ["Say why the task is not needed."]
    assert snapshot() == before
    services.task_status_set(
        acting=world.acting("prison_officer"),
        task=task,
        status=TaskStatus.NOT_NEEDED,
        note="Pase derīga līdz 2030",
    )
    task.refresh_from_db()
    assert (task.status, task.note) == (TaskStatus.NOT_NEEDED, "Pase derīga līdz 2030")


def test_the_probation_unit_marks_its_own_task(world, held):
    generate(world)
    task = task_of(Slot.PROBATION_UNIT, -90)
    services.task_status_set(acting=world.acting("probation_officer"), task=task, status=TaskStatus.DONE)
    task.refresh_from_db()
    assert task.status == TaskStatus.DONE


def test_a_task_of_another_organization_is_refused(world, held):
    generate(world)
    probation_task = task_of(Slot.PROBATION_UNIT, -90)
    prison_task = task_of(Slot.PRISON, -180, "documents")
    before = snapshot()
    # The prison officer reads the person but the task is the probation unit's, and vice versa.
    with pytest.raises(PermissionDenied):
        services.task_status_set(
            acting=world.acting("prison_officer"), task=probation_task, status=TaskStatus.DONE
        )
    with pytest.raises(PermissionDenied):
        services.task_status_set(
            acting=world.acting("probation_officer"), task=prison_task, status=TaskStatus.DONE
        )
    assert snapshot() == before


def test_a_task_of_a_person_the_assignee_no_longer_reads_is_refused(world, held):
    generate(world, municipality=org("jelgava-social"))
    task = task_of(Slot.MUNICIPALITY, -30)
    services.task_status_set(acting=world.acting("social_worker"), task=task, status=TaskStatus.DONE)
    generate(world)  # the municipality is no longer named: its access ends
    other = task_of(Slot.MUNICIPALITY, 1)
    with pytest.raises(PermissionDenied):
        services.task_status_set(acting=world.acting("social_worker"), task=other, status=TaskStatus.DONE)


@pytest.mark.parametrize("persona", ["other_prison_officer", "mentor", "analyst", "facilitator"])
def test_other_personas_are_refused(world, held, persona):
    generate(world)
    task = task_of(Slot.PRISON, -180, "documents")
    with pytest.raises(PermissionDenied):
        services.task_status_set(acting=world.acting(persona), task=task, status=TaskStatus.DONE)
