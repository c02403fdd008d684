"""Demo peer mentoring: mentors of the demo NGO, people waiting for one, running matches with meetings.

The demo mentor (``demo-mentor``) gets a volunteer record and the matches of the persons the demo
already pairs with him (their "mentoring" relationship and consent come from ``services``); more
synthetic mentors (user accounts that cannot log in) give the coordinator real suggestions; persons
referred to the demo NGO with consent are put forward for a mentor, with what they told the
coordinator. Names and facts are synthetic. Idempotent: nothing is added when the demo mentor's
volunteer record already exists.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from django.contrib.auth.hashers import make_password

from resoc.access.models import Membership, User
from resoc.access.roles import Role
from resoc.mentoring.models import Match, MatchStatus, MatchTransition, Meeting, MenteeProfile
from resoc.organizations.models import Organization, Region
from resoc.people.models import Consent, Relationship
from resoc.volunteers.models import (
    Qualification,
    QualificationKind,
    Volunteer,
    VolunteerKind,
    VolunteerStatus,
)

GIVEN = [
    "Andris",
    "Baiba",
    "Edgars",
    "Gunta",
    "Ilmārs",
    "Kristīne",
    "Mārcis",
    "Rita",
    "Uldis",
    "Zane",
    "Oskars",
    "Dace",
]
FAMILY = [
    "Kalējs",
    "Priede",
    "Vītols",
    "Liepa",
    "Sproģis",
    "Zariņš",
    "Krūmiņš",
    "Ozoliņš",
    "Celmiņš",
    "Auziņš",
]
FEMININE = {"Baiba", "Gunta", "Kristīne", "Rita", "Zane", "Dace"}
LANGUAGES = ["latviešu", "latviešu, krievu", "krievu", "latviešu, angļu", "latviešu, krievu, angļu"]
INTERESTS = [
    "futbols",
    "makšķerēšana",
    "šahs",
    "mūzika",
    "kokapstrāde",
    "dārzkopība",
    "auto remonts",
    "lasīšana",
    "sports",
    "ticība",
]
PLACES = ["Kafejnīca pie stacijas", "Cietuma apmeklējumu telpa", "Biedrības telpas", "Parks", "Pa tālruni"]
TOPICS = [
    "Darba meklēšana un CV",
    "Attiecības ar ģimeni",
    "Dzīvesvieta pēc atbrīvošanas",
    "Brīvā laika plānošana",
    "Atkarības riski un atbalsta grupa",
]


@dataclass(frozen=True)
class MentoringCounts:
    mentors: int = 0
    profiles: int = 0
    matches: int = 0
    meetings: int = 0


def _interests(rng: random.Random) -> str:
    return ", ".join(sorted(rng.sample(INTERESTS, rng.randint(1, 3))))


def seed_mentoring(
    *,
    orgs: dict[str, Organization],
    ngo_code: str,
    mentor: User,
    coordinator: User,
    today: dt.date,
    seed: int,
    extra_mentors: int = 24,
) -> MentoringCounts:
    # Seeded once: the extra mentors' accounts outlive a re-seed of the persons.
    if Match.objects.filter(organization=orgs[ngo_code]).exists() or (
        extra_mentors and User.objects.filter(username="demo-mentor-001").exists()
    ):
        return MentoringCounts()
    rng = random.Random(f"{seed}-mentoring")  # noqa: S311  # reproducible demo data, not secrets
    ngo = orgs[ngo_code]
    mentored = list(
        Relationship.objects.filter(kind="mentoring", mentor=mentor, organization=ngo).select_related(
            "person"
        )
    )
    # The volunteers' demo may have made the demo mentor's record already; matching only needs room.
    lead = Volunteer.objects.filter(user=mentor).first() or Volunteer.objects.create(
        organization=ngo,
        user=mentor,
        kind=VolunteerKind.PEER_MENTOR,
        status=VolunteerStatus.ACTIVE,
        given_names=mentor.first_name or "Andris",
        family_name="Demo",
        sex="male",
        year_of_birth=today.year - 47,
        region=Region.ZEMGALE,
        languages="latviešu, krievu",
        interests="futbols, makšķerēšana, kokapstrāde",
        lived_experience=True,
        capacity=len(mentored) + 2,
        applied_on=today - dt.timedelta(days=900),
    )
    unusable = make_password(None)
    users = User.objects.bulk_create(
        User(
            username=f"demo-mentor-{n + 1:03d}",
            first_name=GIVEN[n % len(GIVEN)],
            last_name="Demo",
            password=unusable,
        )
        for n in range(extra_mentors)
    )
    Membership.objects.bulk_create(Membership(user=u, organization=ngo, role=Role.VOLUNTEER) for u in users)
    regions = list(Region.values)
    Volunteer.objects.bulk_create(
        Volunteer(
            organization=ngo,
            user=user,
            kind=VolunteerKind.PEER_MENTOR if rng.random() < 0.6 else VolunteerKind.VOLUNTEER,
            status=VolunteerStatus.ACTIVE if rng.random() < 0.8 else VolunteerStatus.APPROVED,
            given_names=user.first_name,
            family_name=FAMILY[rng.randrange(len(FAMILY))],
            sex="female" if user.first_name in FEMININE else "male",
            year_of_birth=today.year - rng.randint(24, 68),
            region=regions[rng.randrange(len(regions))],
            languages=LANGUAGES[rng.randrange(len(LANGUAGES))],
            interests=_interests(rng),
            lived_experience=rng.random() < 0.5,
            capacity=rng.randint(1, 3),
            applied_on=today - dt.timedelta(days=rng.randint(60, 900)),
        )
        for user in users
    )
    Volunteer.objects.filter(pk=lead.pk).update(capacity=max(lead.capacity, len(mentored) + 2))
    qualify_for_mentoring([lead, *Volunteer.objects.filter(user__in=users)], today=today)
    # Running matches for the persons the demo already pairs with the demo mentor.
    matches = []
    for relationship in mentored:
        matches.append(
            Match(
                person=relationship.person,
                mentor=lead,
                organization=ngo,
                status=MatchStatus.ACTIVE,
                score=rng.randint(55, 90),
                proposed_by=coordinator,
                started_on=relationship.starts_on,
                relationship=relationship,
            )
        )
    Match.objects.bulk_create(matches)
    MatchTransition.objects.bulk_create(
        MatchTransition(match=m, from_status=before, to_status=after, by=coordinator)
        for m in matches
        for before, after in [("", "proposed"), ("proposed", "initiated"), ("initiated", "active")]
    )
    meetings: list[Meeting] = []
    for m in matches:
        day = m.started_on or today
        while day < today - dt.timedelta(days=7) and len(meetings) < 5000:
            concern = rng.random() < 0.08
            meetings.append(
                Meeting(
                    match=m,
                    held_on=day,
                    place=PLACES[rng.randrange(len(PLACES))],
                    minutes=rng.choice([30, 45, 60, 90]),
                    topics=TOPICS[rng.randrange(len(TOPICS))],
                    concerns="Minēja konfliktu ar bijušajiem draugiem" if concern else "",
                    concern_flagged=concern,
                    recorded_by=mentor,
                )
            )
            day += dt.timedelta(days=rng.randint(10, 40))
    Meeting.objects.bulk_create(meetings)
    # Persons the demo NGO works with and may read, put forward for a mentor by its coordinator.
    readable = Consent.objects.filter(
        organization=ngo, mentor__isnull=True, withdrawn_at__isnull=True, categories__contains=" identity "
    ).values("person_id")
    waiting = (
        Relationship.objects.filter(organization=ngo, kind="referral", person_id__in=readable)
        .exclude(person_id__in=[r.person_id for r in mentored])
        .values_list("person_id", flat=True)
        .distinct()[:60]
    )
    profiles = MenteeProfile.objects.bulk_create(
        MenteeProfile(
            person_id=pid,
            mentor_sex=rng.choice(["", "", "", "male", "female"]),
            interests=_interests(rng),
            wants_lived_experience=rng.random() < 0.4,
            referred_by=coordinator,
            referred_organization=ngo,
            referred_on=today - dt.timedelta(days=rng.randint(1, 60)),
        )
        for pid in waiting
    )
    return MentoringCounts(
        mentors=extra_mentors + 1, profiles=len(profiles), matches=len(matches), meetings=len(meetings)
    )


def qualify_for_mentoring(volunteers: list[Volunteer], *, today: dt.date) -> None:
    """A background check and a training in force for a year, where the volunteer lacks one."""
    held = set(
        Qualification.objects.filter(volunteer__in=volunteers, valid_from__lte=today).values_list(
            "volunteer_id", "kind"
        )
    )
    Qualification.objects.bulk_create(
        Qualification(
            volunteer=v,
            kind=kind,
            valid_from=today - dt.timedelta(days=30),
            valid_until=today + dt.timedelta(days=365),
            note="demo",
        )
        for v in volunteers
        for kind in (QualificationKind.BACKGROUND_CHECK, QualificationKind.TRAINING)
        if (v.pk, kind) not in held
    )
