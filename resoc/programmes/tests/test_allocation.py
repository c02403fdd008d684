"""Filling a group from its waiting list: capacity, the reason every skipped person was skipped,
the preview writing nothing and the confirmation writing all places or none."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any
from unittest import mock

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone, translation

from resoc.audit.models import AuditEntry
from resoc.people.models import PersonEvent
from resoc.programmes import allocation, waiting
from resoc.programmes.models import Enrolment, WaitingEntry, WaitingStatus
from resoc.programmes.tests.conftest import org
from resoc.programmes.tests.test_groups import create
from resoc.programmes.tests.test_waiting import apply, person
from resoc.sentences.models import CustodyPeriod


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
    real = waiting._event
    calls = {"n": 0}

    def failing(*args: Any, **kwargs: Any) -> None:
        calls["n"] += 1
        if calls["n"] == 2:
            raise RuntimeError("disk full")
        real(*args, **kwargs)

    with mock.patch.object(allocation, "_event", failing), pytest.raises(RuntimeError):
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
