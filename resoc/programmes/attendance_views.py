"""The attendance register page of a session and the register state on the group page.

The page is one form: a fieldset per participant with three radio buttons (present, late, absent),
the absence reason and a note; "mark the rest present" fills the rows not chosen yet without saving,
so a facilitator of a group of 15 marks the exceptions and saves. It works without JavaScript; a
small script only disables the reason while the row is not an absence.
"""

from __future__ import annotations

import csv
import uuid
from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from resoc.access import policy
from resoc.access.context import Acting
from resoc.access.http import ResocRequest, acting_or_403
from resoc.audit.services import audit_record_listing
from resoc.programmes import attendance
from resoc.programmes.attendance import MarkInput
from resoc.programmes.attendance_reports import (
    Dimension,
    Figures,
    NoAccess,
    Report,
    report_scope,
    utilization_report,
)
from resoc.programmes.models import (
    AbsenceReason,
    AttendanceMark,
    AttendanceStatus,
    Enrolment,
    EnrolmentOutcome,
    Group,
    OutcomeKind,
    Session,
    SessionRegister,
    SessionStatus,
)
from resoc.web.forms import add_validation_errors

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
        return {"registers": [], "may_keep_register": False, "outcomes": {}}
    now = timezone.now()
    filled = set(SessionRegister.objects.filter(session__group=group).values_list("session_id", flat=True))
    states = [
        SessionState(session=s, filled=s.pk in filled)
        for s in sessions
        if s.starts_at <= now and s.status == SessionStatus.SCHEDULED
    ]
    outcomes = {
        o.enrolment_id: o
        for o in EnrolmentOutcome.objects.filter(enrolment__group=group).select_related("measure")
    }
    return {"registers": states, "may_keep_register": True, "outcomes": outcomes}


class ReportForm(forms.Form):
    by = forms.ChoiceField(
        label=gettext_lazy("Figures per"),
        choices=[
            (Dimension.PROGRAMME.value, gettext_lazy("Programme")),
            (Dimension.PRISON.value, gettext_lazy("Prison")),
        ],
        required=False,
    )
    starts_on = forms.DateField(
        label=gettext_lazy("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    ends_on = forms.DateField(
        label=gettext_lazy("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        today = timezone.localdate()
        data["by"] = Dimension(data.get("by") or Dimension.PROGRAMME)
        data["starts_on"] = data.get("starts_on") or today.replace(month=1, day=1)
        data["ends_on"] = data.get("ends_on") or today
        if data["ends_on"] < data["starts_on"]:
            self.add_error("ends_on", _("The period ends before it starts."))
        return data


@dataclass
class Bar:
    label: str
    value: Decimal | None
    y: int
    width: float


CHART_WIDTH = 400
BAR_HEIGHT = 18


def _bars(report: Report, measure: str) -> list[Bar]:
    bars = []
    for index, row in enumerate(report.rows):
        value: Decimal | None = getattr(row.figures, measure)
        bars.append(
            Bar(
                label=row.label,
                value=value,
                y=index * (BAR_HEIGHT * 2 + 8),
                width=float(value or 0) * CHART_WIDTH / 100,
            )
        )
    return bars


def _csv(report: Report) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="programme-utilization-{report.starts_on}-{report.ends_on}.csv"'
    )
    response.write("\ufeff")  # Excel opens UTF-8 with Latvian letters only with a byte order mark
    writer = csv.writer(response, delimiter=";")
    writer.writerow(
        [
            _("Programme") if report.dimension == Dimension.PROGRAMME else _("Prison"),
            _("Group"),
            _("Places offered"),
            _("Places taken"),
            _("Utilization, %"),
            _("Sessions held"),
            _("Registers filled in"),
            _("Marks"),
            _("Attended"),
            _("Attendance, %"),
            _("Outcomes"),
            _("Completed"),
            _("Completion, %"),
        ]
    )

    def line(label: str, group: str, f: Figures) -> list[object]:
        return [
            label,
            group,
            f.places_offered,
            f.places_taken,
            f.utilization if f.utilization is not None else "",
            f.sessions_scheduled,
            f.registers_filled,
            f.marks,
            f.attended,
            f.attendance if f.attendance is not None else "",
            f.outcomes,
            f.completed,
            f.completion if f.completion is not None else "",
        ]

    for row in report.rows:
        writer.writerow(line(row.label, "", row.figures))
        for entry in row.groups:
            writer.writerow(line(row.label, entry.group.name, entry.figures))
    writer.writerow(line(_("Total"), "", report.total))
    return response


@login_required
@require_GET
def report(request: ResocRequest) -> HttpResponse:
    """Capacity utilization, attendance and completion with a chart, a data table and a CSV export."""
    try:
        scope = report_scope(acting_or_403(request))
    except NoAccess:
        raise PermissionDenied from None
    form = ReportForm(request.GET or None)
    if request.GET and not form.is_valid():
        return render(
            request, "programmes/attendance/report.html", {"form": form, "report": None}, status=422
        )
    if not request.GET:
        form = ReportForm({})
        form.is_valid()
    data = form.cleaned_data
    result = utilization_report(
        dimension=data["by"], starts_on=data["starts_on"], ends_on=data["ends_on"], organization_ids=scope
    )
    if request.GET.get("format") == "csv":
        return _csv(result)
    shown = request.GET.get("show", "")
    query = urlencode(
        {"by": result.dimension.value, "starts_on": result.starts_on, "ends_on": result.ends_on}
    )
    return render(
        request,
        "programmes/attendance/report.html",
        {
            "form": form,
            "report": result,
            "query": query,
            "shown": next((row for row in result.rows if row.key == shown), None),
            "charts": [
                (_("Capacity utilization"), "utilization", _bars(result, "utilization")),
                (_("Completion rate"), "completion", _bars(result, "completion")),
            ],
            "chart_width": CHART_WIDTH,
            "bar_height": BAR_HEIGHT,
            "chart_height": max(1, len(result.rows)) * (BAR_HEIGHT * 2 + 8),
        },
    )


class OutcomeForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("Outcome"), choices=OutcomeKind.choices)
    decided_on = forms.DateField(label=gettext_lazy("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    reason = forms.CharField(
        label=gettext_lazy("Reason"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=gettext_lazy("Needed when the person dropped out or was removed."),
    )
    certificate_number = forms.CharField(
        label=gettext_lazy("Certificate number"),
        required=False,
        max_length=60,
        help_text=gettext_lazy("For a completed programme; unique within the programme."),
    )


@login_required
@require_http_methods(["GET", "POST"])
def outcome(request: ResocRequest, public_id: uuid.UUID) -> HttpResponse:
    """Record how a place ended; a completion moves the person's plan measure to done."""
    acting = acting_or_403(request)
    enrolment = (
        Enrolment.objects.select_related("group__offer__programme", "person")
        .filter(public_id=public_id)
        .first()
    )
    if enrolment is None:
        raise Http404
    if not attendance.can_keep_register(acting, enrolment.group):
        raise PermissionDenied
    current = EnrolmentOutcome.objects.filter(enrolment=enrolment).first()
    initial = (
        {
            "kind": current.kind,
            "decided_on": current.decided_on,
            "reason": current.reason,
            "certificate_number": current.certificate_number,
        }
        if current
        else {"decided_on": timezone.localdate()}
    )
    form = OutcomeForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            try:
                attendance.enrolment_outcome_set(acting=acting, enrolment=enrolment, **form.cleaned_data)
            except ValidationError as error:
                add_validation_errors(form, error)
            else:
                messages.success(request, _("The outcome has been recorded."))
                return redirect("programmes:group_detail", public_id=enrolment.group.public_id)
    audit_record_listing(
        actor=acting.actor,
        person_ids=[enrolment.person.public_id],
        category=policy.IDENTITY.key,
        detail={"outcome": str(enrolment.public_id)},
    )
    return render(
        request,
        "programmes/attendance/outcome.html",
        {"form": form, "enrolment": enrolment, "group": enrolment.group, "current": current},
        status=status,
    )
