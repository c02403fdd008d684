"""The plan's part of the handover at release: which receiving organization takes over each open
measure the prison was responsible for.

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
from resoc.organizations.models import Organization
from resoc.people.models import Person
from resoc.plans import services as plan_services
from resoc.plans.models import FINAL_STATUSES, Measure, Plan, PlanStatus
from resoc.release import services
from resoc.release.models import HandoverChoice, ReleasePreparation
from resoc.sentences import services as sentence_services

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
