"""Synthetic volunteers and peer mentors for the demo: every lifecycle status in the demo NGOs and the
Zemgale probation unit, qualifications (some expiring within 30 days, some expired), activities in
Jelgava prison and in the community, check-ins and hours approved, waiting and declined.

``create_available_mentors`` writes N peer mentors who are available for matching (active, with a
user account, a volunteer membership, a background check and training in force) in bulk: the
mentoring demo and benchmark use it for hundreds of mentors.
"""

from __future__ import annotations

import datetime as dt
import random
import uuid
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth.hashers import make_password
from django.utils import timezone

from resoc.access.models import Membership, User
from resoc.access.roles import Role
from resoc.community.models import CooperationAgreement
from resoc.demo import names
from resoc.organizations.models import Organization
from resoc.volunteers.models import (
    Activity,
    ActivitySetting,
    HoursClaim,
    HoursStatus,
    Participation,
    Qualification,
    QualificationKind,
    ScreeningDecision,
    ScreeningOutcome,
    ScreeningStep,
    StatusChange,
    Volunteer,
    VolunteerKind,
    VolunteerStatus,
)

S = VolunteerStatus
DEMO_PRISON = "jelgavas-cietums"
VOLUNTEER_ORGS = ["demo-nvo-cels", "demo-nvo-otra-iespeja", "demo-nvo-krasts", "vpd-zemgale"]
# One of each status per organization, plus more in the working ones.
STATUS_MIX = [
    S.APPLICATION,
    S.SCREENING,
    S.TRAINING,
    S.APPROVED,
    S.ACTIVE,
    S.ACTIVE,
    S.ACTIVE,
    S.SUSPENDED,
    S.ENDED,
]
INTERESTS = [
    "sports",
    "mūzika",
    "darbs",
    "ģimene",
    "ticība",
    "atkarību pārvarēšana",
    "izglītība",
    "māksla",
    "daba",
]
LANGUAGES = ["latviešu", "latviešu, krievu", "krievu, latviešu", "latviešu, angļu", "krievu"]
REGIONS = ["riga", "zemgale", "kurzeme", "vidzeme", "latgale"]


@dataclass(frozen=True)
class VolunteerCounts:
    volunteers: int
    qualifications: int
    activities: int
    hours: int


def _name(rng: random.Random, female: bool) -> tuple[str, str]:
    given = names.LATVIAN_FEMALE_NAMES if female else names.LATVIAN_MALE_NAMES
    male, fem, _w = names.LATVIAN_FAMILY_NAMES[rng.randrange(len(names.LATVIAN_FAMILY_NAMES))]
    return given[rng.randrange(len(given))][0], fem if female else male


def _profile(rng: random.Random, today: dt.date, kind: str) -> dict[str, object]:
    female = rng.random() < 0.45
    given, family = _name(rng, female)
    return {
        "kind": kind,
        "given_names": given,
        "family_name": family,
        "sex": "female" if female else "male",
        "year_of_birth": today.year - rng.randint(22, 68),
        "region": REGIONS[rng.randrange(len(REGIONS))],
        "languages": LANGUAGES[rng.randrange(len(LANGUAGES))],
        "interests": ", ".join(rng.sample(INTERESTS, 3)),
        "lived_experience": kind == VolunteerKind.PEER_MENTOR,
        "capacity": rng.randint(1, 3),
        "applied_on": today - dt.timedelta(days=rng.randint(20, 900)),
    }


def create_available_mentors(
    *, count: int, organization: Organization, today: dt.date | None = None, seed: int = 0
) -> list[Volunteer]:
    """``count`` active peer mentors of ``organization``, available to ``available_mentors(on=today)``.

    Written in bulk (a handful of INSERTs per 500 mentors): users (unusable passwords), volunteer
    memberships, volunteers, their history row, and a background check and a training in force for
    a year from ``today``. Usernames carry a random suffix, so calling it again adds more."""
    today = today or timezone.localdate()
    rng = random.Random(f"mentors-{seed}-{organization.code}")  # noqa: S311  # demo data, not secrets
    batch = uuid.uuid4().hex[:6]
    password = make_password(None)
    users = User.objects.bulk_create(
        [
            User(username=f"demo-mentor-{batch}-{i:04d}", password=password, last_name="Demo")
            for i in range(count)
        ],
        batch_size=500,
    )
    users = list(User.objects.filter(username__startswith=f"demo-mentor-{batch}-").order_by("username"))
    Membership.objects.bulk_create(
        [Membership(user=u, organization=organization, role=Role.VOLUNTEER) for u in users], batch_size=500
    )
    volunteers = [
        Volunteer(
            organization=organization,
            user=u,
            status=S.ACTIVE,
            **_profile(rng, today, VolunteerKind.PEER_MENTOR),
        )
        for u in users
    ]
    Volunteer.objects.bulk_create(volunteers, batch_size=500)
    volunteers = list(Volunteer.objects.filter(user__in=users).order_by("user__username"))
    StatusChange.objects.bulk_create(
        [StatusChange(volunteer=v, from_status=S.APPROVED, to_status=S.ACTIVE) for v in volunteers],
        batch_size=500,
    )
    Qualification.objects.bulk_create(
        [
            Qualification(
                volunteer=v,
                kind=kind,
                valid_from=today - dt.timedelta(days=rng.randint(10, 300)),
                valid_until=today + dt.timedelta(days=rng.randint(60, 700)),
                note="demo",
            )
            for v in volunteers
            for kind in (QualificationKind.BACKGROUND_CHECK, QualificationKind.TRAINING)
        ],
        batch_size=500,
    )
    return volunteers


def _ensure_prison_agreement(organization: Organization, prison: Organization, today: dt.date) -> None:
    """The demo NGOs' volunteers enter Jelgava prison under an agreement; the community demo may have
    made one already (an expired one stays expired: the demo shows a suspended NGO), else a demo
    one is recorded here."""
    if CooperationAgreement.objects.filter(organization=organization).exists():
        return
    agreement = CooperationAgreement.objects.create(
        organization=organization,
        institution=prison.parent or prison,
        number=f"DEMO-{organization.code}",
        scope="Brīvprātīgo nodarbības un līdzgaitnieku atbalsts (demo)",
        valid_from=today - dt.timedelta(days=400),
        valid_until=today + dt.timedelta(days=330),
    )
    agreement.prisons.add(prison)


def _qualify(
    volunteer: Volunteer, status: str, prison: Organization, today: dt.date, index: int
) -> list[Qualification]:
    if status in (S.APPLICATION, S.SCREENING):
        return []
    made = [
        Qualification(
            volunteer=volunteer, kind=QualificationKind.TRAINING, valid_from=today - dt.timedelta(days=150)
        )
    ]
    if status == S.TRAINING:
        return made
    # Every third working volunteer has something ending within 30 days, so the warnings show.
    soon = index % 3 == 0
    made.append(
        Qualification(
            volunteer=volunteer,
            kind=QualificationKind.BACKGROUND_CHECK,
            valid_from=today - dt.timedelta(days=340),
            valid_until=today + dt.timedelta(days=12 if soon else 380),
        )
    )
    made.append(
        Qualification(
            volunteer=volunteer,
            kind=QualificationKind.PRISON_ACCESS,
            prison=prison,
            valid_from=today - dt.timedelta(days=200),
            valid_until=today + dt.timedelta(days=25 if index % 4 == 1 else 160),
        )
    )
    if index % 5 == 2:  # an old approval, expired and renewed: history on the page
        made.append(
            Qualification(
                volunteer=volunteer,
                kind=QualificationKind.PRISON_ACCESS,
                prison=prison,
                valid_from=today - dt.timedelta(days=600),
                valid_until=today - dt.timedelta(days=201),
            )
        )
    return made


def _history(volunteer: Volunteer, status: str, coordinator: User | None) -> list[StatusChange]:
    path: list[str] = [S.APPLICATION, S.SCREENING, S.TRAINING, S.APPROVED, S.ACTIVE]
    steps = path[: path.index(status) + 1] if status in path else [*path, status]
    when = timezone.make_aware(dt.datetime.combine(volunteer.applied_on, dt.time(10)))
    rows = []
    for number, (before, after) in enumerate(zip(["", *steps], steps, strict=False)):
        reason = ""
        if after == S.SUSPENDED:
            reason = "Pārtraukums veselības dēļ (demo)"
        elif after == S.ENDED:
            reason = "Pārcēlās uz ārzemēm (demo)"
        rows.append(
            StatusChange(
                volunteer=volunteer,
                from_status=before,
                to_status=after,
                reason=reason,
                changed_by=coordinator,
                changed_at=when + dt.timedelta(days=12 * number),
            )
        )
    return rows


def _screening(volunteer: Volunteer, coordinator: User | None, peer: bool) -> list[ScreeningDecision]:
    done = volunteer.applied_on + dt.timedelta(days=14)
    rows = [
        ScreeningDecision(
            volunteer=volunteer,
            step=step,
            outcome=ScreeningOutcome.SUITABLE,
            done_on=done,
            decided_by=coordinator,
        )
        for step in (ScreeningStep.INTERVIEW, ScreeningStep.REFERENCES)
    ]
    rows.append(
        ScreeningDecision(
            volunteer=volunteer,
            step=ScreeningStep.CRIMINAL_RECORD,
            outcome=ScreeningOutcome.SUITABLE,
            has_convictions=peer,
            justification=(
                "Sods izcietis pirms vairāk nekā 8 gadiem; kopš tā laika stabils, iesaka VPD (demo)."
                if peer
                else "Izziņa no Sodu reģistra bez ierakstiem (demo)."
            ),
            done_on=done,
            decided_by=coordinator,
        )
    )
    return rows


def seed_volunteers(
    *, orgs: dict[str, Organization], users: dict[str, User], today: dt.date, seed: int
) -> VolunteerCounts:
    """The demo's volunteers, qualifications, activities and hours (skipped when already there)."""
    if Volunteer.objects.filter(organization__code__in=VOLUNTEER_ORGS).exists():
        return VolunteerCounts(0, 0, 0, 0)
    rng = random.Random(f"{seed}-volunteers")  # noqa: S311  # demo data, not secrets
    prison = orgs[DEMO_PRISON]
    coordinator = users.get("demo-ngo")
    volunteers: list[Volunteer] = []
    statuses: list[str] = []
    for code in VOLUNTEER_ORGS:
        if code != "vpd-zemgale":
            _ensure_prison_agreement(orgs[code], prison, today)
        for index, status in enumerate(STATUS_MIX):
            kind = VolunteerKind.PEER_MENTOR if index % 2 == 0 else VolunteerKind.VOLUNTEER
            volunteers.append(Volunteer(organization=orgs[code], status=status, **_profile(rng, today, kind)))
            statuses.append(status)
    # The demo mentor's own record: an active peer mentor of "Ceļš" with every approval in force.
    mentor = users.get("demo-mentor")
    if mentor is not None and not Volunteer.objects.filter(user=mentor).exists():
        profile = _profile(rng, today, VolunteerKind.PEER_MENTOR)
        profile.update(given_names=mentor.first_name or "Andris", family_name="Demo", sex="male", capacity=3)
        volunteers.append(
            Volunteer(organization=orgs["demo-nvo-cels"], user=mentor, status=S.ACTIVE, **profile)
        )
        statuses.append(S.ACTIVE)
    _give_accounts(volunteers, seed)
    Volunteer.objects.bulk_create(volunteers)
    volunteers = list(Volunteer.objects.filter(organization__code__in=VOLUNTEER_ORGS).order_by("pk"))
    history: list[StatusChange] = []
    screening: list[ScreeningDecision] = []
    qualifications: list[Qualification] = []
    for index, volunteer in enumerate(volunteers):
        history += _history(volunteer, volunteer.status, coordinator)
        if volunteer.status == S.SCREENING:  # under way: the interview is done
            screening += _screening(volunteer, coordinator, False)[:1]
        elif volunteer.status != S.APPLICATION:
            screening += _screening(volunteer, coordinator, volunteer.kind == VolunteerKind.PEER_MENTOR)
        qualifications += _qualify(
            volunteer,
            volunteer.status,
            prison,
            today,
            4 if mentor is not None and volunteer.user_id == mentor.pk else index,
        )
    StatusChange.objects.bulk_create(history)
    ScreeningDecision.objects.bulk_create(screening)
    Qualification.objects.bulk_create(qualifications)
    activities, hours = _activities(orgs, volunteers, prison, today, coordinator)
    return VolunteerCounts(len(volunteers), len(qualifications), activities, hours)


ACCOUNT_STATUSES = frozenset({S.APPROVED, S.ACTIVE, S.SUSPENDED, S.ENDED})


def _give_accounts(volunteers: list[Volunteer], seed: int) -> None:
    """Approval gave every approved volunteer an account and a membership; suspension and end closed it."""
    pending = [v for v in volunteers if v.user_id is None and v.status in ACCOUNT_STATUSES]
    password = make_password(None)
    accounts = [
        User(
            username=f"demo-vol-{seed}-{index:03d}",
            first_name=v.given_names,
            last_name=v.family_name,
            password=password,
        )
        for index, v in enumerate(pending)
    ]
    taken = set(
        User.objects.filter(username__in=[a.username for a in accounts]).values_list("username", flat=True)
    )
    accounts = [a for a in accounts if a.username not in taken]
    User.objects.bulk_create(accounts)
    by_name = {u.username: u for u in User.objects.filter(username__in=[a.username for a in accounts])}
    memberships = []
    for index, volunteer in enumerate(pending):
        user = by_name.get(f"demo-vol-{seed}-{index:03d}")
        if user is None:
            continue
        volunteer.user = user
        memberships.append(
            Membership(
                user=user,
                organization=volunteer.organization,
                role=Role.VOLUNTEER,
                is_active=volunteer.status in (S.APPROVED, S.ACTIVE),
            )
        )
    Membership.objects.bulk_create(memberships)


def _activities(
    orgs: dict[str, Organization],
    volunteers: list[Volunteer],
    prison: Organization,
    today: dt.date,
    coordinator: User | None,
) -> tuple[int, int]:
    """Past and coming activities per organization; the working volunteers take part in them."""
    now = timezone.localtime()
    count = hours = 0
    for code in VOLUNTEER_ORGS:
        organization = orgs[code]
        working = [
            v
            for v in volunteers
            if v.organization_id == organization.pk and v.status in (S.ACTIVE, S.APPROVED)
        ]
        plans = [
            (-21, "Sarunu grupa “Ceļš atpakaļ”", True),
            (-7, "Galda spēļu vakars", True),
            (-2, "Atbalsta grupa ģimenēm", False),
            (0, "Sarunu grupa “Ceļš atpakaļ”", True),
            (3, "Darba meklēšanas darbnīca", False),
            (10, "Sporta diena", True),
        ]
        for days, title, in_prison in plans:
            start = timezone.make_aware(dt.datetime.combine(today + dt.timedelta(days=days), dt.time(10)))
            if days == 0:
                # Today's activity runs now, so the demo mentor can check in.
                start = now.replace(minute=0, second=0, microsecond=0) - dt.timedelta(minutes=30)
            activity = Activity.objects.create(
                organization=organization,
                title=title,
                setting=ActivitySetting.PRISON if in_prison else ActivitySetting.COMMUNITY,
                prison=prison if in_prison else None,
                place="" if in_prison else "Jelgava, Akadēmijas iela 1 (demo)",
                starts_at=start,
                ends_at=start + dt.timedelta(hours=2),
                description="Demo nodarbība",
                created_by=coordinator,
            )
            count += 1
            for position, volunteer in enumerate(working):
                participation = Participation.objects.create(
                    activity=activity, volunteer=volunteer, added_by=coordinator
                )
                if days >= 0:
                    continue
                participation.checked_in_at = start - dt.timedelta(minutes=5)
                participation.checked_out_at = start + dt.timedelta(hours=2, minutes=10)
                participation.save(update_fields=["checked_in_at", "checked_out_at"])
                status = HoursStatus.CLAIMED if days == -2 else HoursStatus.APPROVED
                if days == -7 and position == 1:
                    status = HoursStatus.DECLINED
                HoursClaim.objects.create(
                    participation=participation,
                    hours=Decimal("2.25"),
                    status=status,
                    claimed_by=volunteer.user,
                    claimed_at=participation.checked_out_at,
                    decided_by=None if status == HoursStatus.CLAIMED else coordinator,
                    decided_at=None
                    if status == HoursStatus.CLAIMED
                    else participation.checked_out_at + dt.timedelta(days=1),
                    decline_reason="Nodarbība beidzās 11:30, nevis 12:10 (demo)"
                    if status == HoursStatus.DECLINED
                    else "",
                )
                hours += 1
    return count, hours
