"""What the demo generators share: a cheap weighted choice, the three tracks of a person, and where
the real institutions are (regions, prisons, probation units)."""

from __future__ import annotations

import bisect
import itertools
import random
from collections.abc import Sequence
from typing import Generic, TypeVar

T = TypeVar("T")


class Weighted(Generic[T]):
    """A weighted choice that costs one ``rng.random()`` and a binary search."""

    def __init__(self, items: Sequence[tuple[T, float]]) -> None:
        self.values = [value for value, _ in items]
        self.cumulative = list(itertools.accumulate(weight for _, weight in items))
        self.total = self.cumulative[-1]

    def pick(self, rng: random.Random) -> T:
        return self.values[bisect.bisect_right(self.cumulative, rng.random() * self.total)]


CUSTODY, SUPERVISION, RELEASED = "custody", "supervision", "released"

# Where released persons go: probation unit, NVA branches and (demo) municipal social service.
REGIONS: dict[str, tuple[str, list[str], str | None]] = {
    "riga": ("vpd-riga", ["nva-riga"], "demo-socialais-riga"),
    "zemgale": ("vpd-zemgale", ["nva-jelgava", "nva-jekabpils"], "demo-socialais-jelgava"),
    "kurzeme": ("vpd-kurzeme", ["nva-liepaja"], None),
    "vidzeme": ("vpd-vidzeme", ["nva-valmiera"], None),
    "latgale": ("vpd-latgale", ["nva-daugavpils"], None),
}
PRISON_REGION = {
    "daugavgrivas-cietums": "latgale",
    "ilguciema-cietums": "riga",
    "rigas-centralcietums": "riga",
    "liepajas-cietums": "kurzeme",
    "jekabpils-cietums": "zemgale",
    "jelgavas-cietums": "zemgale",
    "valmieras-cietums": "vidzeme",
    "olaines-cietums": "riga",
    "cesu-audzinasanas-iestade": "vidzeme",
}
WOMEN_PRISON = "ilguciema-cietums"
JUVENILE_INSTITUTION = "cesu-audzinasanas-iestade"
MEN_PRISONS = Weighted(
    [
        ("rigas-centralcietums", 20),
        ("daugavgrivas-cietums", 18),
        ("jelgavas-cietums", 15),
        ("liepajas-cietums", 12),
        ("jekabpils-cietums", 10),
        ("valmieras-cietums", 10),
        ("olaines-cietums", 3),
    ]
)


def probation_unit_of(region: str) -> str:
    return REGIONS[region][0]
