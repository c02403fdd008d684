"""Volunteer hours as CSV for a period: what coordinators report to funders and the Probation Service.

Every claim of the period's activities, approved, waiting and declined alike (declined hours stay
visible with their reason); semicolons and a BOM so that a spreadsheet in Latvia opens it as is;
cells that look like formulas are neutralised.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from resoc.audit.export import safe_cell
from resoc.volunteers.models import HoursClaim


def hours_in_period(*, organization_ids: Iterable[int], since: dt.date, until: dt.date) -> list[HoursClaim]:
    start = timezone.make_aware(dt.datetime.combine(since, dt.time.min))
    end = timezone.make_aware(dt.datetime.combine(until + dt.timedelta(days=1), dt.time.min))
    return list(
        HoursClaim.objects.filter(
            participation__activity__organization_id__in=list(organization_ids),
            participation__activity__starts_at__gte=start,
            participation__activity__starts_at__lt=end,
        )
        .select_related(
            "participation__volunteer__organization",
            "participation__activity__prison",
            "decided_by",
        )
        .order_by("participation__activity__starts_at", "participation__volunteer__family_name", "pk")
    )


def hours_csv(claims: list[HoursClaim]) -> str:
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, delimiter=";")
    writer.writerow(
        [
            _("Volunteer"),
            _("Organization"),
            _("Activity"),
            _("Date"),
            _("Where"),
            _("Checked in"),
            _("Checked out"),
            _("Hours"),
            _("Status"),
            _("Decided by"),
            _("Reason for declining"),
        ]
    )
    for claim in claims:
        participation = claim.participation
        activity = participation.activity

        def time(value: dt.datetime | None) -> str:
            return timezone.localtime(value).strftime("%H:%M") if value else ""

        writer.writerow(
            [
                safe_cell(participation.volunteer),
                safe_cell(participation.volunteer.organization),
                safe_cell(activity.title),
                date_format(timezone.localdate(activity.starts_at), "d.m.Y"),
                safe_cell(activity.prison or activity.place),
                time(participation.checked_in_at),
                time(participation.checked_out_at),
                str(claim.hours).replace(".", ","),
                claim.get_status_display(),
                safe_cell(claim.decided_by.username if claim.decided_by else ""),
                safe_cell(claim.decline_reason),
            ]
        )
    return out.getvalue()
