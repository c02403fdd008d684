"""Demo NGO profiles, cooperation agreements and consents (synthetic, labelled "(demo)").

The three demo NGOs get profiles with contact persons; agreements: “Ceļš” with the Prison
Administration covering Jelgava and Jēkabpils prisons (in force), “Otrā iespēja” with the Zemgale
probation unit (expiring within 30 days), “Krasts” with Jelgava prison (expired: the NGO shows as
suspended). A few consents to “Ceļš” show the other ways a consent looks: one given on a signed form
(a synthetic PDF), one withdrawn with its reason. Idempotent: records are found by their keys.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.utils import timezone

from resoc.access.models import User
from resoc.community.models import ContactPerson, CooperationAgreement, NgoProfile, encode_keys
from resoc.organizations.models import Organization
from resoc.people.models import Consent, ConsentMethod

# code: (description, areas, regions, address, phone, e-mail, website, contacts)
PROFILES: dict[str, tuple[str, list[str], list[str], str, str, str, str, list[tuple[str, str, str, str]]]] = {
    "demo-nvo-cels": (
        "Resocializācijas centrs ar dzīvesvietu vīriešiem pēc atbrīvošanas: atkarību mazināšana, "
        "darba meklēšana un līdzgaitnieku atbalsts jau no soda izciešanas sākuma. (demo)",
        ["addiction", "housing", "employment", "peer_support"],
        ["zemgale", "riga"],
        "Lielā iela 1, Jelgava (demo)",
        "+371 63000001",
        "info@cels.demo.invalid",
        "https://cels.demo.invalid",
        [
            ("Ilze Demo", "Koordinatore", "+371 20000011", "ilze@cels.demo.invalid"),
            ("Pēteris Demo", "Līdzgaitnieku vadītājs", "+371 20000012", "peteris@cels.demo.invalid"),
        ],
    ),
    "demo-nvo-otra-iespeja": (
        "Ģimeņu atbalsts, brīvā laika un ticības grupas ieslodzītajiem un probācijas klientiem. (demo)",
        ["family", "leisure", "faith"],
        ["zemgale", "kurzeme"],
        "Skolas iela 5, Liepāja (demo)",
        "+371 63000002",
        "birojs@otra-iespeja.demo.invalid",
        "",
        [("Anna Demo", "Valdes priekšsēdētāja", "+371 20000021", "anna@otra-iespeja.demo.invalid")],
    ),
    "demo-nvo-krasts": (
        "Atkarību atbalsta grupas un HIV/AIDS izglītība cietumos. (demo)",
        ["addiction", "hiv_aids", "peer_support"],
        ["zemgale", "latgale"],
        "Upes iela 12, Daugavpils (demo)",
        "+371 63000003",
        "krasts@krasts.demo.invalid",
        "https://krasts.demo.invalid",
        [("Juris Demo", "Sociālais darbinieks", "+371 20000031", "")],
    ),
}

# (NGO, institution, number, scope, days from today: start, end or None, prisons)
AGREEMENTS: list[tuple[str, str, str, str, int, int | None, list[str]]] = [
    (
        "demo-nvo-cels",
        "ievp",
        "IeVP-NVO-2025/1 (demo)",
        "Līdzgaitnieku atbalsts un atkarību mazināšanas grupas cietumos",
        -400,
        330,
        ["jelgavas-cietums", "jekabpils-cietums"],
    ),
    (
        "demo-nvo-otra-iespeja",
        "vpd-zemgale",
        "VPD-Z-2024/7 (demo)",
        "Ģimeņu konsultācijas probācijas klientiem",
        -700,
        20,
        [],
    ),
    (
        "demo-nvo-krasts",
        "jelgavas-cietums",
        "JC-2023/3 (demo)",
        "Atkarību atbalsta grupas Jelgavas cietumā",
        -900,
        -15,
        ["jelgavas-cietums"],
    ),
]

DEMO_FORM_NAME = "consents/demo-synthetic-consent-form.pdf"
SIGNED_FORM_PURPOSE = "Atbalsts resocializācijā, parakstīta veidlapa (demo)"
WITHDRAWN_PURPOSE = "Veselības informācija atkarību programmai (demo)"
# A one-page PDF that says what it is: no real person signed it.
SYNTHETIC_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]/Contents 4 0 R/Resources<</Font<</F1 5 0 R>>>>>>"
    b"endobj\n4 0 obj<</Length 62>>stream\nBT /F1 18 Tf 72 760 Td (Synthetic demo consent form) Tj ET\n"
    b"endstream endobj\n5 0 obj<</Type/Font/Subtype/Type1/BaseFont/Helvetica>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)


@dataclass(frozen=True)
class CommunityCounts:
    profiles: int
    agreements: int
    consents: int


def seed_community(*, orgs: dict[str, Organization], officer: User, today: dt.date) -> CommunityCounts:
    profiles = agreements = consents = 0
    for code, (description, areas, regions, address, phone, email, website, contacts) in PROFILES.items():
        profile, created = NgoProfile.objects.update_or_create(
            organization=orgs[code],
            defaults={
                "description": description,
                "areas": encode_keys(areas),
                "regions": encode_keys(regions),
                "address": address,
                "phone": phone,
                "email": email,
                "website": website,
            },
        )
        profiles += created
        for name, position, contact_phone, contact_email in contacts:
            ContactPerson.objects.get_or_create(
                profile=profile,
                name=name,
                defaults={"position": position, "phone": contact_phone, "email": contact_email},
            )
    for ngo, institution, number, scope, start, end, prisons in AGREEMENTS:
        agreement, created = CooperationAgreement.objects.get_or_create(
            organization=orgs[ngo],
            number=number,
            defaults={
                "institution": orgs[institution],
                "scope": scope,
                "valid_from": today + dt.timedelta(days=start),
                "valid_until": None if end is None else today + dt.timedelta(days=end),
            },
        )
        if created:
            agreement.prisons.set([orgs[code] for code in prisons])
            agreements += 1
    consents = _seed_consents(orgs["demo-nvo-cels"], officer, today)
    return CommunityCounts(profiles=profiles, agreements=agreements, consents=consents)


def _seed_consents(ngo: Organization, officer: User, today: dt.date) -> int:
    if Consent.objects.filter(purpose__in=[SIGNED_FORM_PURPOSE, WITHDRAWN_PURPOSE]).exists():
        return 0
    given = list(
        Consent.objects.filter(organization=ngo, mentor__isnull=True, withdrawn_at__isnull=True)
        .select_related("person")
        .order_by("pk")[:2]
    )
    if len(given) < 2:
        return 0
    signed = Consent(
        person=given[0].person,
        organization=ngo,
        categories=Consent.encode_categories(["education_employment", "identity"]),
        purpose=SIGNED_FORM_PURPOSE,
        given_on=today - dt.timedelta(days=3),
        method=ConsentMethod.SIGNED_FORM,
        recorded_by=officer,
        signed_form_type="application/pdf",
    )
    # One shared file under a fixed name: seeding again (or a test run) adds no files.
    storage = signed.signed_form.storage
    if not storage.exists(DEMO_FORM_NAME):
        storage.save(DEMO_FORM_NAME, ContentFile(SYNTHETIC_PDF))
    signed.signed_form.name = DEMO_FORM_NAME
    signed.save()
    Consent.objects.create(
        person=given[1].person,
        organization=ngo,
        categories=Consent.encode_categories(["health"]),
        purpose=WITHDRAWN_PURPOSE,
        given_on=today - dt.timedelta(days=60),
        recorded_by=officer,
        withdrawn_at=timezone.now() - dt.timedelta(days=5),
        withdrawn_by=officer,
        withdrawal_reason="Persona pārdomāja un atsauca piekrišanu sarunā ar inspektoru (demo)",
    )
    return 2
