"""Individual resocialization plans of demo persons in custody, told through the real models of the plans app.

Most persons held now who have a signed assessment get a plan drawn up from it some days after
signing, as ``plans.services.plan_create_from_assessment`` draws it up: one goal per need of medium or
high priority, highest first, with the service's goal text in the official language. Goals get
measures (programmes, education, work, consultations, referrals) with a responsible organization and
a due date; time has passed since: measures due earlier are mostly done, some cancelled and some
overdue, and plans older than the review period were mostly reviewed. Every step has the timeline
event its service writes. Rows are written with ``bulk.insert_rows`` (no query per person).
"""

from __future__ import annotations

import datetime as dt
import random
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext

from resoc.access import policy
from resoc.access.models import User
from resoc.assessments.models import Assessment
from resoc.assessments.models import Status as AssessmentStatus
from resoc.demo.bulk import IdAllocator, insert_rows
from resoc.demo.common import PRISON_REGION, REGIONS
from resoc.demo.journeys import Journey
from resoc.organizations.models import Organization
from resoc.people.models import PersonEvent
from resoc.plans.models import Goal, Measure, MeasureKind, MeasureStatus, Plan, PlanReview, PlanStatus
from resoc.plans.services import FIRST_REVIEW_AFTER, PROPOSED_PRIORITIES

PLANNED_SHARE = 0.8  # of the persons held now with a signed assessment; the others wait for a plan
REVIEWED_SHARE = 0.85  # of the reviews that fell due: the rest are overdue
# Measures of a goal of a stalled plan: none yet (the goal is not addressed), one or two.
MEASURES_PER_GOAL = ((0, 0.1), (1, 0.7), (2, 0.2))
CATEGORY = policy.ASSESSMENT.key

# Per need: (kind, description, who is responsible: prison, ngo, nva or social). Synthetic Latvian
# case-file text, like the rest of the demo data.
MEASURES: dict[str, list[tuple[str, str, str]]] = {
    "criminal_history": [
        (MeasureKind.PROGRAMME, "Kognitīvi biheiviorālā programma “Domāšanas prasmes”", "prison"),
        (
            MeasureKind.CONSULTATION,
            "Individuālas konsultācijas ar psihologu par noziedzīgu uzvedību",
            "prison",
        ),
    ],
    "attitudes": [
        (MeasureKind.PROGRAMME, "Programma “Pārmaiņu ceļš” (prokriminālo attieksmju mazināšana)", "prison"),
        (MeasureKind.CONSULTATION, "Motivējošās intervijas ar resocializācijas inspektoru", "prison"),
    ],
    "associates": [
        (
            MeasureKind.CONSULTATION,
            "Sarunas par sociālo loku un atbalsta personām pēc atbrīvošanas",
            "prison",
        ),
        (MeasureKind.REFERRAL, "Līdzgaitnieka (mentora) atbalsts", "ngo"),
    ],
    "antisocial_pattern": [
        (MeasureKind.PROGRAMME, "Agresijas pārvaldīšanas programma", "prison"),
        (MeasureKind.OWN_TASK, "Ievērot iekšējās kārtības noteikumus bez pārkāpumiem trīs mēnešus", "prison"),
    ],
    "family": [
        (MeasureKind.CONSULTATION, "Ģimenes konsultācijas un tikšanās ar tuviniekiem", "prison"),
        (MeasureKind.REFERRAL, "Sociālā darbinieka atbalsts ģimenes attiecību atjaunošanā", "social"),
    ],
    "education_employment": [
        (MeasureKind.EDUCATION, "Pamatizglītības programmas apguve ieslodzījuma vietā", "prison"),
        (MeasureKind.WORK, "Darbs cietuma saimnieciskajā nodaļā", "prison"),
        (MeasureKind.REFERRAL, "Reģistrācija NVA un karjeras konsultācija pirms atbrīvošanas", "nva"),
    ],
    "accommodation": [
        (MeasureKind.REFERRAL, "Dzīvesvietas meklēšana ar pašvaldības sociālo dienestu", "social"),
        (MeasureKind.OWN_TASK, "Sazināties ar radiniekiem par dzīvesvietu pēc atbrīvošanas", "prison"),
    ],
    "finances": [
        (MeasureKind.CONSULTATION, "Parādu saraksta sagatavošana un budžeta plānošana", "prison"),
        (MeasureKind.REFERRAL, "Finanšu pratības nodarbības biedrībā", "ngo"),
    ],
    "leisure": [
        (MeasureKind.PROGRAMME, "Sporta un radošās nodarbības", "prison"),
        (MeasureKind.OWN_TASK, "Apmeklēt bibliotēku un lasīšanas pulciņu", "prison"),
    ],
    "alcohol": [
        (MeasureKind.PROGRAMME, "Atkarību mazināšanas programma", "prison"),
        (MeasureKind.REFERRAL, "Anonīmo alkoholiķu grupa", "ngo"),
    ],
    "drugs": [
        (MeasureKind.PROGRAMME, "Atkarību mazināšanas programma", "prison"),
        (MeasureKind.CONSULTATION, "Narkologa konsultācijas", "prison"),
    ],
    "emotional_wellbeing": [
        (MeasureKind.CONSULTATION, "Psihologa konsultācijas", "prison"),
        (MeasureKind.REFERRAL, "Atbalsta grupa biedrībā", "ngo"),
    ],
    "latvian_language": [
        (MeasureKind.EDUCATION, "Latviešu valodas kursi (A2 līmenis)", "prison"),
        (MeasureKind.EDUCATION, "Latviešu valodas kursi (B1 līmenis)", "prison"),
    ],
}
GENERAL_MEASURE = (
    MeasureKind.CONSULTATION,
    "Individuālas konsultācijas ar resocializācijas inspektoru",
    "prison",
)
TARGETS: dict[str, str] = {
    MeasureKind.PROGRAMME: "Programma pabeigta",
    MeasureKind.EDUCATION: "Apliecība par kursa apguvi",
    MeasureKind.WORK: "Strādā vismaz sešus mēnešus",
}
REVIEW_NOTES = [
    "Plāns izpildās; pasākumi turpinās, kā paredzēts.",
    "Daļa pasākumu pabeigta; pievienotas jaunas darbības pirms atbrīvošanas.",
    "Motivācija uzlabojusies; programmas apmeklējums regulārs.",
    "Pasākumu izpilde kavējas; vienojāmies par jauniem termiņiem.",
]
NGO_CODES = ["demo-nvo-cels", "demo-nvo-otra-iespeja", "demo-nvo-krasts"]

PLAN_FIELDS = (
    "id",
    "public_id",
    "person",
    "organization",
    "assessment",
    "status",
    "created_by",
    "created_at",
    "next_review_due",
)
GOAL_FIELDS = (
    "id",
    "public_id",
    "plan",
    "need_key",
    "need_name",
    "need_name_en",
    "need_priority",
    "text",
    "target",
    "due_on",
    "order",
    "created_at",
)
MEASURE_FIELDS = (
    "id",
    "public_id",
    "goal",
    "kind",
    "description",
    "responsible_organization",
    "due_on",
    "status",
    "status_changed_on",
    "created_at",
)
REVIEW_FIELDS = (
    "id",
    "public_id",
    "plan",
    "reviewed_on",
    "notes",
    "next_review_due",
    "reviewed_by",
    "created_at",
)
EVENT_FIELDS = ("id", "person", "type", "category", "parameters", "actor", "organization", "occurred_at")


@dataclass(frozen=True)
class PlanCounts:
    plans: int
    goals: int
    measures: int
    overdue_measures: int
    reviews: int


@dataclass
class OpenMeasure:
    """An open measure of an active plan, as the handover at a later release lists it."""

    id: int
    person_id: int
    description: str
    due_on: dt.date
    organization_id: int


@dataclass
class PlanRows:
    plans: list[tuple[Any, ...]] = field(default_factory=list)
    goals: list[tuple[Any, ...]] = field(default_factory=list)
    measures: list[tuple[Any, ...]] = field(default_factory=list)
    reviews: list[tuple[Any, ...]] = field(default_factory=list)
    events: list[tuple[Any, ...]] = field(default_factory=list)
    overdue: int = 0


def _moment(day: dt.date, hour: int = 10) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 0)))


class _Builder:
    def __init__(
        self,
        *,
        seed: int,
        uuid_salt: int,
        today: dt.date,
        officer: User,
        orgs: dict[str, Organization],
        ids: IdAllocator,
    ) -> None:
        # Reproducible synthetic data, not secrets: seeded PRNGs are the point.
        self.rng = random.Random(f"plans:{seed}")  # noqa: S311
        self.uuid_rng = random.Random(f"plans-uuid:{seed}:{uuid_salt}")  # noqa: S311
        self.today = today
        self.officer = officer
        self.orgs = orgs
        self.code_of = {org.pk: code for code, org in orgs.items()}
        self.ids = ids
        self.rows = PlanRows()
        with translation.override(settings.LANGUAGE_CODE):
            # The service writes proposed goals in the official language.
            self.goal_text = gettext("Reduce the need: %(need)s")

    def public_id(self) -> uuid.UUID:
        return uuid.UUID(int=self.uuid_rng.getrandbits(128), version=4)

    def day_between(self, first: dt.date, last: dt.date) -> dt.date:
        return first + dt.timedelta(days=self.rng.randint(0, max(0, (last - first).days)))

    def event(
        self, person_id: int, type_: str, organization_id: int, day: dt.date, **parameters: Any
    ) -> None:
        self.rows.events.append(
            (
                self.ids.take(PersonEvent),
                person_id,
                type_,
                CATEGORY,
                parameters,
                self.officer.pk,
                organization_id,
                _moment(day, self.rng.randint(9, 15)),
            )
        )

    def responsible(self, slot: str, prison_id: int) -> int:
        region = PRISON_REGION.get(self.code_of.get(prison_id, ""), "riga")
        if slot == "nva":
            return self.orgs[REGIONS[region][1][0]].pk
        if slot == "ngo":
            return self.orgs[NGO_CODES[self.rng.randrange(len(NGO_CODES))]].pk
        social = REGIONS[region][2]
        if slot == "social" and social:
            return self.orgs[social].pk
        return prison_id

    def measure(
        self,
        *,
        plan_id: int,
        plan_uid: uuid.UUID,
        goal_id: int,
        person_id: int,
        prison_id: int,
        need: str,
        created: dt.date,
        diligence: float,
    ) -> OpenMeasure | None:
        options = MEASURES.get(need, [GENERAL_MEASURE])
        kind, description, slot = options[self.rng.randrange(len(options))]
        due_on = created + dt.timedelta(days=self.rng.randint(21, 300))
        status, changed = MeasureStatus.PLANNED, created
        r = self.rng.random()
        if due_on < self.today:
            # How far the person got: some plans are fully carried out, some stalled.
            done = 0.35 + 0.6 * diligence
            if r < done:
                status = MeasureStatus.DONE
                changed = self.day_between(max(created, due_on - dt.timedelta(days=30)), due_on)
            elif r < done + 0.06:
                status = MeasureStatus.CANCELLED
                changed = self.day_between(created, due_on)
            elif r < done + 0.06 + (1 - done) / 2:
                status = MeasureStatus.IN_PROGRESS  # overdue, started
                changed = self.day_between(created, due_on)
            # else overdue and never started
        elif r < 0.12:
            status = MeasureStatus.DONE
            changed = self.day_between(created, self.today)
        elif r < 0.55:
            status = MeasureStatus.IN_PROGRESS
            changed = self.day_between(created, self.today)
        measure_id = self.ids.take(Measure)
        measure_uid = self.public_id()
        organization_id = self.responsible(slot, prison_id)
        self.rows.measures.append(
            (
                measure_id,
                measure_uid,
                goal_id,
                kind,
                description,
                organization_id,
                due_on,
                status,
                changed,
                _moment(created, 11),
            )
        )
        self.event(
            person_id,
            "plan_measure_added",
            prison_id,
            created,
            plan=str(plan_uid),
            measure=str(measure_uid),
            kind=str(kind),
        )
        if status != MeasureStatus.PLANNED:
            self.event(
                person_id,
                "plan_measure_status_changed",
                prison_id,
                changed,
                plan=str(plan_uid),
                measure=str(measure_uid),
                previous=str(MeasureStatus.PLANNED),
                status=str(status),
            )
        if status in (MeasureStatus.DONE, MeasureStatus.CANCELLED):
            return None
        if due_on < self.today:
            self.rows.overdue += 1
        return OpenMeasure(measure_id, person_id, description, due_on, organization_id)

    def plan(self, assessment: Assessment, prison_id: int, showcase: bool) -> list[OpenMeasure]:
        if not showcase and self.rng.random() >= PLANNED_SHARE:
            return []
        signed = timezone.localdate(assessment.signed_at) if assessment.signed_at else self.today
        created = min(signed + dt.timedelta(days=self.rng.randint(1, 21)), self.today)
        plan_id = self.ids.take(Plan)
        plan_uid = self.public_id()
        results = {result["key"]: result for result in assessment.domain_results}
        needs = [
            results[key]
            for key in assessment.ranked_needs
            if key in results and results[key]["priority"] in PROPOSED_PRIORITIES
        ]
        person_id = assessment.person_id
        self.event(
            person_id,
            "plan_created",
            prison_id,
            created,
            plan=str(plan_uid),
            assessment=str(assessment.public_id),
            goals=len(needs),
        )
        open_measures: list[OpenMeasure] = []
        diligence = self.rng.random()
        for order, need in enumerate(needs):
            goal_id = self.ids.take(Goal)
            count = 1 if showcase or diligence > 0.3 else _pick(self.rng, MEASURES_PER_GOAL)
            kind = MEASURES.get(need["key"], [GENERAL_MEASURE])[0][0]
            self.rows.goals.append(
                (
                    goal_id,
                    self.public_id(),
                    plan_id,
                    need["key"],
                    need["name"],
                    need.get("name_en", ""),
                    need["priority"],
                    self.goal_text % {"need": need["name"]},
                    TARGETS.get(kind, ""),
                    created + dt.timedelta(days=self.rng.randint(180, 540)),
                    order,
                    _moment(created),
                )
            )
            for _ in range(count):
                found = self.measure(
                    plan_id=plan_id,
                    plan_uid=plan_uid,
                    goal_id=goal_id,
                    person_id=person_id,
                    prison_id=prison_id,
                    need=need["key"],
                    created=created,
                    diligence=diligence,
                )
                if found is not None:
                    open_measures.append(found)
        review_due = created + FIRST_REVIEW_AFTER
        while review_due < self.today and (showcase or self.rng.random() < REVIEWED_SHARE):
            reviewed_on = min(review_due + dt.timedelta(days=self.rng.randint(-10, 10)), self.today)
            next_due = reviewed_on + FIRST_REVIEW_AFTER
            review_uid = self.public_id()
            self.rows.reviews.append(
                (
                    self.ids.take(PlanReview),
                    review_uid,
                    plan_id,
                    reviewed_on,
                    REVIEW_NOTES[self.rng.randrange(len(REVIEW_NOTES))],
                    next_due,
                    self.officer.pk,
                    _moment(reviewed_on, 14),
                )
            )
            self.event(
                person_id,
                "plan_reviewed",
                prison_id,
                reviewed_on,
                plan=str(plan_uid),
                review=str(review_uid),
                next_review_due=next_due.isoformat(),
            )
            review_due = next_due
        self.rows.plans.append(
            (
                plan_id,
                plan_uid,
                person_id,
                prison_id,
                assessment.pk,
                PlanStatus.ACTIVE,
                self.officer.pk,
                _moment(created),
                review_due,
            )
        )
        return open_measures


def _pick(rng: random.Random, weighted: Sequence[tuple[int, float]]) -> int:
    r = rng.random()
    for value, share in weighted:
        if r < share:
            return value
        r -= share
    return weighted[-1][0]


def write_plans(
    journeys: Sequence[Journey],
    assessments: Sequence[Assessment],
    *,
    seed: int,
    uuid_salt: int,
    today: dt.date,
    officer: User,
    orgs: dict[str, Organization],
    ids: IdAllocator,
) -> tuple[PlanCounts, dict[int, list[OpenMeasure]]]:
    """Plans of the persons held now with a signed (saved) assessment; their open measures by person."""
    builder = _Builder(seed=seed, uuid_salt=uuid_salt, today=today, officer=officer, orgs=orgs, ids=ids)
    held = {j.person.pk: (j.holding, j.showcase) for j in journeys if j.holding is not None}
    open_by_person: dict[int, list[OpenMeasure]] = {}
    for assessment in assessments:
        if assessment.status != AssessmentStatus.SIGNED or assessment.person_id not in held:
            continue
        holding, showcase = held[assessment.person_id]
        assert holding is not None
        found = builder.plan(assessment, holding.prison_id, showcase)
        if found:
            open_by_person[assessment.person_id] = found
    rows = builder.rows
    insert_rows(Plan, PLAN_FIELDS, rows.plans)
    insert_rows(Goal, GOAL_FIELDS, rows.goals)
    insert_rows(Measure, MEASURE_FIELDS, rows.measures)
    insert_rows(PlanReview, REVIEW_FIELDS, rows.reviews)
    insert_rows(PersonEvent, EVENT_FIELDS, rows.events)
    counts = PlanCounts(
        plans=len(rows.plans),
        goals=len(rows.goals),
        measures=len(rows.measures),
        overdue_measures=rows.overdue,
        reviews=len(rows.reviews),
    )
    return counts, open_by_person
