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
from resoc.casework.actions import NextAction, person_url_maker
from resoc.organizations.models import Organization
from resoc.people.models import Person
from resoc.plans.models import (
    Goal,
    Measure,
    MeasureKind,
    MeasureStatus,
    Plan,
    PlanHandover,
    PlanReview,
    PlanStatus,
)
from resoc.plans.services import PLANNER_ROLES


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
        .select_related("person", "organization", "assessment", "created_by", "closed_by", "held_by")
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
    return {
        "plan_current": plan,
        "plan_review_overdue": plan.review_overdue() if plan else False,
        # ``can_plan`` without its policy query: the page asks for this section only when the policy
        # lets ``acting`` read the assessment category (``people.sections``). The plan is drawn up from
        # the signed assessment, which the template takes from the assessments app's ``latest`` (read
        # already): a person without a plan costs no query more than one with a plan.
        "plan_may_create": plan is None and acting.role in PLANNER_ROLES,
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
        mine |= _kept_by(scope, prefix="goal__plan__")
    return Measure.objects.filter(mine, status__in=_OPEN_MEASURE, goal__plan__status=PlanStatus.ACTIVE)


def _kept_by(scope: list[int], *, prefix: str = "") -> Q:
    """Plans kept now by ``scope``: drawn up there and not handed over, or taken over at a release."""
    return Q(**{f"{prefix}handed_over_on__isnull": True, f"{prefix}organization_id__in": scope}) | Q(
        **{f"{prefix}handed_over_on__isnull": False, f"{prefix}held_by_id__in": scope}
    )


def _action_reviews(acting: Acting) -> QuerySet[Plan]:
    if not _reads_plans_unasked(acting):
        return Plan.objects.none()
    return Plan.objects.filter(
        _kept_by(list(acting.scope_organization_ids)),
        status=PlanStatus.ACTIVE,
        next_review_due__isnull=False,
    )


def responsible_measures(acting: Acting, person: Person) -> list[Measure]:
    """The measures of the person's active plan that the acting organization is responsible for:
    what a receiving organization that does not read the plan itself sees and works."""
    return list(
        Measure.objects.filter(
            goal__plan__person=person,
            goal__plan__status=PlanStatus.ACTIVE,
            responsible_organization_id__in=list(acting.scope_organization_ids),
        )
        .select_related("responsible_organization", "responsible_user", "goal__plan")
        .order_by("due_on", "pk")
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
            "responsible_organization_id",
        )
    )
    kinds = {kind: str(label) for kind, label in MeasureKind.choices}
    plan_url = person_url_maker("plans:detail")
    person_url = person_url_maker("people:detail")
    may_open_plan = _reads_plans_unasked(acting)
    scope = acting.scope_organization_ids
    for person_id, person_public_id, public_id, kind, description, due_on, responsible_id in measures:
        # The plan page shows a responsible organization its own measures even without the plan.
        if may_open_plan or responsible_id in scope:
            url = plan_url(person_public_id) + f"#measure-{public_id}"
        else:
            url = person_url(person_public_id)
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
        # The two halves of _kept_by: plans drawn up here and not handed over, plans taken over here.
        branches.append(
            open_measures.filter(
                goal__plan__handed_over_on__isnull=True, goal__plan__organization_id__in=scope
            )
        )
        branches.append(
            open_measures.filter(goal__plan__handed_over_on__isnull=False, goal__plan__held_by_id__in=scope)
        )
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
    handed_over: list[HandedOver] = field(default_factory=list)  # passed on at release: not counted here

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


@dataclass(frozen=True)
class HandedOver:
    """A plan of the organization passed on at release before the day: counted by its new keeper."""

    plan: Plan
    handed_over_on: dt.date
    kept_by: Organization | None


def _keeper_on(plan: Plan, on: dt.date) -> tuple[Organization | None, PlanHandover | None]:
    """Who keeps the plan at the end of ``on``: the drawing-up organization until the end of the day of
    a handover, from the next day the organization that took it over (from the prefetch)."""
    keeper: Organization | None = plan.organization
    last: PlanHandover | None = None
    for handover in plan.handovers.all():
        if handover.handed_over_on < on:
            keeper, last = handover.to_organization, handover
    return keeper, last


def plan_fulfilment(*, organization_ids: Iterable[int], on: dt.date) -> Fulfilment:
    """ "Plan fulfilment": the share of convicts whose needs set in the plan were fully addressed.

    Counted, per person, is the plan in effect at the end of ``on`` (drawn up on or before it and
    not closed before it) kept on that day by one of ``organization_ids``. A goal (a need set in the
    plan) is fully addressed when it has at least one measure that is not cancelled and every such
    measure is done — as the measures stood on ``on``; goals and measures added later do not count. A
    plan is fulfilled when every goal is fully addressed; a plan without goals sets no need and is
    reported apart, not counted. The share is reported per keeping organization.

    A plan handed over at release is counted for the prison up to and including the day of the
    handover (as its measures stood that day: later work of the receiver does not change the prison's
    past figures), and from the next day for the probation unit that took it over (for no one when
    only a municipality received it: the person is no longer a convict of the prison). The prison's
    result lists such plans apart (``handed_over``), so its figure stays traceable.
    """
    ids = set(organization_ids)
    day_end = timezone.make_aware(dt.datetime.combine(on + dt.timedelta(days=1), dt.time.min))
    day_start = day_end - dt.timedelta(days=1)
    plans = list(
        Plan.objects.filter(Q(organization_id__in=ids) | Q(handovers__to_organization_id__in=ids))
        .filter(created_at__lt=day_end)
        .filter(Q(closed_at__isnull=True) | Q(closed_at__gte=day_start))
        .distinct()
        .select_related("person", "organization")
        .prefetch_related(
            Prefetch(
                "handovers",
                queryset=PlanHandover.objects.select_related("to_organization").order_by(
                    "handed_over_on", "pk"
                ),
            ),
            Prefetch(
                "goals",
                queryset=Goal.objects.filter(created_at__lt=day_end).prefetch_related(
                    Prefetch("measures", queryset=Measure.objects.filter(created_at__lt=day_end))
                ),
            ),
        )
        .order_by("person_id", "-created_at", "-pk")
    )
    counted: list[PlanCount] = []
    keepers: dict[int, Organization] = {}
    without_goals: list[Plan] = []
    handed_over: list[HandedOver] = []
    seen: set[int] = set()
    for plan in plans:
        if plan.person_id in seen:
            continue  # an earlier plan closed on the day a new one was drawn up
        keeper, last = _keeper_on(plan, on)
        if keeper is None or keeper.pk not in ids:
            if last is not None and plan.organization_id in ids:
                handed_over.append(HandedOver(plan, last.handed_over_on, last.to_organization))
            continue
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
        keepers[plan.pk] = keeper
    by_org: dict[int, list[PlanCount]] = {}
    for entry in counted:
        by_org.setdefault(keepers[entry.plan.pk].pk, []).append(entry)
    organizations = sorted(
        (
            OrganizationShare(
                organization=keepers[entries[0].plan.pk],
                counted=len(entries),
                fulfilled=sum(1 for e in entries if e.fulfilled),
            )
            for entries in by_org.values()
        ),
        key=lambda share: share.organization.name,
    )
    counted.sort(key=lambda e: e.plan.person.sort_key)
    handed_over.sort(key=lambda h: (h.handed_over_on, h.plan.person.sort_key))
    return Fulfilment(
        on=on,
        plans=counted,
        without_goals=without_goals,
        organizations=organizations,
        handed_over=handed_over,
    )
