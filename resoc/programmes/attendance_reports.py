"""Capacity utilization, attendance and completion per programme or prison over a period.

Figures per group (one query, counts as subqueries so that joins do not multiply rows):
places offered (capacity) and taken (places held at any time in the period), sessions scheduled
(not cancelled, begun by the end of the period) and registers filled in, marks recorded and
attended (present or late), outcomes recorded and completed. Rows add the groups up; every row
keeps its groups so that each number can be traced to them. Groups hold no person data, and these
are counts: anyone acting through a membership may read them, like the list of groups.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from typing import Any

from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from resoc.programmes.models import (
    AttendanceMark,
    Enrolment,
    EnrolmentOutcome,
    Group,
    GroupStatus,
    OutcomeKind,
    Session,
    SessionRegister,
    SessionStatus,
)
from resoc.text import latvian_sort_key


class Dimension(StrEnum):
    PROGRAMME = "programme"
    PRISON = "prison"


@dataclass
class Figures:
    places_offered: int = 0
    places_taken: int = 0
    sessions_scheduled: int = 0
    registers_filled: int = 0
    marks: int = 0
    attended: int = 0
    outcomes: int = 0
    completed: int = 0

    def add(self, other: Figures) -> None:
        for name in self.__dataclass_fields__:
            setattr(self, name, getattr(self, name) + getattr(other, name))

    @property
    def utilization(self) -> Decimal | None:
        return percent(self.places_taken, self.places_offered)

    @property
    def attendance(self) -> Decimal | None:
        return percent(self.attended, self.marks)

    @property
    def registers(self) -> Decimal | None:
        return percent(self.registers_filled, self.sessions_scheduled)

    @property
    def completion(self) -> Decimal | None:
        return percent(self.completed, self.outcomes)


def percent(part: int, whole: int) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(part * 100) / Decimal(whole)).quantize(Decimal("0.1"))


@dataclass
class GroupFigures:
    group: Group
    figures: Figures


@dataclass
class Row:
    key: str
    label: str
    figures: Figures = field(default_factory=Figures)
    groups: list[GroupFigures] = field(default_factory=list)


@dataclass
class Report:
    dimension: Dimension
    starts_on: dt.date
    ends_on: dt.date
    rows: list[Row]
    total: Figures


def _count(queryset: QuerySet[Any], by: str) -> Coalesce:
    """The number of rows of ``queryset`` for the outer group (``by``: the path to the group)."""
    counted = queryset.order_by().values(by).annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def _groups(
    *, starts_on: dt.date, ends_on: dt.date, programme_code: str = "", prison_id: int | None = None
) -> QuerySet[Group]:
    now = timezone.now()
    period_end = dt.datetime.combine(
        ends_on + dt.timedelta(days=1), dt.time.min, tzinfo=timezone.get_current_timezone()
    )
    period_start = dt.datetime.combine(starts_on, dt.time.min, tzinfo=timezone.get_current_timezone())
    until = min(now, period_end)
    in_period = Q(starts_at__gte=period_start, starts_at__lt=until)
    group = OuterRef("pk")
    sessions = Session.objects.filter(in_period, group=group, status=SessionStatus.SCHEDULED)
    groups = (
        Group.objects.filter(starts_on__lte=ends_on, ends_on__gte=starts_on)
        .exclude(status=GroupStatus.CANCELLED)
        .select_related("offer__programme", "room__location__organization")
        .annotate(
            places_taken=_count(
                Enrolment.objects.filter(group=group, enrolled_at__lt=period_end).exclude(
                    ended_at__lt=period_start
                ),
                "group",
            ),
            sessions_scheduled=_count(sessions, "group"),
            registers_filled=_count(
                SessionRegister.objects.filter(
                    session__group=group,
                    session__status=SessionStatus.SCHEDULED,
                    session__starts_at__gte=period_start,
                    session__starts_at__lt=until,
                ),
                "session__group",
            ),
            marks_recorded=_count(
                AttendanceMark.objects.filter(
                    session__group=group, session__starts_at__gte=period_start, session__starts_at__lt=until
                ),
                "session__group",
            ),
            marks_attended=_count(
                AttendanceMark.objects.filter(
                    session__group=group,
                    session__starts_at__gte=period_start,
                    session__starts_at__lt=until,
                    status__in=("present", "late"),
                ),
                "session__group",
            ),
            outcomes_recorded=_count(
                EnrolmentOutcome.objects.filter(
                    enrolment__group=group, decided_on__gte=starts_on, decided_on__lte=ends_on
                ),
                "enrolment__group",
            ),
            outcomes_completed=_count(
                EnrolmentOutcome.objects.filter(
                    enrolment__group=group,
                    decided_on__gte=starts_on,
                    decided_on__lte=ends_on,
                    kind=OutcomeKind.COMPLETED,
                ),
                "enrolment__group",
            ),
        )
    )
    if programme_code:
        groups = groups.filter(offer__programme__code=programme_code)
    if prison_id is not None:
        groups = groups.filter(room__location__organization_id=prison_id)
    return groups


def utilization_report(
    *,
    dimension: Dimension,
    starts_on: dt.date,
    ends_on: dt.date,
    programme_code: str = "",
    prison_id: int | None = None,
) -> Report:
    """The figures of every group in the period, added up per programme or per prison (one query)."""
    rows: dict[str, Row] = {}
    total = Figures()
    for group in _groups(
        starts_on=starts_on, ends_on=ends_on, programme_code=programme_code, prison_id=prison_id
    ):
        figures = Figures(
            places_offered=group.capacity,
            places_taken=group.places_taken,  # type: ignore[attr-defined]
            sessions_scheduled=group.sessions_scheduled,  # type: ignore[attr-defined]
            registers_filled=group.registers_filled,  # type: ignore[attr-defined]
            marks=group.marks_recorded,  # type: ignore[attr-defined]
            attended=group.marks_attended,  # type: ignore[attr-defined]
            outcomes=group.outcomes_recorded,  # type: ignore[attr-defined]
            completed=group.outcomes_completed,  # type: ignore[attr-defined]
        )
        if dimension == Dimension.PROGRAMME:
            key, label = group.offer.programme.code, group.offer.programme.label
        else:
            organization = group.room.location.organization
            key, label = organization.code, organization.name
        row = rows.setdefault(key, Row(key=key, label=label))
        row.figures.add(figures)
        row.groups.append(GroupFigures(group=group, figures=figures))
        total.add(figures)
    ordered = sorted(rows.values(), key=lambda r: latvian_sort_key(r.label))
    return Report(dimension=dimension, starts_on=starts_on, ends_on=ends_on, rows=ordered, total=total)
