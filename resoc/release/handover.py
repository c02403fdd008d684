"""The handover at release: open release tasks, the plan and the prison's open plan measures pass to
the receiving probation unit and/or the municipality (:func:`release_hand_over`).

Before the release the prison's officer may choose, per measure, the receiving probation unit or the
municipality (:func:`handover_choices_set`); without a choice the default applies — the probation
unit, which supervises the person and keeps the plan, else the municipality. At release
:func:`plan_measures_hand_over` passes the plan on through ``plans.services.plan_hand_over``, which
writes the plan's history, timeline event and audit entry.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from resoc.access.context import Acting
from resoc.audit.models import AuditAction
from resoc.organizations.models import Organization, OrganizationType
from resoc.people.models import Person
from resoc.plans import services as plan_services
from resoc.plans.models import FINAL_STATUSES, Measure, Plan, PlanStatus
from resoc.release import events, services
from resoc.release.models import (
    Handover,
    HandoverChoice,
    HandoverItem,
    HandoverItemKind,
    ReleasePreparation,
    ReleaseTask,
    TaskStatus,
)
from resoc.release.rules import current_sentence
from resoc.sentences import services as sentence_services
from resoc.sentences.models import ProbationPeriod, Release, Sentence

RECORD_CHOICES = "handover_choices"


def receivers(
    preparation: ReleasePreparation | None, probation_unit: Organization | None
) -> list[Organization]:
    """The organizations that may take measures over: the probation unit first (the default)."""
    found = [probation_unit, preparation.municipality if preparation is not None else None]
    return [org for org in found if org is not None]


def prison_measures(person: Person, prison_id: int) -> list[Measure]:
    """Open measures of the person's active plan that the prison is responsible for."""
    return list(
        Measure.objects.filter(
            goal__plan__person=person,
            goal__plan__status=PlanStatus.ACTIVE,
            responsible_organization_id=prison_id,
        )
        .exclude(status__in=FINAL_STATUSES)
        .select_related("goal__plan", "responsible_organization")
        .order_by("due_on", "pk")
    )


def _chosen(preparation: ReleasePreparation | None) -> dict[int, int]:
    if preparation is None:
        return {}
    return dict(
        HandoverChoice.objects.filter(preparation=preparation).values_list("measure_id", "organization_id")
    )


def assignments(
    measures: Sequence[Measure], options: Sequence[Organization], preparation: ReleasePreparation | None
) -> list[tuple[Measure, Organization]]:
    """Each measure's receiver: the stored choice if it is still a receiver, else the default."""
    if not options:
        return []
    by_id = {org.pk: org for org in options}
    chosen = _chosen(preparation)
    return [(measure, by_id.get(chosen.get(measure.pk, -1), options[0])) for measure in measures]


@dataclass(frozen=True)
class ChoiceRow:
    measure: Measure
    organization: Organization


def handover_rows(person: Person) -> tuple[list[ChoiceRow], list[Organization]]:
    """What the release page offers: the prison's open measures with their receiver, and the options."""
    holding = sentence_services.open_custody_period(person)
    preparation = services._current_preparation(person)
    if holding is None or preparation is None:
        return [], []
    options = receivers(preparation, preparation.probation_unit)
    rows = assignments(prison_measures(person, holding.prison_id), options, preparation)
    return [ChoiceRow(measure, org) for measure, org in rows], options


def handover_choices_set(*, acting: Acting, person: Person, choices: Mapping[str, str]) -> int:
    """Store who takes over each measure (measure public id → organization code); answers how many.

    The prison's officer who may generate the timeline chooses; every measure must be an open one of
    the prison and every organization a receiver of the preparation.
    """
    holding = sentence_services.open_custody_period(person)
    if not services.may_generate(acting, person, holding=holding):
        raise PermissionDenied
    assert holding is not None
    preparation = services._current_preparation(person)
    errors = services._Errors()
    if preparation is None:
        errors.add("choices", _("Generate the release preparation timeline first."), "no_preparation")
        errors.raise_any()
    assert preparation is not None
    options = {org.code: org for org in receivers(preparation, preparation.probation_unit)}
    measures = {str(m.public_id): m for m in prison_measures(person, holding.prison_id)}
    for measure_id, code in choices.items():
        if measure_id not in measures:
            errors.add("choices", _("Only open measures of the prison are handed over."), "not_open")
        if code not in options:
            errors.add(
                "choices",
                _("Choose the receiving probation unit or the municipality named in the preparation."),
                "not_a_receiver",
            )
    errors.raise_any()
    with transaction.atomic():
        for measure_id, code in choices.items():
            HandoverChoice.objects.update_or_create(
                preparation=preparation,
                measure=measures[measure_id],
                defaults={"organization": options[code], "chosen_by": acting.user},
            )
        services._audit(
            acting,
            AuditAction.UPDATE,
            person,
            RECORD_CHOICES,
            preparation=str(preparation.public_id),
            choices=dict(choices),
        )
    return len(choices)


def plan_measures_hand_over(
    *,
    acting: Acting,
    person: Person,
    prison: Organization,
    preparation: ReleasePreparation | None,
    probation_unit: Organization | None,
    released_on: dt.date,
    reference: str,
) -> dict[int, Organization]:
    """Pass the active plan and the prison's open measures on; answers the new receiver per measure id."""
    options = receivers(preparation, probation_unit)
    plan = Plan.objects.filter(person=person, status=PlanStatus.ACTIVE).select_related("organization").first()
    if plan is None or not options:
        return {}
    moving = assignments(prison_measures(person, prison.pk), options, preparation)
    plan_services.plan_hand_over(
        acting=acting,
        plan=plan,
        from_organization=prison,
        keeper=probation_unit,
        assignments=moving,
        receivers=options,
        handed_over_on=released_on,
        reference=reference,
    )
    return {measure.pk: organization for measure, organization in moving}


def release_hand_over(*, acting: Acting, release: Release) -> Handover | None:
    """Pass the case on at release (through ``services.hand_over``, inside the release's transaction).

    The release service has already checked that ``acting`` may release the person. The prison's open
    release tasks move to the receiving probation unit (else the municipality); the active plan and the
    open measures the prison was responsible for pass on through ``plans.services.plan_hand_over``
    (each measure to the receiver chosen for it, see ``release.handover``); every open task and every
    open measure of the active plan is listed in the handover. Nothing is handed over when there is
    neither a preparation nor an open item.
    """

    person = release.person
    period = release.custody_period
    sentence = current_sentence(person, period)
    preparation = (
        ReleasePreparation.objects.filter(sentence=sentence).first() if sentence is not None else None
    )
    probation_unit = _receiving_probation_unit(person, sentence, preparation)
    municipality = preparation.municipality if preparation is not None else None
    receiver = probation_unit or municipality
    open_tasks = list(
        ReleaseTask.objects.filter(person=person, status=TaskStatus.OPEN).select_related(
            "assigned_organization"
        )
    )
    open_measures = list(
        Measure.objects.filter(goal__plan__person=person, goal__plan__status=PlanStatus.ACTIVE)
        .exclude(status__in=FINAL_STATUSES)
        .select_related("responsible_organization")
        .order_by("due_on", "pk")
    )
    has_plan = Plan.objects.filter(person=person, status=PlanStatus.ACTIVE).exists()
    if preparation is None and not open_tasks and not open_measures and not has_plan:
        return None
    handover = Handover.objects.create(
        person=person,
        release=release,
        preparation=preparation,
        from_prison_id=period.prison_id,
        to_probation_unit=probation_unit,
        to_municipality=municipality,
        handed_over_on=release.released_on,
        recorded_by=acting.user,
    )
    items: list[HandoverItem] = []
    moved: list[ReleaseTask] = []
    for task in open_tasks:
        previous = task.assigned_organization
        if receiver is not None and task.assigned_organization_id == period.prison_id:
            task.assigned_organization = receiver
            task.assigned_role = services.RECEIVING_ROLE[OrganizationType(receiver.type)]
            task.assigned_user = None
            moved.append(task)
        items.append(
            HandoverItem(
                handover=handover,
                kind=HandoverItemKind.RELEASE_TASK,
                task=task,
                text=task.title[:300],
                due_on=task.due_on,
                previous_organization=previous,
                organization=task.assigned_organization,
            )
        )
    ReleaseTask.objects.bulk_update(moved, ["assigned_organization", "assigned_role", "assigned_user"])
    taken_over = plan_measures_hand_over(
        acting=acting,
        person=person,
        prison=period.prison,
        preparation=preparation,
        probation_unit=probation_unit,
        released_on=release.released_on,
        reference=str(handover.public_id),
    )
    items.extend(
        HandoverItem(
            handover=handover,
            kind=HandoverItemKind.PLAN_MEASURE,
            measure=measure,
            text=measure.description[:300],
            due_on=measure.due_on,
            previous_organization=measure.responsible_organization,
            # Measures of other organizations (e.g. NVA) stay theirs; the prison's pass on.
            organization=taken_over.get(measure.pk, measure.responsible_organization),
        )
        for measure in open_measures
    )
    HandoverItem.objects.bulk_create(items)
    if preparation is not None:
        services._sync_municipality(preparation, released_on=release.released_on)
    events.handover_event(handover=handover, acting=acting, items=len(items))
    services._audit(
        acting,
        AuditAction.CREATE,
        person,
        services.RECORD_HANDOVER,
        handover=str(handover.public_id),
        tasks=len(open_tasks),
        reassigned=len(moved),
        measures=len(open_measures),
        measures_taken_over=len(taken_over),
    )
    return handover


def _receiving_probation_unit(
    person: Person, sentence: Sentence | None, preparation: ReleasePreparation | None
) -> Organization | None:
    if preparation is not None and preparation.probation_unit is not None:
        return preparation.probation_unit
    if sentence is not None and sentence.release_probation_unit is not None:
        return sentence.release_probation_unit
    supervising = (
        ProbationPeriod.objects.filter(person=person, ends_on__isnull=True)
        .select_related("probation_unit")
        .first()
    )
    return supervising.probation_unit if supervising is not None else None
