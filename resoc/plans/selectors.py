"""Reading plans: the plan page, the case-file section, and the official indicator "Plan fulfilment"."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import F, Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from resoc.access import policy
from resoc.access.context import Acting
from resoc.assessments.models import Assessment, Status
from resoc.casework.actions import NextAction, person_url_maker
from resoc.organizations.models import Organization
from resoc.people.models import Person
from resoc.plans.models import Goal, Measure, MeasureKind, MeasureStatus, Plan, PlanReview, PlanStatus
from resoc.plans.services import can_plan


def _measures() -> Prefetch[Any]:
    return Prefetch(
        "measures",
        queryset=Measure.objects.select_related("responsible_organization", "responsible_user").order_by(
            "due_on", "pk"
        ),
    )


def person_plan(*, person: Person) -> Plan | None:
    """The person's active plan, else the latest closed one, with goals, measures and reviews loaded."""
    return (
        Plan.objects.filter(person=person)
        .select_related("person", "organization", "assessment", "created_by", "closed_by")
        .prefetch_related(
            Prefetch("goals", queryset=Goal.objects.prefetch_related(_measures())),
            Prefetch("reviews", queryset=PlanReview.objects.select_related("reviewed_by")),
        )
        .order_by("status", "-created_at", "-pk")  # "active" sorts before "closed"
        .first()
    )


def goal_addressed(measures: Iterable[Measure]) -> bool:
    """Fully addressed: at least one measure that is not cancelled, and every such measure done."""
    counted = [m for m in measures if m.status != MeasureStatus.CANCELLED]
    return bool(counted) and all(m.status == MeasureStatus.DONE for m in counted)


@dataclass(frozen=True)
class GoalRow:
    goal: Goal
    measures: list[Measure]
    addressed: bool


def plan_goals(*, plan: Plan) -> list[GoalRow]:
    """The plan's goals with their measures (from the prefetch of :func:`person_plan`)."""
    rows = []
    for goal in plan.goals.all():
        measures = list(goal.measures.all())
        rows.append(GoalRow(goal=goal, measures=measures, addressed=goal_addressed(measures)))
    return rows


def plan_section(acting: Acting, person: Person) -> dict[str, Any]:
    """The plan's part of the case file's assessment section (keys prefixed ``plan_``)."""
    plan = (
        Plan.objects.filter(person=person, status=PlanStatus.ACTIVE)
        .only("public_id", "status", "next_review_due", "created_at", "person_id")
        .first()
    )
    may_plan = can_plan(acting, person)
    return {
        "plan_current": plan,
        "plan_review_overdue": plan.review_overdue() if plan else False,
        "plan_can_create": plan is None
        and may_plan
        and Assessment.objects.filter(person=person, status=Status.SIGNED).exists(),
    }


# --- next actions for the caseload screens (registered in the app config) --------------------------

ACTION_SOURCE = "plan_measure"
_OPEN_MEASURE = (MeasureStatus.PLANNED, MeasureStatus.IN_PROGRESS)


def _reads_plans_unasked(acting: Acting) -> bool:
    """Whether the role reads plans (the "assessment" category) without stating a purpose per person.

    The caseload lists many persons at once, so a role that must state a purpose sees here only the
    measures its own organization is responsible for, not the rest of the plan.
    """
    return (
        policy.ASSESSMENT.key in policy.ROLE_CATEGORIES.get(acting.role, frozenset())
        and acting.role not in policy.PURPOSE_REQUIRED_ROLES
        and acting.role not in policy.CONSENT_ROLES
    )


def _action_measures(acting: Acting) -> QuerySet[Measure]:
    """Open measures the acting organization is responsible for, or of plans it drew up (if it reads them)."""
    scope = list(acting.scope_organization_ids)
    mine = Q(responsible_organization_id__in=scope)
    if _reads_plans_unasked(acting):
        mine |= Q(goal__plan__organization_id__in=scope)
    return Measure.objects.filter(mine, status__in=_OPEN_MEASURE, goal__plan__status=PlanStatus.ACTIVE)


def _action_reviews(acting: Acting) -> QuerySet[Plan]:
    if not _reads_plans_unasked(acting):
        return Plan.objects.none()
    return Plan.objects.filter(
        status=PlanStatus.ACTIVE,
        next_review_due__isnull=False,
        organization_id__in=list(acting.scope_organization_ids),
    )


def plan_next_actions(acting: Acting, person_ids: Sequence[int], on: dt.date) -> list[NextAction]:
    """Open plan measures and due plan reviews of ``person_ids`` for the caseload (two queries).

    Rows as tuples and URLs from one ``reverse()``: an export asks this for thousands of persons.
    """
    actions: list[NextAction] = []
    measures = (
        _action_measures(acting)
        .filter(goal__plan__person_id__in=list(person_ids))
        .order_by("due_on", "pk")
        .values_list(
            "goal__plan__person_id",
            "goal__plan__person__public_id",
            "public_id",
            "kind",
            "description",
            "due_on",
        )
    )
    kinds = {kind: str(label) for kind, label in MeasureKind.choices}
    plan_url = person_url_maker("plans:detail")
    page_url = plan_url if _reads_plans_unasked(acting) else person_url_maker("people:detail")
    for person_id, person_public_id, public_id, kind, description, due_on in measures:
        url = page_url(person_public_id)
        if page_url is plan_url:
            url += f"#measure-{public_id}"
        actions.append(
            NextAction(
                person_id=person_id,
                due=due_on,
                text=f"{kinds.get(kind, kind)}: {description[:80]}",
                url=url,
                source=ACTION_SOURCE,
            )
        )
    reviews = (
        _action_reviews(acting)
        .filter(person_id__in=list(person_ids))
        .values_list("person_id", "person__public_id", "next_review_due")
    )
    review_text = _("Review of the resocialization plan")
    for person_id, person_public_id, next_review_due in reviews:
        actions.append(
            NextAction(
                person_id=person_id,
                due=next_review_due,
                text=review_text,
                url=plan_url(person_public_id) + "#reviews",
                source=ACTION_SOURCE,
            )
        )
    return actions


def plan_action_due_dates(acting: Acting, on: dt.date) -> list[QuerySet[Any]]:
    """The same actions as SQL rows (person_id, due), for filters and sorting over a whole caseload.

    One queryset for each way a measure is the organization's (an OR of the two would make the
    database read every open measure of every plan instead of using each branch's index); a measure
    in both appears twice, which neither "due before" nor "earliest due" minds.
    """
    scope = list(acting.scope_organization_ids)
    open_measures = Measure.objects.filter(status__in=_OPEN_MEASURE, goal__plan__status=PlanStatus.ACTIVE)
    branches = [open_measures.filter(responsible_organization_id__in=scope)]
    if _reads_plans_unasked(acting):
        branches.append(open_measures.filter(goal__plan__organization_id__in=scope))
    return [
        *(
            branch.annotate(person_id=F("goal__plan__person_id"), due=F("due_on")).values("person_id", "due")
            for branch in branches
        ),
        _action_reviews(acting).annotate(due=F("next_review_due")).values("person_id", "due"),
    ]


# --- the official indicator ------------------------------------------------------------------------


def _local_date(moment: dt.datetime) -> dt.date:
    return timezone.localdate(moment)


def _state_on(measure: Measure, on: dt.date) -> str:
    """The measure's status as it stood at the end of ``on``: final statuses are dated, others are not."""
    if measure.status in (MeasureStatus.DONE, MeasureStatus.CANCELLED) and measure.status_changed_on > on:
        return MeasureStatus.IN_PROGRESS
    return measure.status


@dataclass(frozen=True)
class OpenGoal:
    public_id: str
    need_key: str
    text: str
    measures: int  # non-cancelled measures counted on the day
    done: int


@dataclass(frozen=True)
class PlanCount:
    plan: Plan
    goals: int
    addressed: int
    open_goals: list[OpenGoal]

    @property
    def fulfilled(self) -> bool:
        return self.goals > 0 and not self.open_goals


@dataclass(frozen=True)
class OrganizationShare:
    organization: Organization
    counted: int
    fulfilled: int

    @property
    def share(self) -> Decimal | None:
        return percent(self.fulfilled, self.counted)


@dataclass(frozen=True)
class Fulfilment:
    on: dt.date
    plans: list[PlanCount]  # plans with at least one goal: the persons counted
    without_goals: list[Plan] = field(default_factory=list)  # no need set in the plan: not counted
    organizations: list[OrganizationShare] = field(default_factory=list)

    @property
    def counted(self) -> int:
        return len(self.plans)

    @property
    def fulfilled(self) -> int:
        return sum(1 for p in self.plans if p.fulfilled)

    @property
    def share(self) -> Decimal | None:
        return percent(self.fulfilled, self.counted)


def percent(part: int, whole: int) -> Decimal | None:
    """``part`` of ``whole`` in per cent, rounded half up to one decimal (2 of 3 → 66.7)."""
    if whole == 0:
        return None
    return (Decimal(part * 100) / Decimal(whole)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def plan_fulfilment(*, organization_ids: Iterable[int], on: dt.date) -> Fulfilment:
    """ "Plan fulfilment": the share of convicts whose needs set in the plan were fully addressed.

    Counted, per person, is the plan in effect at the end of ``on`` (drawn up on or before it and
    not closed before it) of one of ``organization_ids``. A goal (a need set in the plan) is fully
    addressed when it has at least one measure that is not cancelled and every such measure is done
    — as the measures stood on ``on``; goals and measures added later do not count. A plan is
    fulfilled when every goal is fully addressed; a plan without goals sets no need and is reported
    apart, not counted. The share is reported per organization of the plan.
    """
    day_end = timezone.make_aware(dt.datetime.combine(on + dt.timedelta(days=1), dt.time.min))
    day_start = day_end - dt.timedelta(days=1)
    plans = list(
        Plan.objects.filter(organization_id__in=list(organization_ids), created_at__lt=day_end)
        .filter(Q(closed_at__isnull=True) | Q(closed_at__gte=day_start))
        .select_related("person", "organization")
        .prefetch_related(
            Prefetch(
                "goals",
                queryset=Goal.objects.filter(created_at__lt=day_end).prefetch_related(
                    Prefetch("measures", queryset=Measure.objects.filter(created_at__lt=day_end))
                ),
            )
        )
        .order_by("person_id", "-created_at", "-pk")
    )
    counted: list[PlanCount] = []
    without_goals: list[Plan] = []
    seen: set[int] = set()
    for plan in plans:
        if plan.person_id in seen:
            continue  # an earlier plan closed on the day a new one was drawn up
        seen.add(plan.person_id)
        goals = list(plan.goals.all())
        if not goals:
            without_goals.append(plan)
            continue
        open_goals = []
        for goal in goals:
            states = [_state_on(m, on) for m in goal.measures.all()]
            active = [s for s in states if s != MeasureStatus.CANCELLED]
            done = sum(1 for s in active if s == MeasureStatus.DONE)
            if not active or done < len(active):
                open_goals.append(
                    OpenGoal(str(goal.public_id), goal.need_key, goal.text, measures=len(active), done=done)
                )
        counted.append(
            PlanCount(
                plan=plan, goals=len(goals), addressed=len(goals) - len(open_goals), open_goals=open_goals
            )
        )
    by_org: dict[int, list[PlanCount]] = {}
    for entry in counted:
        by_org.setdefault(entry.plan.organization_id, []).append(entry)
    organizations = sorted(
        (
            OrganizationShare(
                organization=entries[0].plan.organization,
                counted=len(entries),
                fulfilled=sum(1 for e in entries if e.fulfilled),
            )
            for entries in by_org.values()
        ),
        key=lambda share: share.organization.name,
    )
    counted.sort(key=lambda e: e.plan.person.sort_key)
    return Fulfilment(on=on, plans=counted, without_goals=without_goals, organizations=organizations)
