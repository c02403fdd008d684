"""Capacity utilization, attendance and completion per programme or prison over a period.

Figures per group (one aggregate query per table, so that joins do not multiply rows):
places offered (capacity) and taken (places held at any time in the period), sessions scheduled
(not cancelled, begun by the end of the period) and registers filled in, marks recorded and
attended (present or late), outcomes recorded and completed. Rows add the groups up; every row
keeps its groups so that each number can be traced to them. Groups hold no person data, and these
are counts, but they describe how an organization's programmes are run: only the roles that steer
them read the report (``report_scope``) — analysts, project managers and system administrators for
the whole country, an organization's administrators and resocialization officers for the groups
their organization (or one below it) delivers or hosts.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from resoc.access.context import Acting
from resoc.access.roles import Role
from resoc.assessments.models import localized
from resoc.programmes.models import (
    AttendanceMark,
    Enrolment,
    EnrolmentOutcome,
    Group,
    GroupStatus,
    OutcomeKind,
    Session,
    SessionStatus,
)
from resoc.text import latvian_sort_key

ATTENDED = ("present", "late")
# Who reads the report for every organization, and who for their own.
NATIONAL_ROLES = frozenset({Role.ANALYST, Role.PROJECT_MANAGER, Role.SYSTEM_ADMIN})
ORGANIZATION_ROLES = frozenset({Role.ORG_ADMIN, Role.RESOCIALIZATION_OFFICER})


class NoAccess(Exception):
    """The acting role does not read the report."""


def may_read_report(acting: Acting) -> bool:
    return acting.membership is not None and acting.role in NATIONAL_ROLES | ORGANIZATION_ROLES


def report_scope(acting: Acting) -> frozenset[int] | None:
    """The organizations whose groups ``acting`` may count (``None``: all); raises ``NoAccess``."""
    if acting.membership is None:
        raise NoAccess
    if acting.role in NATIONAL_ROLES:
        return None
    if acting.role in ORGANIZATION_ROLES:
        return acting.scope_organization_ids
    raise NoAccess


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


@dataclass(frozen=True)
class GroupRef:
    """What the report shows of a group: enough to name it and link to it."""

    pk: int
    public_id: uuid.UUID
    name: str


@dataclass
class GroupFigures:
    group: GroupRef
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


def _bounds(starts_on: dt.date, ends_on: dt.date) -> tuple[dt.datetime, dt.datetime, dt.datetime]:
    """The period's first moment, the moment after its last day, and the end of what has happened."""
    zone = timezone.get_current_timezone()
    period_start = dt.datetime.combine(starts_on, dt.time.min, tzinfo=zone)
    period_end = dt.datetime.combine(ends_on + dt.timedelta(days=1), dt.time.min, tzinfo=zone)
    return period_start, period_end, min(timezone.now(), period_end)


def _groups(
    *,
    starts_on: dt.date,
    ends_on: dt.date,
    programme_code: str = "",
    prison_id: int | None = None,
    organization_ids: frozenset[int] | None = None,
) -> QuerySet[Group]:
    """Groups that run in the period (not cancelled); ``organization_ids``: only those delivered by or
    held at these organizations (``None``: all)."""
    groups = Group.objects.filter(starts_on__lte=ends_on, ends_on__gte=starts_on).exclude(
        status=GroupStatus.CANCELLED
    )
    if programme_code:
        groups = groups.filter(offer__programme__code=programme_code)
    if prison_id is not None:
        groups = groups.filter(room__location__organization_id=prison_id)
    if organization_ids is not None:
        groups = groups.filter(
            Q(offer__organization_id__in=organization_ids)
            | Q(room__location__organization_id__in=organization_ids)
        )
    return groups


def _figures(groups: QuerySet[Group], starts_on: dt.date, ends_on: dt.date) -> dict[int, Figures]:
    """Each group's figures, by group id: one aggregate query per table, grouped by group.

    Every table is read once for all the groups (an aggregate per table, ``GROUP BY`` the group)
    rather than once per group (a correlated subquery per figure): the work follows the rows of the
    period, not the number of groups times the number of figures.
    """
    period_start, period_end, until = _bounds(starts_on, ends_on)
    ids = groups.order_by().values("pk")
    found: dict[int, Figures] = {}

    def figures(group_id: int) -> Figures:
        return found.setdefault(group_id, Figures())

    places = (
        Enrolment.objects.filter(group__in=ids, enrolled_at__lt=period_end)
        .exclude(ended_at__lt=period_start)
        .values("group_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for row in places:
        figures(row["group_id"]).places_taken = row["n"]
    sessions = (
        Session.objects.filter(
            group__in=ids, status=SessionStatus.SCHEDULED, starts_at__gte=period_start, starts_at__lt=until
        )
        .values("group_id")
        .annotate(n=Count("pk"), filled=Count("register"))
        .order_by()
    )
    for session_row in sessions:
        figures(session_row["group_id"]).sessions_scheduled = session_row["n"]
        figures(session_row["group_id"]).registers_filled = session_row["filled"]
    marks = (
        AttendanceMark.objects.filter(
            session__group__in=ids, session__starts_at__gte=period_start, session__starts_at__lt=until
        )
        .values("session__group_id")
        .annotate(n=Count("pk"), attended=Count("pk", filter=Q(status__in=ATTENDED)))
        .order_by()
    )
    for mark_row in marks:
        figures(mark_row["session__group_id"]).marks = mark_row["n"]
        figures(mark_row["session__group_id"]).attended = mark_row["attended"]
    outcomes = (
        EnrolmentOutcome.objects.filter(
            enrolment__group__in=ids, decided_on__gte=starts_on, decided_on__lte=ends_on
        )
        .values("enrolment__group_id")
        .annotate(n=Count("pk"), completed=Count("pk", filter=Q(kind=OutcomeKind.COMPLETED)))
        .order_by()
    )
    for outcome_row in outcomes:
        figures(outcome_row["enrolment__group_id"]).outcomes = outcome_row["n"]
        figures(outcome_row["enrolment__group_id"]).completed = outcome_row["completed"]
    return found


def utilization_report(
    *,
    dimension: Dimension,
    starts_on: dt.date,
    ends_on: dt.date,
    programme_code: str = "",
    prison_id: int | None = None,
    organization_ids: frozenset[int] | None = None,
) -> Report:
    """The figures of every group in the period, added up per programme or per prison (five queries)."""
    rows: dict[str, Row] = {}
    total = Figures()
    groups = _groups(
        starts_on=starts_on,
        ends_on=ends_on,
        programme_code=programme_code,
        prison_id=prison_id,
        organization_ids=organization_ids,
    )
    per_group = _figures(groups, starts_on, ends_on)
    # Plain values rather than model instances: six related models per group took as long as
    # counting the groups' million marks.
    for group in groups.values(
        "pk",
        "public_id",
        "name",
        "capacity",
        "offer__programme__code",
        "offer__programme__name",
        "offer__programme__name_en",
        "room__location__organization__code",
        "room__location__organization__name",
    ):
        figures = per_group.get(group["pk"], Figures())
        figures.places_offered = group["capacity"]
        if dimension == Dimension.PROGRAMME:
            key = group["offer__programme__code"]
            label = localized(group["offer__programme__name"], group["offer__programme__name_en"])
        else:
            key = group["room__location__organization__code"]
            label = group["room__location__organization__name"]
        row = rows.setdefault(key, Row(key=key, label=label))
        row.figures.add(figures)
        ref = GroupRef(pk=group["pk"], public_id=group["public_id"], name=group["name"])
        row.groups.append(GroupFigures(group=ref, figures=figures))
        total.add(figures)
    ordered = sorted(rows.values(), key=lambda r: latvian_sort_key(r.label))
    return Report(dimension=dimension, starts_on=starts_on, ends_on=ends_on, rows=ordered, total=total)
