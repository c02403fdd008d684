"""Waiting lists for programmes: who waits, in what order and why, and the staff actions on them.

A list is one programme at one prison (or other organization where groups meet). Entries come from
a plan measure of kind programme or from the person's own application, recorded by staff. The order
is a transparent rule (``rank``): the plan priority of the need first, then the time left to
release (those who leave soon first; an unknown release date comes after the known ones), then the
waiting time (longer first). Staff may place one entry first or last with a reason; the override is
shown with its reason, author and time. Every change is audited and lands on the person's timeline.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, QuerySet
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from resoc.access import policy
from resoc.access.context import Acting
from resoc.access.roles import Role
from resoc.audit.models import AuditAction, AuditEntry
from resoc.audit.services import audit_person_entry
from resoc.organizations.models import Organization, OrganizationType
from resoc.people.models import Person, PersonEvent
from resoc.plans.models import Measure as PlanMeasure
from resoc.plans.models import MeasureKind
from resoc.programmes.models import (
    Offer,
    Programme,
    WaitingEntry,
    WaitingOverride,
    WaitingStatus,
)
from resoc.programmes.services import can_plan_groups
from resoc.sentences.models import CustodyPeriod, Sentence

WAITING_RECORD = "programme_waiting"
# The prison's own staff who keep its lists; the delivering organization's group planners also may.
PRISON_ROLES = frozenset({Role.RESOCIALIZATION_OFFICER, Role.ORG_ADMIN})
# Need priorities of the assessment instruments, highest first (``assessments/instruments/*.json``).
NEED_ORDER = {"high": 3, "medium": 2, "low": 1, "none": 0}
NEED_LABELS = {
    "high": gettext_lazy("high"),
    "medium": gettext_lazy("medium"),
    "low": gettext_lazy("low"),
    "none": gettext_lazy("none"),
}
EVENT_LABELS = {
    "waiting_added": gettext_lazy("Put on the waiting list of a programme"),
    "waiting_override": gettext_lazy("Place on a programme waiting list changed by staff"),
    "waiting_withdrawn": gettext_lazy("Taken off a programme waiting list"),
    "waiting_allocated": gettext_lazy("Given a place from a programme waiting list"),
    "waiting_released": gettext_lazy("Removed from a programme waiting list: no longer held there"),
}


def can_manage_waiting(
    acting: Acting, *, programme: Programme, organization_id: int, deliverers: frozenset[int] | None = None
) -> bool:
    """The prison's resocialization officers, or staff planning groups of an organization delivering it.

    ``deliverers`` (the organizations of the programme's active offers) may be passed by a caller
    that has read them for many programmes at once.
    """
    if acting.role in PRISON_ROLES and organization_id in acting.scope_organization_ids:
        return True
    if deliverers is None:
        deliverers = frozenset(
            Offer.objects.filter(programme=programme, is_active=True).values_list(
                "organization_id", flat=True
            )
        )
    return any(can_plan_groups(acting, org_id) for org_id in deliverers)


def _check(acting: Acting, *, programme: Programme, organization_id: int, person: Person) -> None:
    if not can_manage_waiting(acting, programme=programme, organization_id=organization_id):
        raise PermissionDenied
    if not policy.can_read(acting, person, policy.IDENTITY.key):
        raise PermissionDenied


def _event_entry(entry: WaitingEntry, type: str, acting: Acting, **parameters: object) -> PersonEvent:
    """The timeline event ``_event`` writes, unsaved: for writers that store many at once."""
    return PersonEvent(
        person_id=entry.person_id,
        type=type,
        category=policy.IDENTITY.key,
        parameters={
            "entry": str(entry.public_id),
            "programme": entry.programme.label,
            "organization": entry.organization.name,
            **parameters,
        },
        actor=acting.user,
        organization_id=acting.organization_id,
    )


def _event(entry: WaitingEntry, type: str, acting: Acting, **parameters: object) -> None:
    _event_entry(entry, type, acting, **parameters).save()


def _audit_entry(entry: WaitingEntry, acting: Acting, action: AuditAction, **detail: object) -> AuditEntry:
    """The audit entry ``_audit`` writes, unsaved."""
    return audit_person_entry(
        actor=acting.actor,
        action=action,
        person_id=entry.person.public_id,
        record_type=WAITING_RECORD,
        detail={"entry": str(entry.public_id), "programme": entry.programme.code, **detail},
    )


def _audit(entry: WaitingEntry, acting: Acting, action: AuditAction, **detail: object) -> None:
    _audit_entry(entry, acting, action, **detail).save()


def _add(
    *,
    acting: Acting,
    person: Person,
    programme: Programme,
    organization: Organization,
    measure: PlanMeasure | None,
    note: str,
) -> WaitingEntry:
    _check(acting, programme=programme, organization_id=organization.pk, person=person)
    errors: list[str] = []
    if not programme.is_active:
        errors.append(_("The programme is no longer offered."))
    if person.merged_into_id is not None:
        errors.append(_("This record was merged into another; use the kept record."))
    if (
        organization.type == OrganizationType.PRISON
        and not CustodyPeriod.objects.filter(
            person=person, prison=organization, left_on__isnull=True
        ).exists()
    ):
        errors.append(_("The person is not held at %(prison)s.") % {"prison": organization.name})
    waiting = WaitingEntry.objects.filter(
        person=person, programme=programme, organization=organization, status=WaitingStatus.WAITING
    )
    if waiting.exists():
        errors.append(_("The person is already on this waiting list."))
    if errors:
        raise ValidationError({"person": errors})
    entry = WaitingEntry(
        person=person,
        programme=programme,
        organization=organization,
        measure=measure,
        note=note,
        added_by=acting.user,
    )
    entry.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            entry.save()
            _audit(entry, acting, AuditAction.CREATE, source="measure" if measure else "application")
            _event(entry, "waiting_added", acting, source="measure" if measure else "application")
    except IntegrityError:
        # Two staff adding the same person at once: the constraint keeps one entry.
        raise ValidationError({"person": [_("The person is already on this waiting list.")]}) from None
    return entry


def waiting_entry_add_from_measure(
    *, acting: Acting, measure: PlanMeasure, programme: Programme, organization: Organization
) -> WaitingEntry:
    """Propose the person of a plan measure of kind programme for ``programme`` at ``organization``."""
    if measure.kind != MeasureKind.PROGRAMME:
        raise ValidationError({"measure": [_("Only a measure of kind programme leads to a waiting list.")]})
    if measure.is_final:
        raise ValidationError({"measure": [_("The measure is done or cancelled.")]})
    if measure.goal.plan.status != "active":
        raise ValidationError({"measure": [_("The plan is no longer active.")]})
    return _add(
        acting=acting,
        person=measure.goal.plan.person,
        programme=programme,
        organization=organization,
        measure=measure,
        note="",
    )


def waiting_entry_add_application(
    *, acting: Acting, person: Person, programme: Programme, organization: Organization, note: str
) -> WaitingEntry:
    """Record the person's own application to ``programme``; the note says how and when it came."""
    note = note.strip()
    if not note:
        raise ValidationError({"note": [_("Say how the person applied (for example, a written request).")]})
    return _add(
        acting=acting, person=person, programme=programme, organization=organization, measure=None, note=note
    )


def _current(entry: WaitingEntry) -> None:
    if entry.status != WaitingStatus.WAITING:
        raise ValidationError(_("The entry is no longer waiting."))


def waiting_entry_override(
    *, acting: Acting, entry: WaitingEntry, override: str, reason: str
) -> WaitingEntry:
    """Place an entry first or last (or back to the rule with ``override=""``), always with a reason."""
    _check(acting, programme=entry.programme, organization_id=entry.organization_id, person=entry.person)
    _current(entry)
    reason = reason.strip()
    if override not in {"", *WaitingOverride.values}:
        raise ValidationError({"override": [_("Choose from the listed values.")]})
    if not reason:
        raise ValidationError({"reason": [_("Say why the order of the list is changed.")]})
    previous = entry.override
    entry.override = override
    entry.override_reason = reason
    entry.override_by = acting.user
    entry.override_at = timezone.now()
    entry.full_clean(validate_constraints=False)
    with transaction.atomic():
        entry.save(update_fields=["override", "override_reason", "override_by", "override_at"])
        _audit(entry, acting, AuditAction.UPDATE, override=override, previous=previous, reason=reason)
        _event(entry, "waiting_override", acting, override=override, reason=reason)
    return entry


def waiting_entry_withdraw(*, acting: Acting, entry: WaitingEntry, reason: str) -> WaitingEntry:
    """Take a person off the list (changed mind, programme done elsewhere); the entry stays with why."""
    _check(acting, programme=entry.programme, organization_id=entry.organization_id, person=entry.person)
    _current(entry)
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": [_("Say why the person leaves the waiting list.")]})
    entry.status = WaitingStatus.WITHDRAWN
    entry.status_reason = reason
    entry.status_changed_at = timezone.now()
    entry.full_clean(validate_constraints=False)
    with transaction.atomic():
        entry.save(update_fields=["status", "status_reason", "status_changed_at"])
        _audit(entry, acting, AuditAction.UPDATE, status=entry.status, reason=reason)
        _event(entry, "waiting_withdrawn", acting, reason=reason)
    return entry


# --- Ranking -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class RankInput:
    """What the rule reads of one entry; ``key`` is returned untouched."""

    key: object
    need_priority: str
    need_label: str
    release_on: dt.date | None
    added_on: dt.date
    override: str = ""
    override_reason: str = ""


@dataclass
class Ranked:
    position: int
    key: object
    reasons: list[str] = field(default_factory=list)


def _sort_key(item: RankInput, index: int) -> tuple[int, int, int, int, dt.date, int]:
    override = {WaitingOverride.FIRST: 0, WaitingOverride.LAST: 2}.get(item.override, 1)  # type: ignore[call-overload]
    need = NEED_ORDER.get(item.need_priority, -1)
    known = 0 if item.release_on is not None else 1
    days = item.release_on.toordinal() if item.release_on is not None else 0
    return (override, -need, known, days, item.added_on, index)


def _reasons(item: RankInput, today: dt.date) -> list[str]:
    reasons: list[str] = []
    if item.override:
        label = WaitingOverride(item.override).label
        reasons.append(_("%(override)s: %(reason)s") % {"override": label, "reason": item.override_reason})
    if item.need_priority in NEED_ORDER:
        reasons.append(
            _("Plan priority of the need “%(need)s”: %(priority)s.")
            % {"need": item.need_label, "priority": NEED_LABELS[item.need_priority]}
        )
    else:
        reasons.append(_("No plan priority recorded (own application): after those with one."))
    if item.release_on is None:
        reasons.append(_("Release date unknown: after those whose release is known."))
    else:
        days = (item.release_on - today).days
        reasons.append(
            ngettext(
                "Release in %(days)d day (%(date)s).",
                "Release in %(days)d days (%(date)s).",
                days,
            )
            % {"days": days, "date": formats.date_format(item.release_on, "SHORT_DATE_FORMAT")}
        )
    waited = (today - item.added_on).days
    reasons.append(ngettext("Waiting %(days)d day.", "Waiting %(days)d days.", waited) % {"days": waited})
    return reasons


def rank(items: list[RankInput], *, today: dt.date) -> list[Ranked]:
    """Order a waiting list by the rule, each entry with the reasons for its place, in words."""
    ordered = sorted(enumerate(items), key=lambda pair: _sort_key(pair[1], pair[0]))
    return [
        Ranked(position=position, key=item.key, reasons=_reasons(item, today))
        for position, (_index, item) in enumerate(ordered, start=1)
    ]


@dataclass
class RankedEntry:
    position: int
    entry: WaitingEntry
    reasons: list[str]


def release_dates(person_ids: list[int], *, on: dt.date) -> dict[int, dt.date]:
    """The end of each person's current sentence (the latest, if several), in one query."""
    found: dict[int, dt.date] = {}
    rows = Sentence.objects.filter(person_id__in=person_ids, starts_on__lte=on, ends_on__gte=on).values_list(
        "person_id", "ends_on"
    )
    for person_id, ends_on in rows:
        if person_id not in found or ends_on > found[person_id]:
            found[person_id] = ends_on
    return found


def waiting_entries(
    *, programme: Programme | None = None, organization_id: int | None = None
) -> QuerySet[WaitingEntry]:
    queryset = WaitingEntry.objects.filter(status=WaitingStatus.WAITING).select_related(
        "person", "programme", "organization", "measure__goal", "added_by", "override_by"
    )
    if programme is not None:
        queryset = queryset.filter(programme=programme)
    if organization_id is not None:
        queryset = queryset.filter(organization_id=organization_id)
    return queryset


def ranked_list(entries: list[WaitingEntry], *, today: dt.date | None = None) -> list[RankedEntry]:
    """Entries of one list ranked, with their reasons; two queries whatever the length."""
    today = today or timezone.localdate()
    releases = release_dates([e.person_id for e in entries], on=today)
    by_key = {e.pk: e for e in entries}
    inputs = [
        RankInput(
            key=e.pk,
            need_priority=e.measure.goal.need_priority if e.measure is not None else "",
            need_label=e.measure.goal.need_label if e.measure is not None else "",
            release_on=releases.get(e.person_id),
            added_on=timezone.localtime(e.added_at).date(),
            override=e.override,
            override_reason=e.override_reason,
        )
        for e in entries
    ]
    return [
        RankedEntry(position=r.position, entry=by_key[r.key], reasons=r.reasons)  # type: ignore[index]
        for r in rank(inputs, today=today)
    ]


@dataclass
class ListSummary:
    programme: Programme
    organization: Organization
    waiting: int


def waiting_summaries() -> list[ListSummary]:
    """Every list with people waiting, and how many (numbers only: no person is named)."""
    rows = (
        WaitingEntry.objects.filter(status=WaitingStatus.WAITING)
        .values("programme_id", "organization_id")
        .annotate(n=Count("pk"))
    )
    counts = {(r["programme_id"], r["organization_id"]): r["n"] for r in rows}
    programmes = Programme.objects.in_bulk({p for p, _o in counts})
    organizations = Organization.objects.in_bulk({o for _p, o in counts})
    summaries = [
        ListSummary(programme=programmes[p], organization=organizations[o], waiting=n)
        for (p, o), n in counts.items()
    ]
    return sorted(summaries, key=lambda s: (s.programme.label, s.organization.name))


def plan_candidates(*, acting: Acting, programme: Programme, organization: Organization) -> list[PlanMeasure]:
    """Open programme measures of active plans of people held at ``organization`` whose goal's need
    the programme addresses, and who are not already waiting for it there."""
    waiting_people = WaitingEntry.objects.filter(
        programme=programme, organization=organization, status=WaitingStatus.WAITING
    ).values("person_id")
    held = CustodyPeriod.objects.filter(prison=organization, left_on__isnull=True).values("person_id")
    return list(
        PlanMeasure.objects.filter(
            kind=MeasureKind.PROGRAMME,
            status__in=["planned", "in_progress"],
            goal__plan__status="active",
            goal__need_key__in=programme.needs,
            goal__plan__person__in=policy.visible_persons(acting).filter(pk__in=held),
        )
        .exclude(goal__plan__person__in=waiting_people)
        .select_related("goal__plan__person")
        .order_by("goal__plan__person__family_name", "pk")
    )


def merge_waiting(source: Person, target: Person) -> dict[str, int]:
    """Merge handler: entries follow the kept record; where both wait on the same list, the kept
    record's entry stays and the other is closed as withdrawn, saying why."""
    kept = WaitingEntry.objects.filter(person=target, status=WaitingStatus.WAITING).values_list(
        "programme_id", "organization_id"
    )
    pairs = set(kept)
    duplicates = [
        entry.pk
        for entry in WaitingEntry.objects.filter(person=source, status=WaitingStatus.WAITING)
        if (entry.programme_id, entry.organization_id) in pairs
    ]
    WaitingEntry.objects.filter(pk__in=duplicates).update(
        status=WaitingStatus.WITHDRAWN,
        status_reason=_("The record was merged into another that waits on the same list."),
        status_changed_at=timezone.now(),
    )
    return {"programme_waiting": WaitingEntry.objects.filter(person=source).update(person=target)}
