"""Reads for peer mentoring: who is waiting for a mentor, the facts matching needs, matches, monitoring.

The facts of any number of mentees load in a fixed number of queries (``mentee_facts``), those of
any number of mentors in one (``mentor_facts``), so that ranking a whole caseload costs the same
handful of queries as ranking one person.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Count, F, Max, Q, QuerySet
from django.utils import timezone

from resoc.access import policy
from resoc.access.context import Acting
from resoc.access.roles import Role
from resoc.mentoring.matching import MenteeFacts, MentorFacts, words
from resoc.mentoring.models import OPEN_STATUSES, Match, MatchStatus, Meeting, MenteeProfile
from resoc.mentoring.regions import region_of
from resoc.people.models import Person, PersonQuerySet
from resoc.plans.models import FINAL_STATUSES, Measure, PlanStatus
from resoc.release.models import ReleasePreparation
from resoc.sentences.models import CustodyPeriod, ProbationPeriod, Sentence
from resoc.volunteers.models import Volunteer
from resoc.volunteers.selectors import available_mentors

# The plans app has no measure kind for peer mentoring: a measure asks for it when its description
# names it (as the demo plans and officers write it). Folded matching would need a stored column.
MENTORING_TERMS = ("līdzgaitn", "mentor", "peer support", "peer mentor")
# Roles that match their organization's mentors with mentees (NGOs and the Probation Service both
# run volunteer programmes).
COORDINATOR_ROLES = frozenset({Role.NGO_COORDINATOR, Role.PROBATION_OFFICER})
# A match without a logged meeting for this long is shown on the monitoring page.
QUIET_AFTER = dt.timedelta(days=30)


def can_coordinate(acting: Acting) -> bool:
    return acting.membership is not None and acting.role in COORDINATOR_ROLES


def mentoring_measures() -> QuerySet[Measure]:
    """Open measures of active plans that ask for a peer mentor."""
    asks = Q()
    for term in MENTORING_TERMS:
        asks |= Q(description__icontains=term)
    return Measure.objects.filter(asks, goal__plan__status=PlanStatus.ACTIVE).exclude(
        status__in=FINAL_STATUSES
    )


def candidate_persons(acting: Acting, *, on: dt.date | None = None) -> PersonQuerySet:
    """Persons ``acting`` may read who asked for a mentor (plan measure, or put forward by a
    coordinator of the organization) and have no open match."""
    if not can_coordinate(acting):
        return Person.objects.none()
    # Uncorrelated IN-subqueries, as in ``policy.visible_persons``: correlated EXISTS per person made
    # PostgreSQL probe every table once per visible person.
    by_plan = mentoring_measures().values("goal__plan__person_id")
    by_referral = MenteeProfile.objects.filter(
        referred_organization_id__in=acting.scope_organization_ids
    ).values("person_id")
    open_match = Match.objects.filter(status__in=OPEN_STATUSES).values("person_id")
    # A match closed with "no other mentor" takes the person off the list until a coordinator of
    # the organization puts him forward again after that closure.
    blocked = (
        Match.objects.filter(status=MatchStatus.CLOSED, rematch=False)
        .exclude(
            person__mentee_profile__referred_on__gt=F("closed_on"),
            person__mentee_profile__referred_organization_id__in=acting.scope_organization_ids,
        )
        .values("person_id")
    )
    return (
        policy.visible_persons(acting, on=on)
        .filter(Q(pk__in=by_plan) | Q(pk__in=by_referral))
        .exclude(pk__in=open_match)
        .exclude(pk__in=blocked)
    )


def is_candidate(acting: Acting, person: Person) -> bool:
    return candidate_persons(acting).filter(pk=person.pk).exists()


def _today() -> dt.date:
    return timezone.localdate()


def mentee_facts(person_ids: Iterable[int], *, on: dt.date | None = None) -> dict[int, MenteeFacts]:
    """Matching facts by person id, in six queries whatever the number of persons.

    Region of return: the receiving probation unit of the release preparation, else the sentence's
    probation unit of release, else the current probation unit, else the current prison, else what
    the person told the coordinator.
    """
    ids = list(person_ids)
    if not ids:
        return {}
    on = on or _today()
    persons = Person.objects.filter(pk__in=ids).values_list("pk", "sex", "languages", "date_of_birth")
    profiles = {
        p.person_id: p
        for p in MenteeProfile.objects.filter(person_id__in=ids).only(
            "person_id", "region", "mentor_sex", "interests", "wants_lived_experience"
        )
    }
    region: dict[int, str] = {}

    def note(person_id: int, found: str) -> None:
        if found and person_id not in region:
            region[person_id] = found

    # Latest first: the preparation of the sentence now being served decides.
    for pid, code, parent in (
        ReleasePreparation.objects.filter(person_id__in=ids, probation_unit__isnull=False)
        .order_by("person_id", "-release_on")
        .values_list("person_id", "probation_unit__code", "probation_unit__parent__code")
    ):
        note(pid, region_of(code, parent))
    for pid, code, parent in (
        Sentence.objects.filter(person_id__in=ids, release_probation_unit__isnull=False)
        .order_by("person_id", "-starts_on")
        .values_list("person_id", "release_probation_unit__code", "release_probation_unit__parent__code")
    ):
        note(pid, region_of(code, parent))
    for pid, code, parent in (
        ProbationPeriod.objects.filter(person_id__in=ids, starts_on__lte=on)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=on))
        .values_list("person_id", "probation_unit__code", "probation_unit__parent__code")
    ):
        note(pid, region_of(code, parent))
    for pid, code, parent in (
        CustodyPeriod.objects.filter(person_id__in=ids, admitted_on__lte=on)
        .filter(Q(left_on__isnull=True) | Q(left_on__gte=on))
        .values_list("person_id", "prison__code", "prison__parent__code")
    ):
        note(pid, region_of(code, parent))
    facts: dict[int, MenteeFacts] = {}
    for pid, sex, languages, born in persons:
        profile = profiles.get(pid)
        if profile is not None:
            note(pid, profile.region)
        facts[pid] = MenteeFacts(
            person_id=pid,
            region=region.get(pid, ""),
            languages=words(languages),
            sex=sex,
            mentor_sex=profile.mentor_sex if profile else "",
            birth_year=born.year if born else None,
            interests=words(profile.interests) if profile else frozenset(),
            wants_lived_experience=bool(profile and profile.wants_lived_experience),
        )
    return facts


def mentor_pool(acting: Acting, *, on: dt.date | None = None) -> QuerySet[Volunteer]:
    """The mentors ``acting`` may match: available on ``on`` and of its organization (or one below)."""
    if not can_coordinate(acting):
        return Volunteer.objects.none()
    return available_mentors(on=on or _today()).filter(organization_id__in=acting.scope_organization_ids)


def mentor_facts(volunteers: QuerySet[Volunteer]) -> list[MentorFacts]:
    """Matching facts of ``volunteers`` with their open matches counted, in one query."""
    rows = volunteers.annotate(
        open_matches=Count("matches", filter=Q(matches__status__in=OPEN_STATUSES))
    ).values_list(
        "pk",
        "region",
        "languages",
        "sex",
        "year_of_birth",
        "interests",
        "lived_experience",
        "capacity",
        "open_matches",
    )
    return [
        MentorFacts(
            volunteer_id=pk,
            region=region,
            languages=words(languages),
            sex=sex,
            birth_year=born,
            interests=words(interests),
            lived_experience=lived,
            capacity=capacity,
            open_matches=open_count,
        )
        for pk, region, languages, sex, born, interests, lived, capacity, open_count in rows
    ]


def match_queryset() -> QuerySet[Match]:
    return Match.objects.select_related("person", "mentor", "mentor__user", "organization")


def matches_for(acting: Acting) -> QuerySet[Match]:
    """Matches a coordinator keeps (of his organization's mentors, persons he may read), or a mentor's own."""
    if acting.membership is None:
        return Match.objects.none()
    if acting.role == Role.VOLUNTEER:
        return match_queryset().filter(mentor__user=acting.user)
    if not can_coordinate(acting):
        return Match.objects.none()
    return match_queryset().filter(
        organization_id__in=acting.scope_organization_ids, person__in=policy.visible_persons(acting)
    )


def with_last_meeting(matches: QuerySet[Match]) -> QuerySet[Match]:
    return matches.annotate(
        last_meeting=Max("meetings__held_on"),
        open_concerns=Count(
            "meetings", filter=Q(meetings__concern_flagged=True, meetings__concern_resolved_at__isnull=True)
        ),
    )


@dataclass(frozen=True)
class Monitoring:
    quiet: list[Match]
    concerns: list[Meeting]


def monitoring(acting: Acting, *, on: dt.date | None = None) -> Monitoring:
    """Initiated or active matches without a meeting for 30 days, and flagged concerns not yet dealt with."""
    on = on or _today()
    running = with_last_meeting(
        matches_for(acting).filter(status__in=[MatchStatus.INITIATED, MatchStatus.ACTIVE])
    )
    since = on - QUIET_AFTER
    # The stubs do not see the annotation of ``with_last_meeting``.
    quiet = running.filter(  # type: ignore[misc]
        Q(last_meeting__lt=since) | Q(last_meeting__isnull=True, started_on__lt=since)
    ).order_by("last_meeting", "started_on", "pk")
    concerns = (
        Meeting.objects.select_related("match__person", "match__mentor", "recorded_by")
        .filter(match__in=matches_for(acting), concern_flagged=True, concern_resolved_at__isnull=True)
        .order_by("held_on", "pk")
    )
    return Monitoring(quiet=list(quiet), concerns=list(concerns))
