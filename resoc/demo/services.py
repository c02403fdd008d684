"""Synthetic demo data: persons, their relationships with the real institutions, and demo users.

Everything is generated from ``random.Random(seed)`` and dates relative to today, so one seed always
gives the same names, personal codes and relationships. The sentence journeys (``journeys.py``: the
custody, supervision and release-preparation relationships are derived from them) and the risk and
needs assessments (``assessments.py``) have modules of their own. The data is written in bulk in one
transaction: 100,000 persons (with their plans and handovers) take about 2 minutes on SQLite
on a shared two-core machine.
"""

from __future__ import annotations

import datetime as dt
import random
import time
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from resoc.access.models import Membership, User
from resoc.access.roles import Role
from resoc.access.services import administrator_rights_grant
from resoc.assessments.services import ASSESSOR_ROLES
from resoc.demo import names
from resoc.demo.assessments import AssessmentCounts, write_assessments
from resoc.demo.bulk import IdAllocator, insert_objects, refresh_statistics, reset_sequences
from resoc.demo.common import (
    CUSTODY,
    MEN_PRISONS,
    PRISON_REGION,
    REGIONS,
    RELEASED,
    SUPERVISION,
    Weighted,
)
from resoc.demo.community import seed_community
from resoc.demo.handovers import HandoverCounts, write_handovers
from resoc.demo.journeys import Journey, JourneyCounts, build_journeys, regime_levels_by_type, write_journeys
from resoc.demo.mentoring import MentoringCounts, seed_mentoring
from resoc.demo.models import DemoDataset
from resoc.demo.plans import PlanCounts, write_plans
from resoc.demo.programmes import seed_participants, seed_programmes
from resoc.demo.referrals import seed_referrals
from resoc.demo.release import ReleaseCounts, seed_release
from resoc.demo.selectors import forget_demo_data_flag
from resoc.demo.volunteers import seed_volunteers
from resoc.organizations.models import Organization, OrganizationType
from resoc.people.identity import make_personal_code
from resoc.people.models import (
    CitizenshipStatus,
    Consent,
    EducationLevel,
    IdentifierKind,
    LatvianLevel,
    Person,
    PersonEvent,
    PersonIdentifier,
    Relationship,
    Sex,
)

DEMO_PASSWORD = "resoc-demo-parole"
BATCH_SIZE = 1000
SOURCE = "demo"

# --- organizations and users -------------------------------------------------------------------------

# (code, name, English name, short name, type)
DEMO_ORGANIZATIONS: list[tuple[str, str, str, str, str]] = [
    (
        "demo-nvo-cels",
        "Resocializācijas centrs “Ceļš” (demo)",
        "Resocialization centre “Ceļš” (demo)",
        "“Ceļš” (demo)",
        OrganizationType.NGO,
    ),
    (
        "demo-nvo-otra-iespeja",
        "Biedrība “Otrā iespēja” (demo)",
        "Association “Second chance” (demo)",
        "“Otrā iespēja” (demo)",
        OrganizationType.NGO,
    ),
    (
        "demo-nvo-krasts",
        "Atkarību atbalsta biedrība “Krasts” (demo)",
        "Addiction support association “Krasts” (demo)",
        "“Krasts” (demo)",
        OrganizationType.NGO,
    ),
    (
        "demo-socialais-jelgava",
        "Jelgavas sociālo lietu pārvalde (demo)",
        "Jelgava social services (demo)",
        "Jelgavas SLP (demo)",
        OrganizationType.SOCIAL_SERVICE,
    ),
    (
        "demo-socialais-riga",
        "Rīgas Sociālais dienests (demo)",
        "Riga social service (demo)",
        "Rīgas SD (demo)",
        OrganizationType.SOCIAL_SERVICE,
    ),
]
NGO_CODES = [code for code, *_rest in DEMO_ORGANIZATIONS if code.startswith("demo-nvo-")]
MENTOR_NGO = "demo-nvo-cels"


@dataclass(frozen=True)
class DemoAccount:
    username: str
    first_name: str
    role: Role
    organization_code: str


DEMO_ACCOUNTS: list[DemoAccount] = [
    DemoAccount("demo-officer", "Inese", Role.RESOCIALIZATION_OFFICER, "jelgavas-cietums"),
    DemoAccount("demo-facilitator", "Kaspars", Role.PROGRAMME_FACILITATOR, "jelgavas-cietums"),
    DemoAccount("demo-probation", "Līga", Role.PROBATION_OFFICER, "vpd-zemgale"),
    DemoAccount("demo-nva", "Mārtiņš", Role.CAREER_CONSULTANT, "nva-jelgava"),
    DemoAccount("demo-social", "Dace", Role.SOCIAL_WORKER, "demo-socialais-jelgava"),
    DemoAccount("demo-ngo", "Ilze", Role.NGO_COORDINATOR, "demo-nvo-cels"),
    DemoAccount("demo-mentor", "Andris", Role.VOLUNTEER, "demo-nvo-cels"),
    DemoAccount("demo-analyst", "Zane", Role.ANALYST, "tm"),
    DemoAccount("demo-pm", "Roberts", Role.PROJECT_MANAGER, "tm"),
    DemoAccount("demo-admin", "Aija", Role.SYSTEM_ADMIN, "tm"),
    DemoAccount("demo-orgadmin", "Edgars", Role.ORG_ADMIN, "jelgavas-cietums"),
    DemoAccount("demo-auditor", "Baiba", Role.AUDITOR, "tm"),
]


@dataclass(frozen=True)
class DemoLogin:
    username: str
    role: str
    organization: str
    password: str


def _account(username: str) -> DemoAccount:
    return next(account for account in DEMO_ACCOUNTS if account.username == username)


def ensure_demo_organizations() -> dict[str, Organization]:
    """The demo NGOs and social services (created if missing) and every organization by code."""
    existing = {org.code: org for org in Organization.objects.all()}
    missing = [
        Organization(code=code, name=name, name_en=name_en, short_name=short, type=org_type)
        for code, name, name_en, short, org_type in DEMO_ORGANIZATIONS
        if code not in existing
    ]
    if missing:
        Organization.objects.bulk_create(missing)
        existing = {org.code: org for org in Organization.objects.all()}
    return existing


def ensure_demo_users(organizations: dict[str, Organization]) -> dict[str, User]:
    """One demo user per role, each with a membership, all with the shared demo password.

    The password is hashed once (with the configured hasher, so that logging in works as usual) and
    the hash is given to every account.
    """
    password_hash = make_password(DEMO_PASSWORD)
    users: dict[str, User] = {}
    for account in DEMO_ACCOUNTS:
        user, _created = User.objects.get_or_create(
            username=account.username,
            defaults={"first_name": account.first_name, "last_name": "Demo"},
        )
        user.password = password_hash
        user.is_active = True
        user.save(update_fields=["password", "is_active"])
        Membership.objects.update_or_create(
            user=user,
            organization=organizations[account.organization_code],
            role=account.role,
            # The demo officers are trained assessors: they sign the demo assessments.
            defaults={"is_active": True, "can_sign_assessments": account.role in ASSESSOR_ROLES},
        )
        if account.role == Role.SYSTEM_ADMIN:
            administrator_rights_grant(user=user)
        users[account.username] = user
    return users


def demo_logins() -> list[DemoLogin]:
    """The demo accounts present in the database, in the order of DEMO_ACCOUNTS."""
    memberships = Membership.objects.select_related("user", "organization").filter(
        user__username__in=[a.username for a in DEMO_ACCOUNTS]
    )
    by_key = {(m.user.username, m.role): m for m in memberships}
    logins = []
    for account in DEMO_ACCOUNTS:
        membership = by_key.get((account.username, account.role))
        if membership is not None:
            logins.append(
                DemoLogin(
                    username=account.username,
                    role=str(Role(account.role).label),
                    organization=membership.organization.name,
                    password=DEMO_PASSWORD,
                )
            )
    return logins


def format_logins(logins: Sequence[DemoLogin]) -> str:
    header = ("Username", "Role", "Organization", "Password")
    rows = [header] + [(x.username, x.role, x.organization, x.password) for x in logins]
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    line = "+" + "+".join("-" * (w + 2) for w in widths) + "+"
    out = [line]
    for index, row in enumerate(rows):
        out.append("| " + " | ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)) + " |")
        if index == 0:
            out.append(line)
    out.append(line)
    return "\n".join(out)


# --- persons -----------------------------------------------------------------------------------------

# Education of former prisoners registered at NVA (DOMAIN.md): 40% basic, 25% secondary, 1% higher;
# the rest lower, post-secondary vocational or not known.
EDUCATION = Weighted[str](
    [
        (EducationLevel.ISCED2, 40),
        (EducationLevel.ISCED3, 25),
        (EducationLevel.ISCED6, 0.6),
        (EducationLevel.ISCED5, 0.2),
        (EducationLevel.ISCED7, 0.2),
        (EducationLevel.ISCED1, 16),
        (EducationLevel.ISCED0, 3),
        (EducationLevel.ISCED4, 7),
        ("", 8),
    ]
)
HIGHER_EDUCATION = frozenset({EducationLevel.ISCED5, EducationLevel.ISCED6, EducationLevel.ISCED7})

LATVIAN_LEVEL_OF_RUSSIAN_SPEAKERS = Weighted[str](
    [
        (LatvianLevel.NATIVE, 5),
        (LatvianLevel.C2, 5),
        (LatvianLevel.C1, 15),
        (LatvianLevel.B2, 20),
        (LatvianLevel.B1, 22),
        (LatvianLevel.A2, 18),
        (LatvianLevel.A1, 10),
        (LatvianLevel.NONE, 5),
    ]
)
LATVIAN_LEVEL_OF_FOREIGNERS = Weighted[str](
    [(LatvianLevel.NONE, 40), (LatvianLevel.A1, 30), (LatvianLevel.A2, 20), (LatvianLevel.B1, 10)]
)
FOREIGN_LANGUAGE = {
    "LT": "lietuviešu",
    "UA": "ukraiņu",
    "BY": "baltkrievu",
    "EE": "igauņu",
    "GE": "gruzīnu",
    "PL": "poļu",
}


def _given(items: names.GivenNames) -> Weighted[str]:
    return Weighted([(name, weight) for name, weight in items])


def _family(items: names.FamilyNames) -> Weighted[tuple[str, str]]:
    return Weighted([((male, female), weight) for male, female, weight in items])


LV_MALE = _given(names.LATVIAN_MALE_NAMES)
LV_FEMALE = _given(names.LATVIAN_FEMALE_NAMES)
LV_FAMILY = _family(names.LATVIAN_FAMILY_NAMES)
RU_MALE = _given(names.RUSSIAN_MALE_NAMES)
RU_FEMALE = _given(names.RUSSIAN_FEMALE_NAMES)
RU_FAMILY = _family(names.RUSSIAN_FAMILY_NAMES)
FOREIGN = Weighted([(entry, entry[4]) for entry in names.FOREIGN_NAMES])
CITY = Weighted([((city, region), weight) for city, region, weight in names.CITIES])

REGION = Weighted([("riga", 35), ("latgale", 20), ("zemgale", 16), ("kurzeme", 15), ("vidzeme", 14)])

TRACK = Weighted([(CUSTODY, 60), (SUPERVISION, 22), (RELEASED, 18)])


@dataclass
class Plan:
    """What happens to one generated person; turned into relationships once the person has an id."""

    track: str
    region: str
    prison: str | None = None
    custody_from: dt.date | None = None
    custody_until: dt.date | None = None
    supervision_from: dt.date | None = None
    release_preparation_from: dt.date | None = None
    employment_branch: str | None = None
    social_service: str | None = None
    ngo: str | None = None
    ngo_consent_categories: list[str] = field(default_factory=list)
    ngo_consent_withdrawn: bool = False
    mentored: bool = False
    # One of the fixed cases every demo user opens first: its journey is fixed too (see journeys.py).
    showcase: bool = False


@dataclass
class Draft:
    person: Person
    plan: Plan
    passport: tuple[str, str] | None = None  # (number, issuing country)


class CodeAllocator:
    """Unique personal codes: old-format codes that match the birth date, or new ``32`` codes."""

    def __init__(self, rng: random.Random, used: set[str] | None = None) -> None:
        self.rng = rng
        self.used: set[str] = set(used or ())

    def old_format(self, birth_date: dt.date) -> str:
        serial = self.rng.randrange(1000)
        for attempt in range(1000):
            code = make_personal_code(birth_date, serial + attempt)
            if code not in self.used:
                self.used.add(code)
                return code
        return self.new_format()  # every serial of the day is taken: a new code carries no date

    def new_format(self) -> str:
        while True:
            code = f"32{self.rng.randrange(10000):04d}-{self.rng.randrange(100000):05d}"
            if code not in self.used:
                self.used.add(code)
                return code


def _birth_date(rng: random.Random, today: dt.date) -> dt.date:
    """Ages 18–70, most of them 25–45 (prisoners are mostly of working age)."""
    r = rng.random()
    if r < 0.12:
        age = rng.randint(18, 24)
    elif r < 0.78:
        age = rng.randint(25, 45)
    elif r < 0.95:
        age = rng.randint(46, 59)
    else:
        age = rng.randint(60, 70)
    try:
        anniversary = today.replace(year=today.year - age)
    except ValueError:  # 29 February
        anniversary = dt.date(today.year - age, 2, 28)
    return anniversary - dt.timedelta(days=rng.randrange(1, 365))


def _days_ago(today: dt.date, low: int, high: int, rng: random.Random) -> dt.date:
    return today - dt.timedelta(days=rng.randint(low, high))


def _plan(rng: random.Random, today: dt.date, sex: str, age: int) -> Plan:
    track = TRACK.pick(rng)
    if track == CUSTODY:
        if sex == Sex.FEMALE:
            prison = "ilguciema-cietums"
        elif age <= 20 and rng.random() < 0.4:
            prison = "cesu-audzinasanas-iestade"
        else:
            prison = MEN_PRISONS.pick(rng)
        region = PRISON_REGION[prison]
        plan = Plan(
            track=track, region=region, prison=prison, custody_from=_days_ago(today, 20, 8 * 365, rng)
        )
        if rng.random() < 0.12:
            plan.release_preparation_from = _days_ago(today, 1, 180, rng)
            if REGIONS[region][2] and rng.random() < 0.4:
                plan.social_service = REGIONS[region][2]
        return plan
    region = REGION.pick(rng)
    plan = Plan(track=track, region=region)
    if track == SUPERVISION:
        plan.supervision_from = _days_ago(today, 1, 3 * 365, rng)
        if rng.random() < 0.6:
            plan.custody_until = plan.supervision_from
        employment_share, social_share = 0.3, 0.1
    else:
        plan.custody_until = _days_ago(today, 30, 5 * 365, rng)
        employment_share, social_share = 0.45, 0.15
    if plan.custody_until is not None:
        prisons = [
            code for code, r in PRISON_REGION.items() if r == region and code != "cesu-audzinasanas-iestade"
        ]
        if sex == Sex.FEMALE:
            prisons = ["ilguciema-cietums"]
        plan.prison = prisons[rng.randrange(len(prisons))]
        plan.custody_from = plan.custody_until - dt.timedelta(days=rng.randint(90, 6 * 365))
    branches = REGIONS[region][1]
    if rng.random() < employment_share:
        plan.employment_branch = branches[rng.randrange(len(branches))]
    if REGIONS[region][2] and rng.random() < social_share:
        plan.social_service = REGIONS[region][2]
    return plan


def _refer_to_ngo(rng: random.Random, plan: Plan, ngo: str) -> None:
    plan.ngo = ngo
    plan.ngo_consent_categories = ["identity", "family", "education_employment"]
    if rng.random() < 0.4:
        plan.ngo_consent_categories.append("health")
    plan.ngo_consent_withdrawn = rng.random() < 0.08


def _force_visible_cases(drafts: list[Draft], today: dt.date) -> None:
    """The first persons are fixed cases, so that each demo user has someone to see even with few persons."""
    fixed = [
        Plan(
            track=CUSTODY, region="zemgale", prison="jelgavas-cietums", custody_from=today - dt.timedelta(400)
        ),
        Plan(
            track=SUPERVISION,
            region="zemgale",
            prison="jelgavas-cietums",
            custody_from=today - dt.timedelta(1200),
            custody_until=today - dt.timedelta(200),
            supervision_from=today - dt.timedelta(200),
            employment_branch="nva-jelgava",
        ),
        Plan(
            track=RELEASED,
            region="zemgale",
            prison="jelgavas-cietums",
            custody_from=today - dt.timedelta(900),
            custody_until=today - dt.timedelta(120),
            employment_branch="nva-jelgava",
            social_service="demo-socialais-jelgava",
            ngo=MENTOR_NGO,
            ngo_consent_categories=["identity", "family", "education_employment"],
            mentored=True,
        ),
        Plan(
            track=CUSTODY,
            region="zemgale",
            prison="jelgavas-cietums",
            custody_from=today - dt.timedelta(700),
            release_preparation_from=today - dt.timedelta(30),
            social_service="demo-socialais-jelgava",
        ),
    ]
    for draft, plan in zip(drafts, fixed, strict=False):
        plan.showcase = True
        if draft.person.sex == Sex.FEMALE and plan.prison == "jelgavas-cietums":
            draft.person.sex = Sex.MALE  # Jelgava prison holds men; names are fixed below
            draft.person.given_names = "Jānis"
            draft.person.family_name = draft.person.family_name if draft.passport else "Bērziņš"
        draft.plan = plan


def generate_drafts(
    *, count: int, seed: int, today: dt.date, used_codes: set[str] | None = None, uuid_salt: int = 0
) -> list[Draft]:
    """``count`` synthetic persons with their plans; the same seed and day always give the same drafts.

    Public ids come from a stream of their own, salted with the number of persons already in the
    database, so that seeding again with the same seed does not repeat them.
    """
    # Reproducible synthetic data, not secrets: a seeded PRNG is the point.
    rng = random.Random(seed)  # noqa: S311
    uuid_rng = random.Random(f"uuid:{seed}:{uuid_salt}")  # noqa: S311
    codes = CodeAllocator(rng, used_codes)
    passports: set[str] = set()
    drafts: list[Draft] = []
    mentees_left = max(1, min(12, count // 500))
    for _index in range(count):
        sex = Sex.FEMALE if rng.random() < 0.10 else Sex.MALE
        female = sex == Sex.FEMALE
        birth = _birth_date(rng, today)
        age = (today - birth).days // 365
        origin = rng.random()
        passport: tuple[str, str] | None = None
        country = "LV"
        if origin < 0.015:
            country, male_names, female_names, families, _w = FOREIGN.pick(rng)
            given = (female_names if female else male_names)[
                rng.randrange(len(female_names if female else male_names))
            ]
            family_pair = families[rng.randrange(len(families))]
            family = family_pair[1] if female else family_pair[0]
            stateless = rng.random() < 0.15
            citizenship = CitizenshipStatus.STATELESS if stateless else CitizenshipStatus.FOREIGN
            latvian = LATVIAN_LEVEL_OF_FOREIGNERS.pick(rng)
            languages = FOREIGN_LANGUAGE[country] + (", krievu" if rng.random() < 0.6 else ", angļu")
            while True:
                number = f"{country}{rng.randrange(10**7):07d}"
                if number not in passports:
                    passports.add(number)
                    break
            passport = (number, country)
            code = None
            citizenship_country = "" if stateless else country
        else:
            russian = origin < 0.38
            if russian:
                given = (RU_FEMALE if female else RU_MALE).pick(rng)
                pair = RU_FAMILY.pick(rng)
                latvian = LATVIAN_LEVEL_OF_RUSSIAN_SPEAKERS.pick(rng)
                languages = "krievu" if latvian == LatvianLevel.NONE else "krievu, latviešu"
                r = rng.random()
                citizenship = (
                    CitizenshipStatus.CITIZEN
                    if r < 0.6
                    else CitizenshipStatus.NON_CITIZEN
                    if r < 0.95
                    else CitizenshipStatus.FOREIGN
                )
            else:
                given = (LV_FEMALE if female else LV_MALE).pick(rng)
                pair = LV_FAMILY.pick(rng)
                latvian = LatvianLevel.NATIVE if rng.random() < 0.97 else LatvianLevel.C1
                languages = "latviešu, krievu" if rng.random() < 0.55 else "latviešu"
                citizenship = CitizenshipStatus.CITIZEN
            family = pair[1] if female else pair[0]
            citizenship_country = (
                "LV"
                if citizenship == CitizenshipStatus.CITIZEN
                else "RU"
                if citizenship == CitizenshipStatus.FOREIGN
                else ""
            )
            code = codes.new_format() if rng.random() < 0.05 else codes.old_format(birth)
        address = phone = ""
        if rng.random() < 0.6:
            city, _region = CITY.pick(rng)
            street = names.STREETS[rng.randrange(len(names.STREETS))]
            address = f"{street} {rng.randint(1, 120)}-{rng.randint(1, 60)}, {city}"
        if rng.random() < 0.4:
            phone = f"+371 2{rng.randrange(10**7):07d}"
        person = Person(
            public_id=uuid.UUID(int=uuid_rng.getrandbits(128), version=4),
            given_names=given,
            family_name=family,
            personal_code=code,
            date_of_birth=birth,
            sex=sex,
            citizenship_status=citizenship,
            citizenship_country=citizenship_country,
            languages=languages,
            latvian_level=latvian,
            education_level=EDUCATION.pick(rng),
            phone=phone,
            address=address,
            is_synthetic=True,
        )
        plan = _plan(rng, today, sex, age)
        if plan.track != CUSTODY or plan.release_preparation_from is not None:
            if rng.random() < 0.04:
                _refer_to_ngo(rng, plan, NGO_CODES[rng.randrange(len(NGO_CODES))])
            if mentees_left and rng.random() < 0.01:
                mentees_left -= 1
                plan.mentored = True
                if plan.ngo != MENTOR_NGO:
                    _refer_to_ngo(rng, plan, MENTOR_NGO)
                    plan.ngo_consent_withdrawn = False
        drafts.append(Draft(person=person, plan=plan, passport=passport))
    _force_visible_cases(drafts, today)
    return drafts


def generate_persons(*, count: int, seed: int, today: dt.date) -> list[Person]:
    return [draft.person for draft in generate_drafts(count=count, seed=seed, today=today)]


# --- writing -----------------------------------------------------------------------------------------


@dataclass
class SeedResult:
    persons: int
    relationships: int
    consents: int
    identifiers: int
    events: int
    seconds: float
    dataset: DemoDataset
    journeys: JourneyCounts
    assessments: AssessmentCounts
    release: ReleaseCounts
    plans: PlanCounts
    handovers: HandoverCounts
    mentoring: MentoringCounts = field(default_factory=MentoringCounts)


def database_has_persons() -> bool:
    return Person.objects.exists()


def database_has_real_persons() -> bool:
    return Person.objects.filter(is_synthetic=False).exists()


def _relationships(
    drafts: list[Draft], orgs: dict[str, Organization], mentor: User, coordinator: User, today: dt.date
) -> Iterator[Relationship | Consent]:
    for draft in drafts:
        person, plan = draft.person, draft.plan
        # Custody, supervision and the probation unit's release preparation are derived from the
        # sentence journey (journeys.py); these are the other organizations' relationships.
        after_release = plan.custody_until or plan.release_preparation_from or today
        if plan.employment_branch:
            yield Relationship(
                person=person,
                organization=orgs[plan.employment_branch],
                kind="client",
                starts_on=min(today, after_release + dt.timedelta(days=14)),
                source=SOURCE,
            )
        if plan.social_service:
            kind = "release_preparation" if plan.track == CUSTODY else "client"
            yield Relationship(
                person=person,
                organization=orgs[plan.social_service],
                kind=kind,
                starts_on=plan.release_preparation_from or after_release,
                source=SOURCE,
            )
        if plan.ngo:
            starts = min(today, after_release + dt.timedelta(days=7))
            yield Relationship(
                person=person, organization=orgs[plan.ngo], kind="referral", starts_on=starts, source=SOURCE
            )
            yield Consent(
                person=person,
                organization=orgs[plan.ngo],
                categories=Consent.encode_categories(plan.ngo_consent_categories),
                purpose="Atbalsts resocializācijā un pēc atbrīvošanas",
                given_on=starts,
                recorded_by=coordinator,
                withdrawn_at=timezone.now() if plan.ngo_consent_withdrawn else None,
            )
        if plan.mentored:
            starts = min(today, after_release + dt.timedelta(days=10))
            yield Relationship(
                person=person,
                organization=orgs[MENTOR_NGO],
                kind="mentoring",
                mentor=mentor,
                starts_on=starts,
                source=SOURCE,
            )
            yield Consent(
                person=person,
                organization=orgs[MENTOR_NGO],
                mentor=mentor,
                categories=Consent.encode_categories(["identity", "family", "education_employment"]),
                purpose="Līdzgaitnieka atbalsts",
                given_on=starts,
                recorded_by=coordinator,
            )


def _registered_at(plan: Plan, today: dt.date) -> dt.datetime:
    day = plan.custody_from or plan.supervision_from or today
    return timezone.make_aware(dt.datetime.combine(day, dt.time(9, 0)))


def seed_demo(*, persons: int, seed: int, today: dt.date | None = None) -> SeedResult:
    """Create ``persons`` synthetic persons, their relationships, consents and the demo users."""
    started = time.perf_counter()
    today = today or timezone.localdate()
    with transaction.atomic():
        orgs = ensure_demo_organizations()
        users = ensure_demo_users(orgs)
        seed_programmes(orgs)
        used = {
            code
            for code in Person.objects.current()
            .filter(personal_code__isnull=False)
            .values_list("personal_code", flat=True)
            if code
        }
        salt = Person.objects.count()
        drafts = generate_drafts(count=persons, seed=seed, today=today, used_codes=used, uuid_salt=salt)
        people = [draft.person for draft in drafts]
        for person in people:
            person.refresh_derived_fields()
        Person.objects.bulk_create(people, batch_size=BATCH_SIZE)

        identifiers = [
            PersonIdentifier(
                person=d.person,
                kind=IdentifierKind.PASSPORT,
                value=d.passport[0],
                issuing_country=d.passport[1],
            )
            for d in drafts
            if d.passport
        ]
        PersonIdentifier.objects.bulk_create(identifiers, batch_size=BATCH_SIZE)

        relationships: list[Relationship] = []
        consents: list[Consent] = []
        for row in _relationships(drafts, orgs, users["demo-mentor"], users["demo-ngo"], today):
            if isinstance(row, Relationship):
                relationships.append(row)
            else:
                consents.append(row)
        insert_objects(Relationship, relationships)
        Consent.objects.bulk_create(consents, batch_size=BATCH_SIZE)
        # NGO profiles, agreements, and consents signed on a form or withdrawn (community.py).
        seed_community(orgs=orgs, officer=users["demo-officer"], today=today)

        journeys = build_journeys(
            drafts,
            seed=seed,
            today=today,
            orgs=orgs,
            levels=regime_levels_by_type(),
            probation_officer=users["demo-probation"],
            uuid_salt=salt,
        )
        journey_counts = write_journeys(journeys, batch_size=BATCH_SIZE)
        officer = users["demo-officer"]
        assessment_counts = write_assessments(
            journeys,
            assessor=officer,
            organization=orgs[_account("demo-officer").organization_code],
            seed=seed,
            today=today,
            uuid_salt=salt,
            batch_size=BATCH_SIZE,
        )
        release_counts = seed_release(
            journeys,
            today=today,
            rng=random.Random(f"{seed}-release"),  # noqa: S311  # reproducible demo data, not secrets
            officer=officer,
            orgs=orgs,
            batch_size=BATCH_SIZE,
        )
        plan_counts, handover_counts = _seed_plans_and_handovers(
            journeys, assessment_counts, seed=seed, salt=salt, today=today, officer=officer, orgs=orgs
        )

        # After the journeys and assessments: eligibility reads custody, sentences and risk levels.
        seed_participants(enrolled_by=officer)
        # After the NGO relationships and the journeys: a referral comes from the institution holding the person.
        seed_referrals(orgs=orgs, users=users, today=today, rng=random.Random(f"{seed}-referrals"))  # noqa: S311
        seed_volunteers(orgs=orgs, users=users, today=today, seed=seed)
        mentoring_counts = seed_mentoring(
            orgs=orgs,
            ngo_code=MENTOR_NGO,
            mentor=users["demo-mentor"],
            coordinator=users["demo-ngo"],
            today=today,
            seed=seed,
        )
        events = [
            PersonEvent(
                person=d.person,
                type="person_registered",
                category="identity",
                parameters={"source": SOURCE},
                organization=orgs[d.plan.prison] if d.plan.prison else orgs[REGIONS[d.plan.region][0]],
                occurred_at=_registered_at(d.plan, today),
            )
            for d in drafts
        ]
        insert_objects(PersonEvent, events)
        dataset = DemoDataset.objects.create(seed=seed, persons=persons)
    refresh_statistics()
    forget_demo_data_flag()
    return SeedResult(
        persons=len(people),
        relationships=len(relationships) + journey_counts.relationships,
        consents=len(consents),
        identifiers=len(identifiers),
        events=len(events),
        seconds=time.perf_counter() - started,
        dataset=dataset,
        journeys=journey_counts,
        assessments=assessment_counts,
        release=release_counts,
        plans=plan_counts,
        handovers=handover_counts,
        mentoring=mentoring_counts,
    )


def _seed_plans_and_handovers(
    journeys: list[Journey],
    assessments: AssessmentCounts,
    *,
    seed: int,
    salt: int,
    today: dt.date,
    officer: User,
    orgs: dict[str, Organization],
) -> tuple[PlanCounts, HandoverCounts]:
    """Plans from the signed assessments, then the handovers of the recent releases (plans.py, handovers.py)."""
    ids = IdAllocator()
    plan_counts, open_measures = write_plans(
        journeys,
        assessments.saved,
        seed=seed,
        uuid_salt=salt,
        today=today,
        officer=officer,
        orgs=orgs,
        ids=ids,
    )
    handover_counts = write_handovers(
        journeys,
        seed=seed,
        uuid_salt=salt,
        today=today,
        officer=officer,
        orgs=orgs,
        ids=ids,
        open_measures=open_measures,
    )
    reset_sequences(*ids.models())
    return plan_counts, handover_counts


__all__ = [
    "DEMO_ACCOUNTS",
    "DEMO_PASSWORD",
    "HIGHER_EDUCATION",
    "DemoLogin",
    "Draft",
    "SeedResult",
    "database_has_persons",
    "database_has_real_persons",
    "demo_logins",
    "format_logins",
    "generate_drafts",
    "generate_persons",
    "seed_demo",
]
