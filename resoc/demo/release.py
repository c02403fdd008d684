"""Release preparation of the demo persons near release, told through the real models of the release app.

For every demo person held now whose sentence ends within the preparation window, the default
template's steps are placed on the sentence end exactly as ``release.services.timeline_generate``
places them (slots resolved the same way: an unnamed municipality or NGO leaves its steps with the
prison), steps well past their due date are mostly done, a share of the persons get an indicator for
an inter-institutional meeting and some of those a meeting. Everything is written in bulk; no query
per person. Call it after the journeys are written (the sentences and custody periods need their ids).
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Sequence
from dataclasses import dataclass

from django.utils import timezone

from resoc.access import policy
from resoc.access.models import User
from resoc.demo.bulk import insert_objects
from resoc.demo.common import REGIONS
from resoc.demo.journeys import Journey
from resoc.organizations.models import Organization
from resoc.people.models import PersonEvent, Relationship
from resoc.release import services as release_services
from resoc.release.models import (
    IndicatorKind,
    InterInstitutionalMeeting,
    MeetingIndicator,
    MeetingReason,
    ReleasePreparation,
    ReleaseTask,
    Slot,
    TaskStatus,
    TemplateStep,
)
from resoc.sentences.models import Sentence
from resoc.sentences.services import release_preparation_days

MUNICIPALITY_NAMED_SHARE = 0.6  # of the preparations whose region has a demo social service
DONE_SHARE = 0.75  # of the tasks more than a week past their due date
INDICATOR_SHARE = 0.12
MEETING_SHARE = 0.5  # of the persons with an indicator
INDICATORS = [
    (IndicatorKind.SERIOUS_VIOLENT_OFFENCE, "Tiesas spriedums (KL 117. pants)"),
    (IndicatorKind.SEXUAL_OFFENCE, "Tiesas spriedums (KL 160. pants)"),
    (IndicatorKind.RADICALISATION, "Cietuma drošības daļas ziņojums"),
    (IndicatorKind.MENTAL_HEALTH, "Psihiatra atzinums"),
]
_REASON_OF = {kind: MeetingReason(kind.value) for kind, _source in INDICATORS}
_SOCIAL_SERVICE_OF_UNIT = {unit: social for unit, _branches, social in REGIONS.values() if social}


@dataclass(frozen=True)
class ReleaseCounts:
    preparations: int
    tasks: int
    indicators: int
    meetings: int


def _current_sentence(journey: Journey) -> Sentence | None:
    holding = journey.holding
    if holding is None:
        return None
    serving = [s for s in journey.sentences if s.ends_on >= holding.admitted_on]
    return max(serving, key=lambda s: s.ends_on, default=None)


def seed_release(
    journeys: Sequence[Journey],
    *,
    today: dt.date,
    rng: random.Random,
    officer: User,
    orgs: dict[str, Organization],
    batch_size: int = 1000,
) -> ReleaseCounts:
    """Timelines, indicators and meetings for the persons of ``journeys`` near release (bulk writes)."""
    template = release_services.default_template()
    if template is None:
        return ReleaseCounts(0, 0, 0, 0)
    steps: list[TemplateStep] = list(template.steps.all())
    window = dt.timedelta(days=release_preparation_days())
    by_id = {org.pk: org for org in orgs.values()}
    chosen: list[tuple[Journey, Sentence, ReleasePreparation]] = []
    for journey in journeys:
        sentence = _current_sentence(journey)
        holding = journey.holding
        if sentence is None or holding is None or not today <= sentence.ends_on <= today + window:
            continue
        unit_id = sentence.release_probation_unit_id
        social = _SOCIAL_SERVICE_OF_UNIT.get(by_id[unit_id].code) if unit_id in by_id else None
        municipality = orgs.get(social) if social and rng.random() < MUNICIPALITY_NAMED_SHARE else None
        preparation = ReleasePreparation(
            person_id=journey.person.pk,
            sentence_id=sentence.pk,
            template=template,
            release_on=sentence.ends_on,
            # Instances, not ids: resolving the slots below must not query per person.
            prison=by_id[holding.prison_id],
            probation_unit=by_id.get(unit_id) if unit_id is not None else None,
            municipality=municipality,
            ngo=None,
            created_by=officer,
        )
        chosen.append((journey, sentence, preparation))
    ReleasePreparation.objects.bulk_create([p for _j, _s, p in chosen], batch_size=batch_size)

    tasks: list[ReleaseTask] = []
    relationships: list[Relationship] = []
    events: list[PersonEvent] = []
    for _journey, _sentence, preparation in chosen:
        for step in steps:
            organization, role, _named = release_services.slot_assignee(step.slot, step.role, preparation)
            due_on = preparation.release_on + dt.timedelta(days=step.offset_days)
            done = due_on < today - dt.timedelta(days=7) and rng.random() < DONE_SHARE
            tasks.append(
                ReleaseTask(
                    person_id=preparation.person_id,
                    preparation=preparation,
                    step=step,
                    area=step.area,
                    title=step.title,
                    title_en=step.title_en,
                    offset_days=step.offset_days,
                    due_on=due_on,
                    slot=step.slot,
                    assigned_organization=organization,
                    assigned_role=role,
                    status=TaskStatus.DONE if done else TaskStatus.OPEN,
                    completed_by=officer if done and step.slot == Slot.PRISON else None,
                    completed_at=_moment(due_on) if done else None,
                )
            )
        if preparation.municipality is not None:
            relationships.append(
                Relationship(
                    person_id=preparation.person_id,
                    organization=preparation.municipality,
                    kind=policy.RELEASE_PREPARATION.key,
                    starts_on=min(preparation.release_on - window, today),
                    source=release_services.RELATIONSHIP_SOURCE,
                )
            )
        events.append(
            PersonEvent(
                person_id=preparation.person_id,
                type="release_timeline_generated",
                category=policy.SENTENCE.key,
                parameters={"preparation": str(preparation.public_id), "demo": True},
                actor=officer,
                organization_id=preparation.prison_id,
                occurred_at=_moment(max(preparation.release_on - window, today - dt.timedelta(days=30))),
            )
        )
    insert_objects(ReleaseTask, tasks, batch_size=batch_size)
    insert_objects(Relationship, relationships, batch_size=batch_size)

    indicators: list[MeetingIndicator] = []
    meetings: list[InterInstitutionalMeeting] = []
    participants: list[tuple[InterInstitutionalMeeting, list[int]]] = []
    for _journey, _sentence, preparation in chosen:
        if rng.random() >= INDICATOR_SHARE:
            continue
        kind, source = INDICATORS[rng.randrange(len(INDICATORS))]
        noted_on = today - dt.timedelta(days=rng.randint(30, 400))
        indicators.append(
            MeetingIndicator(
                person_id=preparation.person_id,
                kind=kind,
                source=source,
                noted_on=noted_on,
                recorded_by=officer,
                organization_id=preparation.prison_id,
            )
        )
        if rng.random() < MEETING_SHARE and preparation.probation_unit_id is not None:
            held_on = today - dt.timedelta(days=rng.randint(1, 30))
            meeting = InterInstitutionalMeeting(
                person_id=preparation.person_id,
                held_on=held_on,
                place="Cietuma administrācijas ēka",
                reasons=[_REASON_OF[kind].value],
                participant_names="Resocializācijas inspektors\nProbācijas darbinieks\nValsts policijas inspektors",
                decisions="Vienoties par uzraudzības plānu un informēt Valsts policiju par atbrīvošanas dienu.",
                recorded_by=officer,
                organization_id=preparation.prison_id,
            )
            meetings.append(meeting)
            participants.append((meeting, [preparation.prison_id, preparation.probation_unit_id]))
    MeetingIndicator.objects.bulk_create(indicators, batch_size=batch_size)
    InterInstitutionalMeeting.objects.bulk_create(meetings, batch_size=batch_size)
    through = InterInstitutionalMeeting.participants.through
    through.objects.bulk_create(
        [
            through(interinstitutionalmeeting_id=meeting.pk, organization_id=org_id)
            for meeting, org_ids in participants
            for org_id in org_ids
        ],
        batch_size=batch_size,
    )
    insert_objects(PersonEvent, events, batch_size=batch_size)
    return ReleaseCounts(
        preparations=len(chosen), tasks=len(tasks), indicators=len(indicators), meetings=len(meetings)
    )


def _moment(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(10, 0)))
