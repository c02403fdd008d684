"""The real Latvian institutions, seeded as reference data (see shared DOMAIN.md)."""

from __future__ import annotations

from typing import Any

# (code, name, English name, short name, type, parent code)
INSTITUTIONS: list[tuple[str, str, str, str, str, str | None]] = [
    ("tm", "Tieslietu ministrija", "Ministry of Justice", "TM", "ministry", None),
    ("ievp", "Ieslodzījuma vietu pārvalde", "Prison Administration", "IeVP", "prison_administration", "tm"),
    (
        "daugavgrivas-cietums",
        "Daugavgrīvas cietums",
        "Daugavgrīva Prison",
        "Daugavgrīvas c.",
        "prison",
        "ievp",
    ),
    ("ilguciema-cietums", "Iļģuciema cietums", "Iļģuciems Prison (women)", "Iļģuciema c.", "prison", "ievp"),
    ("rigas-centralcietums", "Rīgas Centrālcietums", "Riga Central Prison", "Rīgas CC", "prison", "ievp"),
    ("liepajas-cietums", "Liepājas cietums", "Liepāja Prison", "Liepājas c.", "prison", "ievp"),
    ("jekabpils-cietums", "Jēkabpils cietums", "Jēkabpils Prison", "Jēkabpils c.", "prison", "ievp"),
    ("jelgavas-cietums", "Jelgavas cietums", "Jelgava Prison", "Jelgavas c.", "prison", "ievp"),
    ("valmieras-cietums", "Valmieras cietums", "Valmiera Prison", "Valmieras c.", "prison", "ievp"),
    ("olaines-cietums", "Olaines cietuma slimnīca", "Olaine Prison Hospital", "Olaines c.", "prison", "ievp"),
    (
        "cesu-audzinasanas-iestade",
        "Cēsu audzināšanas iestāde nepilngadīgajiem",
        "Cēsis Juvenile Correctional Institution",
        "Cēsu AI",
        "prison",
        "ievp",
    ),
    ("vpd", "Valsts probācijas dienests", "State Probation Service", "VPD", "probation_service", "tm"),
    # Takes part in inter-institutional cooperation meetings; its parent ministry (Interior) is not modelled.
    ("valsts-policija", "Valsts policija", "State Police", "VP", "police", None),
    (
        "vpd-riga",
        "VPD Rīgas reģiona struktūrvienība",
        "Probation Service, Riga region",
        "VPD Rīga",
        "probation_unit",
        "vpd",
    ),
    (
        "vpd-kurzeme",
        "VPD Kurzemes reģiona struktūrvienība",
        "Probation Service, Kurzeme region",
        "VPD Kurzeme",
        "probation_unit",
        "vpd",
    ),
    (
        "vpd-zemgale",
        "VPD Zemgales reģiona struktūrvienība",
        "Probation Service, Zemgale region",
        "VPD Zemgale",
        "probation_unit",
        "vpd",
    ),
    (
        "vpd-vidzeme",
        "VPD Vidzemes reģiona struktūrvienība",
        "Probation Service, Vidzeme region",
        "VPD Vidzeme",
        "probation_unit",
        "vpd",
    ),
    (
        "vpd-latgale",
        "VPD Latgales reģiona struktūrvienība",
        "Probation Service, Latgale region",
        "VPD Latgale",
        "probation_unit",
        "vpd",
    ),
    ("nva", "Nodarbinātības valsts aģentūra", "State Employment Agency", "NVA", "employment_agency", None),
    (
        "nva-riga",
        "NVA Rīgas filiāle",
        "State Employment Agency, Riga branch",
        "NVA Rīga",
        "employment_branch",
        "nva",
    ),
    (
        "nva-jelgava",
        "NVA Jelgavas filiāle",
        "State Employment Agency, Jelgava branch",
        "NVA Jelgava",
        "employment_branch",
        "nva",
    ),
    (
        "nva-jekabpils",
        "NVA Jēkabpils filiāle",
        "State Employment Agency, Jēkabpils branch",
        "NVA Jēkabpils",
        "employment_branch",
        "nva",
    ),
    (
        "nva-liepaja",
        "NVA Liepājas filiāle",
        "State Employment Agency, Liepāja branch",
        "NVA Liepāja",
        "employment_branch",
        "nva",
    ),
    (
        "nva-valmiera",
        "NVA Valmieras filiāle",
        "State Employment Agency, Valmiera branch",
        "NVA Valmiera",
        "employment_branch",
        "nva",
    ),
    (
        "nva-daugavpils",
        "NVA Daugavpils filiāle",
        "State Employment Agency, Daugavpils branch",
        "NVA Daugavpils",
        "employment_branch",
        "nva",
    ),
]


def ensure_reference_organizations(organization_model: Any) -> int:
    """Create the institutions that are missing; return how many were created. Safe to run again."""
    created = 0
    by_code: dict[str, Any] = {}
    for code, name, name_en, short, org_type, parent_code in INSTITUTIONS:
        org, was_created = organization_model.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "name_en": name_en,
                "short_name": short,
                "type": org_type,
                "parent": by_code.get(parent_code) if parent_code else None,
                "is_reference_data": True,
            },
        )
        by_code[code] = org
        created += int(was_created)
    return created
