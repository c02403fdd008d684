"""Typed constructors for the assessment entries of a person's timeline (``people.PersonEvent``)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from resoc.access import policy
from resoc.access.context import Acting
from resoc.assessments.models import Assessment
from resoc.people.models import PersonEvent

EVENT_LABELS = {
    "assessment_started": _("Risk and needs assessment started"),
    "assessment_signed": _("Risk and needs assessment signed"),
}


def _event(*, assessment: Assessment, type: str, acting: Acting, **parameters: object) -> PersonEvent:
    return PersonEvent.objects.create(
        person_id=assessment.person_id,
        type=type,
        category=policy.ASSESSMENT.key,
        parameters={"assessment": str(assessment.public_id), **parameters},
        actor=acting.user,
        organization_id=acting.organization_id,
    )


def assessment_started_event(*, assessment: Assessment, acting: Acting) -> PersonEvent:
    return _event(
        assessment=assessment,
        type="assessment_started",
        acting=acting,
        instrument=f"{assessment.instrument.code} v{assessment.instrument.version}",
    )


def assessment_signed_event(
    *, assessment: Assessment, acting: Acting, superseded: Assessment | None
) -> PersonEvent:
    return _event(
        assessment=assessment,
        type="assessment_signed",
        acting=acting,
        risk_level=assessment.risk_level,
        superseded=str(superseded.public_id) if superseded else None,
    )
