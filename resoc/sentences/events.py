"""Timeline events of the sentence journey (category "sentence": read only by who may read sentences)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from resoc.access import policy
from resoc.access.context import Acting
from resoc.people.models import Person, PersonEvent
from resoc.sentences.models import CustodyPeriod, ProbationPeriod, Release, Sentence, TemporaryAbsence

EVENT_LABELS = {
    "sentence_recorded": _("Sentence recorded"),
    "custody_admitted": _("Admitted to prison"),
    "custody_transferred": _("Transferred to another prison"),
    "temporary_absence_recorded": _("Temporary absence recorded"),
    "person_released": _("Released from prison"),
    "probation_started": _("Probation supervision started"),
    "probation_ended": _("Probation supervision ended"),
}


def _event(*, person: Person, type: str, acting: Acting, save: bool = True, **parameters: Any) -> PersonEvent:
    """``save=False`` (in the constructors that take it): the event unsaved, for bulk writers."""
    event = PersonEvent(
        person=person,
        type=type,
        category=policy.SENTENCE.key,
        parameters=parameters,
        actor=acting.user,
        organization_id=acting.organization_id,
    )
    if save:
        event.save()
    return event


def sentence_recorded_event(*, sentence: Sentence, acting: Acting, save: bool = True) -> PersonEvent:
    return _event(
        person=sentence.person,
        type="sentence_recorded",
        acting=acting,
        save=save,
        sentence=str(sentence.public_id),
        ends_on=sentence.ends_on.isoformat(),
    )


def custody_admitted_event(*, period: CustodyPeriod, acting: Acting, save: bool = True) -> PersonEvent:
    return _event(
        person=period.person,
        type="custody_admitted",
        acting=acting,
        save=save,
        custody_period=str(period.public_id),
        prison=period.prison.code,
        admitted_on=period.admitted_on.isoformat(),
    )


def custody_transferred_event(
    *, previous: CustodyPeriod, period: CustodyPeriod, acting: Acting
) -> PersonEvent:
    return _event(
        person=period.person,
        type="custody_transferred",
        acting=acting,
        custody_period=str(period.public_id),
        from_prison=previous.prison.code,
        to_prison=period.prison.code,
        transferred_on=period.admitted_on.isoformat(),
    )


def temporary_absence_recorded_event(*, absence: TemporaryAbsence, acting: Acting) -> PersonEvent:
    return _event(
        person=absence.custody_period.person,
        type="temporary_absence_recorded",
        acting=acting,
        absence=str(absence.public_id),
        kind=absence.kind,
        starts_on=absence.starts_on.isoformat(),
        ends_on=absence.ends_on.isoformat(),
    )


def person_released_event(*, release: Release, acting: Acting, save: bool = True) -> PersonEvent:
    return _event(
        person=release.person,
        type="person_released",
        acting=acting,
        save=save,
        release=str(release.public_id),
        reason=release.reason,
        released_on=release.released_on.isoformat(),
    )


def probation_started_event(*, period: ProbationPeriod, acting: Acting) -> PersonEvent:
    return _event(
        person=period.person,
        type="probation_started",
        acting=acting,
        probation_period=str(period.public_id),
        probation_unit=period.probation_unit.code,
        starts_on=period.starts_on.isoformat(),
    )


def probation_ended_event(*, period: ProbationPeriod, acting: Acting) -> PersonEvent:
    assert period.ends_on is not None
    return _event(
        person=period.person,
        type="probation_ended",
        acting=acting,
        probation_period=str(period.public_id),
        ends_on=period.ends_on.isoformat(),
    )
