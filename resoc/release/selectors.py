"""Reads of release preparation. Person pages ask the policy first (category "sentence"); the lists
here start from ``policy.visible_persons`` and answer in a fixed number of queries."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from itertools import groupby
from typing import Any

from django.db.models import F, Prefetch, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from resoc.access import policy
from resoc.access.context import Acting
from resoc.assessments.models import localized
from resoc.casework.actions import NextAction, person_url_maker
from resoc.people.models import Person
from resoc.release import services
from resoc.release.models import (
    Area,
    Handover,
    HandoverItem,
    InterInstitutionalMeeting,
    MeetingIndicator,
    MeetingReason,
    ReleasePreparation,
    ReleaseTask,
    TaskStatus,
)
from resoc.release.rules import current_sentence, expected_releases, is_required, meeting_reasons
from resoc.sentences import services as sentence_services

ACTION_SOURCE = "release_task"
DUE_WITHIN_CHOICES = (7, 30, 90)
_TASK_RELATED = ("assigned_organization", "assigned_user", "completed_by", "meeting")


@dataclass
class TaskGroup:
    """Tasks placed on the same day offset from the release (meeting follow-ups have no offset)."""

    offset_days: int | None
    tasks: list[ReleaseTask]

    @property
    def label(self) -> str:
        if self.offset_days is None:
            return _("Follow-ups of meetings")
        if self.offset_days < 0:
            days = -self.offset_days
            return ngettext("%(days)s day before the release", "%(days)s days before the release", days) % {
                "days": days
            }
        if self.offset_days == 0:
            return _("On the day of release")
        return ngettext(
            "%(days)s day after the release", "%(days)s days after the release", self.offset_days
        ) % {"days": self.offset_days}


@dataclass
class Timeline:
    preparation: ReleasePreparation | None
    groups: list[TaskGroup] = field(default_factory=list)
    overdue: int = 0
    open: int = 0


def person_timeline(*, person: Person, on: dt.date) -> Timeline:
    """The person's current preparation (or the latest one) and all their tasks, grouped by offset."""
    holding = sentence_services.open_custody_period(person)
    sentence = current_sentence(person, holding) if holding is not None else None
    preparations = ReleasePreparation.objects.filter(person=person).select_related(
        "template", "prison", "probation_unit", "municipality", "ngo", "sentence"
    )
    preparation = (
        preparations.filter(sentence=sentence).first() if sentence is not None else None
    ) or preparations.first()
    tasks = list(ReleaseTask.objects.filter(person=person).select_related(*_TASK_RELATED))
    tasks.sort(key=lambda t: (t.offset_days is None, t.offset_days or 0, t.due_on, t.pk))
    groups = [
        TaskGroup(offset_days=offset, tasks=list(items))
        for offset, items in groupby(tasks, key=lambda t: t.offset_days)
    ]
    return Timeline(
        preparation=preparation,
        groups=groups,
        overdue=sum(1 for t in tasks if t.is_overdue(on)),
        open=sum(1 for t in tasks if t.is_open),
    )


def person_meetings(*, person: Person) -> list[InterInstitutionalMeeting]:
    return list(
        InterInstitutionalMeeting.objects.filter(person=person)
        .select_related("organization", "recorded_by")
        .prefetch_related(
            "participants",
            Prefetch("follow_up_tasks", queryset=ReleaseTask.objects.select_related("assigned_organization")),
        )
    )


def person_indicators(*, person: Person) -> list[MeetingIndicator]:
    """Current indicators first, then the withdrawn ones (kept as history)."""
    found = MeetingIndicator.objects.filter(person=person).select_related(
        "organization", "recorded_by", "withdrawn_by", "withdrawn_by_organization"
    )
    return sorted(found, key=lambda indicator: indicator.is_withdrawn)


def person_handovers(*, person: Person) -> list[Handover]:
    return list(
        Handover.objects.filter(person=person)
        .select_related("from_prison", "to_probation_unit", "to_municipality")
        .prefetch_related(
            Prefetch(
                "items",
                queryset=HandoverItem.objects.select_related("previous_organization", "organization"),
            )
        )
    )


def release_page(acting: Acting, person: Person, *, on: dt.date) -> dict[str, Any]:
    """What the timeline page and the case-file section show; the caller has checked "sentence"."""
    timeline = person_timeline(person=person, on=on)
    holding = sentence_services.open_custody_period(person)
    reasons = meeting_reasons([person.pk], on=on)[person.pk]
    changeable = {
        task.pk for group in timeline.groups for task in group.tasks if services.is_assignee(acting, task)
    }
    return {
        "timeline": timeline,
        "today": on,
        "changeable_task_ids": changeable,
        "task_status_choices": TaskStatus.choices,
        "may_generate": services.may_generate(acting, person, holding=holding),
        "may_record_meeting": services.may_record_meeting(acting, person, readable=True),
        "meeting_reasons": [{"value": r.value, "label": r.label} for r in reasons],
        "meeting_required": is_required(reasons),
        "meetings": person_meetings(person=person),
        "indicators": person_indicators(person=person),
        "handovers": person_handovers(person=person),
    }


def release_section(acting: Acting, person: Person) -> dict[str, Any]:
    """The case file's release part, registered for the "sentence" category (see apps.py)."""
    page = release_page(acting, person, on=timezone.localdate())
    return {f"release_{key}": value for key, value in page.items()}


# --- lists -----------------------------------------------------------------------------------------


def _assigned_to(acting: Acting) -> Q:
    """Tasks of the acting membership: its organization (or one below) and role, or named to the user."""
    return Q(assigned_organization_id__in=acting.scope_organization_ids) & (
        Q(assigned_role=acting.role) | Q(assigned_user_id=acting.user.pk)
    )


def organization_tasks(
    *, acting: Acting, on: dt.date, area: str = "", due_within: int | None = None
) -> QuerySet[ReleaseTask]:
    """Open tasks of the acting organization's role, overdue first, for persons it may read now."""
    if acting.membership is None:
        return ReleaseTask.objects.none()
    tasks = ReleaseTask.objects.filter(
        _assigned_to(acting),
        status=TaskStatus.OPEN,
        person__in=policy.visible_persons(acting, on=on),
    )
    if area in Area.values:
        tasks = tasks.filter(area=area)
    if due_within is not None:
        tasks = tasks.filter(due_on__lte=on + dt.timedelta(days=due_within))
    return tasks.select_related("person", "assigned_organization", "assigned_user", "meeting").order_by(
        "due_on", "person__sort_key", "pk"
    )


def reads_sentences_of_visible_persons(acting: Acting) -> bool:
    """Whether the role reads the "sentence" category of every person the policy lists for it.

    True for roles that read the category and need no per-person consent (the policy's role table):
    for them a list built on ``visible_persons`` needs no further check per person.
    """
    return (
        policy.SENTENCE.key in policy.ROLE_CATEGORIES.get(acting.role, frozenset())
        and acting.role not in policy.CONSENT_ROLES
    )


@dataclass
class MeetingNeed:
    person: Person
    release_on: dt.date
    reasons: list[MeetingReason]
    required: bool


def meetings_needed(*, acting: Acting, on: dt.date) -> list[MeetingNeed]:
    """Persons within the preparation window with a reason for a meeting and none held in the window.

    Required ones first, then possible ones; each by the nearest release.
    """
    if not reads_sentences_of_visible_persons(acting):
        return []
    window = dt.timedelta(days=sentence_services.release_preparation_days())
    visible_ids = list(
        policy.visible_persons(acting, on=on)
        .filter(custody_periods__left_on__isnull=True)
        .values_list("pk", flat=True)
    )
    releases = {pk: day for pk, day in expected_releases(visible_ids).items() if on <= day <= on + window}
    reasons = {pk: found for pk, found in meeting_reasons(list(releases), on=on).items() if found}
    if not reasons:
        return []
    held: set[int] = set()
    for person_id, held_on in InterInstitutionalMeeting.objects.filter(
        person_id__in=list(reasons)
    ).values_list("person_id", "held_on"):
        if held_on >= releases[person_id] - window:
            held.add(person_id)
    persons = Person.objects.in_bulk([pk for pk in reasons if pk not in held])
    needs = [
        MeetingNeed(
            person=person, release_on=releases[pk], reasons=reasons[pk], required=is_required(reasons[pk])
        )
        for pk, person in persons.items()
    ]
    needs.sort(key=lambda n: (not n.required, n.release_on, n.person.sort_key))
    return needs


def release_task_due_dates(acting: Acting, on: dt.date) -> list[QuerySet[Any]]:
    """The same actions as SQL rows (person_id, due), for filters and sorting over a whole caseload."""
    if acting.membership is None:
        return []
    return [
        ReleaseTask.objects.filter(_assigned_to(acting), status=TaskStatus.OPEN)
        .annotate(due=F("due_on"))
        .values("person_id", "due")
    ]


def release_task_actions(acting: Acting, person_ids: Sequence[int], on: dt.date) -> Iterable[NextAction]:
    """The next-actions source: open release tasks of the acting organization's role (one query)."""
    if acting.membership is None or not person_ids:
        return []
    rows = (
        ReleaseTask.objects.filter(_assigned_to(acting), person_id__in=person_ids, status=TaskStatus.OPEN)
        .order_by("due_on", "pk")
        .values_list("person_id", "person__public_id", "public_id", "title", "title_en", "due_on")
    )
    officer = reads_sentences_of_visible_persons(acting)
    tasks_url = reverse("release:tasks")
    timeline_url = person_url_maker("release:timeline")
    actions = []
    for person_id, person_public_id, public_id, title, title_en, due_on in rows:
        url = (timeline_url(person_public_id) if officer else tasks_url) + f"#task-{public_id}"
        actions.append(
            NextAction(
                person_id=person_id,
                due=due_on,
                text=localized(title, title_en),
                url=url,
                source=ACTION_SOURCE,
            )
        )
    return actions
