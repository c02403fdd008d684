"""The handover at release: open items pass to probation and/or the municipality, access follows."""

from __future__ import annotations

import datetime as dt

from resoc.access import policy
from resoc.people.models import PersonEvent, Relationship
from resoc.plans.models import Measure
from resoc.plans.tests.conftest import add_measure, make_plan
from resoc.release import services
from resoc.release.models import Handover, HandoverItemKind, ReleaseTask, Slot, TaskStatus
from resoc.release.tests.conftest import days, generate, org, task_of
from resoc.sentences import services as sentence_services


def release(world, on: dt.date | None = None):
    return sentence_services.person_release(
        acting=world.acting("prison_officer"),
        person=world.person,
        released_on=on or days(0),
        reason="conditional_early",
    )


def test_open_items_pass_to_the_receiving_probation_unit(world, held):
    plan = make_plan(world)
    measure = add_measure(world, plan.goals.all()[0])
    generate(world, municipality=org("jelgava-social"))
    done = task_of(Slot.PRISON, -180, "documents")
    services.task_status_set(acting=world.acting("prison_officer"), task=done, status=TaskStatus.DONE)
    open_count = ReleaseTask.objects.filter(status=TaskStatus.OPEN).count()

    released = release(world)

    handover = Handover.objects.get(release=released)
    assert handover.from_prison == org("jelgavas-cietums")
    assert handover.to_probation_unit == org("vpd-zemgale")
    assert handover.to_municipality == org("jelgava-social")
    tasks = handover.items.filter(kind=HandoverItemKind.RELEASE_TASK)
    assert tasks.count() == open_count
    # What the prison could not finish is now the probation unit's; others keep theirs.
    assert not ReleaseTask.objects.filter(
        status=TaskStatus.OPEN, assigned_organization=org("jelgavas-cietums")
    )
    moved = task_of(Slot.PRISON, -30, "health")
    assert (moved.assigned_organization, moved.assigned_role) == (org("vpd-zemgale"), "probation_officer")
    assert task_of(Slot.MUNICIPALITY, 1).assigned_organization == org("jelgava-social")
    done.refresh_from_db()
    assert done.assigned_organization == org("jelgavas-cietums")
    measures = handover.items.filter(kind=HandoverItemKind.PLAN_MEASURE)
    assert measure.pk in set(measures.values_list("measure_id", flat=True))
    assert measures.count() == Measure.objects.filter(goal__plan=plan).count()
    assert PersonEvent.objects.filter(type="release_handover").count() == 1
    # The municipality keeps access for the handover period, like the probation unit.
    row = Relationship.objects.get(person=world.person, source=services.RELATIONSHIP_SOURCE)
    assert row.ends_on == days(sentence_services.RELEASE_HANDOVER_DAYS)


def test_without_a_probation_unit_the_municipality_receives(world):
    from resoc.release.tests.conftest import hold

    hold(world, world.person, unit=None)
    generate(world, municipality=org("jelgava-social"))
    release(world)
    moved = task_of(Slot.PRISON, -30, "health")
    assert (moved.assigned_organization, moved.assigned_role) == (org("jelgava-social"), "social_worker")
    assert task_of(Slot.PROBATION_UNIT, 1).assigned_organization == org("jelgava-social")


def test_nothing_to_hand_over_records_no_handover(world, held):
    release(world)
    assert not Handover.objects.exists()
    assert not PersonEvent.objects.filter(type="release_handover").exists()


def test_access_after_release_follows_the_existing_rules(world, held):
    generate(world)
    release(world, days(-1))
    person = world.person
    prison, probation = world.acting("prison_officer"), world.acting("probation_officer")
    # The prison's custody ended with the release day; the receiving unit prepares for 30 days more.
    assert policy.can_read(prison, person, policy.SENTENCE.key, on=days(-1))
    assert not policy.can_read(prison, person, policy.SENTENCE.key)
    assert policy.can_read(probation, person, policy.SENTENCE.key)
    assert not policy.can_read(probation, person, policy.SENTENCE.key, on=days(30))
    # The prison can no longer change what it handed over.
    moved = task_of(Slot.PRISON, -30, "health")
    assert not services.may_change_task(prison, moved)
    assert services.may_change_task(probation, moved)
