"""/referrals (inbox and outbox), /referrals/{id}, state changes as actions, notes.

A referral the token's organization works on neither side of answers 404 like an unknown one; an
action of the wrong side or role answers 403; a change the state does not allow (out of order, or
already accepted by someone else) answers 409 ``state-conflict``; bad input answers 422. The person
is named only while the token's membership may read him (``person`` is null otherwise).
"""

from __future__ import annotations

import datetime as dt
import math
import uuid
from typing import Any, Literal

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import Query, Router, Schema, Status
from pydantic import ConfigDict, Field

from resoc.access import policy
from resoc.access.context import Acting
from resoc.api.access import not_found
from resoc.api.auth import acting_of
from resoc.api.problems import TITLES, ApiProblem
from resoc.api.schemas import Problem
from resoc.audit.models import AuditAction
from resoc.audit.services import audit_person, audit_record, audit_record_listing
from resoc.organizations.models import Organization
from resoc.people.models import Person
from resoc.plans.models import Measure
from resoc.referrals import rules, selectors, services
from resoc.referrals.models import TEXT_MAX, Note, Referral, State, Urgency, Visibility
from resoc.referrals.selectors import Box, Due, Filters

router = Router(tags=["referrals"])

STATE_CONFLICT = "urn:resoc:problem:state-conflict"
TITLES.setdefault(STATE_CONFLICT, gettext_lazy("Not possible in the current state"))
_ERRORS = {401: Problem, 403: Problem, 404: Problem, 409: Problem, 422: Problem}
_CONFLICT_CODES = {"out_of_order", "already_accepted", "already_rerouted", "consent_withdrawn"}


class ReferralOut(Schema):
    public_id: uuid.UUID
    person: uuid.UUID | None = Field(description="Null when the token's membership may not read the person.")
    sender_organization: str = Field(description="The organization's code.")
    sender: str = Field(description="Username of the referring user.")
    receiver_organization: str
    reason: str
    urgency: str
    categories: list[str] = Field(description="Keys of the shared data categories.")
    state: str
    respond_by: dt.date | None
    overdue: bool
    measure: uuid.UUID | None = Field(description="The linked plan measure (sender side only).")
    previous: uuid.UUID | None = Field(description="The referral this one was re-routed from.")
    created_at: dt.datetime
    sent_at: dt.datetime | None
    accepted_at: dt.datetime | None
    accepted_by: str | None
    closed_at: dt.datetime | None
    decline_reason: str
    outcome: str


class TransitionOut(Schema):
    from_state: str
    to_state: str
    at: dt.datetime
    by: str | None
    by_organization: str | None
    reason: str
    seconds_in_state: int | None = Field(description="Until the next change; null for a final state.")


class NoteOut(Schema):
    public_id: uuid.UUID
    text: str
    visibility: str
    author: str
    organization: str
    created_at: dt.datetime


class ReferralDetailOut(ReferralOut):
    transitions: list[TransitionOut]
    notes: list[NoteOut]


class ReferralPage(Schema):
    count: int
    page: int
    page_size: int
    pages: int
    results: list[ReferralOut]


class ReferralQuery(Schema):
    box: Literal["inbox", "outbox"] = Field(default="inbox")
    state: State | None = None
    urgency: Urgency | None = None
    due: Due | None = Field(default=None, description="`overdue` or `expiring` (sent, answer due soon).")
    page: int = Field(default=1, ge=1, le=100_000)


class ReferralIn(Schema):
    model_config = ConfigDict(extra="forbid")
    person: uuid.UUID
    receiver_organization: str = Field(max_length=40, description="The receiving organization's code.")
    reason: str = Field(max_length=TEXT_MAX)
    urgency: Urgency = Urgency.ROUTINE
    categories: list[str] = Field(max_length=20, examples=[["identity", "family"]])
    measure: uuid.UUID | None = None
    draft: bool = Field(default=False, description="Keep it as a draft instead of sending it.")


class ActionIn(Schema):
    model_config = ConfigDict(extra="forbid")
    reason: str = Field(
        default="",
        max_length=TEXT_MAX,
        description="Required to decline, complete (the outcome) and withdraw.",
    )


class RerouteIn(Schema):
    model_config = ConfigDict(extra="forbid")
    receiver_organization: str = Field(max_length=40)
    reason: str = Field(default="", max_length=TEXT_MAX)


class NoteIn(Schema):
    model_config = ConfigDict(extra="forbid")
    text: str = Field(max_length=TEXT_MAX)
    visibility: Visibility = Visibility.SHARED


def _out(referral: Referral, *, person_visible: bool, side: rules.Side | None) -> dict[str, Any]:
    return {
        "public_id": referral.public_id,
        "person": referral.person.public_id if person_visible else None,
        "sender_organization": referral.sender_organization.code,
        "sender": referral.sender.get_username(),
        "receiver_organization": referral.receiver_organization.code,
        "reason": referral.reason,
        "urgency": referral.urgency,
        "categories": referral.category_keys,
        "state": referral.state,
        "respond_by": referral.respond_by,
        "overdue": referral.state == State.SENT
        and referral.respond_by is not None
        and referral.respond_by < timezone.localdate(),
        "measure": referral.measure.public_id if referral.measure and side == rules.Side.SENDER else None,
        "previous": referral.previous.public_id if referral.previous else None,
        "created_at": referral.created_at,
        "sent_at": referral.sent_at,
        "accepted_at": referral.accepted_at,
        "accepted_by": referral.accepted_by.get_username() if referral.accepted_by else None,
        "closed_at": referral.closed_at,
        "decline_reason": referral.decline_reason,
        "outcome": referral.outcome,
    }


def _note(note: Note) -> dict[str, Any]:
    return {
        "public_id": note.public_id,
        "text": note.text,
        "visibility": note.visibility,
        "author": note.author.get_username(),
        "organization": note.organization.code,
        "created_at": note.created_at,
    }


def _detail(acting: Acting, referral: Referral) -> dict[str, Any]:
    steps = selectors.timeline(referral)
    side = rules.side_of(acting, referral)
    visible = bool(policy.can_read(acting, referral.person, policy.IDENTITY.key))
    return {
        **_out(referral, person_visible=visible, side=side),
        "transitions": [
            {
                "from_state": s.transition.from_state,
                "to_state": s.transition.to_state,
                "at": s.transition.at,
                "by": s.transition.by.get_username() if s.transition.by else None,
                "by_organization": s.transition.by_organization.code
                if s.transition.by_organization
                else None,
                "reason": s.transition.reason,
                "seconds_in_state": int(s.duration.total_seconds()) if s.duration is not None else None,
            }
            for s in steps
        ],
        "notes": [_note(n) for n in selectors.notes_for(acting, referral)],
    }


def _handler(request: HttpRequest) -> Acting:
    acting = acting_of(request)
    if not rules.can_send(acting):
        raise PermissionDenied
    return acting


def _referral(acting: Acting, public_id: uuid.UUID) -> Referral:
    referral = selectors.referral_for(acting, public_id)
    if referral is None:
        audit_record(
            actor=acting.actor,
            action=AuditAction.DENIED,
            record_type=services.RECORD_TYPE,
            record_id=str(public_id),
        )
        raise not_found()
    return referral


def _conflicts(error: ValidationError) -> ApiProblem | None:
    if not hasattr(error, "error_dict") and error.code in _CONFLICT_CODES:
        return ApiProblem(409, STATE_CONFLICT, error.messages[0], extra={"code": error.code})
    return None


def _run(call: Any) -> Any:
    try:
        return call()
    except ValidationError as error:
        conflict = _conflicts(error)
        if conflict is not None:
            raise conflict from None
        raise


@router.get(
    "/referrals",
    response={200: ReferralPage, **_ERRORS},
    summary="Referrals received or sent",
    operation_id="list_referrals",
)
def list_referrals(request: HttpRequest, filters: Query[ReferralQuery]) -> dict[str, Any]:
    """The organization's inbox (received, drafts excluded) or outbox, newest first, 50 a page."""
    acting = _handler(request)
    found = selectors.box(
        acting,
        Box(filters.box),
        Filters(
            state=filters.state.value if filters.state else "",
            urgency=filters.urgency.value if filters.urgency else "",
            due=filters.due.value if filters.due else "",
        ),
    )
    page, rows = selectors.page_of(acting, found, filters.page)
    shown = [row.referral.person.public_id for row in rows if row.name_visible]
    if shown:
        audit_record_listing(
            actor=acting.actor,
            person_ids=shown,
            category=policy.IDENTITY.key,
            detail={"list": f"referrals_{filters.box}"},
        )
    side = rules.Side.RECEIVER if filters.box == "inbox" else rules.Side.SENDER
    count = page.paginator.count
    return {
        "count": count,
        "page": page.number,
        "page_size": selectors.PAGE_SIZE,
        "pages": max(1, math.ceil(count / selectors.PAGE_SIZE)),
        "results": [_out(row.referral, person_visible=row.name_visible, side=side) for row in rows],
    }


@router.get(
    "/referrals/{public_id}",
    response={200: ReferralDetailOut, **_ERRORS},
    summary="Read one referral with its history and notes",
    operation_id="get_referral",
    url_name="get_referral",
)
def get_referral(request: HttpRequest, public_id: uuid.UUID) -> dict[str, Any]:
    acting = _handler(request)
    referral = _referral(acting, public_id)
    audit_person(
        actor=acting.actor,
        action=AuditAction.VIEW,
        person_id=referral.person.public_id,
        record_type=services.RECORD_TYPE,
        detail={"referral": str(referral.public_id)},
    )
    return _detail(acting, referral)


def _organization(code: str) -> Organization:
    found = Organization.objects.filter(code=code).first()
    if found is None:
        raise ValidationError(
            {
                "receiver_organization": ValidationError(
                    _("There is no organization with this code."), code="unknown"
                )
            }
        )
    return found


@router.post(
    "/referrals",
    response={201: ReferralDetailOut, **_ERRORS},
    summary="Refer a person",
    operation_id="create_referral",
)
def create_referral(
    request: HttpRequest, payload: ReferralIn, response: HttpResponse
) -> Status[dict[str, Any]]:
    """Sent at once unless `draft`. Refused (422) without a cooperation agreement or consent."""
    acting = _handler(request)
    person = Person.objects.current().filter(public_id=payload.person).first()
    if person is None or not policy.can_read(acting, person, policy.IDENTITY.key):
        audit_person(actor=acting.actor, action=AuditAction.DENIED, person_id=payload.person)
        raise not_found()
    receiver = _organization(payload.receiver_organization)
    measure = None
    if payload.measure is not None:
        measure = Measure.objects.select_related("goal__plan").filter(public_id=payload.measure).first()
        if measure is None:
            raise ValidationError(
                {
                    "measure": ValidationError(
                        _("Choose a measure of this person's active plan."), code="other_plan"
                    )
                }
            )
    referral = services.referral_create(
        acting=acting,
        person=person,
        receiver=receiver,
        reason=payload.reason,
        categories=payload.categories,
        urgency=payload.urgency.value,
        measure=measure,
        send=not payload.draft,
    )
    response["Location"] = reverse("api:get_referral", kwargs={"public_id": referral.public_id})
    return Status(201, _detail(acting, _referral(acting, referral.public_id)))


def _action(action: rules.Action, summary: str) -> None:
    @router.post(
        f"/referrals/{{public_id}}/{action.value}",
        response={200: ReferralDetailOut, **_ERRORS},
        summary=summary,
        operation_id=f"{action.value}_referral",
    )
    def view(request: HttpRequest, public_id: uuid.UUID, payload: ActionIn | None = None) -> dict[str, Any]:
        acting = _handler(request)
        referral = _referral(acting, public_id)
        reason = payload.reason if payload else ""
        _run(
            lambda: services.referral_transition(
                acting=acting, referral=referral, action=action.value, reason=reason
            )
        )
        return _detail(acting, _referral(acting, public_id))

    view.__name__ = f"{action.value}_referral"


for _act, _summary in [
    (rules.Action.SEND, "Send a draft"),
    (rules.Action.ACCEPT, "Accept a referral (receiver)"),
    (rules.Action.DECLINE, "Decline a referral with a reason (receiver)"),
    (rules.Action.START, "Start the work (receiver)"),
    (rules.Action.COMPLETE, "Complete with the outcome in `reason` (receiver)"),
    (rules.Action.CANCEL, "Cancel a draft or a referral not yet answered (sender)"),
    (rules.Action.WITHDRAW, "Withdraw an accepted referral with a reason (sender)"),
]:
    _action(_act, _summary)


@router.post(
    "/referrals/{public_id}/reroute",
    response={201: ReferralDetailOut, **_ERRORS},
    summary="Re-route to another organization (sender)",
    operation_id="reroute_referral",
)
def reroute_referral(
    request: HttpRequest, public_id: uuid.UUID, payload: RerouteIn
) -> Status[dict[str, Any]]:
    """A new referral linked to this one; a waiting one closes as re-routed."""
    acting = _handler(request)
    referral = _referral(acting, public_id)
    receiver = _organization(payload.receiver_organization)
    new = _run(
        lambda: services.referral_reroute(
            acting=acting, referral=referral, receiver=receiver, reason=payload.reason
        )
    )
    return Status(201, _detail(acting, _referral(acting, new.public_id)))


@router.post(
    "/referrals/{public_id}/notes",
    response={201: NoteOut, **_ERRORS},
    summary="Add a note (shared with both organizations or internal)",
    operation_id="add_referral_note",
)
def add_note(request: HttpRequest, public_id: uuid.UUID, payload: NoteIn) -> Status[dict[str, Any]]:
    acting = _handler(request)
    referral = _referral(acting, public_id)
    note = services.note_add(
        acting=acting, referral=referral, text=payload.text, visibility=payload.visibility.value
    )
    return Status(201, _note(note))
