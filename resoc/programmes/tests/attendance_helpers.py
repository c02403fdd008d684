"""A running group with past sessions and ``n`` participants, for attendance and outcome tests."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from conftest import enrol_with_facilitator
from resoc.people.models import Person
from resoc.programmes import enrolment_services
from resoc.programmes.models import Enrolment, Group, Room, Session
from resoc.programmes.tests.test_enrolments import hold


def participant_person(world: Any, index: int) -> Person:
    person = Person.objects.create(
        given_names=f"Dalībnieks{index:02d}",
        family_name="Kalniņš",
        personal_code=f"0101{index:02d}-2{index:04d}",
        date_of_birth=dt.date(1980, 1, 1),
        sex="male",
    )
    return hold(world, person)


def running_group(world: Any, n: int) -> tuple[Group, list[Enrolment]]:
    """The facilitator's group with ``n`` places taken a month ago; its first session was yesterday."""
    hold(world, world.person)
    first = enrol_with_facilitator(world)
    group = first.group
    Room.objects.filter(pk=group.room_id).update(capacity=30)
    Group.objects.filter(pk=group.pk).update(capacity=30)
    group.refresh_from_db()
    enrolments = [first]
    for index in range(1, n):
        enrolments.append(
            enrolment_services.enrolment_create(
                acting=world.acting("prison_officer"), group=group, person=participant_person(world, index)
            )
        )
    Enrolment.objects.filter(group=group).update(enrolled_at=timezone.now() - dt.timedelta(days=30))
    yesterday = timezone.now() - dt.timedelta(days=1)
    first_session = group.sessions.order_by("starts_at").first()
    assert first_session is not None
    Session.objects.filter(pk=first_session.pk).update(
        starts_at=yesterday, ends_at=yesterday + dt.timedelta(minutes=90)
    )
    return group, list(Enrolment.objects.filter(group=group).select_related("person").order_by("pk"))


def past_session(group: Group) -> Session:
    return Session.objects.select_related("group__offer").filter(group=group).order_by("starts_at").first()  # type: ignore[return-value]


def english_client(world: Any, persona: str) -> Any:
    client = world.client(persona)
    client.cookies["resoc_language"] = "en"
    return client
