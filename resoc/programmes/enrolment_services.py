"""Enrolling a person in a group and withdrawing them: one write path each, refusals with reasons.

A place is refused — all reasons together, nothing written — when the group is not taking
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

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from resoc.access import policy
from resoc.access.context import Acting
from resoc.access.roles import Role
from resoc.audit.models import AuditAction
from resoc.audit.services import audit_person
from resoc.organizations.models import OrganizationType
from resoc.people.models import Person, Relationship
from resoc.programmes import selectors
from resoc.programmes.eligibility import Outcome, check
from resoc.programmes.models import (
    ACTIVE_GROUP_STATUSES,
    Enrolment,
    EnrolmentStatus,
    Group,
    SessionStatus,
)
from resoc.programmes.services import PARTICIPANT_KIND, can_plan_groups, participant_source
from resoc.sentences.models import CustodyPeriod

ENROLMENT_RECORD = "programme_enrolment"
PARTICIPANT = policy.register_relation(
    policy.RelationKind(
        PARTICIPANT_KIND,
        gettext_lazy("Participant of a programme group"),
        frozenset({Role.PROGRAMME_FACILITATOR}),
        per_user=True,
    )
)


def _in_custody_at(person: Person, group: Group, on: object) -> bool:
    prison = group.room.location.organization
    return (
        CustodyPeriod.objects.filter(person=person, prison=prison, admitted_on__lte=on)
        .exclude(left_on__lte=on)
        .exists()
    )


def enrolment_create(
    *, acting: Acting, group: Group, person: Person, accept_conflicts: bool = False
) -> Enrolment:
    """Give ``person`` a place in ``group``, or refuse with every reason that applies."""
    if not can_plan_groups(acting, group.offer.organization_id):
        raise PermissionDenied
    if not policy.can_read(acting, person, policy.IDENTITY.key):
        raise PermissionDenied
    today = timezone.localdate()
    with transaction.atomic():
        # The group row is locked so that two planners filling the last place are served in turn.
        locked = Group.objects.select_for_update().get(pk=group.pk)
        reasons: list[str] = []
        if locked.status not in ACTIVE_GROUP_STATUSES:
            reasons.append(_("The group is not taking participants: it is finished or cancelled."))
        if person.merged_into_id is not None:
            reasons.append(_("This record was merged into another; enrol the kept record."))
        current = Enrolment.objects.filter(group=locked, status=EnrolmentStatus.ENROLLED)
        if current.filter(person=person).exists():
            reasons.append(_("The person already has a place in this group."))
        elif current.count() >= locked.capacity:
            reasons.append(
                _("The group is full: all %(places)d places are taken.") % {"places": locked.capacity}
            )
        on = max(today, locked.starts_on)
        findings = check(
            selectors.person_facts(person=person, on=on),
            locked.offer.programme,
            on,
            regime_labels=selectors.regime_level_labels(),
        )
        reasons.extend(f.message for f in findings if f.outcome == Outcome.FAILED)
        flags = [
            {"rule": f.rule.value, "message": f.message} for f in findings if f.outcome == Outcome.UNKNOWN
        ]
        held_in_prison = group.room.location.organization.type == OrganizationType.PRISON
        if held_in_prison and not _in_custody_at(person, group, today):
            reasons.append(
                _("The person is no longer held at %(prison)s (released or transferred).")
                % {"prison": group.room.location.organization.name}
            )
        if reasons:
            raise ValidationError({"person": reasons})
        slots = [
            selectors.Slot(
                starts_at=s.starts_at,
                ends_at=s.ends_at,
                room_id=s.room_id,
                facilitator_id=locked.facilitator_id,
            )
            for s in locked.sessions.filter(status=SessionStatus.SCHEDULED, ends_at__gt=timezone.now())
        ]
        clashes = [
            c
            for c in selectors.schedule_conflicts(
                slots, exclude_group_id=locked.pk, person_ids=frozenset({person.pk})
            )
            if c.kind == selectors.ConflictKind.PERSON
        ]
        if clashes and not accept_conflicts:
            raise ValidationError(
                {
                    "person": [
                        _("The person's other group meets at the same time."),
                        *(c.message for c in clashes),
                    ]
                }
            )
        enrolment = Enrolment(group=locked, person=person, flags=flags, enrolled_by=acting.user)
        enrolment.full_clean(validate_constraints=False)
        enrolment.save()
        Relationship.objects.create(
            person=person,
            organization=locked.offer.organization,
            kind=PARTICIPANT.key,
            mentor=locked.facilitator,
            starts_on=today,
            ends_on=locked.ends_on,
            source=participant_source(locked),
        )
        audit_person(
            actor=acting.actor,
            action=AuditAction.CREATE,
            person_id=person.public_id,
            record_type=ENROLMENT_RECORD,
            detail={
                "group": str(locked.public_id),
                "flags": [f["rule"] for f in flags],
                "conflicts_accepted": len(clashes),
            },
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
