"""/caseload and /persons/{id}/case-notes: "My people" and case notes for API clients.

Only roles with a caseload may call them (403 otherwise). A person the token may not read answers 404,
whether or not the person exists. Fields of data categories the role may not read in a list are left
out of the caseload items (``columns`` names the categories included), and filters on them are
ignored. Notes in sensitive categories for which the role must state a purpose are not listed: the
API cannot state one per request yet.
"""

from __future__ import annotations

import datetime as dt
import math
import uuid
from typing import Any, Literal

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.utils import timezone
from ninja import Query, Router, Schema, Status
from pydantic import ConfigDict, Field

from resoc.access import policy
from resoc.access.context import Acting
from resoc.api.access import not_found, readable_person
from resoc.api.auth import acting_of
from resoc.api.schemas import Problem
from resoc.assessments.models import RiskLevel
from resoc.audit.models import AuditAction
from resoc.audit.services import audit_record, audit_record_listing
from resoc.casework import caseload, rules, selectors, services
from resoc.casework.models import TEXT_MAX, CaseNote, NoteKind

router = Router(tags=["casework"])

_ERRORS = {401: Problem, 403: Problem, 404: Problem, 422: Problem}
NOTES_PAGE_SIZE = 50


class CaseloadQuery(Schema):
    q: str = Field(default="", max_length=100, description="Start of the names or the personal code.")
    relation: str = Field(default="", max_length=30, description="A relation kind, e.g. `custody`.")
    release_within: Literal[30, 90, 180] | None = Field(default=None, description="Days.")
    overdue: bool = False
    without_assessment: bool = False
    without_plan: bool = False
    risk: RiskLevel | None = None
    sort: Literal["name", "release", "next_action", "risk"] = "name"
    page: int = Field(default=1, ge=1)


class NextActionOut(Schema):
    text: str
    due: dt.date | None
    source: str
    url: str


class CaseloadItem(Schema):
    public_id: uuid.UUID
    given_names: str
    family_name: str
    personal_code: str | None
    relations: list[str] = Field(description="Current relation kinds with the token's organization.")
    expected_release_on: dt.date | None = Field(default=None, description="Category `sentence` only.")
    days_to_release: int | None = None
    risk_level: str | None = Field(default=None, description="Category `assessment` only.")
    assessed_on: dt.date | None = None
    plan_status: Literal["none", "active", "review_overdue"] | None = None
    next_action: NextActionOut | None
    overdue_actions: int


class CaseloadPage(Schema):
    count: int
    page: int
    page_size: int
    pages: int
    columns: list[str] = Field(description="The data categories the items include.")
    results: list[CaseloadItem]


class CaseNoteOut(Schema):
    public_id: uuid.UUID
    category: str
    kind: str
    text: str
    occurred_at: dt.datetime
    created_at: dt.datetime
    author: str
    organization: str = Field(description="The organization's code.")
    corrects: uuid.UUID | None
    editable_until: dt.datetime | None = Field(
        description="Set for the author while the note may be changed."
    )


class CaseNotePage(Schema):
    count: int
    page: int
    page_size: int
    pages: int
    results: list[CaseNoteOut]


class CaseNoteIn(Schema):
    model_config = ConfigDict(extra="forbid")
    category: str = Field(max_length=40, examples=["case_notes"])
    kind: NoteKind
    text: str = Field(max_length=TEXT_MAX)
    occurred_at: dt.datetime
    corrects: uuid.UUID | None = Field(default=None, description="The note this one corrects.")


def _caseload_acting(request: HttpRequest) -> Acting:
    acting = acting_of(request)
    if not rules.has_caseload(acting):
        raise PermissionDenied
    return acting


def _item(row: caseload.Row, columns: caseload.Columns) -> dict[str, Any]:
    person = row.person
    action = row.next_action
    item: dict[str, Any] = {
        "public_id": person.public_id,
        "given_names": person.given_names,
        "family_name": person.family_name,
        "personal_code": person.personal_code,
        "relations": row.relations,
        "next_action": {"text": action.text, "due": action.due, "source": action.source, "url": action.url}
        if action
        else None,
        "overdue_actions": row.overdue,
    }
    if columns.release:
        item.update(expected_release_on=row.release_on, days_to_release=row.days_to_release)
    if columns.assessment:
        item.update(
            risk_level=row.risk_level or None, assessed_on=row.assessed_on, plan_status=row.plan_state
        )
    return item


@router.get(
    "/caseload",
    response={200: CaseloadPage, **_ERRORS},
    summary="My people: the persons the token's organization works with",
    operation_id="list_caseload",
    exclude_unset=True,
)
def list_caseload(request: HttpRequest, filters: Query[CaseloadQuery]) -> dict[str, Any]:
    """The same list, filters and sorting as the "My people" page, 50 per page. Every listed person is
    written to the audit log, once per data category the items include."""
    acting = _caseload_acting(request)
    on = timezone.localdate()
    columns = caseload.Columns.for_acting(acting)
    chosen = caseload.Filters(
        q=filters.q,
        relation=filters.relation,
        release_within=filters.release_within,
        overdue=filters.overdue,
        without_assessment=filters.without_assessment,
        without_plan=filters.without_plan,
        risk=filters.risk.value if filters.risk else "",
        sort=filters.sort,
    ).within(columns)
    persons = caseload.caseload(acting, chosen, on=on, columns=columns)
    count = persons.count()
    offset = (filters.page - 1) * caseload.PAGE_SIZE
    shown = list(persons[offset : offset + caseload.PAGE_SIZE]) if offset < count else []
    rows = caseload.rows(acting, shown, on=on, columns=columns)
    if chosen.q:
        audit_record(
            actor=acting.actor,
            action=AuditAction.SEARCH,
            record_type="caseload",
            detail={"query": chosen.q, "results": count, "page": filters.page},
        )
    for category in columns.categories():
        audit_record_listing(actor=acting.actor, person_ids=[p.public_id for p in shown], category=category)
    return {
        "count": count,
        "page": filters.page,
        "page_size": caseload.PAGE_SIZE,
        "pages": max(1, math.ceil(count / caseload.PAGE_SIZE)),
        "columns": columns.categories(),
        "results": [_item(row, columns) for row in rows],
    }


def _note(note: CaseNote, acting: Acting, now: dt.datetime) -> dict[str, Any]:
    return {
        "public_id": note.public_id,
        "category": note.category,
        "kind": note.kind,
        "text": note.text,
        "occurred_at": note.occurred_at,
        "created_at": note.created_at,
        "author": note.author.get_username(),
        "organization": note.organization.code,
        "corrects": note.corrects.public_id if note.corrects else None,
        "editable_until": note.editable_until() if note.is_editable_by(acting.user.pk, now=now) else None,
    }


@router.get(
    "/persons/{public_id}/case-notes",
    response={200: CaseNotePage, **_ERRORS},
    summary="Read a person's case notes",
    operation_id="list_case_notes",
)
def list_case_notes(request: HttpRequest, public_id: uuid.UUID, page: int = 1) -> dict[str, Any]:
    """Notes in the categories the token may read, newest first, 50 per page."""
    acting = _caseload_acting(request)
    person = readable_person(acting, public_id, policy.IDENTITY.key)
    page = max(page, 1)
    decisions = policy.readable_categories(acting, person)
    shown, _waiting = rules.readable_note_categories(decisions, {})
    notes = selectors.person_case_notes(person=person, categories=shown)
    count = notes.count()
    offset = (page - 1) * NOTES_PAGE_SIZE
    listed = list(notes[offset : offset + NOTES_PAGE_SIZE]) if offset < count else []
    view = selectors.NoteView(
        notes=listed,
        total=count,
        waiting=[],
        writable=[],
        shown_categories=sorted({note.category for note in listed}),
    )
    selectors.audit_note_reads(acting, person, view, stated={})
    now = timezone.now()
    return {
        "count": count,
        "page": page,
        "page_size": NOTES_PAGE_SIZE,
        "pages": max(1, math.ceil(count / NOTES_PAGE_SIZE)),
        "results": [_note(note, acting, now) for note in listed],
    }


@router.post(
    "/persons/{public_id}/case-notes",
    response={201: CaseNoteOut, **_ERRORS},
    summary="Write a case note",
    operation_id="create_case_note",
)
def create_case_note(
    request: HttpRequest, public_id: uuid.UUID, payload: CaseNoteIn
) -> Status[dict[str, Any]]:
    """`category` must be one the token may read for the person. With `corrects`, the note corrects an
    earlier note of the token's organization and takes its category."""
    acting = _caseload_acting(request)
    person = readable_person(acting, public_id, policy.IDENTITY.key)
    corrects = None
    if payload.corrects is not None:
        corrects = CaseNote.objects.filter(public_id=payload.corrects, person=person).first()
        if corrects is None or not policy.can_read(acting, person, corrects.category):
            raise not_found()
    occurred_at = payload.occurred_at
    if timezone.is_naive(occurred_at):
        occurred_at = timezone.make_aware(occurred_at)
    note = services.case_note_write(
        acting=acting,
        person=person,
        category=payload.category,
        kind=payload.kind.value,
        text=payload.text,
        occurred_at=occurred_at,
        corrects=corrects,
    )
    note = CaseNote.objects.select_related("author", "organization", "corrects").get(pk=note.pk)
    return Status(201, _note(note, acting, timezone.now()))
