"""The attendance register page of a session and the register state on the group page.

The page is one form: a fieldset per participant with three radio buttons (present, late, absent),
the absence reason and a note; "mark the rest present" fills the rows not chosen yet without saving,
so a facilitator of a group of 15 marks the exceptions and saves. It works without JavaScript; a
small script only disables the reason while the row is not an absence.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from resoc.access import policy
from resoc.access.context import Acting
from resoc.access.http import ResocRequest, acting_or_403
from resoc.audit.services import audit_record_listing
from resoc.programmes import attendance
from resoc.programmes.attendance import MarkInput
from resoc.programmes.models import (
    AbsenceReason,
    AttendanceMark,
    AttendanceStatus,
    Enrolment,
    Group,
    Session,
    SessionRegister,
    SessionStatus,
)

NOTES_MAX = 4000


@dataclass
class Row:
    enrolment: Enrolment
    status: str
    reason: str
    note: str
    errors: list[str]


def _session_or_404(public_id: uuid.UUID) -> Session:
    session = (
        Session.objects.select_related("group__offer__programme", "group__offer__organization", "room")
        .filter(public_id=public_id)
        .first()
    )
    if session is None:
        raise Http404
    return session


def _rows(session: Session, data: Any | None) -> list[Row]:
    enrolments = attendance.register_enrolments(session=session)
    saved = {m.enrolment_id: m for m in AttendanceMark.objects.filter(session=session)}
    rows = []
    for enrolment in enrolments:
        key = str(enrolment.public_id)
        mark = saved.get(enrolment.pk)
        if data is not None:
            status = data.get(f"status-{key}", "")
            reason = data.get(f"reason-{key}", "") if status == AttendanceStatus.ABSENT else ""
            note = data.get(f"note-{key}", "")
        elif mark is not None:
            status, reason, note = mark.status, mark.reason, mark.note
        else:
            status = reason = note = ""
        rows.append(Row(enrolment=enrolment, status=status, reason=reason, note=note, errors=[]))
    return rows


@login_required
@require_http_methods(["GET", "POST"])
def register(request: ResocRequest, public_id: uuid.UUID) -> HttpResponse:
    acting = acting_or_403(request)
    session = _session_or_404(public_id)
    if not attendance.can_keep_register(acting, session.group):
        raise PermissionDenied
    posted = request.POST if request.method == "POST" else None
    rows = _rows(session, posted)
    saved_register = SessionRegister.objects.filter(session=session).first()
    notes = (
        posted.get("notes", "") if posted is not None else (saved_register.notes if saved_register else "")
    )
    errors: list[str] = []
    status = 200
    if session.status == SessionStatus.CANCELLED:
        errors.append(_("The session was cancelled: it has no attendance."))
    elif session.starts_at > timezone.now():
        errors.append(
            _("The session has not started yet: attendance can be recorded from %(start)s.")
            % {"start": timezone.localtime(session.starts_at).strftime("%d.%m.%Y %H:%M")}
        )
    if posted is not None and not errors:
        if "rest_present" in posted:
            for row in rows:
                if not row.status:
                    row.status = AttendanceStatus.PRESENT
        else:
            status = 422
            for row in rows:
                if not row.status:
                    row.errors.append(
                        _("%(name)s: choose present, late or absent.")
                        % {"name": row.enrolment.person.full_name}
                    )
            if not any(row.errors for row in rows):
                try:
                    attendance.attendance_record(
                        acting=acting,
                        session=session,
                        marks=[
                            MarkInput(
                                enrolment=row.enrolment.public_id,
                                status=row.status,
                                reason=row.reason,
                                note=row.note,
                            )
                            for row in rows
                        ],
                        notes=notes,
                    )
                except ValidationError as error:
                    by_row = {str(row.enrolment.public_id): row for row in rows}
                    for key, messages_ in error.message_dict.items():
                        if key in by_row:
                            by_row[key].errors.extend(messages_)
                        else:
                            errors.extend(messages_)
                else:
                    messages.success(request, _("The attendance register has been saved."))
                    return redirect("programmes:group_detail", public_id=session.group.public_id)
    elif posted is not None:
        status = 422
    audit_record_listing(
        actor=acting.actor,
        person_ids=[row.enrolment.person.public_id for row in rows],
        category=policy.IDENTITY.key,
        detail={"attendance": str(session.public_id)},
    )
    return render(
        request,
        "programmes/attendance/register.html",
        {
            "session": session,
            "group": session.group,
            "rows": rows,
            "notes": notes,
            "errors": errors,
            "row_errors": [e for row in rows for e in row.errors],
            "statuses": AttendanceStatus.choices,
            "reasons": AbsenceReason.choices,
            "register": saved_register,
            "notes_max": NOTES_MAX,
            "open": not (session.status == SessionStatus.CANCELLED or session.starts_at > timezone.now()),
        },
        status=status,
    )


@dataclass
class SessionState:
    session: Session
    filled: bool


def group_attendance_context(acting: Acting, group: Group, sessions: list[Session]) -> dict[str, Any]:
    """The group page's list of past sessions with their register state (one query)."""
    if not attendance.can_keep_register(acting, group):
        return {"registers": [], "may_keep_register": False}
    now = timezone.now()
    filled = set(SessionRegister.objects.filter(session__group=group).values_list("session_id", flat=True))
    states = [
        SessionState(session=s, filled=s.pk in filled)
        for s in sessions
        if s.starts_at <= now and s.status == SessionStatus.SCHEDULED
    ]
    return {"registers": states, "may_keep_register": True}
