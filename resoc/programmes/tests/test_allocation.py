"""Filling a group from its waiting list: capacity, the reason every skipped person was skipped,
the preview writing nothing and the confirmation writing all places or none."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any
from unittest import mock

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from resoc.access.models import Membership, User
from resoc.access.roles import Role
from resoc.audit.models import AuditEntry
from resoc.people.models import Person, PersonEvent, Relationship
from resoc.programmes import allocation, enrolment_services, waiting
from resoc.programmes.allocation import group_prison_id
from resoc.programmes.models import Enrolment, Room, WaitingEntry, WaitingStatus
from resoc.programmes.tests.conftest import org
from resoc.programmes.tests.test_groups import create
from resoc.programmes.tests.test_waiting import apply, person
from resoc.sentences.models import CustodyPeriod, Sentence


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    with translation.override("en"):
        yield


def candidates(world: Any, directory: dict[str, Any], n: int) -> list[WaitingEntry]:
    return [
        apply(world, directory, person(world, f"0302{i:02d}-1001{i % 10}", given=f"Kandidāts{i}"))
        for i in range(n)
    ]


def allocate(world: Any, group: Any, **kwargs: Any) -> allocation.Allocation:
    return allocation.group_allocate(acting=world.acting("prison_officer"), group=group, **kwargs)


def test_the_preview_writes_nothing_and_the_confirmation_fills_to_capacity(world, directory) -> None:
    entries = candidates(world, directory, 4)
    group = create(world, directory, capacity=3)
    events = PersonEvent.objects.count()
    preview = allocate(world, group, confirm=False)
    assert len(preview.allocated) == 3
    assert [r.reasons for r in preview.skipped] == [["No place left: the group is full."]]
    assert not Enrolment.objects.exists()
    assert WaitingEntry.objects.filter(status=WaitingStatus.WAITING).count() == 4
    assert PersonEvent.objects.count() == events
    assert not AuditEntry.objects.filter(record_type="programme_enrolment").exists()

    done = allocate(world, group, confirm=True, expected=[r.entry.public_id for r in preview.allocated])
    assert [r.entry.pk for r in done.allocated] == [r.entry.pk for r in preview.allocated]
    assert Enrolment.objects.filter(group=group).count() == 3
    allocated = WaitingEntry.objects.filter(status=WaitingStatus.ALLOCATED)
    assert all(e.enrolment is not None and e.enrolment.person_id == e.person_id for e in allocated)
    assert AuditEntry.objects.filter(record_type="programme_enrolment").count() == 3
    assert AuditEntry.objects.filter(record_type="programme_group", detail__allocated=3).exists()
    assert PersonEvent.objects.filter(type="waiting_allocated").count() == 3
    assert WaitingEntry.objects.get(status=WaitingStatus.WAITING).pk in {e.pk for e in entries}


def test_ineligible_and_released_people_are_skipped_with_the_reason(world, directory) -> None:
    entries = candidates(world, directory, 3)
    directory["welder"].max_age = 30  # everyone here was born in 1985
    directory["welder"].save()
    young = entries[0].person
    young.date_of_birth = timezone.localdate() - dt.timedelta(days=25 * 365)
    young.save()
    released = entries[1].person
    CustodyPeriod.objects.filter(person=released).update(left_on=timezone.localdate())
    group = create(world, directory, capacity=5)

    result = allocate(world, group, confirm=True)
    assert [r.entry.person for r in result.allocated] == [young]
    reasons = {r.entry.person_id: " ".join(r.reasons) for r in result.skipped}
    assert "no longer held at" in reasons[released.pk]
    assert "age" in reasons[entries[2].person_id].lower()
    # The released person leaves the list with the reason; the ineligible one keeps waiting.
    assert WaitingEntry.objects.get(person=released).status == WaitingStatus.RELEASED
    assert WaitingEntry.objects.get(person=entries[2].person).status == WaitingStatus.WAITING


def test_a_failure_midway_writes_nothing(world, directory) -> None:
    candidates(world, directory, 3)
    group = create(world, directory, capacity=3)
    real = waiting._event_entry
    calls = {"n": 0}

    # The places are written before the second timeline event is made: all of them must go.
    def failing(*args: Any, **kwargs: Any) -> Any:
        calls["n"] += 1
        if calls["n"] == 2:
            raise RuntimeError("disk full")
        return real(*args, **kwargs)

    with mock.patch.object(allocation, "_event_entry", failing), pytest.raises(RuntimeError):
        allocate(world, group, confirm=True)
    assert not Enrolment.objects.exists()
    assert WaitingEntry.objects.filter(status=WaitingStatus.WAITING).count() == 3
    assert not PersonEvent.objects.filter(type="waiting_allocated").exists()


def test_a_confirmation_that_differs_from_the_preview_is_refused(world, directory) -> None:
    entries = candidates(world, directory, 2)
    group = create(world, directory, capacity=1)
    preview = allocate(world, group, confirm=False)
    waiting.waiting_entry_override(
        acting=world.acting("prison_officer"),
        entry=preview.skipped[0].entry,
        override="first",
        reason="Drīz atbrīvos",
    )
    with pytest.raises(ValidationError, match="changed since the preview"):
        allocate(world, group, confirm=True, expected=[r.entry.public_id for r in preview.allocated])
    assert not Enrolment.objects.exists()
    assert WaitingEntry.objects.filter(status=WaitingStatus.WAITING).count() == len(entries)


def test_others_may_not_allocate(world, directory) -> None:
    candidates(world, directory, 1)
    group = create(world, directory)
    for persona in ("other_prison_officer", "facilitator", "mentor"):
        with pytest.raises(PermissionDenied):
            allocation.group_allocate(acting=world.acting(persona), group=group, confirm=False)
    assert not Enrolment.objects.exists()


def test_only_the_list_of_the_groups_prison_and_programme_is_used(world, directory) -> None:
    (entry,) = candidates(world, directory, 1)
    waiting.waiting_entry_add_application(
        acting=world.acting("prison_officer"),
        person=entry.person,
        programme=directory["latvian"],
        organization=org("jelgavas-cietums"),
        note="Iesniegums",
    )
    group = create(world, directory)
    result = allocate(world, group, confirm=False)
    assert [r.entry for r in result.rows] == [entry]


def _mixed_list(world: Any, directory: dict[str, Any]) -> tuple[Any, list[WaitingEntry]]:
    """A list with every kind of candidate: eligible, flagged, too old, too little time left,
    released, merged, already in the group, clashing with another group, unreadable."""
    entries = candidates(world, directory, 10)
    today = timezone.localdate()
    welder = directory["welder"]
    welder.max_age = 60
    welder.min_months_left = 3
    welder.save()
    people = [e.person for e in entries]
    Person.objects.filter(pk=people[1].pk).update(date_of_birth=dt.date(1950, 1, 1))
    # Eligibility is judged on the group's first day (4 January 2027) or today, the later.
    on = max(today, dt.date(2027, 1, 4))
    Sentence.objects.filter(person=people[2]).update(ends_on=on + dt.timedelta(days=30))
    Sentence.objects.filter(person=people[3]).delete()  # time left unknown: given a place, flagged
    CustodyPeriod.objects.filter(person=people[4]).update(left_on=today)
    Person.objects.filter(pk=people[5].pk).update(merged_into=people[0])
    Relationship.objects.filter(person=people[8], kind="custody").update(ends_on=today - dt.timedelta(days=1))
    group = create(world, directory, capacity=12)
    enrolment_services.enrolment_create(acting=world.acting("prison_officer"), group=group, person=people[6])
    other_facilitator = User.objects.create_user(username="vaditajs", password="a-long-test-password-1")
    Membership.objects.create(
        user=other_facilitator, organization=org("jelgavas-cietums"), role=Role.PROGRAMME_FACILITATOR
    )
    workshop = Room.objects.get(name="Metināšanas darbnīca")
    other = create(
        world, directory, name="Darbnīca", room=workshop, capacity=8, facilitator=other_facilitator
    )
    enrolment_services.enrolment_create(acting=world.acting("prison_officer"), group=other, person=people[7])
    return group, entries


def _one_by_one(world: Any, group: Any) -> list[tuple[int, bool, list[str]]]:
    """What enrolling each candidate in rank order through ``enrolment_create`` gives (rolled back)."""
    outcome: list[tuple[int, bool, list[str]]] = []
    ranked = waiting.ranked_list(
        list(waiting.waiting_entries(programme=group.offer.programme, organization_id=group_prison_id(group)))
    )
    with transaction.atomic():
        for item in ranked:
            try:
                with transaction.atomic():
                    enrolment = enrolment_services.enrolment_create(
                        acting=world.acting("prison_officer"), group=group, person=item.entry.person
                    )
            except PermissionDenied:
                outcome.append((item.entry.pk, False, ["You may not read this person's record."]))
            except ValidationError as error:
                outcome.append((item.entry.pk, False, error.messages))
            else:
                outcome.append((item.entry.pk, True, [flag["message"] for flag in enrolment.flags]))
        transaction.set_rollback(True)
    return outcome


def _outcome(result: allocation.Allocation) -> list[tuple[int, bool, list[str]]]:
    return [(r.entry.pk, r.allocated, r.flags if r.allocated else r.reasons) for r in result.rows]


def test_the_bulk_allocation_gives_the_same_outcome_as_enrolling_one_by_one(world, directory) -> None:
    group, entries = _mixed_list(world, directory)
    expected = _one_by_one(world, group)
    preview = allocate(world, group, confirm=False)
    assert _outcome(preview) == expected
    done = allocate(world, group, confirm=True, expected=[r.entry.public_id for r in preview.allocated])
    assert _outcome(done) == expected
    # Every kind of candidate was there: the comparison is not between two empty lists.
    reasons = " ".join(" ".join(r for r in row[2]) for row in expected)
    for words in (
        "above the maximum",
        "less than 3 months left",
        "no longer held at",
        "merged into another",
        "already has a place",
        "at that time",
        "may not read",
        "No current sentence",
    ):
        assert words in reasons, words
    given = {row[0] for row in expected if row[1]}
    assert len(given) == 3
    allocated = WaitingEntry.objects.filter(status=WaitingStatus.ALLOCATED)
    assert {e.pk for e in allocated} == given
    for entry in allocated:
        assert entry.enrolment is not None
        assert (entry.enrolment.group, entry.enrolment.person_id) == (group, entry.person_id)
    flagged = Enrolment.objects.get(group=group, person=entries[3].person)
    assert [f["rule"] for f in flagged.flags] == ["time_left"]
    assert WaitingEntry.objects.get(person=entries[4].person).status == WaitingStatus.RELEASED
    assert AuditEntry.objects.filter(record_type="programme_enrolment").count() == 2 + len(given)
    assert PersonEvent.objects.filter(type="waiting_allocated").count() == len(given)
    assert PersonEvent.objects.filter(type="waiting_released").count() == 1


@pytest.mark.parametrize("confirm", [False, True])
def test_an_allocation_takes_the_same_queries_for_few_and_many_candidates(
    world, directory, confirm: bool
) -> None:
    def measure(n: int, capacity: int) -> int:
        # Morning and afternoon groups: no clash with the other's room, facilitator or people.
        group = create(
            world, directory, capacity=capacity, name=f"Grupa {n}", session_start=dt.time(8 + n, 0)
        )
        with CaptureQueriesContext(connection) as captured:
            result = allocate(world, group, confirm=confirm)
        assert len(result.allocated) == capacity
        return len(captured)

    candidates(world, directory, 3)
    few = measure(3, 2)
    WaitingEntry.objects.update(status=WaitingStatus.WITHDRAWN)
    many = [
        apply(world, directory, person(world, f"0402{i:02d}-2002{i % 10}", given=f"Vēl{i}"))
        for i in range(12)
    ]
    # One of the many was released meanwhile: taken off the list in the same statements.
    CustodyPeriod.objects.filter(person=many[0].person).update(left_on=timezone.localdate())
    assert measure(12, 2) <= few + (1 if confirm else 0)
