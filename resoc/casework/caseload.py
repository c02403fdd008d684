"""Reading "My people": the persons the acting organization works with, with what is due for each.

Filters, sorting and the summary counts run in the database over the whole caseload (a prison holds
thousands of persons); only the page shown (or the export, chunk by chunk) is enriched in Python,
with a fixed number of queries per page whatever its length.

Columns follow the policy (``rules.reads_in_lists``): release dates need the "sentence" category,
risk level and plan status the "assessment" category. A role that may not read a category in a list
gets neither the column nor its filters, sorting or summary tile.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import (
    Case,
    Count,
    DateField,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Least, NullIf
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from resoc.access import policy
from resoc.access.context import Acting
from resoc.assessments.models import Assessment, RiskLevel
from resoc.assessments.models import Status as AssessmentStatus
from resoc.casework import rules
from resoc.casework.actions import NextAction, action_due_dates, next_actions
from resoc.people.models import Person, Relationship
from resoc.people.selectors import person_search
from resoc.plans.models import Plan, PlanStatus
from resoc.sentences.models import CustodyPeriod, Sentence

RELEASE_WINDOWS = (30, 90, 180)
PAGE_SIZE = 50
EXPORT_CHUNK = 500
_FAR_FUTURE = dt.date(9999, 12, 31)
RISK_ORDER = {RiskLevel.LOW: 1, RiskLevel.MEDIUM: 2, RiskLevel.HIGH: 3, RiskLevel.VERY_HIGH: 4}


class PlanState:
    NONE = "none"
    ACTIVE = "active"
    REVIEW_OVERDUE = "review_overdue"

    LABELS: dict[str, str | Promise] = {
        NONE: _("No plan"),
        ACTIVE: _("Active"),
        REVIEW_OVERDUE: _("Review overdue"),
    }


class Sort:
    NAME = "name"
    RELEASE = "release"
    NEXT_ACTION = "next_action"
    RISK = "risk"


@dataclass(frozen=True)
class Columns:
    """Which optional columns (and their filters) the acting role may see in a list."""

    release: bool
    assessment: bool

    @classmethod
    def for_acting(cls, acting: Acting) -> Columns:
        return cls(
            release=rules.reads_in_lists(acting, policy.SENTENCE.key),
            assessment=rules.reads_in_lists(acting, policy.ASSESSMENT.key),
        )

    def categories(self) -> list[str]:
        """The data categories a row shows: each listed person is a read of each of them."""
        shown = [policy.IDENTITY.key]
        if self.release:
            shown.append(policy.SENTENCE.key)
        if self.assessment:
            shown.append(policy.ASSESSMENT.key)
        return shown

    def sorts(self) -> list[str]:
        sorts = [Sort.NAME, Sort.NEXT_ACTION]
        if self.release:
            sorts.append(Sort.RELEASE)
        if self.assessment:
            sorts.append(Sort.RISK)
        return sorts


@dataclass(frozen=True)
class Filters:
    q: str = ""
    relation: str = ""
    release_within: int | None = None
    overdue: bool = False
    without_assessment: bool = False
    without_plan: bool = False
    risk: str = ""
    sort: str = Sort.NAME

    def within(self, columns: Columns) -> Filters:
        """The filters with those of hidden columns dropped: a hidden column may not be probed."""
        return Filters(
            q=self.q,
            relation=self.relation,
            release_within=self.release_within if columns.release else None,
            overdue=self.overdue,
            without_assessment=self.without_assessment and columns.assessment,
            without_plan=self.without_plan and columns.assessment,
            risk=self.risk if columns.assessment else "",
            sort=self.sort if self.sort in columns.sorts() else Sort.NAME,
        )

    def is_filtered(self) -> bool:
        return bool(
            self.q
            or self.relation
            or self.release_within
            or self.overdue
            or self.without_assessment
            or self.without_plan
            or self.risk
        )

    def for_log(self) -> dict[str, Any]:
        return {key: value for key, value in self.__dict__.items() if value not in ("", None, False)}


# --- SQL pieces ------------------------------------------------------------------------------------


def _active_relationships(acting: Acting, on: dt.date) -> QuerySet[Relationship]:
    """The acting membership's current relationships (kinds of its role, its organization subtree).

    Used only to label and narrow persons ``policy.visible_persons`` already returned.
    """
    kinds = rules.relation_kinds_of(acting)
    per_org = [k.key for k in kinds if not k.per_user]
    per_user = [k.key for k in kinds if k.per_user]
    return Relationship.objects.filter(
        Q(starts_on__lte=on),
        Q(ends_on__isnull=True) | Q(ends_on__gte=on),
        Q(organization_id__in=list(acting.scope_organization_ids)),
        Q(kind__in=per_org) | Q(kind__in=per_user, mentor_id=acting.user.pk),
    )


def _release_on(on: dt.date) -> Case:
    """The end of the newest sentence, for persons in custody now (released persons have none)."""
    newest_end = Subquery(
        Sentence.objects.filter(person=OuterRef("pk")).order_by("-starts_on", "-pk").values("ends_on")[:1]
    )
    in_custody = Exists(
        CustodyPeriod.objects.filter(person=OuterRef("pk"), admitted_on__lte=on, left_on__isnull=True)
    )
    return Case(When(in_custody, then=newest_end), default=None, output_field=DateField())


def _signed_assessments() -> QuerySet[Assessment]:
    # One signed assessment per person (a database constraint): the current one.
    return Assessment.objects.filter(person=OuterRef("pk"), status=AssessmentStatus.SIGNED)


def _signed_persons() -> QuerySet[Assessment, Any]:
    return Assessment.objects.filter(status=AssessmentStatus.SIGNED).values("person_id")


def _planned_persons() -> QuerySet[Plan, Any]:
    """Persons with an active plan: the others' plan state is "none"."""
    return Plan.objects.filter(status=PlanStatus.ACTIVE).values("person_id")


def _plan_state(on: dt.date) -> Case:
    active = Plan.objects.filter(person=OuterRef("pk"), status=PlanStatus.ACTIVE)
    return Case(
        When(~Exists(active), then=Value(PlanState.NONE)),
        When(Exists(active.filter(next_review_due__lt=on)), then=Value(PlanState.REVIEW_OVERDUE)),
        default=Value(PlanState.ACTIVE),
    )


def _due_querysets(acting: Acting, on: dt.date) -> list[QuerySet[Any]]:
    return [qs for due_dates in action_due_dates().values() for qs in due_dates(acting, on)]


def _overdue(acting: Acting, on: dt.date) -> Q:
    """Persons with an open action due before ``on``, from every source that gave its SQL form."""
    found = Q(pk__in=[])
    for qs in _due_querysets(acting, on):
        found |= Q(pk__in=qs.filter(due__lt=on).values("person_id"))
    return found


def _next_due(acting: Acting, on: dt.date) -> Any:
    """The earliest due date of the person's open actions (NULL when none is dated)."""
    earliest = [
        Coalesce(
            Subquery(qs.filter(person_id=OuterRef("pk")).order_by("due").values("due")[:1]),
            Value(_FAR_FUTURE),
            output_field=DateField(),
        )
        for qs in _due_querysets(acting, on)
    ]
    if not earliest:
        return Value(None, output_field=DateField())
    combined = earliest[0] if len(earliest) == 1 else Least(*earliest, output_field=DateField())
    return NullIf(combined, Value(_FAR_FUTURE), output_field=DateField())


def _risk_rank() -> Case:
    return Case(
        *[When(risk_level=level, then=Value(rank)) for level, rank in RISK_ORDER.items()],
        default=None,
        output_field=IntegerField(),
    )


def _annotated(persons: QuerySet[Person], acting: Acting, columns: Columns, on: dt.date) -> QuerySet[Person]:
    if columns.release:
        persons = persons.annotate(release_on=_release_on(on))
    if columns.assessment:
        persons = persons.annotate(
            risk_level=Subquery(_signed_assessments().values("risk_level")[:1]),
            assessed_at=Subquery(_signed_assessments().values("signed_at")[:1]),
            plan_state=_plan_state(on),
        )
    return persons


def caseload(
    acting: Acting, filters: Filters, *, on: dt.date, columns: Columns | None = None
) -> QuerySet[Person]:
    """The acting membership's persons, filtered and sorted, with the visible columns annotated."""
    columns = columns or Columns.for_acting(acting)
    filters = filters.within(columns)
    persons: QuerySet[Person] = (
        person_search(acting=acting, query=filters.q) if filters.q else _visible(acting)
    )
    if filters.relation:
        persons = persons.filter(
            pk__in=_active_relationships(acting, on).filter(kind=filters.relation).values("person_id")
        )
    if filters.overdue:
        persons = persons.filter(_overdue(acting, on))
    persons = _annotated(persons, acting, columns, on)
    # The filters are uncorrelated IN lists, built once, not the row annotations above evaluated for
    # every person of the caseload; they select the same persons as the columns show.
    if filters.release_within:
        releases = _releases_between(on, _visible(acting))
        persons = persons.filter(
            pk__in=releases(on + dt.timedelta(days=filters.release_within)).values("person_id")
        )
    if filters.without_assessment:
        persons = persons.exclude(pk__in=_signed_persons())
    if filters.without_plan:
        persons = persons.exclude(pk__in=_planned_persons())
    if filters.risk:
        persons = persons.filter(
            pk__in=Assessment.objects.filter(status=AssessmentStatus.SIGNED, risk_level=filters.risk).values(
                "person_id"
            )
        )
    return _sorted(persons, acting, filters.sort, on)


def _visible(acting: Acting) -> QuerySet[Person]:
    return policy.visible_persons(acting)


def _sorted(persons: QuerySet[Person], acting: Acting, sort: str, on: dt.date) -> QuerySet[Person]:
    by_name = ("sort_key", "pk")
    if sort == Sort.RELEASE:
        return persons.order_by(F("release_on").asc(nulls_last=True), *by_name)
    if sort == Sort.RISK:
        return persons.annotate(risk_rank=_risk_rank()).order_by(
            F("risk_rank").desc(nulls_last=True), *by_name
        )
    if sort == Sort.NEXT_ACTION:
        return persons.annotate(next_due=_next_due(acting, on)).order_by(
            F("next_due").asc(nulls_last=True), *by_name
        )
    return persons.order_by(*by_name)


@dataclass(frozen=True)
class Summary:
    persons: int
    overdue: int
    releases: dict[int, int] = field(default_factory=dict)  # window in days → persons
    without_assessment: int | None = None
    without_plan: int | None = None


def caseload_summary(acting: Acting, *, on: dt.date, columns: Columns | None = None) -> Summary:
    """The counts of the tiles over the whole caseload, in two queries (one without release dates).

    Every person tile is a filtered count against an uncorrelated ``IN`` list, which the database
    builds once for the whole caseload: correlated subqueries per person (as the list's columns use for
    its page of fifty) would run thousands of times for a prison's caseload. The release windows are
    counted over the release sentences of the widest window, read once: each of them is the one
    release date of a distinct person, and three ``IN`` lists cost three times as much.
    """
    columns = columns or Columns.for_acting(acting)
    persons = _visible(acting)
    counts: dict[str, Any] = {"persons": Count("pk"), "overdue": Count("pk", filter=_overdue(acting, on))}
    if columns.assessment:
        counts["without_assessment"] = Count("pk", filter=~Q(pk__in=_signed_persons()))
        counts["without_plan"] = Count("pk", filter=~Q(pk__in=_planned_persons()))
    found = persons.aggregate(**counts)
    releases: dict[int, int] = {}
    if columns.release:
        within = _releases_between(on, persons)(on + dt.timedelta(days=max(RELEASE_WINDOWS)))
        by_window = within.aggregate(
            **{
                f"release_{days}": Count("pk", filter=Q(ends_on__lte=on + dt.timedelta(days=days)))
                for days in RELEASE_WINDOWS
            }
        )
        releases = {days: by_window[f"release_{days}"] for days in RELEASE_WINDOWS}
    return Summary(
        persons=found["persons"],
        overdue=found["overdue"],
        releases=releases,
        without_assessment=found.get("without_assessment"),
        without_plan=found.get("without_plan"),
    )


def _releases_between(on: dt.date, persons: QuerySet[Person]) -> Any:
    """Sentences of ``persons`` whose end is the release date of ``_release_on`` and falls from ``on``
    to a given day: the newest sentence (by start, then id) of a person held now, as the column takes it.
    """
    held = CustodyPeriod.objects.filter(
        admitted_on__lte=on, left_on__isnull=True, person_id__in=persons.values("pk")
    ).values("person_id")
    newer = Sentence.objects.filter(person_id=OuterRef("person_id")).filter(
        Q(starts_on__gt=OuterRef("starts_on")) | Q(starts_on=OuterRef("starts_on"), pk__gt=OuterRef("pk"))
    )

    def until(last: dt.date) -> QuerySet[Sentence]:
        return Sentence.objects.filter(ends_on__gte=on, ends_on__lte=last, person_id__in=held).exclude(
            Exists(newer)
        )

    return until


# --- rows ------------------------------------------------------------------------------------------


@dataclass
class Row:
    person: Person
    relations: list[str]  # relation kind keys
    relation_labels: list[str]
    actions: list[NextAction]
    overdue: int
    release_on: dt.date | None = None
    days_to_release: int | None = None
    risk_level: str = ""
    assessed_on: dt.date | None = None
    plan_state: str = ""

    @property
    def next_action(self) -> NextAction | None:
        return self.actions[0] if self.actions else None

    @property
    def risk_label(self) -> str:
        return str(RiskLevel(self.risk_level).label) if self.risk_level else ""

    @property
    def plan_label(self) -> str:
        return str(PlanState.LABELS.get(self.plan_state, ""))


def relation_labels(acting: Acting) -> dict[str, str]:
    return {kind.key: str(kind.label) for kind in rules.relation_kinds_of(acting)}


def rows(acting: Acting, persons: Sequence[Person], *, on: dt.date, columns: Columns) -> list[Row]:
    """The listed persons with relations and next actions: a fixed number of queries for any length."""
    ids = [p.pk for p in persons]
    labels = relation_labels(acting)
    relations: dict[int, list[str]] = {pk: [] for pk in ids}
    for person_id, kind in (
        _active_relationships(acting, on)
        .filter(person_id__in=ids)
        .order_by("kind")
        .values_list("person_id", "kind")
    ):
        if kind not in relations[person_id]:
            relations[person_id].append(kind)
    actions = next_actions(acting, ids, on)
    result = []
    for person in persons:
        own = actions.get(person.pk, [])
        row = Row(
            person=person,
            relations=relations[person.pk],
            relation_labels=[labels.get(kind, kind) for kind in relations[person.pk]],
            actions=own,
            overdue=sum(1 for action in own if action.is_overdue(on)),
        )
        if columns.release:
            row.release_on = getattr(person, "release_on", None)
            row.days_to_release = (row.release_on - on).days if row.release_on else None
        if columns.assessment:
            row.risk_level = getattr(person, "risk_level", None) or ""
            assessed_at = getattr(person, "assessed_at", None)
            row.assessed_on = timezone.localdate(assessed_at) if assessed_at else None
            row.plan_state = getattr(person, "plan_state", "")
        result.append(row)
    return result


def all_rows(acting: Acting, persons: QuerySet[Person], *, on: dt.date, columns: Columns) -> Iterator[Row]:
    """Every row of a filtered caseload (an export), enriched chunk by chunk."""
    chunk: list[Person] = []
    for person in persons.iterator(chunk_size=EXPORT_CHUNK):
        chunk.append(person)
        if len(chunk) == EXPORT_CHUNK:
            yield from rows(acting, chunk, on=on, columns=columns)
            chunk = []
    if chunk:
        yield from rows(acting, chunk, on=on, columns=columns)
