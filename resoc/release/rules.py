"""When an inter-institutional meeting (VPD, IeVP, State Police) is required or possible.

DOMAIN.md: required for serious violent and sexual offences, signs of radicalisation and juvenile
probation clients; possible for mental-health disorders or very high risk. The sentence records carry
no offence category, so the offence and radicalisation facts come from :class:`MeetingIndicator`
rows officers record with their source (withdrawn ones no longer count); age comes from the date of birth and the start of probation
(or, while the person is still in custody, the expected release, when probation would start); very
high risk from the person's signed risk and needs assessment.

Everything here answers for many persons in a fixed number of queries (the list pages need that).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.db.models import Q
from django.utils import timezone

from resoc.assessments.models import Assessment, RiskLevel
from resoc.assessments.models import Status as AssessmentStatus
from resoc.people.models import Person
from resoc.release.models import (
    REQUIRED_REASONS,
    IndicatorKind,
    MeetingIndicator,
    MeetingReason,
    ReleasePreparation,
)
from resoc.sentences.models import CustodyPeriod, ProbationPeriod, Sentence

ADULT_AGE = 18
_INDICATOR_REASONS = {
    IndicatorKind.SERIOUS_VIOLENT_OFFENCE: MeetingReason.SERIOUS_VIOLENT_OFFENCE,
    IndicatorKind.SEXUAL_OFFENCE: MeetingReason.SEXUAL_OFFENCE,
    IndicatorKind.RADICALISATION: MeetingReason.RADICALISATION,
    IndicatorKind.MENTAL_HEALTH: MeetingReason.MENTAL_HEALTH,
}
_ORDER = {reason: index for index, reason in enumerate(MeetingReason)}


def adult_on(date_of_birth: dt.date) -> dt.date:
    """The 18th birthday (1 March for those born on 29 February)."""
    try:
        return date_of_birth.replace(year=date_of_birth.year + ADULT_AGE)
    except ValueError:
        return dt.date(date_of_birth.year + ADULT_AGE, 3, 1)


def current_sentence(person: Person, holding: CustodyPeriod) -> Sentence | None:
    """The sentence the person is serving in ``holding``: the latest-ending one not over before admission."""
    return (
        Sentence.objects.filter(person=person, ends_on__gte=holding.admitted_on)
        .select_related("release_probation_unit")
        .order_by("-ends_on", "-pk")
        .first()
    )


def expected_releases(person_ids: Sequence[int]) -> dict[int, dt.date]:
    """The expected release date of each person held now: the preparation's date, else the sentence end."""
    admitted = dict(
        CustodyPeriod.objects.filter(person_id__in=person_ids, left_on__isnull=True).values_list(
            "person_id", "admitted_on"
        )
    )
    if not admitted:
        return {}
    chosen: dict[int, tuple[dt.date, int]] = {}
    for person_id, sentence_id, ends_on in Sentence.objects.filter(person_id__in=list(admitted)).values_list(
        "person_id", "pk", "ends_on"
    ):
        if ends_on >= admitted[person_id] and (
            person_id not in chosen or (ends_on, sentence_id) > chosen[person_id]
        ):
            chosen[person_id] = (ends_on, sentence_id)
    planned = dict(
        ReleasePreparation.objects.filter(sentence_id__in=[s for _e, s in chosen.values()]).values_list(
            "sentence_id", "release_on"
        )
    )
    return {
        person_id: planned.get(sentence_id, ends_on) for person_id, (ends_on, sentence_id) in chosen.items()
    }


def meeting_reasons(person_ids: Sequence[int], *, on: dt.date) -> dict[int, list[MeetingReason]]:
    """The reasons for a meeting that apply to each person on ``on`` (required and possible ones)."""
    found: dict[int, set[MeetingReason]] = {pk: set() for pk in person_ids}
    if not person_ids:
        return {}
    for person_id, kind in (
        MeetingIndicator.objects.filter(person_id__in=person_ids, withdrawn_at__isnull=True)
        .values_list("person_id", "kind")
        .distinct()
    ):
        found[person_id].add(_INDICATOR_REASONS[IndicatorKind(kind)])
    for person_id in Assessment.objects.filter(
        person_id__in=person_ids, status=AssessmentStatus.SIGNED, risk_level=RiskLevel.VERY_HIGH
    ).values_list("person_id", flat=True):
        found[person_id].add(MeetingReason.VERY_HIGH_RISK)
    births = dict(
        Person.objects.filter(pk__in=person_ids, date_of_birth__isnull=False).values_list(
            "pk", "date_of_birth"
        )
    )
    if births:
        starts: dict[int, list[dt.date]] = {}
        for person_id, starts_on in (
            ProbationPeriod.objects.filter(person_id__in=list(births))
            .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=on))
            .values_list("person_id", "starts_on")
        ):
            starts.setdefault(person_id, []).append(starts_on)
        for person_id, release_on in expected_releases(list(births)).items():
            starts.setdefault(person_id, []).append(release_on)
        for person_id, days in starts.items():
            born = births[person_id]
            if born is not None and any(day < adult_on(born) for day in days):
                found[person_id].add(MeetingReason.JUVENILE_PROBATION)
    return {pk: sorted(reasons, key=_ORDER.__getitem__) for pk, reasons in found.items()}


def meeting_required(person: Person, *, on: dt.date | None = None) -> list[MeetingReason]:
    """The reasons for a meeting about ``person``; any of ``REQUIRED_REASONS`` makes it required."""
    return meeting_reasons([person.pk], on=on or timezone.localdate())[person.pk]


def is_required(reasons: Sequence[str]) -> bool:
    return any(reason in REQUIRED_REASONS for reason in reasons)
