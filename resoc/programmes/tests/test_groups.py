"""Groups: who may plan them, what a group must satisfy, sessions kept true, conflicts before saving."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from resoc.access.models import Membership, User
from resoc.access.roles import Role
from resoc.audit.models import AuditEntry
from resoc.programmes import selectors, services, session_services
from resoc.programmes.models import Group, GroupStatus, Room, Session, SessionStatus
from resoc.programmes.recurrence import RIGA
from resoc.programmes.services import GroupSpec
from resoc.programmes.tests.conftest import make_location, org

RULE = "FREQ=WEEKLY;BYDAY=MO,WE;UNTIL=20270131"


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    # Messages are asserted in English; Latvian is checked where translation is the point.
    with translation.override("en"):
        yield


def spec(world: Any, directory: dict[str, Any], **overrides: Any) -> GroupSpec:
    values: dict[str, Any] = {
        "offer": directory["offers"][0],
        "room": Room.objects.get(name="Klase 1"),
        "facilitator": world.users["facilitator"],
        "name": "Metinātāji, 2027. gada ziema",
        "starts_on": dt.date(2027, 1, 4),
        "ends_on": dt.date(2027, 1, 31),
        "capacity": 10,
        "recurrence": RULE,
        "session_start": dt.time(10, 0),
        "session_minutes": 90,
    }
    values.update(overrides)
    return GroupSpec(**values)


def create(world: Any, directory: dict[str, Any], persona: str = "prison_officer", **overrides: Any) -> Group:
    return services.group_create(acting=world.acting(persona), spec=spec(world, directory, **overrides))


def test_staff_of_the_delivering_organization_create_a_group_with_its_sessions(world, directory) -> None:
    group = create(world, directory)
    sessions = list(group.sessions.order_by("starts_at"))
    assert len(sessions) == 8  # Mondays and Wednesdays, 4–27 January 2027
    assert sessions[0].starts_at == dt.datetime(2027, 1, 4, 10, 0, tzinfo=RIGA)
    assert all(s.room == group.room and s.status == SessionStatus.SCHEDULED for s in sessions)
    entry = AuditEntry.objects.get(record_type=services.GROUP_RECORD)
    assert entry.record_id == str(group.public_id)
    assert entry.detail["sessions"] == 8


@pytest.mark.parametrize("persona", ["other_prison_officer", "facilitator", "mentor", "analyst"])
def test_others_may_not_plan_groups(world, directory, persona: str) -> None:
    with pytest.raises(PermissionDenied):
        create(world, directory, persona=persona)
    assert not Group.objects.exists()


def test_other_organizations_may_not_change_or_cancel_a_group(world, directory) -> None:
    group = create(world, directory)
    other = world.acting("other_prison_officer")
    with pytest.raises(PermissionDenied):
        services.group_update(acting=other, group=group, spec=spec(world, directory, capacity=5))
    with pytest.raises(PermissionDenied):
        services.group_cancel(acting=other, group=group, reason="Nav telpas")
    with pytest.raises(PermissionDenied):
        session_services.session_cancel(
            acting=other, session=group.sessions.earliest("starts_at"), reason="Svētki"
        )
    group.refresh_from_db()
    assert group.capacity == 10
    assert group.status == GroupStatus.PLANNED


def test_capacity_may_not_exceed_the_rooms_seats(world, directory) -> None:
    with pytest.raises(ValidationError) as error:
        create(world, directory, capacity=13)
    assert "seats only 12" in str(error.value.message_dict["capacity"])
    assert not Group.objects.exists()
    assert not Session.objects.exists()


def test_the_room_must_be_where_the_programme_is_offered(world, directory) -> None:
    elsewhere = make_location("jekabpils-cietums", "Jēkabpils cietums")
    room = Room.objects.create(location=elsewhere, name="Klase 2", kind="classroom", capacity=12)
    with pytest.raises(ValidationError) as error:
        create(world, directory, room=room)
    assert "not offered at this room's location" in str(error.value.message_dict["room"])


def test_the_facilitator_must_lead_for_the_delivering_organization(world, directory) -> None:
    with pytest.raises(ValidationError) as error:
        create(world, directory, facilitator=world.users["other_prison_officer"])
    assert "facilitator" in error.value.message_dict
    # An organization administrator of the delivering organization may lead a group.
    assert (
        create(world, directory, facilitator=world.users["org_admin"]).facilitator == world.users["org_admin"]
    )


def test_a_bad_rule_or_dates_write_nothing(world, directory) -> None:
    with pytest.raises(ValidationError) as error:
        create(world, directory, recurrence="FREQ=WEEKLY;BYDAY=MO")
    assert "must end" in str(error.value.message_dict["recurrence"])
    with pytest.raises(ValidationError) as error:
        create(world, directory, ends_on=dt.date(2027, 1, 1))
    assert "ends_on" in error.value.message_dict
    assert not Group.objects.exists()
    assert not AuditEntry.objects.filter(record_type="programme_group").exists()


def test_changing_the_schedule_keeps_exceptions_of_remaining_sessions(world, directory) -> None:
    acting = world.acting("prison_officer")
    group = create(world, directory)
    first, second = list(group.sessions.order_by("starts_at")[:2])
    session_services.session_cancel(acting=acting, session=first, reason="Karantīna")
    session_services.session_move(
        acting=acting, session=second, starts_at=dt.datetime(2027, 1, 7, 12, 0), reason="Eksāmeni"
    )
    # Mondays only now: Wednesday the 6th (moved to Thursday) goes, the cancelled Monday stays cancelled.
    services.group_update(
        acting=acting,
        group=group,
        spec=spec(world, directory, recurrence="FREQ=WEEKLY;BYDAY=MO;UNTIL=20270131", session_minutes=60),
    )
    sessions = list(group.sessions.order_by("starts_at"))
    assert [s.starts_at.date().day for s in sessions] == [4, 11, 18, 25]
    assert sessions[0].status == SessionStatus.CANCELLED
    assert sessions[0].note == "Karantīna"
    assert sessions[1].ends_at - sessions[1].starts_at == dt.timedelta(minutes=60)


def test_a_cancelled_group_frees_its_room(world, directory) -> None:
    acting = world.acting("prison_officer")
    group = create(world, directory)
    with pytest.raises(ValidationError):
        services.group_cancel(acting=acting, group=group, reason="  ")
    services.group_cancel(acting=acting, group=group, reason="Pasniedzējs aizgāja")
    assert group.status == GroupStatus.CANCELLED
    with pytest.raises(ValidationError):
        services.group_update(acting=acting, group=group, spec=spec(world, directory))
    # The same room at the same times is free again.
    assert create(world, directory, name="Otrā grupa").sessions.count() == 8


def test_conflicts_refuse_saving_unless_accepted(world, directory) -> None:
    create(world, directory)
    other_facilitator = User.objects.create_user(username="vadītājs", password="a-long-test-password-1")
    Membership.objects.create(
        user=other_facilitator, organization=org("jelgavas-cietums"), role=Role.PROGRAMME_FACILITATOR
    )
    acting = world.acting("prison_officer")
    second = spec(world, directory, name="Otrā grupa", facilitator=other_facilitator)
    proposal = services.group_check(acting=acting, spec=second)
    assert len(proposal.conflicts) == 8
    assert {c.kind for c in proposal.conflicts} == {selectors.ConflictKind.ROOM}
    with pytest.raises(ValidationError):
        services.group_create(acting=acting, spec=second)
    assert Group.objects.count() == 1
    group = services.group_create(acting=acting, spec=second, accept_conflicts=True)
    assert AuditEntry.objects.filter(record_id=str(group.public_id)).get().detail["conflicts_accepted"] == 8


def test_a_facilitator_cannot_be_in_two_rooms_at_once(world, directory) -> None:
    create(world, directory)
    workshop = Room.objects.get(name="Metināšanas darbnīca")
    proposal = services.group_check(
        acting=world.acting("prison_officer"),
        spec=spec(world, directory, room=workshop, capacity=8, session_start=dt.time(11, 0)),
    )
    assert len(proposal.conflicts) == 8
    conflict = proposal.conflicts[0]
    assert conflict.kind == selectors.ConflictKind.FACILITATOR
    assert "leads the group “Metinātāji, 2027. gada ziema” in Klase 1" in conflict.message
    # Back to back (10:00–11:30, then 11:30) is no conflict.
    later = spec(world, directory, room=workshop, capacity=8, session_start=dt.time(11, 30))
    assert services.group_check(acting=world.acting("prison_officer"), spec=later).conflicts == []


def test_moving_a_session_onto_another_group_is_refused(world, directory) -> None:
    acting = world.acting("prison_officer")
    create(world, directory)
    other = create(world, directory, name="Vakara grupa", session_start=dt.time(16, 0))
    session = other.sessions.order_by("starts_at").first()
    assert session is not None
    with pytest.raises(ValidationError) as error:
        session_services.session_move(
            acting=acting, session=session, starts_at=dt.datetime(2027, 1, 4, 10, 30)
        )
    assert "the room Klase 1 is taken" in " ".join(error.value.messages)
    session.refresh_from_db()
    assert session.starts_at.astimezone(RIGA).hour == 16
    assert not session.is_moved


def test_conflicts_take_one_query_whatever_the_number_of_sessions(world, directory) -> None:
    create(world, directory)
    create(world, directory, name="Vakara grupa", session_start=dt.time(16, 0))
    room = Room.objects.get(name="Klase 1")
    user = world.users["facilitator"]

    def slots(count: int) -> list[selectors.Slot]:
        start = dt.datetime(2027, 1, 4, 10, 30, tzinfo=RIGA)
        return [
            selectors.Slot(
                starts_at=start + dt.timedelta(days=i),
                ends_at=start + dt.timedelta(days=i, hours=1),
                room_id=room.pk,
                facilitator_id=user.pk,
            )
            for i in range(count)
        ]

    for count in (3, 30):
        with CaptureQueriesContext(connection) as queries:
            found = selectors.schedule_conflicts(slots(count))
            assert all(c.other.group.name and c.other.room.name for c in found)
        assert len(queries) == 1
    assert len(found) == 8
