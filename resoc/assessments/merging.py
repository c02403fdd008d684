"""Assessments follow a person when a duplicate record is merged (see ``people.merging``).

A person has at most one draft and one signed (current) assessment. Two drafts cannot be combined:
the merge is refused until one of them is finished. Of two signed assessments the later one stays
current and the earlier one is superseded, exactly as if it had been signed after the other.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from resoc.assessments.models import Assessment, Status
from resoc.people.models import Person


def merge_assessments(source: Person, target: Person) -> dict[str, int]:
    """Move the assessments (with their scores) of ``source`` to ``target``."""
    drafts = Assessment.objects.filter(person__in=[source, target], status=Status.DRAFT)
    if drafts.values("person_id").distinct().count() == 2:
        raise ValidationError(
            _(
                "Both records have a risk and needs assessment in progress. Finish and sign one of them "
                "before merging."
            ),
            code="assessment_drafts",
        )
    signed = list(
        Assessment.objects.select_for_update()
        .filter(person__in=[source, target], status=Status.SIGNED)
        .order_by("signed_at", "pk")
    )
    superseded = 0
    if len(signed) == 2:
        earlier = signed[0]
        earlier.status = Status.SUPERSEDED
        # Before the move: the database allows one signed assessment per person.
        earlier.save(update_fields=["status", "updated_at"])
        superseded = 1
    moved = Assessment.objects.filter(person=source).update(person=target)
    return {"assessments": moved, "assessments_superseded": superseded}
