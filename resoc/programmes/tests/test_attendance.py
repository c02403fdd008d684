"""The attendance register: saved whole or not at all, only by the group's facilitator or the
delivering organization's staff, never for a session to come, history kept in the audit log."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from resoc.access.context import acting_for
from resoc.access.models import Membership, User
from resoc.access.roles import Role
from resoc.audit.models import AuditAction, AuditEntry
from resoc.programmes import attendance
from resoc.programmes.attendance import MarkInput
from resoc.programmes.models import AttendanceMark, Session, SessionRegister, SessionStatus
from resoc.programmes.tests.attendance_helpers import past_session, running_group
from resoc.programmes.tests.conftest import org


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    with translation.override("en"):
        yield


def all_present(enrolments: list[Any]) -> list[MarkInput]:
    return [MarkInput(enrolment=e.public_id, status="present") for e in enrolments]


def record(
    world: Any, session: Session, marks: list[MarkInput], persona: str = "facilitator", **kw: Any
) -> Any:
    return attendance.attendance_record(acting=world.acting(persona), session=session, marks=marks, **kw)


def nothing_written() -> bool:
    return not AttendanceMark.objects.exists() and not SessionRegister.objects.exists()


def test_the_facilitator_saves_a_register_with_reasons_and_notes(world) -> None:
    group, enrolments = running_group(world, 3)
    session = past_session(group)
    marks = [
        MarkInput(enrolment=enrolments[0].public_id, status="present"),
        MarkInput(enrolment=enrolments[1].public_id, status="late", note="10 minūtes"),
        MarkInput(enrolment=enrolments[2].public_id, status="absent", reason="court"),
    ]
    register = record(world, session, marks, notes="Tēma: darba intervija")
    assert register.notes == "Tēma: darba intervija"
    saved = {m.enrolment_id: (m.status, m.reason, m.note) for m in AttendanceMark.objects.all()}
    assert saved == {
        enrolments[0].pk: ("present", "", ""),
        enrolments[1].pk: ("late", "", "10 minūtes"),
        enrolments[2].pk: ("absent", "court", ""),
    }
    entry = AuditEntry.objects.get(record_type=attendance.REGISTER_RECORD, person_public_id=None)
    assert entry.action == AuditAction.CREATE
    assert entry.detail["before"] == {}
    assert entry.detail["after"][str(enrolments[2].public_id)]["reason"] == "court"
    persons = AuditEntry.objects.filter(record_type=attendance.REGISTER_RECORD).exclude(person_public_id=None)
    assert {e.person_public_id for e in persons} == {e.person.public_id for e in enrolments}


def test_a_correction_keeps_the_previous_marks_in_the_audit_log(world) -> None:
    group, enrolments = running_group(world, 2)
    session = past_session(group)
    record(world, session, all_present(enrolments))
    changed = [
        MarkInput(enrolment=enrolments[0].public_id, status="present"),
        MarkInput(enrolment=enrolments[1].public_id, status="absent", reason="illness"),
    ]
    record(world, session, changed, notes="Labots")
    assert AttendanceMark.objects.get(enrolment=enrolments[1]).status == "absent"
    edit = AuditEntry.objects.filter(
        record_type=attendance.REGISTER_RECORD, person_public_id=None, action=AuditAction.UPDATE
    ).get()
    key = str(enrolments[1].public_id)
    assert edit.detail["before"][key]["status"] == "present"
    assert edit.detail["after"][key] == {"status": "absent", "reason": "illness", "note": ""}
    # Only the changed participant gets a new entry of his own.
    person_edits = AuditEntry.objects.filter(
        record_type=attendance.REGISTER_RECORD, action=AuditAction.UPDATE
    ).exclude(person_public_id=None)
    assert [e.person_public_id for e in person_edits] == [enrolments[1].person.public_id]


def test_a_session_to_come_is_refused_with_its_start(world) -> None:
    group, enrolments = running_group(world, 2)
    future = group.sessions.order_by("starts_at").last()
    assert future is not None
    with pytest.raises(ValidationError) as error:
        record(world, future, all_present(enrolments))
    assert "has not started yet" in " ".join(error.value.message_dict["session"])
    assert nothing_written()


def test_a_cancelled_session_is_refused(world) -> None:
    group, enrolments = running_group(world, 2)
    session = past_session(group)
    Session.objects.filter(pk=session.pk).update(status=SessionStatus.CANCELLED)
    session.refresh_from_db()
    with pytest.raises(ValidationError) as error:
        record(world, session, all_present(enrolments))
    assert "cancelled" in " ".join(error.value.message_dict["session"])
    assert nothing_written()


def test_a_mark_for_someone_without_a_place_that_day_refuses_the_whole_register(world) -> None:
    group, enrolments = running_group(world, 3)
    session = past_session(group)
    late_comer = enrolments[2]
    type(late_comer).objects.filter(pk=late_comer.pk).update(
        enrolled_at=session.starts_at + (session.ends_at - session.starts_at) * 20
    )
    with pytest.raises(ValidationError) as error:
        record(world, session, all_present(enrolments))
    assert "without a place in this group" in " ".join(error.value.message_dict["marks"])
    assert nothing_written()


def test_an_absence_needs_a_reason_and_nothing_is_saved_without_it(world) -> None:
    group, enrolments = running_group(world, 2)
    session = past_session(group)
    marks = [
        MarkInput(enrolment=enrolments[0].public_id, status="present"),
        MarkInput(enrolment=enrolments[1].public_id, status="absent"),
    ]
    with pytest.raises(ValidationError) as error:
        record(world, session, marks)
    assert error.value.message_dict[str(enrolments[1].public_id)] == [
        f"{enrolments[1].person.full_name}: choose the reason for the absence."
    ]
    assert nothing_written()


def test_the_delivering_prisons_officer_may_keep_the_register(world) -> None:
    group, enrolments = running_group(world, 2)
    record(world, past_session(group), all_present(enrolments), persona="prison_officer")
    assert AttendanceMark.objects.count() == 2


@pytest.mark.parametrize(
    "persona", ["other_facilitator", "ngo_coordinator", "other_prison_officer", "mentor"]
)
def test_others_may_not_keep_the_register(world, persona: str) -> None:
    group, enrolments = running_group(world, 2)
    user = User.objects.create_user(username="other_facilitator", password="a-long-test-password-1")
    Membership.objects.create(
        user=user, organization=org("jelgavas-cietums"), role=Role.PROGRAMME_FACILITATOR
    )
    world.users["other_facilitator"] = user
    with pytest.raises(PermissionDenied):
        attendance.attendance_record(
            acting=acting_for(world.users[persona]),
            session=past_session(group),
            marks=all_present(enrolments),
        )
    assert nothing_written()


def test_the_query_count_does_not_grow_with_the_group(world) -> None:
    group, enrolments = running_group(world, 15)
    first, second = Session.objects.filter(group=group).order_by("starts_at")[:2]
    Session.objects.filter(pk=second.pk).update(starts_at=first.starts_at, ends_at=first.ends_at)
    acting = world.acting("facilitator")
    acting.scope_organization_ids  # noqa: B018  # computed once per request, as in a view

    def queries(session: Session, marks: list[MarkInput]) -> int:
        session = Session.objects.select_related("group__offer").get(pk=session.pk)
        with CaptureQueriesContext(connection) as captured:
            attendance.attendance_record(acting=acting, session=session, marks=marks)
        return len(captured)

    five = queries(first, all_present(enrolments[:5]))
    fifteen = queries(second, all_present(enrolments))
    assert AttendanceMark.objects.filter(session=second).count() == 15
    assert five == fifteen
