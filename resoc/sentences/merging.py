"""The sentence journey follows a person when a duplicate record is merged (see ``people.merging``).

Sentences, custody periods (with their temporary absences), releases and probation periods move to
the surviving record, and the relationships the policy reads are derived again from the periods.
Concurrent sentences are lawful, but one person cannot be held in two prisons or supervised twice on
the same day: periods of the two records that overlap refuse the merge until one record is corrected.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from resoc.people.models import Person
from resoc.sentences.models import CustodyPeriod, ProbationPeriod, Release, Sentence, TemporaryAbsence
from resoc.sentences.services import sync_relationships


def _span(starts_on: dt.date, ends_on: dt.date | None) -> str:
    return f"{starts_on:%d.%m.%Y}–{ends_on:%d.%m.%Y}" if ends_on else f"{starts_on:%d.%m.%Y}–"


def _custody_overlaps(kept: CustodyPeriod, merged: CustodyPeriod) -> bool:
    # A transfer ends one period and opens the next on the same day: periods may touch on that day.
    return (merged.left_on is None or kept.admitted_on < merged.left_on) and (
        kept.left_on is None or merged.admitted_on < kept.left_on
    )


def _probation_overlaps(kept: ProbationPeriod, merged: ProbationPeriod) -> bool:
    # As probation_start: supervision days are inclusive, a new period starts after the last one ended.
    return (merged.ends_on is None or kept.starts_on <= merged.ends_on) and (
        kept.ends_on is None or merged.starts_on <= kept.ends_on
    )


def _custody_conflicts(kept: Iterable[CustodyPeriod], merged: list[CustodyPeriod]) -> list[ValidationError]:
    return [
        ValidationError(
            _(
                "Both records have custody periods for the same days: %(kept)s in the kept record and "
                "%(merged)s in the duplicate. Correct the custody periods before merging."
            )
            % {
                "kept": f"{a.prison.name} {_span(a.admitted_on, a.left_on)}",
                "merged": f"{b.prison.name} {_span(b.admitted_on, b.left_on)}",
            },
            code="custody_overlap",
        )
        for a in kept
        for b in merged
        if _custody_overlaps(a, b)
    ]


def _probation_conflicts(
    kept: Iterable[ProbationPeriod], merged: list[ProbationPeriod]
) -> list[ValidationError]:
    return [
        ValidationError(
            _(
                "Both records have probation periods for the same days: %(kept)s in the kept record and "
                "%(merged)s in the duplicate. Correct the probation periods before merging."
            )
            % {
                "kept": f"{a.probation_unit.name} {_span(a.starts_on, a.ends_on)}",
                "merged": f"{b.probation_unit.name} {_span(b.starts_on, b.ends_on)}",
            },
            code="probation_overlap",
        )
        for a in kept
        for b in merged
        if _probation_overlaps(a, b)
    ]


def merge_sentence_journey(source: Person, target: Person) -> dict[str, int]:
    """Move the journey of ``source`` to ``target``; refuse overlapping periods, changing nothing."""
    custody = list(CustodyPeriod.objects.select_related("prison").filter(person__in=[source, target]))
    probation = list(
        ProbationPeriod.objects.select_related("probation_unit").filter(person__in=[source, target])
    )
    conflicts = _custody_conflicts(
        (p for p in custody if p.person_id == target.pk), [p for p in custody if p.person_id == source.pk]
    ) + _probation_conflicts(
        (p for p in probation if p.person_id == target.pk), [p for p in probation if p.person_id == source.pk]
    )
    if conflicts:
        raise ValidationError(conflicts)
    moved = {
        # Absences belong to their custody period and move with it; counted for the audit entry.
        "temporary_absences": TemporaryAbsence.objects.filter(custody_period__person=source).count(),
        "sentences": Sentence.objects.filter(person=source).update(person=target),
        "custody_periods": CustodyPeriod.objects.filter(person=source).update(person=target),
        "releases": Release.objects.filter(person=source).update(person=target),
        "probation_periods": ProbationPeriod.objects.filter(person=source).update(person=target),
    }
    # The merged rows of both records may now repeat or contradict each other: derive them again.
    sync_relationships(person=target)
    sync_relationships(person=source)
    return moved
