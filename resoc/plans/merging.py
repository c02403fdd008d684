"""Resocialization plans follow a person when a duplicate record is merged (see ``people.merging``).

A person has one active plan at a time; two active plans cannot be combined, so the merge is refused
until one of them is closed. Closed plans move as they are, with their goals, measures and reviews.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from resoc.people.models import Person
from resoc.plans.models import Plan, PlanStatus


def merge_plans(source: Person, target: Person) -> dict[str, int]:
    """Move the plans of ``source`` to ``target``."""
    active = Plan.objects.filter(person__in=[source, target], status=PlanStatus.ACTIVE)
    if active.values("person_id").distinct().count() == 2:
        raise ValidationError(
            _("Both records have an active resocialization plan. Close one of them before merging."),
            code="plans_active",
        )
    return {"plans": Plan.objects.filter(person=source).update(person=target)}
