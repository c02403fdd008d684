"""The matching score: one mentee against one mentor, from weighted criteria, with the reasons.

Pure functions over plain facts (``MenteeFacts``, ``MentorFacts``), so that they are tested without
a database and rank 2,000 mentees against 500 mentors in memory. ``points`` is the fast path used for
ranking; ``explain`` gives the same number with the reasons the coordinator sees (a test holds them
equal). A stated preference for the mentor's sex and a mentor without a free place are hard filters:
such a pair is never suggested, whatever else it scores.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from resoc.organizations.models import Region

# Weights: the most a criterion adds. Region and language first: a mentor must be able to meet the
# person where he lives and talk with him; the rest refines among those who can.
WEIGHTS = {
    "region": 30,
    "language": 25,
    "age": 15,
    "interests": 15,
    "lived_experience": 10,
    "capacity": 5,
}
MAX_POINTS = sum(WEIGHTS.values())
INTEREST_POINTS = 5  # per shared interest, up to the weight
AGE_SPAN = 30  # years of difference at which the age criterion gives nothing


def words(text: str) -> frozenset[str]:
    """Comma- (or semicolon-) separated items, lower-cased: "Latviešu, krievu" → {"latviešu", "krievu"}."""
    return frozenset(w.strip().casefold() for w in text.replace(";", ",").split(",") if w.strip())


@dataclass(frozen=True, slots=True)
class MenteeFacts:
    person_id: int
    region: str = ""
    languages: frozenset[str] = frozenset()
    sex: str = ""
    mentor_sex: str = ""  # "" = no preference
    birth_year: int | None = None
    interests: frozenset[str] = frozenset()
    wants_lived_experience: bool = False


@dataclass(frozen=True, slots=True)
class MentorFacts:
    volunteer_id: int
    region: str = ""
    languages: frozenset[str] = frozenset()
    sex: str = ""
    birth_year: int | None = None
    interests: frozenset[str] = frozenset()
    lived_experience: bool = False
    capacity: int = 1
    open_matches: int = 0

    @property
    def free_places(self) -> int:
        return max(self.capacity - self.open_matches, 0)


@dataclass(frozen=True)
class Reason:
    """One criterion's contribution, with the phrase shown to the coordinator."""

    key: str
    points: int
    text: str
    blocking: bool = False


@dataclass(frozen=True)
class Score:
    points: int
    reasons: list[Reason] = field(default_factory=list)

    @property
    def suitable(self) -> bool:
        return not any(r.blocking for r in self.reasons)


def _age_points(a: int | None, b: int | None) -> int:
    if a is None or b is None:
        return 0
    return round(WEIGHTS["age"] * max(0, AGE_SPAN - abs(a - b)) / AGE_SPAN)


def _capacity_points(mentor: MentorFacts) -> int:
    return round(WEIGHTS["capacity"] * mentor.free_places / max(mentor.capacity, 1))


def points(mentee: MenteeFacts, mentor: MentorFacts) -> int | None:
    """The score, or None when a hard filter excludes the pair. Kept free of allocations: it runs a
    million times for a full ranking."""
    if mentor.open_matches >= mentor.capacity:
        return None
    if mentee.mentor_sex and mentor.sex != mentee.mentor_sex:
        return None
    total = 0
    if mentee.region and mentee.region == mentor.region:
        total += WEIGHTS["region"]
    if not mentee.languages.isdisjoint(mentor.languages):
        total += WEIGHTS["language"]
    total += _age_points(mentee.birth_year, mentor.birth_year)
    if mentee.interests and mentor.interests:
        total += min(WEIGHTS["interests"], INTEREST_POINTS * len(mentee.interests & mentor.interests))
    if mentee.wants_lived_experience and mentor.lived_experience:
        total += WEIGHTS["lived_experience"]
    return total + _capacity_points(mentor)


def _region_label(key: str) -> str:
    return str(Region(key).label) if key in Region.values else key


def explain(mentee: MenteeFacts, mentor: MentorFacts) -> Score:
    """The score with one reason per criterion, in the active language."""
    reasons: list[Reason] = []
    if mentor.open_matches >= mentor.capacity:
        reasons.append(Reason("capacity", 0, _("The mentor has no free place."), blocking=True))
    if mentee.mentor_sex and mentor.sex != mentee.mentor_sex:
        reasons.append(Reason("sex", 0, _("The person asked for a mentor of the other sex."), blocking=True))
    if not mentee.region:
        reasons.append(Reason("region", 0, _("The region of return is not known.")))
    elif mentee.region == mentor.region:
        reasons.append(
            Reason(
                "region",
                WEIGHTS["region"],
                _("Both in %(region)s, where the person returns.") % {"region": _region_label(mentee.region)},
            )
        )
    else:
        reasons.append(
            Reason(
                "region",
                0,
                _("The person returns to %(region)s; the mentor works elsewhere.")
                % {"region": _region_label(mentee.region)},
            )
        )
    shared = sorted(mentee.languages & mentor.languages)
    if shared:
        reasons.append(
            Reason(
                "language",
                WEIGHTS["language"],
                _("Shared language: %(languages)s.") % {"languages": ", ".join(shared)},
            )
        )
    else:
        reasons.append(Reason("language", 0, _("No shared language recorded.")))
    if mentee.birth_year is None or mentor.birth_year is None:
        reasons.append(Reason("age", 0, _("The age of one of them is not known.")))
    else:
        difference = abs(mentee.birth_year - mentor.birth_year)
        reasons.append(
            Reason(
                "age",
                _age_points(mentee.birth_year, mentor.birth_year),
                ngettext("Age difference: %(years)s year.", "Age difference: %(years)s years.", difference)
                % {"years": difference},
            )
        )
    common = sorted(mentee.interests & mentor.interests)
    if common:
        reasons.append(
            Reason(
                "interests",
                min(WEIGHTS["interests"], INTEREST_POINTS * len(common)),
                _("Shared interests: %(interests)s.") % {"interests": ", ".join(common)},
            )
        )
    else:
        reasons.append(Reason("interests", 0, _("No shared interests recorded.")))
    if mentee.wants_lived_experience:
        if mentor.lived_experience:
            reasons.append(
                Reason(
                    "lived_experience",
                    WEIGHTS["lived_experience"],
                    _("The person wants a mentor who has been in prison; this mentor has."),
                )
            )
        else:
            reasons.append(
                Reason(
                    "lived_experience",
                    0,
                    _("The person wants a mentor who has been in prison; this mentor has not."),
                )
            )
    reasons.append(
        Reason(
            "capacity",
            _capacity_points(mentor),
            ngettext(
                "%(free)s of %(capacity)s place free.",
                "%(free)s of %(capacity)s places free.",
                mentor.capacity,
            )
            % {"free": mentor.free_places, "capacity": mentor.capacity},
        )
    )
    total = sum(r.points for r in reasons)
    return Score(total, reasons)


@dataclass(frozen=True)
class Ranked:
    points: int
    mentee: MenteeFacts
    mentor: MentorFacts


def top_mentors(mentee: MenteeFacts, mentors: Iterable[MentorFacts], *, n: int = 10) -> list[Ranked]:
    """The ``n`` best mentors for ``mentee`` (hard filters applied), best first; ties by id for stable order."""
    scored = ((p, m) for m in mentors if (p := points(mentee, m)) is not None)
    best = heapq.nsmallest(n, scored, key=lambda pm: (-pm[0], pm[1].volunteer_id))
    return [Ranked(p, mentee, m) for p, m in best]


def top_mentees(mentor: MentorFacts, mentees: Iterable[MenteeFacts], *, n: int = 10) -> list[Ranked]:
    """The ``n`` mentees this mentor suits best, best first."""
    scored = ((p, m) for m in mentees if (p := points(m, mentor)) is not None)
    best = heapq.nsmallest(n, scored, key=lambda pm: (-pm[0], pm[1].person_id))
    return [Ranked(p, m, mentor) for p, m in best]


def rank_all(
    mentees: Sequence[MenteeFacts], mentors: Sequence[MentorFacts], *, n: int = 5
) -> dict[int, list[Ranked]]:
    """Every mentee's ``n`` best mentors (by person id), as ``top_mentors`` gives them one by one.

    The same arithmetic as ``points``, with what depends on the mentor alone (free place, capacity
    points) worked out once per mentor and the loop kept to local names: it scores a million pairs.
    A test holds the result equal to ``top_mentors`` for every mentee.
    """
    open_mentors = [
        (m, m.region, m.languages, m.sex, m.birth_year, m.interests, m.lived_experience, _capacity_points(m))
        for m in mentors
        if m.open_matches < m.capacity
    ]
    w_region, w_language, w_age = WEIGHTS["region"], WEIGHTS["language"], WEIGHTS["age"]
    w_interests, w_lived = WEIGHTS["interests"], WEIGHTS["lived_experience"]
    ranking: dict[int, list[Ranked]] = {}
    for mentee in mentees:
        region, languages, wanted_sex = mentee.region, mentee.languages, mentee.mentor_sex
        born, interests, lived_wish = mentee.birth_year, mentee.interests, mentee.wants_lived_experience
        scored: list[tuple[int, int, MentorFacts]] = []
        for (
            mentor,
            m_region,
            m_languages,
            m_sex,
            m_born,
            m_interests,
            m_lived,
            capacity_points,
        ) in open_mentors:
            if wanted_sex and m_sex != wanted_sex:
                continue
            total = capacity_points
            if region and region == m_region:
                total += w_region
            if not languages.isdisjoint(m_languages):
                total += w_language
            if born is not None and m_born is not None:
                difference = born - m_born if born > m_born else m_born - born
                if difference < AGE_SPAN:
                    total += round(w_age * (AGE_SPAN - difference) / AGE_SPAN)
            if interests and m_interests:
                total += min(w_interests, INTEREST_POINTS * len(interests & m_interests))
            if lived_wish and m_lived:
                total += w_lived
            scored.append((-total, mentor.volunteer_id, mentor))
        ranking[mentee.person_id] = [
            Ranked(-negative, mentee, mentor) for negative, _id, mentor in heapq.nsmallest(n, scored)
        ]
    return ranking
