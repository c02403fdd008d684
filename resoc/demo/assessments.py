"""Signed risk and needs assessments of demo persons in custody, with the active instrument.

Each assessed person has a hidden risk (0–1) that every item's score follows, with noise per domain
and item; education and Latvian-language items follow the person's recorded education and language
level instead. The outcome is computed by ``assessments.outcome.evaluate`` from the domain sums in
the instrument's order, as ``assessments.services.assessment_sign`` does, so the stored outcome is
what signing would have stored. A few persons have an older, superseded assessment too.
"""

from __future__ import annotations

import datetime as dt
import random
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import NamedTuple

from django.db import connection
from django.utils import timezone

from resoc.access.models import User
from resoc.assessments.models import (
    Assessment,
    AssessmentScore,
    Domain,
    Instrument,
    Item,
    MotivationStage,
    Status,
)
from resoc.assessments.outcome import DomainScore, Outcome, evaluate
from resoc.demo.common import Weighted
from resoc.demo.journeys import Journey
from resoc.organizations.models import Organization
from resoc.people.models import EducationLevel, LatvianLevel, Person

ASSESSED_SHARE = 0.34  # of the persons in custody
REASSESSED_SHARE = 0.08  # of the assessed who have served long enough: an older, superseded one
NO_PROBLEM = "Nav konstatēts."

# A rationale names how strongly the item applies and where the assessor learned it.
STRENGTH = ("Daļēji", "Izteikti")
SOURCES = [
    "saruna ar klientu",
    "tiesas spriedums",
    "lietas materiāli",
    "cietuma dokumentācija",
    "probācijas dienesta ziņas",
    "klienta paša stāstītais",
]
# Domains that many persons simply do not have: all their items score zero.
ABSENT_DOMAINS = {"alcohol": 0.35, "drugs": 0.5, "emotional_wellbeing": 0.3}
LATVIAN_NEED: dict[str, float] = {
    LatvianLevel.NATIVE: 0.0,
    LatvianLevel.C2: 0.0,
    LatvianLevel.C1: 0.05,
    LatvianLevel.B2: 0.2,
    LatvianLevel.B1: 0.35,
    LatvianLevel.A2: 0.6,
    LatvianLevel.A1: 0.8,
    LatvianLevel.NONE: 1.0,
}
EDUCATION_NEED: dict[str, float] = {
    EducationLevel.ISCED0: 1.0,
    EducationLevel.ISCED1: 0.9,
    EducationLevel.ISCED2: 0.45,
}
# Motivation by hidden risk: the lower the risk, the further along the stages of change.
MOTIVATION = [
    Weighted(
        [
            (MotivationStage.PRECONTEMPLATION, 5),
            (MotivationStage.CONTEMPLATION, 15),
            (MotivationStage.PREPARATION, 30),
            (MotivationStage.ACTION, 35),
            (MotivationStage.MAINTENANCE, 15),
        ]
    ),
    Weighted(
        [
            (MotivationStage.PRECONTEMPLATION, 15),
            (MotivationStage.CONTEMPLATION, 35),
            (MotivationStage.PREPARATION, 30),
            (MotivationStage.ACTION, 15),
            (MotivationStage.MAINTENANCE, 5),
        ]
    ),
    Weighted(
        [
            (MotivationStage.PRECONTEMPLATION, 45),
            (MotivationStage.CONTEMPLATION, 35),
            (MotivationStage.PREPARATION, 15),
            (MotivationStage.ACTION, 5),
        ]
    ),
]


@dataclass(frozen=True)
class InstrumentShape:
    """The active instrument with its domains and items in the order signing evaluates them."""

    instrument: Instrument
    domains: list[tuple[Domain, list[Item]]]


class ScoreRow(NamedTuple):
    """One ``AssessmentScore``, kept as a tuple: a model instance per score would cost more than all
    the other demo rows together (there are 33 per assessment)."""

    assessment: Assessment
    item_id: int
    score: int
    rationale: str


@dataclass(frozen=True)
class AssessmentCounts:
    assessments: int
    superseded: int
    scores: int
    # The saved assessments, for the plans drawn up from them (``plans.py``).
    saved: Sequence[Assessment] = field(default=(), compare=False, repr=False)


def current_instrument() -> InstrumentShape | None:
    """The instrument new assessments use (``Instrument.objects.current()``), in two queries."""
    instrument = Instrument.objects.current()
    if instrument is None:
        return None
    domains = list(instrument.domains.prefetch_related("items"))
    return InstrumentShape(instrument, [(domain, list(domain.items.all())) for domain in domains])


def outcome_of(shape: InstrumentShape, scores: dict[int, int]) -> Outcome:
    """The outcome of complete scores (item id → score), as ``assessment_sign`` computes it."""
    domains = [
        DomainScore(
            domain.key,
            domain.name,
            domain.name_en,
            sum(scores[item.pk] for item in items),
            sum(item.max_score for item in items),
        )
        for domain, items in shape.domains
    ]
    return evaluate(shape.instrument.rules, domains)


def _clamp(value: float) -> float:
    return min(max(value, 0.0), 1.0)


class _Builder:
    def __init__(
        self,
        *,
        shape: InstrumentShape,
        assessor: User,
        organization: Organization,
        seed: int,
        uuid_salt: int,
        today: dt.date,
    ) -> None:
        # Reproducible synthetic data, not secrets: seeded PRNGs are the point.
        self.rng = random.Random(f"assessments:{seed}")  # noqa: S311
        self.uuid_rng = random.Random(f"assessments-uuid:{seed}:{uuid_salt}")  # noqa: S311
        self.shape = shape
        self.assessor = assessor
        self.organization = organization
        self.today = today
        self.assessments: list[Assessment] = []
        self.scores: list[ScoreRow] = []

    def signed_at(self, day: dt.date) -> dt.datetime:
        moment = dt.datetime.combine(day, dt.time(self.rng.randint(9, 15), self.rng.randrange(60)))
        return timezone.make_aware(moment)

    def score(self, person: Person, domain_key: str, item: Item, propensity: float) -> int:
        if domain_key == "latvian_language":
            need = LATVIAN_NEED.get(person.latvian_level, 0.3)
            return round(_clamp(need + self.rng.gauss(0, 0.1)) * item.max_score)
        if item.key == "ee_education":
            need = EDUCATION_NEED.get(person.education_level, 0.0 if person.education_level else 0.5)
            return round(_clamp(need + self.rng.gauss(0, 0.1)) * item.max_score)
        chance = _clamp(propensity + self.rng.gauss(0, 0.12))
        return sum(self.rng.random() < chance for _ in range(item.max_score))

    def rationale(self, score: int, item: Item) -> str:
        if score == 0:
            return NO_PROBLEM if self.rng.random() < 0.3 else ""
        strength = STRENGTH[score * 2 > item.max_score]
        source = SOURCES[self.rng.randrange(len(SOURCES))]
        return f"{strength}: {item.text[0].lower()}{item.text[1:]}. Avots: {source}."

    def assessment(self, person: Person, risk: float, day: dt.date, status: str) -> Assessment:
        signed_at = self.signed_at(day)
        assessment = Assessment(
            public_id=uuid.UUID(int=self.uuid_rng.getrandbits(128), version=4),
            person_id=person.pk,
            instrument_id=self.shape.instrument.pk,
            status=status,
            assessor_id=self.assessor.pk,
            signed_by_id=self.assessor.pk,
            organization_id=self.organization.pk,
            motivation_stage=MOTIVATION[min(int(risk * 3), 2)].pick(self.rng),
            created_at=signed_at - dt.timedelta(days=self.rng.randint(0, 10), hours=self.rng.randint(0, 3)),
            signed_at=signed_at,
        )
        by_item: dict[int, int] = {}
        for domain, items in self.shape.domains:
            absent = self.rng.random() < ABSENT_DOMAINS.get(domain.key, 0.0) * (1.2 - risk)
            propensity = 0.0 if absent else _clamp(risk + self.rng.gauss(0, 0.25))
            if propensity < 0.3:
                propensity = 0.0  # no problem in this domain
            for item in items:
                score = self.score(person, domain.key, item, propensity)
                by_item[item.pk] = score
                self.scores.append(ScoreRow(assessment, item.pk, score, self.rationale(score, item)))
        outcome = outcome_of(self.shape, by_item)
        assessment.total_score = outcome.total_score
        assessment.risk_level = outcome.risk_level
        assessment.domain_results = outcome.domain_results
        assessment.ranked_needs = outcome.ranked_needs
        self.assessments.append(assessment)
        return assessment

    def person(self, journey: Journey) -> None:
        holding = journey.holding
        if holding is None:
            return
        if not journey.showcase and self.rng.random() >= ASSESSED_SHARE:
            return
        # Admission to the current prison or, after a transfer, to the first one.
        admitted = min(period.admitted_on for period in journey.custody)
        served = (self.today - admitted).days
        risk = _clamp(self.rng.betavariate(2.2, 2.4))
        latest = self.today - dt.timedelta(days=self.rng.randint(1, max(1, min(served - 7, 400))))
        if served >= 300 and (journey.showcase or self.rng.random() < REASSESSED_SHARE):
            # An earlier assessment at admission, when the risk was higher; the new one superseded it.
            earlier = admitted + dt.timedelta(days=self.rng.randint(7, 60))
            latest = earlier + dt.timedelta(
                days=self.rng.randint(180, max(180, (self.today - earlier).days - 1))
            )
            earlier_risk = _clamp(risk + self.rng.uniform(0.05, 0.25))
            self.assessment(journey.person, earlier_risk, earlier, Status.SUPERSEDED)
        self.assessment(journey.person, risk, min(latest, self.today - dt.timedelta(days=1)), Status.SIGNED)


def build_assessments(
    journeys: Sequence[Journey],
    *,
    shape: InstrumentShape,
    assessor: User,
    organization: Organization,
    seed: int,
    today: dt.date,
    uuid_salt: int = 0,
) -> tuple[list[Assessment], list[ScoreRow]]:
    """Signed assessments of about a third of the persons in custody (no database access)."""
    builder = _Builder(
        shape=shape,
        assessor=assessor,
        organization=organization,
        seed=seed,
        uuid_salt=uuid_salt,
        today=today,
    )
    for journey in journeys:
        builder.person(journey)
    return builder.assessments, builder.scores


def _insert_scores(rows: Sequence[ScoreRow], *, batch_size: int) -> None:
    """Insert the scores in batches with one ``executemany`` each (the assessments are saved).

    ``bulk_create`` would build and then compile a model instance per row: for 100,000 persons that
    alone takes longer than seeding everything else. Columns come from the model, so that a renamed
    field fails here loudly.
    """
    meta = AssessmentScore._meta
    fields = [field for field in meta.concrete_fields if not field.primary_key]
    names = [field.name for field in fields]
    if names != ["assessment", "item", "score", "rationale"]:
        raise RuntimeError(f"AssessmentScore has other fields now: {names}")
    columns = ", ".join(connection.ops.quote_name(field.column or field.attname) for field in fields)
    placeholders = ", ".join(["%s"] * len(names))
    sql = f"INSERT INTO {connection.ops.quote_name(meta.db_table)} ({columns}) VALUES ({placeholders})"  # noqa: S608
    with connection.cursor() as cursor:
        for start in range(0, len(rows), batch_size):
            cursor.executemany(
                sql,
                [
                    (row.assessment.pk, row.item_id, row.score, row.rationale)
                    for row in rows[start : start + batch_size]
                ],
            )


def write_assessments(
    journeys: Sequence[Journey],
    *,
    assessor: User,
    organization: Organization,
    seed: int,
    today: dt.date,
    uuid_salt: int,
    batch_size: int,
) -> AssessmentCounts:
    shape = current_instrument()
    if shape is None:
        return AssessmentCounts(0, 0, 0)
    assessments, scores = build_assessments(
        journeys,
        shape=shape,
        assessor=assessor,
        organization=organization,
        seed=seed,
        today=today,
        uuid_salt=uuid_salt,
    )
    Assessment.objects.bulk_create(assessments, batch_size=batch_size)
    _insert_scores(scores, batch_size=batch_size * 10)
    return AssessmentCounts(
        assessments=len(assessments),
        superseded=sum(a.status == Status.SUPERSEDED for a in assessments),
        scores=len(scores),
        saved=assessments,
    )


__all__ = [
    "InstrumentShape",
    "ScoreRow",
    "build_assessments",
    "current_instrument",
    "outcome_of",
    "write_assessments",
]
