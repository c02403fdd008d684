"""The one way API endpoints find a person they may read: every router asks here.

Unknown and unreadable persons answer the same 404 (the answer must not reveal which), and the refusal
is audited. A role that must state a purpose before reading a special category gets 403: a token
cannot state one per request yet.
"""

from __future__ import annotations

import uuid

from django.core.exceptions import PermissionDenied

from resoc.access import policy
from resoc.access.context import Acting
from resoc.api.problems import ApiProblem, ProblemType, not_found_detail
from resoc.audit.models import AuditAction
from resoc.audit.services import audit_person
from resoc.people.models import Person


def not_found() -> ApiProblem:
    return ApiProblem(404, ProblemType.NOT_FOUND, not_found_detail())


def check_readable(acting: Acting, person: Person, category: str) -> None:
    """Raise 404 (audited) unless ``acting`` may read ``category`` of ``person``; 403 if a purpose is due."""
    decision = policy.can_read(acting, person, category)
    if not decision:
        audit_person(
            actor=acting.actor, action=AuditAction.DENIED, person_id=person.public_id, category=category
        )
        raise not_found()
    if decision.needs_purpose:
        audit_person(
            actor=acting.actor,
            action=AuditAction.DENIED,
            person_id=person.public_id,
            category=category,
            detail={"reason": "purpose_required"},
        )
        raise PermissionDenied


def readable_person(acting: Acting, public_id: uuid.UUID, category: str) -> Person:
    """The current (not merged away) person if ``acting`` may read ``category`` of them."""
    person = Person.objects.current().filter(public_id=public_id).first()
    if person is None:
        audit_person(actor=acting.actor, action=AuditAction.DENIED, person_id=public_id, category=category)
        raise not_found()
    check_readable(acting, person, category)
    return person
