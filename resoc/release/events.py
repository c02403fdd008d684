"""Timeline events of release preparation (category "sentence": read by who may read the sentence)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from resoc.access import policy
from resoc.access.context import Acting
from resoc.people.models import Person, PersonEvent
from resoc.release.models import (
    Handover,
    InterInstitutionalMeeting,
    MeetingIndicator,
    ReleasePreparation,
    ReleaseTask,
    TaskStatus,
)

EVENT_LABELS = {
    "release_timeline_generated": _("Release preparation timeline generated"),
    "release_task_done": _("Release preparation task done"),
    "release_task_not_needed": _("Release preparation task marked not needed"),
    "release_task_reopened": _("Release preparation task reopened"),
    "release_indicator_recorded": _("Indicator for an inter-institutional meeting recorded"),
    "release_indicator_withdrawn": _("Indicator for an inter-institutional meeting withdrawn"),
    "release_meeting_recorded": _("Inter-institutional meeting recorded"),
    "release_handover": _("Case handed over at release"),
}
_TASK_EVENT = {
    TaskStatus.DONE: "release_task_done",
    TaskStatus.NOT_NEEDED: "release_task_not_needed",
    TaskStatus.OPEN: "release_task_reopened",
}


def _event(*, person: Person | int, type: str, acting: Acting, **parameters: Any) -> PersonEvent:
    person_id = person if isinstance(person, int) else person.pk
    return PersonEvent.objects.create(
        person_id=person_id,
        type=type,
        category=policy.SENTENCE.key,
        parameters=parameters,
        actor=acting.user,
        organization_id=acting.organization_id,
    )


def timeline_generated_event(
    *, preparation: ReleasePreparation, acting: Acting, created: int, moved: int
) -> PersonEvent:
    return _event(
        person=preparation.person_id,
        type="release_timeline_generated",
        acting=acting,
        preparation=str(preparation.public_id),
        release_on=preparation.release_on.isoformat(),
        created=created,
        moved=moved,
    )


def task_status_changed_event(*, task: ReleaseTask, acting: Acting, previous: str) -> PersonEvent:
    return _event(
        person=task.person_id,
        type=_TASK_EVENT[TaskStatus(task.status)],
        acting=acting,
        task=str(task.public_id),
        previous=previous,
    )


def indicator_recorded_event(*, indicator: MeetingIndicator, acting: Acting) -> PersonEvent:
    return _event(
        person=indicator.person_id,
        type="release_indicator_recorded",
        acting=acting,
        indicator=str(indicator.public_id),
        kind=indicator.kind,
    )


def indicator_withdrawn_event(*, indicator: MeetingIndicator, acting: Acting) -> PersonEvent:
    return _event(
        person=indicator.person_id,
        type="release_indicator_withdrawn",
        acting=acting,
        indicator=str(indicator.public_id),
        kind=indicator.kind,
        reason=indicator.withdrawal_reason,
    )


def meeting_recorded_event(*, meeting: InterInstitutionalMeeting, acting: Acting) -> PersonEvent:
    return _event(
        person=meeting.person_id,
        type="release_meeting_recorded",
        acting=acting,
        meeting=str(meeting.public_id),
        held_on=meeting.held_on.isoformat(),
        reasons=list(meeting.reasons),
    )


def handover_event(*, handover: Handover, acting: Acting, items: int) -> PersonEvent:
    return _event(
        person=handover.person_id,
        type="release_handover",
        acting=acting,
        handover=str(handover.public_id),
        to_probation_unit=handover.to_probation_unit.code if handover.to_probation_unit else None,
        to_municipality=handover.to_municipality.code if handover.to_municipality else None,
        items=items,
    )
