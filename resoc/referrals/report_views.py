"""The referral report page: SVG bars drawn on the server, the data table beside them, CSV export.

Counts only, nationwide: for analysts, project managers and system administrators (``rules.REPORT_ROLES``).
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from decimal import Decimal
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from resoc.access.http import ResocRequest, acting_or_403
from resoc.audit.models import AuditAction
from resoc.audit.services import audit_record
from resoc.referrals import rules
from resoc.referrals.forms import ReportForm
from resoc.referrals.reports import Figures, Report, referral_report

CHART_WIDTH = 400
BAR_HEIGHT = 18


@dataclass
class Bar:
    label: str
    value: Decimal | None
    y: int
    width: float


def _bars(report: Report, measure: str) -> list[Bar]:
    bars = []
    for index, route in enumerate(report.routes):
        value: Decimal | None = getattr(route.figures, measure)
        bars.append(
            Bar(
                label=route.label,
                value=value,
                y=index * (BAR_HEIGHT * 2 + 8),
                width=float(value or 0) * CHART_WIDTH / 100,
            )
        )
    return bars


def _blank(value: object) -> object:
    return "" if value is None else value


def _csv(report: Report) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="referrals-{report.starts_on}-{report.ends_on}.csv"'
    )
    response.write("\ufeff")  # Excel opens UTF-8 with Latvian letters only with a byte order mark
    writer = csv.writer(response, delimiter=";")
    writer.writerow(
        [
            _("Route"),
            _("Sent"),
            _("Accepted"),
            _("Declined"),
            _("Expired"),
            _("Acceptance, %"),
            _("Median days to acceptance"),
            _("Completed"),
            _("Completion, %"),
        ]
    )

    def line(label: str, f: Figures) -> list[object]:
        return [
            label,
            f.sent,
            f.accepted,
            f.declined,
            f.expired,
            _blank(f.acceptance),
            _blank(f.median_days_to_accept),
            f.completed,
            _blank(f.completion),
        ]

    for route in report.routes:
        writer.writerow(line(route.label, route.figures))
    writer.writerow(line(_("Total"), report.total))
    return response


@login_required
@require_GET
def report(request: ResocRequest) -> HttpResponse:
    acting = acting_or_403(request)
    if not rules.can_report(acting):
        raise PermissionDenied
    form = ReportForm(request.GET)
    if not form.is_valid():
        return render(request, "referrals/report.html", {"form": form, "report": None}, status=422)
    data = form.cleaned_data
    result = referral_report(starts_on=data["starts_on"], ends_on=data["ends_on"])
    if request.GET.get("format") == "csv":
        audit_record(
            actor=acting.actor,
            action=AuditAction.EXPORT,
            record_type="referral_report",
            detail={"starts_on": str(result.starts_on), "ends_on": str(result.ends_on)},
        )
        return _csv(result)
    return render(
        request,
        "referrals/report.html",
        {
            "form": form,
            "report": result,
            "query": urlencode({"starts_on": result.starts_on, "ends_on": result.ends_on}),
            "charts": [
                (_("Acceptance rate"), "acceptance", _bars(result, "acceptance")),
                (_("Completion rate"), "completion", _bars(result, "completion")),
            ],
            "chart_width": CHART_WIDTH,
            "bar_height": BAR_HEIGHT,
            "chart_height": max(1, len(result.routes)) * (BAR_HEIGHT * 2 + 8),
        },
    )
