"""Reads of referrals: the inbox and outbox, one referral with its history and notes.

A list costs the same number of queries whatever its length: the rows with their organizations
and person in one query, the persons the reader may still see by name in one more.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from enum import StrEnum

from django.core.paginator import Page, Paginator
from django.db.models import Q, QuerySet
from django.utils import timezone

from resoc.access import policy
from resoc.access.context import Acting
from resoc.referrals import rules
from resoc.referrals.holidays import add_working_days
from resoc.referrals.models import Note, Referral, State, Transition, Visibility

PAGE_SIZE = 50
# What a row of the inbox or outbox shows (the API list too).
LIST_RELATED = (
    "person",
    "sender_organization",
    "receiver_organization",
    "sender",
    "accepted_by",
    "measure",
    "previous",
)


class Box(StrEnum):
    INBOX = "inbox"
    OUTBOX = "outbox"


class Due(StrEnum):
    OVERDUE = "overdue"
    EXPIRING = "expiring"


@dataclass(frozen=True)
class Filters:
    state: str = ""
    urgency: str = ""
    due: str = ""


def box(acting: Acting, which: Box, filters: Filters | None = None) -> QuerySet[Referral]:
    """Referrals received by (inbox) or sent from (outbox) the acting organization and those below it."""
    if acting.membership is None or acting.role not in rules.HANDLING_ROLES:
        return Referral.objects.none()
    scope = acting.scope_organization_ids
    if which == Box.INBOX:
        found = Referral.objects.filter(receiver_organization_id__in=scope).exclude(state=State.DRAFT)
    else:
        found = Referral.objects.filter(sender_organization_id__in=scope)
    filters = filters or Filters()
    if filters.state:
        found = found.filter(state=filters.state)
    if filters.urgency:
        found = found.filter(urgency=filters.urgency)
    today = timezone.localdate()
    if filters.due == Due.OVERDUE:
        found = found.filter(state=State.SENT, respond_by__lt=today)
    elif filters.due == Due.EXPIRING:
        until = add_working_days(today, rules.remind_days())
        found = found.filter(state=State.SENT, respond_by__gte=today, respond_by__lte=until)
    return found.select_related(
        "person",
        "sender_organization",
        "receiver_organization",
        "sender",
        "accepted_by",
        "measure",
        "previous",
    ).order_by("-created_at", "-id")


@dataclass
class Row:
    referral: Referral
    # The person's name is shown only while the reader may read the person (policy).
    name_visible: bool
    overdue: bool


def page_of(
    acting: Acting, referrals: QuerySet[Referral], number: str | int | None
) -> tuple[Page[int], list[Row]]:
    # The page's ids first (the index alone, however deep the page), then those rows with their
    # joins: an OFFSET over the joined rows would join every skipped row too.
    page = Paginator(referrals.values_list("pk", flat=True), PAGE_SIZE).get_page(number)
    ids = list(page.object_list)
    fetched = Referral.objects.filter(pk__in=ids).select_related(*LIST_RELATED) if ids else []
    loaded = {r.pk: r for r in fetched}
    items = [loaded[pk] for pk in ids]
    person_ids = {r.person_id for r in items}
    visible = (
        set(policy.visible_persons(acting).filter(pk__in=person_ids).values_list("pk", flat=True))
        if person_ids
        else set()
    )
    today = timezone.localdate()
    rows = [
        Row(
            referral=r,
            name_visible=r.person_id in visible,
            overdue=r.state == State.SENT and r.respond_by is not None and r.respond_by < today,
        )
        for r in items
    ]
    return page, rows


def referral_for(acting: Acting, public_id: uuid.UUID) -> Referral | None:
    """The referral if ``acting`` works on one of its sides; ``None`` for unknown and foreign alike."""
    referral = (
        Referral.objects.select_related(
            "person",
            "sender",
            "sender_organization",
            "receiver_organization",
            "accepted_by",
            "measure__goal__plan",
            "previous__receiver_organization",
        )
        .filter(public_id=public_id)
        .first()
    )
    if referral is None or rules.side_of(acting, referral) is None:
        return None
    return referral


@dataclass
class Step:
    transition: Transition
    # How long the referral stayed in this step's state (until the next step, or until now).
    duration: dt.timedelta | None


def timeline(referral: Referral) -> list[Step]:
    transitions = list(referral.transitions.select_related("by", "by_organization"))
    now = timezone.now()
    steps = []
    for index, transition in enumerate(transitions):
        if index + 1 < len(transitions):
            duration: dt.timedelta | None = transitions[index + 1].at - transition.at
        elif referral.state in (State.DRAFT, State.SENT, State.ACCEPTED, State.IN_PROGRESS):
            duration = now - transition.at
        else:
            duration = None  # a final state lasts for ever
        steps.append(Step(transition=transition, duration=duration))
    return steps


def time_in_states(steps: list[Step]) -> dict[str, dt.timedelta]:
    totals: dict[str, dt.timedelta] = {}
    for step in steps:
        if step.duration is not None:
            key = step.transition.to_state
            totals[key] = totals.get(key, dt.timedelta()) + step.duration
    return totals


def notes_for(acting: Acting, referral: Referral) -> list[Note]:
    """Shared notes and the internal notes of the reader's own organization (or those below it)."""
    return list(
        referral.notes.filter(
            Q(visibility=Visibility.SHARED) | Q(organization_id__in=acting.scope_organization_ids)
        ).select_related("author", "organization")
    )


def chain(referral: Referral) -> list[Referral]:
    """The referrals this one was re-routed from, oldest first, and the ones it was re-routed to."""
    before: list[Referral] = []
    node = referral.previous
    while node is not None and len(before) < 20:
        before.insert(0, node)
        node = Referral.objects.select_related("previous__receiver_organization").get(pk=node.pk).previous
    after = list(referral.reroutes.select_related("receiver_organization"))
    return [*before, *after]
