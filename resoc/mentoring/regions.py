"""The planning region of the institutions a person returns through (codes of the reference data)."""

from __future__ import annotations

from resoc.organizations.models import Region

# Probation units are regional by name; a prison's region is where it stands.
ORGANIZATION_REGION: dict[str, str] = {
    "vpd-riga": Region.RIGA,
    "vpd-kurzeme": Region.KURZEME,
    "vpd-zemgale": Region.ZEMGALE,
    "vpd-vidzeme": Region.VIDZEME,
    "vpd-latgale": Region.LATGALE,
    "daugavgrivas-cietums": Region.LATGALE,
    "ilguciema-cietums": Region.RIGA,
    "rigas-centralcietums": Region.RIGA,
    "liepajas-cietums": Region.KURZEME,
    "jekabpils-cietums": Region.ZEMGALE,
    "jelgavas-cietums": Region.ZEMGALE,
    "valmieras-cietums": Region.VIDZEME,
    "olaines-cietums": Region.RIGA,
    "cesu-audzinasanas-iestade": Region.VIDZEME,
}


def region_of(*codes: str | None) -> str:
    """The region of the first of ``codes`` (an organization and its parents) that has one; else ""."""
    for code in codes:
        if code and code in ORGANIZATION_REGION:
            return ORGANIZATION_REGION[code]
    return ""
