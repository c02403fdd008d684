"""Bulk intake: persons new to Resoc, admitted to prison, with the sentence and release a register lists.

``intake_check`` checks one intake in memory exactly as ``person_register``, ``custody_admit``,
``sentence_record`` and ``person_release`` would, one after the other, and raises what the first of
them to refuse would raise. ``intakes_record`` then writes any number of checked intakes with a
constant number of statements: the persons, their periods, sentences and releases, the timeline
events, the audit entries and the relationships ``sync_relationships`` would leave.

The policy's answers need no query: the intake's person is related to the acting organization by
construction (registration relates them, and the admission into a prison of its own scope keeps them
related), and a new person has no consents. The release's handover has nothing to pass on either: a
person registered a moment ago has no release preparation, task or plan. The caller checks the
personal code's uniqueness and the look-alikes for all its rows at once (the register import does so
with two queries per batch).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied

from resoc.access import policy
from resoc.access.context import Acting
from resoc.audit.models import AuditAction, AuditEntry
from resoc.audit.services import audit_person_entry
from resoc.organizations.models import Organization
from resoc.people import events as people_events
from resoc.people.models import Person, PersonEvent, Relationship
from resoc.people.services import person_registration_checked, registration_relationship
from resoc.sentences import events
from resoc.sentences.models import CustodyEnd, CustodyPeriod, RegimeLevel, Release, Sentence
from resoc.sentences.services import (
    RELATIONSHIP_SOURCE,
    audit_entry,
    check_admission,
    check_release,
    check_sentence,
    desired_relationships,
    may_change_custody,
    may_record_sentence,
    provisional_end,
)


class IntakeDenied(PermissionDenied):
    """A refusal of one step (``step``: the change it would have recorded), as the service would refuse it."""

    def __init__(self, step: str) -> None:
        super().__init__(step)
        self.step = step


@dataclass
class Intake:
    """One checked intake, unsaved; ``changes`` names what it records, in the services' order."""

    person: Person
    period: CustodyPeriod
    sentence: Sentence | None = None
    release: Release | None = None
    events: list[PersonEvent] = field(default_factory=list)
    audits: list[AuditEntry] = field(default_factory=list)
    changes: list[str] = field(default_factory=list)


def intake_check(
    *,
    acting: Acting,
    data: dict[str, Any],
    prison: Organization,
    admitted_on: dt.date,
    regime_level: RegimeLevel | None = None,
    sentence: dict[str, Any] | None = None,
    release: tuple[dt.date, str] | None = None,
) -> Intake:
    """Check a registration, its admission and, if given, its sentence (``court``, ``starts_on``,
    ``ends_on``, ``release_probation_unit``) and release (day, reason). Raises ``PermissionDenied`` or
    ``ValidationError`` as the services would (``IntakeDenied`` names the refused step)."""
    person = person_registration_checked(acting=acting, data=data)
    intake = Intake(
        person=person,
        period=CustodyPeriod(
            person=person, prison=prison, admitted_on=admitted_on, regime_level=regime_level
        ),
    )
    intake.events.append(people_events.person_registered_event(person=person, acting=acting, save=False))
    intake.audits.append(
        audit_person_entry(
            actor=acting.actor,
            action=AuditAction.CREATE,
            person_id=person.public_id,
            category=policy.IDENTITY.key,
        )
    )
    intake.changes.append("person_registered")
    readable = bool(policy.can_read_related(acting, policy.SENTENCE.key))

    if (
        not may_change_custody(acting, person, holding=None, readable=readable)
        or prison.pk not in acting.scope_organization_ids
    ):
        raise IntakeDenied("custody_admitted")
    check_admission(prison=prison, admitted_on=admitted_on, regime_level=regime_level, left_on=[])
    intake.events.append(events.custody_admitted_event(period=intake.period, acting=acting, save=False))
    intake.audits.append(
        audit_entry(acting, AuditAction.CREATE, person, "custody_period", {"prison": prison.code})
    )
    intake.changes.append("custody_admitted")

    if sentence is not None:
        if not may_record_sentence(acting, person, readable=readable):
            raise IntakeDenied("sentence_recorded")
        check_sentence(**sentence)
        intake.sentence = Sentence(person=person, **{**sentence, "court": sentence["court"].strip()})
        intake.events.append(
            events.sentence_recorded_event(sentence=intake.sentence, acting=acting, save=False)
        )
        intake.audits.append(
            audit_entry(
                acting, AuditAction.CREATE, person, "sentence", {"sentence": str(intake.sentence.public_id)}
            )
        )
        intake.changes.append("sentence_recorded")

    if release is not None:
        released_on, reason = release
        if not may_change_custody(acting, person, holding=intake.period, readable=readable):
            raise IntakeDenied("person_released")
        check_release(current=intake.period, released_on=released_on, reason=reason)
        intake.period.left_on = released_on
        intake.period.ended_by = CustodyEnd.RELEASE
        intake.release = Release(
            person=person, custody_period=intake.period, released_on=released_on, reason=reason
        )
        intake.events.append(events.person_released_event(release=intake.release, acting=acting, save=False))
        intake.audits.append(audit_entry(acting, AuditAction.CREATE, person, "release", {"reason": reason}))
        intake.changes.append("person_released")
    return intake


def _relationships(acting: Acting, intake: Intake) -> list[Relationship]:
    period, sentence = intake.period, intake.sentence
    desired = desired_relationships(
        custody=[(period.prison_id, period.admitted_on, period.left_on)],
        probation=[],
        releases=[intake.release.released_on] if intake.release is not None else [],
        sentences=[(sentence.release_probation_unit_id, sentence.starts_on, sentence.ends_on)]
        if sentence is not None
        else [],
    )
    provisional = registration_relationship(acting=acting, person=intake.person)
    provisional.ends_on = provisional_end(desired)
    return [provisional] + [
        Relationship(
            person=intake.person,
            kind=kind,
            organization_id=organization_id,
            starts_on=starts_on,
            ends_on=ends_on,
            source=RELATIONSHIP_SOURCE,
        )
        for kind, organization_id, starts_on, ends_on in sorted(desired, key=str)
    ]


def intakes_record(*, acting: Acting, intakes: list[Intake]) -> None:
    """Write checked intakes: one INSERT per table (the database may split a long one). Call it in a
    transaction; a concurrent registration of the same code fails it with ``IntegrityError``."""
    if not intakes:
        return
    persons = [intake.person for intake in intakes]
    for person in persons:
        person.refresh_derived_fields()  # what Person.save() does; bulk_create skips save()
    # The related objects point at their persons (and releases at their periods) as objects:
    # bulk_create takes the keys from them once those are written.
    Person.objects.bulk_create(persons)
    Sentence.objects.bulk_create([intake.sentence for intake in intakes if intake.sentence is not None])
    CustodyPeriod.objects.bulk_create([intake.period for intake in intakes])
    Release.objects.bulk_create([intake.release for intake in intakes if intake.release is not None])
    Relationship.objects.bulk_create([row for intake in intakes for row in _relationships(acting, intake)])
    PersonEvent.objects.bulk_create([event for intake in intakes for event in intake.events])
    AuditEntry.objects.bulk_create([entry for intake in intakes for entry in intake.audits])
