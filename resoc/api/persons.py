"""/persons: search, read, register and correct person records.

The views only translate HTTP to calls of ``people.selectors``/``people.services`` and
``access.policy``; every access decision and every rule is made there.
"""

from __future__ import annotations

import math
import uuid

from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Query, Router, Status

from resoc.access import policy
from resoc.access.context import Acting
from resoc.api.auth import acting_of
from resoc.api.problems import ApiProblem, ProblemType, not_found_detail
from resoc.api.schemas import PersonCreate, PersonOut, PersonPage, PersonSearch, PersonUpdate, Problem
from resoc.audit.models import AuditAction
from resoc.audit.services import audit_person, audit_record, audit_record_listing
from resoc.people import selectors, services
from resoc.people.models import Person

PAGE_SIZE = 25

router = Router(tags=["persons"])

_ERRORS = {401: Problem, 403: Problem, 404: Problem, 422: Problem}


def _audit_person(acting: Acting, action: AuditAction, public_id: uuid.UUID) -> None:
    audit_person(actor=acting.actor, action=action, person_id=public_id, category=policy.IDENTITY.key)


class _Moved(Exception):
    def __init__(self, survivor: Person) -> None:
        self.survivor = survivor


def _readable_person(acting: Acting, public_id: uuid.UUID) -> Person:
    """The person if ``acting`` may read their identity; 404 otherwise, whether or not they exist.

    A record merged into another one answers with a redirect to the surviving record, if that one
    is readable.
    """
    person = Person.objects.filter(public_id=public_id).select_related("merged_into").first()
    target = person
    while target is not None and target.merged_into is not None:
        target = target.merged_into
    if target is None or not policy.can_read(acting, target, policy.IDENTITY.key):
        _audit_person(acting, AuditAction.DENIED, public_id)
        raise ApiProblem(404, ProblemType.NOT_FOUND, not_found_detail())
    if target is not person:
        raise _Moved(target)
    return target


def _moved(survivor: Person) -> HttpResponse:
    response = HttpResponse(status=308)
    response["Location"] = reverse("api:get_person", kwargs={"public_id": survivor.public_id})
    return response


@router.get(
    "/persons",
    response={200: PersonPage, **_ERRORS},
    summary="Search persons",
    operation_id="list_persons",
)
def list_persons(request: HttpRequest, filters: Query[PersonSearch]) -> PersonPage:
    """Persons visible to the token's membership, in Latvian alphabetical order.

    `q` matches the start of the names or the personal code (case and diacritics ignored).
    Every listed person is written to the audit log.
    """
    acting = acting_of(request)
    persons = selectors.person_search(acting=acting, query=filters.q)
    count = persons.count()
    offset = (filters.page - 1) * PAGE_SIZE
    shown = list(persons[offset : offset + PAGE_SIZE]) if offset < count else []
    if filters.q.strip():
        audit_record(
            actor=acting.actor,
            action=AuditAction.SEARCH,
            detail={"query": filters.q, "results": count, "page": filters.page},
        )
    audit_record_listing(
        actor=acting.actor, person_ids=[p.public_id for p in shown], category=policy.IDENTITY.key
    )
    return PersonPage(
        count=count,
        page=filters.page,
        page_size=PAGE_SIZE,
        pages=max(1, math.ceil(count / PAGE_SIZE)),
        results=shown,  # type: ignore[arg-type]  # validated from the model instances
    )


@router.get(
    "/persons/{public_id}",
    response={200: PersonOut, **_ERRORS},
    summary="Read a person's identity data",
    operation_id="get_person",
    url_name="get_person",
)
def get_person(request: HttpRequest, public_id: uuid.UUID) -> Person | HttpResponse:
    """The identity category of one person. Unknown and not-permitted records both answer 404."""
    acting = acting_of(request)
    try:
        person = _readable_person(acting, public_id)
    except _Moved as moved:
        return _moved(moved.survivor)
    _audit_person(acting, AuditAction.VIEW, person.public_id)
    return person


@router.post(
    "/persons",
    response={201: PersonOut, 400: Problem, 409: Problem, **_ERRORS},
    summary="Register a person",
    operation_id="create_person",
)
def create_person(request: HttpRequest, payload: PersonCreate, response: HttpResponse) -> Status[Person]:
    """Register a person; the token's organization starts its relationship with them.

    A person with the same name and date of birth answers 409 `possible-duplicate`; send the request
    again with `confirm_possible_duplicate: true` to register anyway.
    """
    acting = acting_of(request)
    data = payload.model_dump(exclude={"confirm_possible_duplicate"})
    try:
        person = services.person_register(
            acting=acting, data=data, confirm_possible_duplicate=payload.confirm_possible_duplicate
        )
    except services.PossibleDuplicateError as error:
        # Only records the caller may see are named; the others are counted in no way.
        visible = policy.visible_persons(acting).filter(pk__in=[p.pk for p in error.duplicates])
        raise ApiProblem(
            409,
            ProblemType.POSSIBLE_DUPLICATE,
            _(
                "A person with the same name and date of birth is already registered. If this is "
                'a different person, send the request again with "confirm_possible_duplicate": true.'
            ),
            extra={"duplicates": [str(p) for p in visible.values_list("public_id", flat=True)]},
        ) from None
    response["Location"] = reverse("api:get_person", kwargs={"public_id": person.public_id})
    return Status(201, person)


@router.patch(
    "/persons/{public_id}",
    response={200: PersonOut, 400: Problem, 409: Problem, **_ERRORS},
    summary="Correct a person's identity data",
    operation_id="update_person",
)
def update_person(request: HttpRequest, public_id: uuid.UUID, payload: PersonUpdate) -> Person | HttpResponse:
    """Change only the fields sent. Registrar roles of an organization holding the person only."""
    acting = acting_of(request)
    try:
        person = _readable_person(acting, public_id)
    except _Moved as moved:
        return _moved(moved.survivor)
    before = person.updated_at
    person = services.person_update(acting=acting, person=person, data=payload.model_dump(exclude_unset=True))
    if person.updated_at == before:
        # Nothing changed, so the service wrote nothing; the answer still shows the record.
        _audit_person(acting, AuditAction.VIEW, person.public_id)
    return person
