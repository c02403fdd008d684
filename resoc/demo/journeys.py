"""The sentence journey of demo persons, told through the real models of the sentences app.

Every generated person gets what their plan says happened: a sentence, custody periods (some after a
transfer, some with temporary absences), a release, a probation period. The custody, supervision and
release-preparation relationships are then derived from these facts exactly as
``sentences.services.sync_relationships`` derives them, but for all persons at once in memory, so
that seeding needs no query per person (``tests/test_journeys.py`` compares the two).

Everything comes from ``random.Random`` streams of its own, so the persons themselves are the same as
without journeys and one seed always gives the same journeys.
"""

from __future__ import annotations

import datetime as dt
import random
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from resoc.access.models import User
from resoc.demo.bulk import insert_objects
from resoc.demo.common import (
    CUSTODY,
    JUVENILE_INSTITUTION,
    MEN_PRISONS,
    RELEASED,
    SUPERVISION,
    WOMEN_PRISON,
    Weighted,
    probation_unit_of,
)
from resoc.organizations.models import Organization
from resoc.people.models import Person, Relationship
from resoc.sentences.models import (
    AbsenceKind,
    CustodyEnd,
    CustodyPeriod,
    ProbationPeriod,
    RegimeLevel,
    Release,
    ReleaseReason,
    Sentence,
    TemporaryAbsence,
)
from resoc.sentences.services import (
    RELATIONSHIP_SOURCE,
    release_preparation_days,
)
from resoc.sentences.services import desired_relationships as sentences_desired_relationships

if TYPE_CHECKING:
    from resoc.demo.services import Draft, Plan

# (kind, organization id, starts on, ends on): the shape ``sync_relationships`` compares rows by.
RelationshipKey = tuple[str, int, dt.date, dt.date | None]

# First-instance district courts of the region (since the 2018 reform) and its regional court.
COURTS: dict[str, Weighted[str]] = {
    "riga": Weighted([("Rīgas pilsētas tiesa", 55), ("Rīgas rajona tiesa", 30), ("Rīgas apgabaltiesa", 15)]),
    "zemgale": Weighted([("Zemgales rajona tiesa", 85), ("Zemgales apgabaltiesa", 15)]),
    "kurzeme": Weighted([("Kurzemes rajona tiesa", 85), ("Kurzemes apgabaltiesa", 15)]),
    "vidzeme": Weighted([("Vidzemes rajona tiesa", 85), ("Vidzemes apgabaltiesa", 15)]),
    "latgale": Weighted([("Latgales rajona tiesa", 85), ("Latgales apgabaltiesa", 15)]),
}
COURT_REGIONS = sorted(COURTS)

# The sentences app keeps institution types and their regime levels as reference data, but does not
# say which prison is of which type (a prison may hold sections of several). The demo assumes these
# shares; the juvenile institution has levels of its own, not in the reference data, so none is set.
PRISON_INSTITUTION_TYPES: dict[str, Weighted[str]] = {
    "jelgavas-cietums": Weighted([("closed", 1)]),
    "rigas-centralcietums": Weighted([("closed", 1)]),
    "daugavgrivas-cietums": Weighted([("closed", 60), ("partly-closed", 40)]),
    "liepajas-cietums": Weighted([("closed", 50), ("partly-closed", 50)]),
    "jekabpils-cietums": Weighted([("partly-closed", 1)]),
    "valmieras-cietums": Weighted([("partly-closed", 85), ("open", 15)]),
    "olaines-cietums": Weighted([("closed", 50), ("partly-closed", 50)]),
    "ilguciema-cietums": Weighted([("closed", 30), ("partly-closed", 50), ("open", 20)]),
}

# (kind, weight, shortest, longest stay in days)
ABSENCES = Weighted(
    [
        ((AbsenceKind.COURT, 1, 1), 40),
        ((AbsenceKind.HOSPITAL, 2, 14), 25),
        ((AbsenceKind.FAMILY, 1, 2), 15),
        ((AbsenceKind.SHORT_LEAVE, 1, 3), 15),
        ((AbsenceKind.OTHER, 1, 1), 5),
    ]
)
RELEASE_REASONS = Weighted(
    [
        (ReleaseReason.END_OF_SENTENCE, 72),
        (ReleaseReason.CONDITIONAL_EARLY, 24),
        (ReleaseReason.PARDON, 2),
        (ReleaseReason.TRANSFER_ABROAD, 2),
    ]
)
TRANSFER_SHARE = 0.15
ABSENCE_SHARE = 0.12
CUSTODY_RELEASE_UNIT_SHARE = 0.5  # persons in custody whose later probation unit is already named
RELEASED_RELEASE_UNIT_SHARE = 0.6
SUPERVISED_RELEASE_UNIT_SHARE = 0.85
EARLY_RELEASE_INTO_SUPERVISION = 0.75
PROBATION_OFFICER_SHARE = 0.5  # supervised in the demo probation user's unit: they are the officer


@dataclass
class Journey:
    """The sentence journey of one (saved) person: unsaved model instances, written by ``write_journeys``.

    Foreign keys are set by id (``person_id``, ``prison_id``…): cheaper than instances for 100,000
    persons. Absences and releases point at their (unsaved) custody period instance.
    """

    person: Person
    showcase: bool = False
    sentences: list[Sentence] = field(default_factory=list)
    custody: list[CustodyPeriod] = field(default_factory=list)
    absences: list[TemporaryAbsence] = field(default_factory=list)
    releases: list[Release] = field(default_factory=list)
    probation: list[ProbationPeriod] = field(default_factory=list)

    @property
    def holding(self) -> CustodyPeriod | None:
        return next((period for period in self.custody if period.left_on is None), None)


@dataclass(frozen=True)
class JourneyCounts:
    sentences: int
    custody_periods: int
    absences: int
    releases: int
    probation_periods: int
    relationships: int


def regime_levels_by_type() -> dict[str, list[RegimeLevel]]:
    """The active regime levels of each institution type, lowest first (one query)."""
    levels: dict[str, list[RegimeLevel]] = {}
    for level in RegimeLevel.objects.filter(is_active=True).select_related("institution_type"):
        levels.setdefault(level.institution_type.code, []).append(level)
    for found in levels.values():
        found.sort(key=lambda level: (level.order, level.code))
    return levels


class _Builder:
    def __init__(
        self,
        *,
        seed: int,
        today: dt.date,
        orgs: dict[str, Organization],
        levels: dict[str, list[RegimeLevel]],
        probation_officer: User | None,
        uuid_salt: int,
    ) -> None:
        # Reproducible synthetic data, not secrets: seeded PRNGs are the point.
        self.rng = random.Random(f"journeys:{seed}")  # noqa: S311
        self.uuid_rng = random.Random(f"journeys-uuid:{seed}:{uuid_salt}")  # noqa: S311
        self.today = today
        self.orgs = orgs
        self.levels = levels
        self.probation_officer = probation_officer
        self.officer_unit = "vpd-zemgale"

    def public_id(self) -> uuid.UUID:
        return uuid.UUID(int=self.uuid_rng.getrandbits(128), version=4)

    def days(self, low: int, high: int) -> dt.timedelta:
        return dt.timedelta(days=self.rng.randint(low, max(low, high)))

    # --- pieces ------------------------------------------------------------------------------------

    def court(self, region: str) -> str:
        if self.rng.random() < 0.15:  # tried where the offence was, not where the person lives
            region = COURT_REGIONS[self.rng.randrange(len(COURT_REGIONS))]
        return COURTS[region].pick(self.rng)

    def regime_level_id(self, prison: str, progress: float) -> int | None:
        """A level of the prison's type: the longer served, the higher (the progressive system)."""
        types = PRISON_INSTITUTION_TYPES.get(prison)
        if types is None:
            return None
        levels = self.levels.get(types.pick(self.rng), [])
        if not levels:
            return None
        position = int(progress * len(levels) + self.rng.uniform(-0.6, 0.4))
        return levels[min(max(position, 0), len(levels) - 1)].pk

    def sentence(
        self, journey: Journey, plan: Plan, starts_on: dt.date, ends_on: dt.date, unit_share: float
    ) -> Sentence:
        unit = None
        if plan.release_preparation_from is not None or plan.showcase or self.rng.random() < unit_share:
            unit = self.orgs[probation_unit_of(plan.region)]
        sentence = Sentence(
            public_id=self.public_id(),
            person_id=journey.person.pk,
            court=self.court(plan.region),
            starts_on=starts_on,
            ends_on=max(ends_on, starts_on + dt.timedelta(days=1)),
            release_probation_unit_id=unit.pk if unit is not None else None,
        )
        journey.sentences.append(sentence)
        return sentence

    def custody(
        self, journey: Journey, plan: Plan, admitted_on: dt.date, left_on: dt.date | None, sentence: Sentence
    ) -> CustodyPeriod:
        """The custody periods from ``admitted_on``: the last in ``plan.prison``, some after a transfer."""
        assert plan.prison is not None
        length = max((sentence.ends_on - sentence.starts_on).days, 1)
        until = left_on or self.today
        may_transfer = plan.prison not in (WOMEN_PRISON, JUVENILE_INSTITUTION) and not plan.showcase
        if may_transfer and (until - admitted_on).days >= 90 and self.rng.random() < TRANSFER_SHARE:
            earlier = MEN_PRISONS.pick(self.rng)
            if earlier == plan.prison:
                earlier = (
                    "rigas-centralcietums" if plan.prison != "rigas-centralcietums" else "olaines-cietums"
                )
            transferred_on = admitted_on + self.days(14, (until - admitted_on).days - 30)
            self.period(journey, earlier, admitted_on, transferred_on, CustodyEnd.TRANSFER, 0.0)
            admitted_on = transferred_on
        progress = (until - sentence.starts_on).days / length
        ended_by = CustodyEnd.RELEASE if left_on is not None else ""
        return self.period(journey, plan.prison, admitted_on, left_on, ended_by, progress)

    def period(
        self,
        journey: Journey,
        prison: str,
        admitted_on: dt.date,
        left_on: dt.date | None,
        ended_by: str,
        progress: float,
    ) -> CustodyPeriod:
        period = CustodyPeriod(
            public_id=self.public_id(),
            person_id=journey.person.pk,
            prison_id=self.orgs[prison].pk,
            admitted_on=admitted_on,
            left_on=left_on,
            regime_level_id=self.regime_level_id(prison, progress),
            ended_by=ended_by,
        )
        journey.custody.append(period)
        last_day = min(left_on or self.today, self.today) - dt.timedelta(days=1)
        if (last_day - admitted_on).days >= 30 and self.rng.random() < ABSENCE_SHARE:
            day = admitted_on + self.days(7, 30)
            for _ in range(self.rng.randint(1, 3)):
                kind, shortest, longest = ABSENCES.pick(self.rng)
                ends_on = day + self.days(shortest - 1, longest - 1)
                if ends_on > last_day:
                    break
                journey.absences.append(
                    TemporaryAbsence(
                        public_id=self.public_id(),
                        custody_period=period,
                        starts_on=day,
                        ends_on=ends_on,
                        kind=kind,
                    )
                )
                day = ends_on + self.days(14, 240)
        return period

    def release(self, journey: Journey, period: CustodyPeriod, reason: str) -> None:
        assert period.left_on is not None
        journey.releases.append(
            Release(
                public_id=self.public_id(),
                person_id=journey.person.pk,
                custody_period=period,
                released_on=period.left_on,
                reason=reason,
            )
        )

    def probation(self, journey: Journey, plan: Plan, starts_on: dt.date, ends_on: dt.date | None) -> None:
        unit = probation_unit_of(plan.region)
        officer = None
        if unit == self.officer_unit and (plan.showcase or self.rng.random() < PROBATION_OFFICER_SHARE):
            officer = self.probation_officer
        journey.probation.append(
            ProbationPeriod(
                public_id=self.public_id(),
                person_id=journey.person.pk,
                probation_unit_id=self.orgs[unit].pk,
                officer_id=officer.pk if officer is not None else None,
                starts_on=starts_on,
                ends_on=ends_on,
            )
        )

    # --- tracks ------------------------------------------------------------------------------------

    def journey(self, draft: Draft) -> Journey:
        plan = draft.plan
        journey = Journey(person=draft.person, showcase=plan.showcase)
        if plan.track == CUSTODY:
            self.in_custody(journey, plan)
        elif plan.track == SUPERVISION:
            self.under_supervision(journey, plan)
        elif plan.track == RELEASED:
            self.released(journey, plan, foreigner=draft.passport is not None)
        return journey

    def in_custody(self, journey: Journey, plan: Plan) -> None:
        assert plan.custody_from is not None
        window = dt.timedelta(days=release_preparation_days())
        if plan.release_preparation_from is not None:
            # The preparation the plan names is the one the sentence's end opens.
            ends_on = plan.release_preparation_from + window
        else:
            ends_on = self.today + window + self.days(1, 5 * 365)
        sentence = self.sentence(journey, plan, plan.custody_from, ends_on, CUSTODY_RELEASE_UNIT_SHARE)
        self.custody(journey, plan, plan.custody_from, None, sentence)

    def under_supervision(self, journey: Journey, plan: Plan) -> None:
        assert plan.supervision_from is not None
        if plan.custody_until is None or plan.custody_from is None:
            # A suspended sentence with probation supervision: no custody at all.
            judged = plan.supervision_from - self.days(7, 45)
            self.sentence(journey, plan, judged, self.today + self.days(30, 3 * 365), 0.0)
            self.probation(journey, plan, plan.supervision_from, None)
            return
        early = plan.showcase or self.rng.random() < EARLY_RELEASE_INTO_SUPERVISION
        # Released early: supervised until the end of the sentence; otherwise supervision is an
        # additional punishment after the whole sentence was served.
        ends_on = self.today + self.days(30, 3 * 365) if early else plan.custody_until
        sentence = self.sentence(journey, plan, plan.custody_from, ends_on, SUPERVISED_RELEASE_UNIT_SHARE)
        period = self.custody(journey, plan, plan.custody_from, plan.custody_until, sentence)
        reason = ReleaseReason.CONDITIONAL_EARLY if early else ReleaseReason.END_OF_SENTENCE
        self.release(journey, period, reason)
        self.probation(journey, plan, plan.supervision_from, None)

    def released(self, journey: Journey, plan: Plan, *, foreigner: bool) -> None:
        assert plan.custody_from is not None
        assert plan.custody_until is not None
        released_on = plan.custody_until
        reason = ReleaseReason.END_OF_SENTENCE if plan.showcase else RELEASE_REASONS.pick(self.rng)
        if reason == ReleaseReason.TRANSFER_ABROAD and not foreigner:
            reason = ReleaseReason.END_OF_SENTENCE
        ends_on = released_on
        if reason == ReleaseReason.CONDITIONAL_EARLY:
            # Supervised after the release until the sentence ended (before today: this track is free).
            span = (self.today - released_on).days - 1
            ends_on = released_on + self.days(min(30, span), min(2 * 365, span))
        elif reason in (ReleaseReason.PARDON, ReleaseReason.TRANSFER_ABROAD):
            ends_on = released_on + self.days(30, 2 * 365)
        sentence = self.sentence(journey, plan, plan.custody_from, ends_on, RELEASED_RELEASE_UNIT_SHARE)
        period = self.custody(journey, plan, plan.custody_from, released_on, sentence)
        self.release(journey, period, reason)
        if reason == ReleaseReason.CONDITIONAL_EARLY:
            self.probation(journey, plan, released_on, sentence.ends_on)


def build_journeys(
    drafts: Sequence[Draft],
    *,
    seed: int,
    today: dt.date,
    orgs: dict[str, Organization],
    levels: dict[str, list[RegimeLevel]],
    probation_officer: User | None,
    uuid_salt: int = 0,
) -> list[Journey]:
    """One journey per draft, in the drafts' order; no database access."""
    builder = _Builder(
        seed=seed,
        today=today,
        orgs=orgs,
        levels=levels,
        probation_officer=probation_officer,
        uuid_salt=uuid_salt,
    )
    return [builder.journey(draft) for draft in drafts]


# --- relationships ---------------------------------------------------------------------------------


def desired_relationships(journey: Journey, *, preparation_days: int) -> set[RelationshipKey]:
    """What ``sentences.services.sync_relationships`` derives, from the journey in memory."""
    return sentences_desired_relationships(
        custody=[(p.prison_id, p.admitted_on, p.left_on) for p in journey.custody],
        probation=[(p.probation_unit_id, p.starts_on, p.ends_on) for p in journey.probation],
        releases=[release.released_on for release in journey.releases],
        sentences=[(s.release_probation_unit_id, s.starts_on, s.ends_on) for s in journey.sentences],
        preparation_days=preparation_days,
    )


def derived_relationships(journeys: Iterable[Journey], *, preparation_days: int) -> list[Relationship]:
    """The relationship rows ``sync_relationships`` would leave for each journey's person."""
    rows: list[Relationship] = []
    for journey in journeys:
        desired = desired_relationships(journey, preparation_days=preparation_days)
        rows.extend(
            Relationship(
                person_id=journey.person.pk,
                kind=kind,
                organization_id=organization_id,
                starts_on=starts_on,
                ends_on=ends_on,
                source=RELATIONSHIP_SOURCE,
            )
            for kind, organization_id, starts_on, ends_on in sorted(desired, key=str)
        )
    return rows


def write_journeys(journeys: Sequence[Journey], *, batch_size: int) -> JourneyCounts:
    """Write the journeys (their persons are saved) and their derived relationships in bulk."""
    sentences = [s for j in journeys for s in j.sentences]
    custody = [p for j in journeys for p in j.custody]
    absences = [a for j in journeys for a in j.absences]
    releases = [r for j in journeys for r in j.releases]
    probation = [p for j in journeys for p in j.probation]
    Sentence.objects.bulk_create(sentences, batch_size=batch_size)
    # Periods first: absences and releases point at them.
    CustodyPeriod.objects.bulk_create(custody, batch_size=batch_size)
    TemporaryAbsence.objects.bulk_create(absences, batch_size=batch_size)
    Release.objects.bulk_create(releases, batch_size=batch_size)
    ProbationPeriod.objects.bulk_create(probation, batch_size=batch_size)
    relationships = derived_relationships(journeys, preparation_days=release_preparation_days())
    insert_objects(Relationship, relationships, batch_size=batch_size)
    return JourneyCounts(
        sentences=len(sentences),
        custody_periods=len(custody),
        absences=len(absences),
        releases=len(releases),
        probation_periods=len(probation),
        relationships=len(relationships),
    )


__all__ = [
    "COURTS",
    "PRISON_INSTITUTION_TYPES",
    "Journey",
    "JourneyCounts",
    "build_journeys",
    "derived_relationships",
    "desired_relationships",
    "regime_levels_by_type",
    "write_journeys",
]
