"""Enrolling a person in a group and withdrawing them: one write path each, refusals with reasons.

The rules live in ``enrolment_rules`` (shared with the bulk allocation from a waiting list). A place
is refused — all reasons together, nothing written — when the group is not taking
participants, the person already holds a place in it, every place is taken, the programme's
eligibility rules fail for the person (``eligibility.check`` on the group's first day, or today once
it has started), the group meets in a prison where the person is no longer held (released or
transferred meanwhile), or the group's sessions clash with another group of the person's unless the
clash is accepted. A rule whose fact is not recorded does not refuse: the place is *flagged* with
the finding so that staff see what to check.

Each place keeps a ``participant`` relationship true (``policy.register_relation``): bound to the
group's facilitator (per user) and the delivering organization, from enrolment to the group's last
day, ended on withdrawal or cancellation. It is what lets a facilitator read the participants of his
own groups — only the categories the role reads (identity, education and employment, assessment).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from resoc.access import policy
from resoc.access.context import Acting
from resoc.access.roles import Role
from resoc.audit.models import AuditAction, AuditEntry
from resoc.audit.services import audit_person, audit_person_entry
from resoc.people.models import Person, Relationship
from resoc.programmes import enrolment_rules
from resoc.programmes.models import Enrolment, EnrolmentStatus, Group
from resoc.programmes.services import PARTICIPANT_KIND, can_plan_groups, participant_source

ENROLMENT_RECORD = "programme_enrolment"
PARTICIPANT = policy.register_relation(
    policy.RelationKind(
        PARTICIPANT_KIND,
        gettext_lazy("Participant of a programme group"),
        frozenset({Role.PROGRAMME_FACILITATOR}),
        per_user=True,
    )
)


@dataclass(frozen=True)
class NewPlace:
    person: Person
    flags: list[dict[str, Any]]
    conflicts_accepted: int = 0


def write_places(*, acting: Acting, group: Group, places: list[NewPlace]) -> list[Enrolment]:
    """Write places already decided by ``enrolment_rules``: the enrolments, each one's participant
    relationship and audit entry — three statements for one place or fifty."""
    today = timezone.localdate()
    enrolments = [
        Enrolment(group=group, person=place.person, flags=place.flags, enrolled_by=acting.user)
        for place in places
    ]
    for enrolment in enrolments:
        # The references and uniqueness are the database's to enforce (rows just read, a fresh
        # public id, one current place per group): checking them here took a query per field.
        enrolment.clean_fields(exclude=["group", "person", "enrolled_by"])
        enrolment.clean()
    Enrolment.objects.bulk_create(enrolments)
    Relationship.objects.bulk_create(
        Relationship(
            person=place.person,
            organization_id=group.offer.organization_id,
            kind=PARTICIPANT.key,
            mentor_id=group.facilitator_id,
            starts_on=today,
            ends_on=group.ends_on,
            source=participant_source(group),
        )
        for place in places
    )
    AuditEntry.objects.bulk_create(
        audit_person_entry(
            actor=acting.actor,
            action=AuditAction.CREATE,
            person_id=place.person.public_id,
            record_type=ENROLMENT_RECORD,
            detail={
                "group": str(group.public_id),
                "flags": [f["rule"] for f in place.flags],
                "conflicts_accepted": place.conflicts_accepted,
            },
        )
        for place in places
    )
    return enrolments


def enrolment_create(
    *, acting: Acting, group: Group, person: Person, accept_conflicts: bool = False
) -> Enrolment:
    """Give ``person`` a place in ``group``, or refuse with every reason that applies."""
    if not can_plan_groups(acting, group.offer.organization_id):
        raise PermissionDenied
    if not policy.can_read(acting, person, policy.IDENTITY.key):
        raise PermissionDenied
    with transaction.atomic():
        # The group row is locked so that two planners filling the last place are served in turn.
        locked = Group.objects.select_for_update().get(pk=group.pk)
        facts = enrolment_rules.group_facts(locked, place=group.room.location.organization)
        candidate = enrolment_rules.candidate_facts(facts, [person])[person.pk]
        reasons, flags = enrolment_rules.refusals(
            facts, candidate, taken=facts.taken, enrolled=facts.enrolled
        )
        if reasons:
            raise ValidationError({"person": reasons})
        clash = enrolment_rules.clash_refusal(candidate)
        if clash and not accept_conflicts:
            raise ValidationError({"person": clash})
        (enrolment,) = write_places(
            acting=acting,
            group=locked,
            places=[NewPlace(person=person, flags=flags, conflicts_accepted=len(candidate.clashes))],
        )
    return enrolment


def enrolment_withdraw(*, acting: Acting, enrolment: Enrolment, reason: str) -> Enrolment:
    """End a place (the person left, was moved, or asked to); the record stays with the reason."""
    if not can_plan_groups(acting, enrolment.group.offer.organization_id):
        raise PermissionDenied
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": [_("Say why the place ends.")]})
    if enrolment.status != EnrolmentStatus.ENROLLED:
        raise ValidationError(_("This place has already ended."))
    enrolment.status = EnrolmentStatus.WITHDRAWN
    enrolment.ended_at = timezone.now()
    enrolment.end_reason = reason
    enrolment.full_clean(validate_constraints=False)
    # Access ends at once: a relationship's last day counts, so it ends yesterday.
    today = timezone.localdate()
    with transaction.atomic():
        enrolment.save(update_fields=["status", "ended_at", "end_reason"])
        Relationship.objects.filter(
            person=enrolment.person, kind=PARTICIPANT.key, source=participant_source(enrolment.group)
        ).exclude(ends_on__lt=today).update(ends_on=today - dt.timedelta(days=1))
        audit_person(
            actor=acting.actor,
            action=AuditAction.UPDATE,
            person_id=enrolment.person.public_id,
            record_type=ENROLMENT_RECORD,
            detail={"group": str(enrolment.group.public_id), "status": enrolment.status, "reason": reason},
        )
    return enrolment


def merge_enrolments(source: Person, target: Person) -> dict[str, int]:
    """Merge handler: places follow the kept record; two current places in one group are refused."""
    both = Group.objects.filter(
        enrolments__person=source, enrolments__status=EnrolmentStatus.ENROLLED
    ).filter(
        pk__in=Enrolment.objects.filter(person=target, status=EnrolmentStatus.ENROLLED).values("group_id")
    )
    names = sorted({group.name for group in both})
    if names:
        raise ValidationError(
            _("Both records hold a place in the group “%(group)s”; end one of the places first.")
            % {"group": ", ".join(names)}
        )
    return {"programme_enrolments": Enrolment.objects.filter(person=source).update(person=target)}
