"""Reads of the sentence journey; the caller has asked the policy whether "sentence" is readable."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch

from resoc.access.context import Acting
from resoc.people.models import Person
from resoc.sentences import services
from resoc.sentences.models import CustodyPeriod, ProbationPeriod, Release, Sentence, TemporaryAbsence


def custody_periods(*, person: Person) -> list[CustodyPeriod]:
    """Newest first, with prison, regime level and absences (a fixed number of queries)."""
    return list(
        CustodyPeriod.objects.filter(person=person)
        .select_related("prison", "regime_level__institution_type")
        .prefetch_related(Prefetch("absences", queryset=TemporaryAbsence.objects.order_by("-starts_on")))
    )


def probation_periods(*, person: Person) -> list[ProbationPeriod]:
    return list(ProbationPeriod.objects.filter(person=person).select_related("probation_unit", "officer"))


def sentence_section(acting: Acting, person: Person) -> dict[str, Any]:
    """The case file's "sentence" section (registered in the app config): history and allowed actions.

    The people view calls this only when the policy lets ``acting`` read the category; the page view
    writes the audit entry of the visit (and of the purpose, where one is required).
    """
    custody = custody_periods(person=person)
    probation = probation_periods(person=person)
    holding = next((period for period in custody if period.left_on is None), None)
    may_custody = services.may_change_custody(acting, person, holding=holding, readable=True)
    return {
        "sentences": list(Sentence.objects.filter(person=person).select_related("release_probation_unit")),
        "custody_periods": custody,
        "holding": holding,
        "releases": list(Release.objects.filter(person=person).select_related("custody_period__prison")),
        "probation_periods": probation,
        "may_record_sentence": services.may_record_sentence(acting, person, readable=True),
        "may_admit": may_custody and holding is None,
        "may_change_custody": may_custody and holding is not None,
        "may_start_probation": services.may_start_probation(acting, person, readable=True),
        "endable_probation": [
            p for p in probation if p.ends_on is None and services.may_end_probation(acting, p)
        ],
    }
