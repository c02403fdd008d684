"""Reads about volunteers: what other apps (mentoring, programmes) rely on, and the coordinators' lists."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Count, Exists, Min, OuterRef, Prefetch, Q, QuerySet, Sum

from resoc.organizations.models import Organization
from resoc.volunteers import rules
from resoc.volunteers.models import (
    Activity,
    HoursClaim,
    HoursStatus,
    Participation,
    Qualification,
    QualificationKind,
    ScreeningDecision,
    StatusChange,
    Volunteer,
    VolunteerStatus,
)

# Statuses in which a volunteer has passed screening and training and may work with people.
WORKING_STATUSES = frozenset({VolunteerStatus.APPROVED, VolunteerStatus.ACTIVE})


def _in_force(on: dt.date) -> Q:
    return Q(valid_from__lte=on) & (Q(valid_until__isnull=True) | Q(valid_until__gte=on))


def _has_qualification(kind: str, on: dt.date) -> Exists:
    return Exists(Qualification.objects.filter(_in_force(on), volunteer=OuterRef("pk"), kind=kind))


def available_mentors(*, on: dt.date) -> QuerySet[Volunteer]:
    """Volunteers who may take on a mentee on ``on``: approved or active, with a user account, and with
    a background check and a training in force that day (an expired one stops new matches)."""
    return Volunteer.objects.filter(
        _has_qualification(QualificationKind.BACKGROUND_CHECK, on),
        _has_qualification(QualificationKind.TRAINING, on),
        status__in=WORKING_STATUSES,
        user__isnull=False,
    )


# --- the coordinators' list ------------------------------------------------------------------------------


@dataclass(frozen=True)
class VolunteerFilters:
    status: str = ""
    kind: str = ""
    expiring: bool = False
    query: str = ""


def volunteers(
    *, organization_ids: Iterable[int], filters: VolunteerFilters, on: dt.date
) -> QuerySet[Volunteer]:
    """The volunteers of the organizations, each with the first expiry among qualifications in force
    (``next_expiry``): one query per page whatever its length."""
    window_end = on + dt.timedelta(days=rules.WARNING_DAYS)
    found = (
        Volunteer.objects.filter(organization_id__in=list(organization_ids))
        .select_related("organization")
        .annotate(
            next_expiry=Min(
                "qualifications__valid_until",
                filter=Q(qualifications__valid_from__lte=on, qualifications__valid_until__gte=on),
            )
        )
        .order_by("family_name", "given_names", "pk")
    )
    if filters.status:
        found = found.filter(status=filters.status)
    if filters.kind:
        found = found.filter(kind=filters.kind)
    if filters.expiring:
        found = found.filter(next_expiry__lte=window_end).exclude(status=VolunteerStatus.ENDED)
    if filters.query:
        for word in filters.query.split()[:5]:
            found = found.filter(Q(given_names__icontains=word) | Q(family_name__icontains=word))
    return found


def expiring_qualifications(
    *, organization_ids: Iterable[int], on: dt.date, days: int = rules.WARNING_DAYS
) -> QuerySet[Qualification]:
    """Qualifications in force that end within ``days`` and are not yet renewed (no other of the same
    kind and prison in force the day after), for volunteers who are not ended. Soonest first."""
    renewed = Qualification.objects.filter(
        volunteer=OuterRef("volunteer"),
        kind=OuterRef("kind"),
    ).filter(Q(valid_until__isnull=True) | Q(valid_until__gt=OuterRef("valid_until")))
    renewed = renewed.filter(
        Q(prison=OuterRef("prison")) | Q(prison__isnull=True, kind__in=rules.BASIC_QUALIFICATIONS)
    )
    return (
        Qualification.objects.filter(
            _in_force(on),
            volunteer__organization_id__in=list(organization_ids),
            valid_until__lte=on + dt.timedelta(days=days),
        )
        .exclude(volunteer__status=VolunteerStatus.ENDED)
        .exclude(Exists(renewed))
        .select_related("volunteer__organization", "prison")
        .order_by("valid_until", "volunteer__family_name", "pk")
    )


@dataclass
class VolunteerFile:
    volunteer: Volunteer
    history: list[StatusChange]
    screening: list[ScreeningDecision]
    qualifications: list[Qualification]
    participations: list[Participation]
    hours_approved: float
    hours_waiting: float


def volunteer_file(volunteer: Volunteer) -> VolunteerFile:
    """Everything the volunteer page shows, in a fixed number of queries."""
    history = list(StatusChange.objects.filter(volunteer=volunteer).select_related("changed_by"))
    screening = list(volunteer.screening.select_related("decided_by").order_by("-decided_at", "-pk"))
    qualifications = list(
        Qualification.objects.filter(volunteer=volunteer).select_related("prison", "granted_by")
    )
    participations = list(
        Participation.objects.filter(volunteer=volunteer)
        .select_related("activity__prison")
        .prefetch_related(Prefetch("claims", queryset=HoursClaim.objects.select_related("decided_by")))
        .order_by("-activity__starts_at", "-pk")
    )
    totals = HoursClaim.objects.filter(participation__volunteer=volunteer).aggregate(
        approved=Sum("hours", filter=Q(status=HoursStatus.APPROVED)),
        waiting=Sum("hours", filter=Q(status=HoursStatus.CLAIMED)),
    )
    return VolunteerFile(
        volunteer=volunteer,
        history=history,
        screening=screening,
        qualifications=qualifications,
        participations=participations,
        hours_approved=float(totals["approved"] or 0),
        hours_waiting=float(totals["waiting"] or 0),
    )


def activities(*, organization_ids: Iterable[int], since: dt.datetime | None = None) -> QuerySet[Activity]:
    found = (
        Activity.objects.filter(organization_id__in=list(organization_ids))
        .select_related("prison", "organization")
        .annotate(volunteer_count=Count("participations"))
        .order_by("starts_at", "pk")
    )
    if since is not None:
        found = found.filter(ends_at__gte=since)
    return found


def activity_participations(activity: Activity) -> list[Participation]:
    return list(
        Participation.objects.filter(activity=activity)
        .select_related("volunteer")
        .prefetch_related("claims")
        .order_by("volunteer__family_name", "volunteer__given_names", "pk")
    )


def hours_waiting(*, organization_ids: Iterable[int]) -> QuerySet[HoursClaim]:
    """Claims waiting for a coordinator's decision, oldest activity first."""
    return (
        HoursClaim.objects.filter(
            status=HoursStatus.CLAIMED, participation__activity__organization_id__in=list(organization_ids)
        )
        .select_related("participation__volunteer", "participation__activity__prison")
        .order_by("participation__activity__starts_at", "pk")
    )


def my_participations(volunteer: Volunteer) -> list[Participation]:
    return list(
        Participation.objects.filter(volunteer=volunteer, activity__cancelled_at__isnull=True)
        .select_related("activity__prison")
        .prefetch_related("claims")
        .order_by("-activity__starts_at", "-pk")
    )


def volunteer_of_user(user_id: int, organization_id: int | None) -> Volunteer | None:
    if organization_id is None:
        return None
    return (
        Volunteer.objects.select_related("organization")
        .filter(user_id=user_id, organization_id=organization_id)
        .first()
    )


@dataclass(frozen=True)
class Readiness:
    """May the volunteer take part today: in the community (``prison`` None) or in one prison."""

    prison: Organization | None
    refusals: list[rules.Refusal]


def readiness(file: VolunteerFile, on: dt.date) -> list[Readiness]:
    """Today's answer for the community and for every prison the volunteer was ever approved for."""
    from resoc.community.selectors import needs_agreement, prison_access_in_force

    volunteer = file.volunteer
    facts = [
        rules.QualificationFact(q.kind, q.prison_id, q.valid_from, q.valid_until) for q in file.qualifications
    ]
    found = [
        Readiness(
            None,
            rules.activity_refusals(status=volunteer.status, qualifications=facts, on=on, prison_id=None),
        )
    ]
    prisons = {q.prison_id: q.prison for q in file.qualifications if q.prison is not None}
    agreement_needed = needs_agreement(volunteer.organization)
    for prison in sorted(prisons.values(), key=lambda p: p.name):
        found.append(
            Readiness(
                prison,
                rules.activity_refusals(
                    status=volunteer.status,
                    qualifications=facts,
                    on=on,
                    prison_id=prison.pk,
                    prison_name=str(prison),
                    agreement_needed=agreement_needed,
                    agreement_in_force=(
                        prison_access_in_force(organization=volunteer.organization, prison=prison, on=on)
                        if agreement_needed
                        else True
                    ),
                ),
            )
        )
    return found
