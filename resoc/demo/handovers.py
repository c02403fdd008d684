"""The release preparation and handover of demo persons released recently, as the release app records them.

For every demo person released within ``HISTORY_DAYS`` (and not held again), the release was prepared:
the default template's steps were placed on the release date (``release.services.timeline_generate``
with the actual release date as the expected one), the receiving probation unit and, for some, the
municipality were named, and the steps due before the release were mostly done. At the release
``release.services.hand_over`` passed the case on: the prison's open tasks moved to the receiving
probation unit (else the municipality) and every open task and open plan measure was listed in the
handover. Since then the receivers did most of what fell due. The municipality's relationship ends
``RELEASE_HANDOVER_DAYS`` after the release, as ``_sync_municipality`` leaves it; the probation unit's
relationships come from the journey. Both timeline events are written; rows go in with
``bulk.insert_rows``.
"""

from __future__ import annotations

import datetime as dt
import random
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from resoc.access import policy
from resoc.access.models import User
from resoc.demo.bulk import IdAllocator, insert_objects, insert_rows
from resoc.demo.common import REGIONS
from resoc.demo.journeys import Journey
from resoc.demo.plans import OpenMeasure
from resoc.organizations.models import Organization, OrganizationType
from resoc.people.models import PersonEvent, Relationship
from resoc.release import services as release_services
from resoc.release.models import (
    Handover,
    HandoverItem,
    HandoverItemKind,
    ReleasePreparation,
    ReleaseTask,
    TaskStatus,
    TemplateStep,
)
from resoc.sentences.models import CustodyPeriod, Release, Sentence
from resoc.sentences.services import RELEASE_HANDOVER_DAYS, release_preparation_days

HISTORY_DAYS = 180  # releases this recent were prepared and handed over in Resoc
MUNICIPALITY_NAMED_SHARE = 0.5  # of the preparations whose region has a demo social service
DONE_BEFORE_RELEASE = 0.85  # of the steps due before the release
DONE_BY_RECEIVER = 0.7  # of the tasks handed over that fell due more than a week ago
_SOCIAL_SERVICE_OF_UNIT = {unit: social for unit, _branches, social in REGIONS.values() if social}

PREPARATION_FIELDS = (
    "id",
    "public_id",
    "person",
    "sentence",
    "template",
    "release_on",
    "prison",
    "probation_unit",
    "municipality",
    "created_by",
    "created_at",
    "updated_at",
)
TASK_FIELDS = (
    "id",
    "public_id",
    "person",
    "preparation",
    "step",
    "area",
    "title",
    "title_en",
    "offset_days",
    "due_on",
    "slot",
    "assigned_organization",
    "assigned_role",
    "status",
    "completed_by",
    "completed_at",
    "created_at",
)
HANDOVER_FIELDS = (
    "id",
    "public_id",
    "person",
    "release",
    "preparation",
    "from_prison",
    "to_probation_unit",
    "to_municipality",
    "handed_over_on",
    "recorded_by",
    "created_at",
)
ITEM_FIELDS = (
    "id",
    "handover",
    "kind",
    "measure",
    "task",
    "text",
    "due_on",
    "previous_organization",
    "organization",
)
EVENT_FIELDS = ("id", "person", "type", "category", "parameters", "actor", "organization", "occurred_at")


@dataclass(frozen=True)
class HandoverCounts:
    preparations: int
    tasks: int
    handovers: int
    items: int


def _moment(day: dt.date, hour: int = 10) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 0)))


def _served(journey: Journey, period: CustodyPeriod) -> Sentence | None:
    """The sentence served in ``period``, as ``release.rules.current_sentence`` finds it."""
    serving = [s for s in journey.sentences if s.ends_on >= period.admitted_on]
    return max(serving, key=lambda s: (s.ends_on, s.pk or 0), default=None)


def recent_releases(journeys: Sequence[Journey], *, today: dt.date) -> list[tuple[Journey, Release]]:
    """The persons released within ``HISTORY_DAYS`` (the fixed cases every demo user opens first: at
    any time) and not held again, with that release."""
    found = []
    since = today - dt.timedelta(days=HISTORY_DAYS)
    for journey in journeys:
        if journey.holding is not None or not journey.releases:
            continue
        release = max(journey.releases, key=lambda r: r.released_on)
        if (journey.showcase or since <= release.released_on) and release.released_on < today:
            found.append((journey, release))
    return found


def write_handovers(
    journeys: Sequence[Journey],
    *,
    seed: int,
    uuid_salt: int,
    today: dt.date,
    officer: User,
    orgs: dict[str, Organization],
    ids: IdAllocator,
    open_measures: Mapping[int, list[OpenMeasure]],
) -> HandoverCounts:
    """Preparations, tasks, handovers and their items for the recently released persons of ``journeys``."""
    template = release_services.default_template()
    if template is None:
        return HandoverCounts(0, 0, 0, 0)
    steps: list[TemplateStep] = list(template.steps.all())
    # Reproducible synthetic data, not secrets: seeded PRNGs are the point.
    rng = random.Random(f"handovers:{seed}")  # noqa: S311
    uuid_rng = random.Random(f"handovers-uuid:{seed}:{uuid_salt}")  # noqa: S311

    def public_id() -> uuid.UUID:
        return uuid.UUID(int=uuid_rng.getrandbits(128), version=4)

    window = dt.timedelta(days=release_preparation_days())
    by_id = {org.pk: org for org in orgs.values()}
    preparations: list[tuple[Any, ...]] = []
    tasks: list[tuple[Any, ...]] = []
    handovers: list[tuple[Any, ...]] = []
    items: list[tuple[Any, ...]] = []
    relationships: list[Relationship] = []
    events: list[tuple[Any, ...]] = []
    for journey, release in recent_releases(journeys, today=today):
        period = release.custody_period
        sentence = _served(journey, period)
        if sentence is None:
            continue
        person_id = journey.person.pk
        released_on = release.released_on
        prison = by_id[period.prison_id]
        named_unit = by_id.get(sentence.release_probation_unit_id or 0)
        probation_unit = _receiving_probation_unit(journey, sentence, by_id)
        social = _SOCIAL_SERVICE_OF_UNIT.get(probation_unit.code) if probation_unit is not None else None
        municipality = orgs.get(social) if social and rng.random() < MUNICIPALITY_NAMED_SHARE else None
        generated_on = max(released_on - window, period.admitted_on)
        preparation = ReleasePreparation(
            pk=ids.take(ReleasePreparation),
            public_id=public_id(),
            release_on=released_on,
            prison=prison,
            probation_unit=named_unit,
            municipality=municipality,
        )
        preparations.append(
            (
                preparation.pk,
                preparation.public_id,
                person_id,
                sentence.pk,
                template.pk,
                released_on,
                prison.pk,
                named_unit.pk if named_unit else None,
                municipality.pk if municipality else None,
                officer.pk,
                _moment(generated_on),
                _moment(released_on),
            )
        )
        events.append(
            (
                ids.take(PersonEvent),
                person_id,
                "release_timeline_generated",
                policy.SENTENCE.key,
                {
                    "preparation": str(preparation.public_id),
                    "release_on": released_on.isoformat(),
                    "created": len(steps),
                    "moved": 0,
                },
                officer.pk,
                prison.pk,
                _moment(generated_on, 11),
            )
        )
        receiver = probation_unit or municipality
        handover_id = ids.take(Handover)
        handover_uid = public_id()
        handover_items: list[tuple[Any, ...]] = []
        for step in steps:
            organization, role, _named = release_services.slot_assignee(step.slot, step.role, preparation)
            due_on = released_on + dt.timedelta(days=step.offset_days)
            task_id = ids.take(ReleaseTask)
            status, completed_by, completed_at = TaskStatus.OPEN, None, None
            if due_on < released_on and rng.random() < DONE_BEFORE_RELEASE:
                status = TaskStatus.DONE
                completed_by = officer.pk if organization.pk == prison.pk else None
                completed_at = _moment(due_on)
            else:
                previous = organization
                if receiver is not None and organization.pk == prison.pk:
                    organization = receiver
                    role = release_services.RECEIVING_ROLE[OrganizationType(receiver.type)]
                handover_items.append(
                    (
                        ids.take(HandoverItem),
                        handover_id,
                        HandoverItemKind.RELEASE_TASK,
                        None,
                        task_id,
                        step.title[:300],
                        due_on,
                        previous.pk,
                        organization.pk,
                    )
                )
                if due_on < today - dt.timedelta(days=7) and rng.random() < DONE_BY_RECEIVER:
                    status = TaskStatus.DONE
                    completed_at = _moment(due_on)
            tasks.append(
                (
                    task_id,
                    public_id(),
                    person_id,
                    preparation.pk,
                    step.pk,
                    step.area,
                    step.title,
                    step.title_en,
                    step.offset_days,
                    due_on,
                    step.slot,
                    organization.pk,
                    role,
                    status,
                    completed_by,
                    completed_at,
                    _moment(generated_on),
                )
            )
        for measure in sorted(open_measures.get(person_id, []), key=lambda m: (m.due_on, m.id)):
            handover_items.append(
                (
                    ids.take(HandoverItem),
                    handover_id,
                    HandoverItemKind.PLAN_MEASURE,
                    measure.id,
                    None,
                    measure.description[:300],
                    measure.due_on,
                    measure.organization_id,
                    receiver.pk if receiver is not None else measure.organization_id,
                )
            )
        handovers.append(
            (
                handover_id,
                handover_uid,
                person_id,
                release.pk,
                preparation.pk,
                prison.pk,
                probation_unit.pk if probation_unit else None,
                municipality.pk if municipality else None,
                released_on,
                officer.pk,
                _moment(released_on, 12),
            )
        )
        items.extend(handover_items)
        events.append(
            (
                ids.take(PersonEvent),
                person_id,
                "release_handover",
                policy.SENTENCE.key,
                {
                    "handover": str(handover_uid),
                    "to_probation_unit": probation_unit.code if probation_unit else None,
                    "to_municipality": municipality.code if municipality else None,
                    "items": len(handover_items),
                },
                officer.pk,
                prison.pk,
                _moment(released_on, 12),
            )
        )
        if municipality is not None:
            relationships.append(
                Relationship(
                    person_id=person_id,
                    organization=municipality,
                    kind=policy.RELEASE_PREPARATION.key,
                    starts_on=released_on - window,
                    ends_on=released_on + dt.timedelta(days=RELEASE_HANDOVER_DAYS),
                    source=release_services.RELATIONSHIP_SOURCE,
                )
            )
    insert_rows(ReleasePreparation, PREPARATION_FIELDS, preparations)
    insert_rows(ReleaseTask, TASK_FIELDS, tasks)
    insert_rows(Handover, HANDOVER_FIELDS, handovers)
    insert_rows(HandoverItem, ITEM_FIELDS, items)
    insert_rows(PersonEvent, EVENT_FIELDS, events)
    insert_objects(Relationship, relationships)
    return HandoverCounts(
        preparations=len(preparations), tasks=len(tasks), handovers=len(handovers), items=len(items)
    )


def _receiving_probation_unit(
    journey: Journey, sentence: Sentence, by_id: Mapping[int, Organization]
) -> Organization | None:
    """As ``release.services._receiving_probation_unit``: the unit the sentence names, else the one
    that supervises the person after the release (the demo records that period with the release)."""
    unit_id = sentence.release_probation_unit_id
    if unit_id is None:
        unit_id = next((p.probation_unit_id for p in journey.probation), None)
    return by_id.get(unit_id) if unit_id is not None else None


__all__ = ["HISTORY_DAYS", "HandoverCounts", "recent_releases", "write_handovers"]
