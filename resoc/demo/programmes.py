"""The demo programme catalogue: the programmes the seed documents name, where they run, in which rooms.

The motivation and correction programmes, the five vocational programmes of the LV0020 project
(carpenter, turner, electrician, welder, locksmith) in twelve classrooms and workshops at Jēkabpils and
Jelgava prisons, Latvian language courses, addiction and HIV/AIDS education and leisure run by NGOs,
volunteer-led activities and NVA career consultations (from the age of 29, as project 9.1.2 offered
them). Lengths, rules, addresses and room sizes are synthetic and the places are labelled "(demo)".
Three groups at Jelgava prison (a running welders' group, a thinking skills and a Latvian course
group about to start), led by the demo facilitator and the demo prison administrator, with their
weekly sessions; they are seeded only when those demo accounts exist. Once the persons are seeded,
each group is filled to about three quarters of its places with persons held at Jelgava prison whom the
programme's eligibility rules do not refuse (``seed_participants``), written as ``enrolment_create``
writes them: the place and the ``participant`` relationship that lets the demo facilitator read them.
Idempotent: records are found by code or name, so seeding again changes nothing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from resoc.access.models import User
from resoc.organizations.models import Organization
from resoc.people.models import Relationship
from resoc.programmes import recurrence, selectors
from resoc.programmes.eligibility import Outcome, check
from resoc.programmes.models import (
    Enrolment,
    Group,
    GroupStatus,
    Location,
    Offer,
    OfferLocation,
    Programme,
    ProgrammeType,
    Room,
    Session,
)
from resoc.programmes.services import PARTICIPANT_KIND, participant_source
from resoc.sentences.models import CustodyPeriod

VOCATIONAL_LEVELS = [
    "closed-medium",
    "closed-highest",
    "partly-closed-lowest",
    "partly-closed-medium",
    "partly-closed-highest",
]
QUALIFICATION = (
    "Profesionālās kvalifikācijas apliecība (demo)",
    "Vocational qualification certificate (demo)",
)

# code: (type, name, English name, aims, needs, delivering organizations, rules)
PROGRAMMES: dict[str, tuple[str, str, str, str, list[str], list[str], dict[str, Any]]] = {
    "motivacijas-programma": (
        "motivation",
        "Motivācijas programma",
        "Motivation programme",
        "Rosināt mācīties, strādāt un iesaistīties resocializācijas programmās.",
        ["attitudes", "education_employment"],
        ["ievp"],
        {"sessions": 10, "hours": 20, "min_months_left": 3},
    ),
    "domasanas-prasmes": (
        "correction",
        "Domāšanas prasmju programma",
        "Thinking skills programme",
        "Problēmu risināšana, impulsu kontrole un prosociāla domāšana.",
        ["attitudes", "antisocial_pattern", "associates"],
        ["ievp", "vpd"],
        {
            "sessions": 18,
            "hours": 36,
            "min_age": 18,
            "risk_levels": ["medium", "high", "very_high"],
            "min_months_left": 6,
        },
    ),
    "vardarbibas-korekcija": (
        "correction",
        "Vardarbīgas uzvedības korekcijas programma",
        "Violent behaviour correction programme",
        "Vardarbīgas uzvedības atpazīšana un alternatīvas tai.",
        ["antisocial_pattern", "attitudes"],
        ["ievp", "vpd"],
        {
            "sessions": 24,
            "hours": 48,
            "min_age": 18,
            "risk_levels": ["high", "very_high"],
            "min_months_left": 8,
        },
    ),
    "galdnieks": (
        "vocational_education",
        "Galdnieks",
        "Carpenter",
        "Galdnieka profesionālā kvalifikācija.",
        ["education_employment"],
        ["ievp"],
        {},
    ),
    "virpotajs": (
        "vocational_education",
        "Virpotājs",
        "Turner",
        "Virpotāja profesionālā kvalifikācija.",
        ["education_employment"],
        ["ievp"],
        {},
    ),
    "elektromontieris": (
        "vocational_education",
        "Elektromontieris",
        "Electrician",
        "Elektromontiera profesionālā kvalifikācija.",
        ["education_employment"],
        ["ievp"],
        {},
    ),
    "metinatajs": (
        "vocational_education",
        "Metinātājs",
        "Welder",
        "Metinātāja profesionālā kvalifikācija.",
        ["education_employment"],
        ["ievp"],
        {},
    ),
    "atslednieks": (
        "vocational_education",
        "Atslēdznieks",
        "Locksmith",
        "Atslēdznieka profesionālā kvalifikācija.",
        ["education_employment"],
        ["ievp"],
        {},
    ),
    "latviesu-valoda": (
        "state_language",
        "Latviešu valodas kursi",
        "Latvian language course",
        "Valsts valodas apguve saziņai, mācībām un darbam.",
        ["latvian_language"],
        ["ievp"],
        {
            "sessions": 40,
            "hours": 80,
            "max_latvian_level": "B1",
            "certificate": ("Apliecība par kursu beigšanu (demo)", "Course certificate (demo)"),
        },
    ),
    "atkaribu-programma": (
        "addiction",
        "Atkarību mazināšanas programma",
        "Addiction programme",
        "Alkohola un narkotiku lietošanas mazināšana un recidīva novēršana.",
        ["alcohol", "drugs"],
        ["ievp", "demo-nvo-krasts"],
        {"sessions": 16, "hours": 32, "min_age": 18},
    ),
    "hiv-izglitiba": (
        "health",
        "HIV/AIDS profilakses izglītība",
        "HIV/AIDS prevention education",
        "Zināšanas par HIV/AIDS, hepatītiem un drošu uzvedību.",
        ["drugs", "emotional_wellbeing"],
        ["demo-nvo-krasts"],
        {"sessions": 4, "hours": 6},
    ),
    "brivais-laiks": (
        "leisure_sport",
        "Brīvā laika un sporta nodarbības",
        "Leisure and sport",
        "Strukturēts brīvais laiks un veselīgs dzīvesveids.",
        ["leisure"],
        ["demo-nvo-otra-iespeja"],
        {"sessions": 30, "hours": 45},
    ),
    "gimenes-dienas": (
        "family",
        "Ģimenes dienas cietumā",
        "Family days in prison",
        "Saiknes uzturēšana ar ģimeni un bērniem.",
        ["family"],
        ["ievp", "demo-nvo-otra-iespeja"],
        {"sessions": 2, "hours": 8},
    ),
    "lidzgaitnieku-grupa": (
        "volunteer_led",
        "Līdzgaitnieku atbalsta grupa",
        "Peer support group",
        "Brīvprātīgo un līdzgaitnieku atbalsts no soda sākuma līdz atgriešanās sabiedrībā.",
        ["associates", "family"],
        ["demo-nvo-cels"],
        {"sessions": 12, "hours": 18},
    ),
    "karjeras-konsultacijas": (
        "career",
        "Karjeras konsultācijas",
        "Career consultations",
        "CV, darba meklēšana, profesijas izvēle un profesionālās piemērotības noteikšana.",
        ["education_employment"],
        ["nva"],
        {"sessions": 3, "hours": 3, "min_age": 29},
    ),
    "veca-motivacijas-programma": (
        "motivation",
        "Motivācijas programma (līdz 2015, demo)",
        "Motivation programme (until 2015, demo)",
        "Iepriekšējā programmas versija; vairs netiek piedāvāta.",
        ["attitudes"],
        ["ievp"],
        {"is_active": False},
    ),
}
VOCATIONAL = ["galdnieks", "virpotajs", "elektromontieris", "metinatajs", "atslednieks"]

# key: (organization code, name, street address, city, postal code)
LOCATIONS: dict[str, tuple[str, str, str, str, str]] = {
    "jekabpils": (
        "jekabpils-cietums",
        "Jēkabpils cietums, mācību korpuss (demo)",
        "Mācību iela 1 (demo)",
        "Jēkabpils",
        "LV-5201",
    ),
    "jelgava": (
        "jelgavas-cietums",
        "Jelgavas cietums, mācību korpuss (demo)",
        "Mācību iela 2 (demo)",
        "Jelgava",
        "LV-3001",
    ),
    "iluciems": (
        "ilguciema-cietums",
        "Iļģuciema cietums, apmeklējumu telpas (demo)",
        "Mācību iela 3 (demo)",
        "Rīga",
        "LV-1055",
    ),
    "nva-jelgava": (
        "nva-jelgava",
        "NVA Jelgavas filiāle (demo)",
        "Darba iela 4 (demo)",
        "Jelgava",
        "LV-3002",
    ),
    "cels": (
        "demo-nvo-cels",
        "Resocializācijas centrs “Ceļš” (demo)",
        "Centra iela 5 (demo)",
        "Rīga",
        "LV-1010",
    ),
    "krasts": (
        "demo-nvo-krasts",
        "Biedrības “Krasts” centrs (demo)",
        "Krasta iela 6 (demo)",
        "Jelgava",
        "LV-3004",
    ),
}

# Six classrooms and workshops at each of the two LV0020 prisons: twelve in all.
ROOMS: dict[str, list[tuple[str, str, int]]] = {
    "jekabpils": [
        ("Galdniecības darbnīca", "workshop", 10),
        ("Virpošanas darbnīca", "workshop", 8),
        ("Elektromontāžas klase", "classroom", 12),
        ("Metināšanas darbnīca", "workshop", 8),
        ("Atslēdznieku darbnīca", "workshop", 10),
        ("Teorijas klase", "classroom", 15),
    ],
    "jelgava": [
        ("Galdniecības darbnīca", "workshop", 10),
        ("Virpošanas darbnīca", "workshop", 8),
        ("Elektromontāžas klase", "classroom", 12),
        ("Metināšanas darbnīca", "workshop", 8),
        ("Valodu klase", "classroom", 14),
        ("Grupu nodarbību telpa", "counselling", 12),
    ],
    "iluciems": [("Ģimenes istaba", "hall", 20)],
    "cels": [("Grupu telpa", "counselling", 12)],
}

# Who delivers which programme where: programme code -> [(organization code, [location keys])].
OFFERS: dict[str, list[tuple[str, list[str]]]] = {
    "motivacijas-programma": [("jekabpils-cietums", ["jekabpils"]), ("jelgavas-cietums", ["jelgava"])],
    "domasanas-prasmes": [("jelgavas-cietums", ["jelgava"])],
    "vardarbibas-korekcija": [("jekabpils-cietums", ["jekabpils"])],
    **{
        code: [("jekabpils-cietums", ["jekabpils"]), ("jelgavas-cietums", ["jelgava"])] for code in VOCATIONAL
    },
    "latviesu-valoda": [("jekabpils-cietums", ["jekabpils"]), ("jelgavas-cietums", ["jelgava"])],
    "atkaribu-programma": [("demo-nvo-krasts", ["krasts", "jelgava"])],
    "hiv-izglitiba": [("demo-nvo-krasts", ["jelgava", "jekabpils"])],
    "brivais-laiks": [("demo-nvo-otra-iespeja", ["jelgava"])],
    "gimenes-dienas": [("ilguciema-cietums", ["iluciems"])],
    "lidzgaitnieku-grupa": [("demo-nvo-cels", ["cels", "jelgava"])],
    "karjeras-konsultacijas": [("nva-jelgava", ["nva-jelgava", "jelgava"])],
}


# name: (programme, room at Jelgava, facilitator username, days from today, rule, start, minutes, places)
GROUPS: dict[str, tuple[str, str, str, int, str, dt.time, int, int]] = {
    "Metinātāji, 2. grupa (demo)": (
        "metinatajs",
        "Metināšanas darbnīca",
        "demo-facilitator",
        -30,
        "FREQ=WEEKLY;BYDAY=MO,WE,FR;COUNT=72",
        dt.time(9, 0),
        180,
        8,
    ),
    "Domāšanas prasmes, pavasara grupa (demo)": (
        "domasanas-prasmes",
        "Grupu nodarbību telpa",
        "demo-facilitator",
        7,
        "FREQ=WEEKLY;BYDAY=TU,TH;COUNT=18",
        dt.time(14, 0),
        120,
        10,
    ),
    "Latviešu valoda A2 (demo)": (
        "latviesu-valoda",
        "Valodu klase",
        "demo-orgadmin",
        14,
        "FREQ=WEEKLY;BYDAY=MO,WE;COUNT=20",
        dt.time(15, 0),
        90,
        12,
    ),
}


def seed_groups(orgs: dict[str, Organization]) -> int:
    """The demo groups at Jelgava prison with their sessions, if the demo accounts exist."""
    users = {u.username: u for u in User.objects.filter(username__in={g[2] for g in GROUPS.values()})}
    today = timezone.localdate()
    seeded = 0
    for name, (code, room_name, username, offset, rule, start, minutes, places) in GROUPS.items():
        offer = Offer.objects.filter(programme__code=code, organization=orgs["jelgavas-cietums"]).first()
        room = Room.objects.filter(location__organization=orgs["jelgavas-cietums"], name=room_name).first()
        if username not in users or offer is None or room is None or Group.objects.filter(name=name).exists():
            continue
        starts_on = today + dt.timedelta(days=offset)
        found = recurrence.expand(
            rule=rule,
            starts_on=starts_on,
            ends_on=starts_on + dt.timedelta(days=366),
            start_time=start,
            minutes=minutes,
        )
        group = Group.objects.create(
            offer=offer,
            room=room,
            facilitator=users[username],
            name=name,
            starts_on=starts_on,
            ends_on=found[-1].starts_at.date(),
            capacity=places,
            status=GroupStatus.RUNNING if offset < 0 else GroupStatus.PLANNED,
            recurrence=recurrence.normalize(rule),
            session_start=start,
            session_minutes=minutes,
        )
        Session.objects.bulk_create(
            Session(group=group, occurrence=o.starts_at, starts_at=o.starts_at, ends_at=o.ends_at, room=room)
            for o in found
        )
        seeded += 1
    return seeded


# Demo groups are filled to three quarters, leaving places to enrol someone in the demo.
FILL_SHARE = 0.75
# Persons looked at per group before giving up: bounds the seeding time whatever the population.
CANDIDATES_PER_GROUP = 200


def seed_participants(*, enrolled_by: User | None = None) -> int:
    """Places in the demo groups for persons held at the group's prison whom the rules do not refuse.

    Deterministic (persons are taken in the order they were created) and bounded: at most
    ``CANDIDATES_PER_GROUP`` persons are checked per group, so 100,000 persons seed as fast as 300.
    A group that already has places is left as it is; a person gets a place in one group only.
    """
    today = timezone.localdate()
    labels = selectors.regime_level_labels()
    taken: set[int] = set(
        Enrolment.objects.filter(group__name__in=GROUPS).values_list("person_id", flat=True)
    )
    enrolments: list[Enrolment] = []
    relationships: list[Relationship] = []
    groups = Group.objects.filter(name__in=GROUPS).select_related("offer__programme", "room__location")
    for group in sorted(groups, key=lambda g: g.name):
        if group.enrolments.exists():
            continue
        wanted = int(group.capacity * FILL_SHARE)
        on = max(today, group.starts_on)
        # Enrolled a week before the group's first day, or today for a group that has started.
        first_day = min(today, group.starts_on - dt.timedelta(days=7))
        held = (
            CustodyPeriod.objects.filter(
                prison_id=group.room.location.organization_id, admitted_on__lte=today, left_on__isnull=True
            )
            .exclude(person_id__in=taken)
            .filter(person__merged_into__isnull=True)
            .order_by("person_id")
            .select_related("person")[:CANDIDATES_PER_GROUP]
        )
        chosen = 0
        for period in held:
            if chosen >= wanted:
                break
            findings = check(
                selectors.person_facts(person=period.person, on=on),
                group.offer.programme,
                on,
                regime_labels=labels,
            )
            if any(f.outcome == Outcome.FAILED for f in findings):
                continue
            # Not before the person came to this prison.
            enrolled_on = max(first_day, period.admitted_on)
            flags = [
                {"rule": f.rule.value, "message": f.message} for f in findings if f.outcome == Outcome.UNKNOWN
            ]
            enrolments.append(
                Enrolment(
                    group=group,
                    person=period.person,
                    flags=flags,
                    enrolled_by=enrolled_by,
                    enrolled_at=timezone.make_aware(dt.datetime.combine(enrolled_on, dt.time(10, 0))),
                )
            )
            relationships.append(
                Relationship(
                    person=period.person,
                    organization_id=group.offer.organization_id,
                    kind=PARTICIPANT_KIND,
                    mentor_id=group.facilitator_id,
                    starts_on=enrolled_on,
                    ends_on=group.ends_on,
                    source=participant_source(group),
                )
            )
            taken.add(period.person_id)
            chosen += 1
    Enrolment.objects.bulk_create(enrolments)
    Relationship.objects.bulk_create(relationships)
    return len(enrolments)


@dataclass(frozen=True)
class ProgrammeCounts:
    programmes: int
    locations: int
    rooms: int
    offers: int


def _programme_fields(code: str) -> dict[str, Any]:
    _type, name, name_en, aims, needs, _orgs, rules = PROGRAMMES[code]
    fields: dict[str, Any] = {"name": name, "name_en": name_en, "aims": aims, "needs": needs}
    if code in VOCATIONAL:
        fields.update(
            sessions=160,
            hours=640,
            min_age=18,
            min_latvian_level="A2",
            min_months_left=9,
            regime_levels=VOCATIONAL_LEVELS,
            certificate=QUALIFICATION[0],
            certificate_en=QUALIFICATION[1],
        )
    rules = dict(rules)
    certificate = rules.pop("certificate", None)
    if certificate:
        fields.update(certificate=certificate[0], certificate_en=certificate[1])
    fields.update(rules)
    return fields


def seed_programmes(orgs: dict[str, Organization]) -> ProgrammeCounts:
    """Create (or find) the demo catalogue, places, rooms and offers."""
    types = {t.code: t for t in ProgrammeType.objects.all()}
    programmes: dict[str, Programme] = {}
    for code, (type_code, *_rest) in PROGRAMMES.items():
        programme, created = Programme.objects.get_or_create(
            code=code, defaults={"type": types[type_code], **_programme_fields(code)}
        )
        if created:
            programme.organizations.set([orgs[c] for c in PROGRAMMES[code][5]])
        programmes[code] = programme
    locations: dict[str, Location] = {}
    for key, (org_code, name, address, city, postal_code) in LOCATIONS.items():
        locations[key], _ = Location.objects.get_or_create(
            organization=orgs[org_code],
            name=name,
            defaults={"address": address, "city": city, "postal_code": postal_code},
        )
    rooms = 0
    for key, specs in ROOMS.items():
        for name, kind, capacity in specs:
            Room.objects.get_or_create(
                location=locations[key], name=name, defaults={"kind": kind, "capacity": capacity}
            )
            rooms += 1
    offers = 0
    for code, deliveries in OFFERS.items():
        for org_code, location_keys in deliveries:
            offer, _ = Offer.objects.get_or_create(programme=programmes[code], organization=orgs[org_code])
            for key in location_keys:
                OfferLocation.objects.get_or_create(offer=offer, location=locations[key])
            offers += 1
    seed_groups(orgs)
    return ProgrammeCounts(programmes=len(programmes), locations=len(locations), rooms=rooms, offers=offers)
