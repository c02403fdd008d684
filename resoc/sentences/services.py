"""Every change of the sentence journey goes through these functions: UI, API and importers alike.

Each one checks the policy, validates, writes, records the timeline event and the audit entry and
re-derives the person's relationships in one transaction: a refusal leaves nothing behind.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from resoc.access import policy
from resoc.access.context import Acting
from resoc.access.models import Membership, User
from resoc.access.roles import Role
from resoc.audit.models import AuditAction, AuditEntry
from resoc.audit.services import audit_person_entry
from resoc.organizations.models import Organization, OrganizationType
from resoc.people.models import Person, Relationship
from resoc.sentences import events
from resoc.sentences.models import (
    CustodyEnd,
    CustodyPeriod,
    ProbationPeriod,
    RegimeLevel,
    Release,
    ReleaseReason,
    Sentence,
    TemporaryAbsence,
)

# Relationship rows this module owns; rows of other sources (registration, referrals) are left alone.
RELATIONSHIP_SOURCE = "sentences"
DEFAULT_RELEASE_PREPARATION_DAYS = 180
RELEASE_HANDOVER_DAYS = 30
# Custody changes: the resocialization officers of the prison holding the person.
CUSTODY_ROLES = policy.REGISTRAR_ROLES & {Role.RESOCIALIZATION_OFFICER}
# Probation periods: the probation officers of the unit.
PROBATION_ROLES = policy.REGISTRAR_ROLES & {Role.PROBATION_OFFICER}

_Key = tuple[str, int, dt.date, dt.date | None]


def release_preparation_days() -> int:
    return int(getattr(settings, "RELEASE_PREPARATION_DAYS", DEFAULT_RELEASE_PREPARATION_DAYS))


# --- who may do what -------------------------------------------------------------------------------


def _reads_sentence(acting: Acting, person: Person, readable: bool | None) -> bool:
    if readable is None:
        readable = bool(policy.can_read(acting, person, policy.SENTENCE.key))
    return readable


def may_record_sentence(acting: Acting, person: Person, *, readable: bool | None = None) -> bool:
    return acting.role in policy.REGISTRAR_ROLES and _reads_sentence(acting, person, readable)


def may_change_custody(
    acting: Acting, person: Person, *, holding: CustodyPeriod | None, readable: bool | None = None
) -> bool:
    """A resocialization officer who reads the sentence and, if the person is held, works in that prison.

    ``readable`` may pass the policy's answer the caller already has.
    """
    if acting.role not in CUSTODY_ROLES:
        return False
    if holding is not None and holding.prison_id not in acting.scope_organization_ids:
        return False
    return _reads_sentence(acting, person, readable)


def may_start_probation(acting: Acting, person: Person, *, readable: bool | None = None) -> bool:
    return acting.role in PROBATION_ROLES and _reads_sentence(acting, person, readable)


def may_end_probation(acting: Acting, period: ProbationPeriod) -> bool:
    return acting.role in PROBATION_ROLES and period.probation_unit_id in acting.scope_organization_ids


# --- reads the services need -----------------------------------------------------------------------


def open_custody_period(person: Person) -> CustodyPeriod | None:
    return (
        CustodyPeriod.objects.select_related("prison", "regime_level")
        .filter(person=person, left_on__isnull=True)
        .first()
    )


def _locked(person: Person) -> Person:
    """Serialize changes of one person's periods (a no-op on SQLite, which writes one at a time)."""
    return Person.objects.select_for_update().get(pk=person.pk)


def _today() -> dt.date:
    return timezone.localdate()


class _Errors:
    """Collects field errors so that one answer names every problem."""

    def __init__(self) -> None:
        self.found: dict[str, list[ValidationError]] = {}

    def add(self, field: str, message: str, code: str) -> None:
        self.found.setdefault(field, []).append(ValidationError(message, code=code))

    def not_in_future(self, field: str, day: dt.date) -> None:
        if day > _today():
            self.add(field, _("This date is in the future."), "future")

    def raise_any(self) -> None:
        if self.found:
            raise ValidationError(self.found)


def _check_prison(errors: _Errors, field: str, prison: Organization) -> None:
    if prison.type != OrganizationType.PRISON or not prison.is_active:
        errors.add(field, _("Choose a prison."), "not_a_prison")


def _check_probation_unit(errors: _Errors, field: str, unit: Organization) -> None:
    if unit.type != OrganizationType.PROBATION_UNIT or not unit.is_active:
        errors.add(field, _("Choose a probation unit."), "not_a_probation_unit")


def _check_regime(errors: _Errors, regime_level: RegimeLevel | None) -> None:
    if regime_level is not None and not regime_level.is_active:
        errors.add("regime_level", _("This regime level is no longer in use."), "inactive_regime")


def audit_entry(
    acting: Acting, action: AuditAction, person: Person, record_type: str, detail: dict[str, Any]
) -> AuditEntry:
    """The audit entry of a change of the sentence journey, unsaved (bulk writers store many at once)."""
    return audit_person_entry(
        actor=acting.actor,
        action=action,
        person_id=person.public_id,
        category=policy.SENTENCE.key,
        record_type=record_type,
        detail=detail,
    )


def _audit(
    acting: Acting, action: AuditAction, person: Person, record_type: str, detail: dict[str, Any]
) -> None:
    audit_entry(acting, action, person, record_type, detail).save()


# --- checks that need no query (the services and the bulk intake of imports share them) -----------


def check_sentence(
    *, court: str, starts_on: dt.date, ends_on: dt.date, release_probation_unit: Organization | None
) -> None:
    errors = _Errors()
    if not court.strip():
        errors.add("court", _("Name the court."), "required")
    errors.not_in_future("starts_on", starts_on)
    if ends_on <= starts_on:
        errors.add("ends_on", _("The end of the sentence must be after its start."), "ends_before_start")
    if release_probation_unit is not None:
        _check_probation_unit(errors, "release_probation_unit", release_probation_unit)
    errors.raise_any()


def check_admission(
    *,
    prison: Organization,
    admitted_on: dt.date,
    regime_level: RegimeLevel | None,
    left_on: list[dt.date | None],
) -> None:
    """``left_on``: the ends of the person's custody periods so far (None for an open one)."""
    errors = _Errors()
    _check_prison(errors, "prison", prison)
    _check_regime(errors, regime_level)
    errors.not_in_future("admitted_on", admitted_on)
    if any(day is None for day in left_on):
        errors.add("admitted_on", _("The person is already in custody."), "already_in_custody")
    elif any(day is not None and day > admitted_on for day in left_on):
        errors.add(
            "admitted_on",
            _("This admission overlaps an earlier custody period of the person."),
            "overlap",
        )
    errors.raise_any()


def check_release(*, current: CustodyPeriod | None, released_on: dt.date, reason: str) -> CustodyPeriod:
    """The open period ``current`` may end with a release on ``released_on``; returns it."""
    errors = _Errors()
    if current is None:
        errors.add("released_on", _("The person is not in custody."), "not_in_custody")
        errors.raise_any()
    assert current is not None
    if reason not in ReleaseReason.values:
        errors.add("reason", _("Choose the reason of the release."), "reason")
    errors.not_in_future("released_on", released_on)
    if released_on < current.admitted_on:
        errors.add(
            "released_on",
            _("The release cannot be before the admission (%(date)s).")
            % {"date": current.admitted_on.strftime("%d.%m.%Y")},
            "ends_before_start",
        )
    errors.raise_any()
    return current


# --- services --------------------------------------------------------------------------------------


def sentence_record(
    *,
    acting: Acting,
    person: Person,
    court: str,
    starts_on: dt.date,
    ends_on: dt.date,
    release_probation_unit: Organization | None = None,
) -> Sentence:
    if not may_record_sentence(acting, person):
        raise PermissionDenied
    check_sentence(
        court=court, starts_on=starts_on, ends_on=ends_on, release_probation_unit=release_probation_unit
    )
    with transaction.atomic():
        sentence = Sentence.objects.create(
            person=person,
            court=court.strip(),
            starts_on=starts_on,
            ends_on=ends_on,
            release_probation_unit=release_probation_unit,
        )
        events.sentence_recorded_event(sentence=sentence, acting=acting)
        _audit(acting, AuditAction.CREATE, person, "sentence", {"sentence": str(sentence.public_id)})
        sync_relationships(person=person)
    return sentence


def custody_admit(
    *,
    acting: Acting,
    person: Person,
    prison: Organization,
    admitted_on: dt.date,
    regime_level: RegimeLevel | None = None,
    identified: bool = False,
) -> CustodyPeriod:
    """Open a custody period in the officer's own prison.

    ``identified``: the caller (``sentences.admission``) found the person by an exact identifier, as on
    an intake document, so the prison need not read the person first (after a release it cannot).
    """
    allowed = acting.role in CUSTODY_ROLES if identified else may_change_custody(acting, person, holding=None)
    if not allowed or prison.pk not in acting.scope_organization_ids:
        raise PermissionDenied
    with transaction.atomic():
        _locked(person)
        check_admission(
            prison=prison,
            admitted_on=admitted_on,
            regime_level=regime_level,
            left_on=list(CustodyPeriod.objects.filter(person=person).values_list("left_on", flat=True)),
        )
        try:
            with transaction.atomic():
                period = CustodyPeriod.objects.create(
                    person=person, prison=prison, admitted_on=admitted_on, regime_level=regime_level
                )
        except IntegrityError:
            # A concurrent admission of the same person won the race (custody_one_open_period).
            raise ValidationError(
                {"admitted_on": _("The person is already in custody.")}, code="already_in_custody"
            ) from None
        events.custody_admitted_event(period=period, acting=acting)
        _audit(acting, AuditAction.CREATE, person, "custody_period", {"prison": prison.code})
        sync_relationships(person=person)
    return period


def custody_transfer(
    *,
    acting: Acting,
    person: Person,
    to_prison: Organization,
    transferred_on: dt.date,
    regime_level: RegimeLevel | None = None,
) -> CustodyPeriod:
    """End the current custody period and open one in ``to_prison`` on the same day.

    The regime level carries over unless another one is given.
    """
    with transaction.atomic():
        _locked(person)
        current = open_custody_period(person)
        if not may_change_custody(acting, person, holding=current):
            raise PermissionDenied
        errors = _Errors()
        if current is None:
            errors.add("to_prison", _("The person is not in custody."), "not_in_custody")
            errors.raise_any()
        assert current is not None
        _check_prison(errors, "to_prison", to_prison)
        _check_regime(errors, regime_level)
        if to_prison.pk == current.prison_id:
            errors.add("to_prison", _("The person is already in this prison."), "same_prison")
        errors.not_in_future("transferred_on", transferred_on)
        if transferred_on < current.admitted_on:
            errors.add(
                "transferred_on",
                _("The transfer cannot be before the admission (%(date)s).")
                % {"date": current.admitted_on.strftime("%d.%m.%Y")},
                "ends_before_start",
            )
        errors.raise_any()
        current.left_on = transferred_on
        current.ended_by = CustodyEnd.TRANSFER
        current.save(update_fields=["left_on", "ended_by"])
        period = CustodyPeriod.objects.create(
            person=person,
            prison=to_prison,
            admitted_on=transferred_on,
            regime_level=regime_level if regime_level is not None else current.regime_level,
        )
        events.custody_transferred_event(previous=current, period=period, acting=acting)
        _audit(
            acting,
            AuditAction.CREATE,
            person,
            "custody_period",
            {"from_prison": current.prison.code, "to_prison": to_prison.code},
        )
        sync_relationships(person=person)
    return period


def temporary_absence_record(
    *, acting: Acting, custody_period: CustodyPeriod, starts_on: dt.date, ends_on: dt.date, kind: str
) -> TemporaryAbsence:
    person = custody_period.person
    if not may_change_custody(acting, person, holding=custody_period):
        raise PermissionDenied
    with transaction.atomic():
        _locked(person)
        errors = _Errors()
        errors.not_in_future("starts_on", starts_on)
        if ends_on < starts_on:
            errors.add("ends_on", _("The absence cannot end before it starts."), "ends_before_start")
        if starts_on < custody_period.admitted_on or (
            custody_period.left_on is not None and ends_on > custody_period.left_on
        ):
            errors.add("starts_on", _("The absence must fall within the custody period."), "outside_period")
        overlapping = custody_period.absences.filter(starts_on__lte=ends_on, ends_on__gte=starts_on)
        if overlapping.exists():
            errors.add("starts_on", _("Another absence is recorded for these days."), "overlap")
        absence = TemporaryAbsence(
            custody_period=custody_period, starts_on=starts_on, ends_on=ends_on, kind=kind
        )
        try:
            absence.full_clean(exclude=["custody_period"])
        except ValidationError as error:
            for field, messages in error.message_dict.items():
                for message in messages:
                    errors.add(field, message, "invalid")
        errors.raise_any()
        absence.save()
        events.temporary_absence_recorded_event(absence=absence, acting=acting)
        _audit(acting, AuditAction.CREATE, person, "temporary_absence", {"kind": kind})
        sync_relationships(person=person)
    return absence


def person_release(*, acting: Acting, person: Person, released_on: dt.date, reason: str) -> Release:
    """End the open custody period with a release; the prison's access ends with that day."""
    with transaction.atomic():
        _locked(person)
        current = open_custody_period(person)
        if not may_change_custody(acting, person, holding=current):
            raise PermissionDenied
        current = check_release(current=current, released_on=released_on, reason=reason)
        current.left_on = released_on
        current.ended_by = CustodyEnd.RELEASE
        current.save(update_fields=["left_on", "ended_by"])
        release = Release.objects.create(
            person=person, custody_period=current, released_on=released_on, reason=reason
        )
        events.person_released_event(release=release, acting=acting)
        _audit(acting, AuditAction.CREATE, person, "release", {"reason": reason})
        sync_relationships(person=person)
        # Imported here: the release app builds on this module.
        from resoc.release.services import hand_over

        hand_over(acting=acting, release=release)
    return release


def probation_start(
    *,
    acting: Acting,
    person: Person,
    probation_unit: Organization,
    starts_on: dt.date,
    officer: User | None = None,
) -> ProbationPeriod:
    if not may_start_probation(acting, person) or probation_unit.pk not in acting.scope_organization_ids:
        raise PermissionDenied
    with transaction.atomic():
        _locked(person)
        errors = _Errors()
        _check_probation_unit(errors, "probation_unit", probation_unit)
        errors.not_in_future("starts_on", starts_on)
        if (
            officer is not None
            and not Membership.objects.filter(
                user=officer, organization=probation_unit, role=Role.PROBATION_OFFICER, is_active=True
            ).exists()
        ):
            errors.add("officer", _("This user is not a probation officer of the unit."), "not_an_officer")
        overlapping = ProbationPeriod.objects.filter(person=person).filter(
            Q(ends_on__isnull=True) | Q(ends_on__gte=starts_on)
        )
        if overlapping.exists():
            errors.add("starts_on", _("Another probation period covers this date."), "overlap")
        errors.raise_any()
        period = ProbationPeriod.objects.create(
            person=person, probation_unit=probation_unit, starts_on=starts_on, officer=officer
        )
        events.probation_started_event(period=period, acting=acting)
        _audit(acting, AuditAction.CREATE, person, "probation_period", {"unit": probation_unit.code})
        sync_relationships(person=person)
    return period


def probation_end(*, acting: Acting, period: ProbationPeriod, ends_on: dt.date) -> ProbationPeriod:
    if not may_end_probation(acting, period):
        raise PermissionDenied
    person = period.person
    with transaction.atomic():
        _locked(person)
        period = ProbationPeriod.objects.select_related("probation_unit").get(pk=period.pk)
        errors = _Errors()
        if period.ends_on is not None:
            errors.add("ends_on", _("This probation period has already ended."), "already_ended")
        if ends_on < period.starts_on:
            errors.add("ends_on", _("The period cannot end before it starts."), "ends_before_start")
        errors.not_in_future("ends_on", ends_on)
        errors.raise_any()
        period.ends_on = ends_on
        period.save(update_fields=["ends_on"])
        events.probation_ended_event(period=period, acting=acting)
        _audit(acting, AuditAction.UPDATE, person, "probation_period", {"ends_on": ends_on.isoformat()})
        sync_relationships(person=person)
    return period


# --- relationships ---------------------------------------------------------------------------------


def desired_relationships(
    *,
    custody: Iterable[tuple[int, dt.date, dt.date | None]],
    probation: Iterable[tuple[int, dt.date, dt.date | None]],
    releases: Iterable[dt.date],
    sentences: Iterable[tuple[int | None, dt.date, dt.date]],
    preparation_days: int | None = None,
) -> set[_Key]:
    """The relationships one person's periods call for (see ``sync_relationships``); no query.

    custody: (prison, admitted, left); probation: (unit, start, end); releases: days; sentences:
    (expected probation unit, start, end).
    """
    desired: set[_Key] = set()
    for prison_id, admitted_on, left_on in custody:
        desired.add((policy.CUSTODY.key, prison_id, admitted_on, left_on))
    for unit_id, starts_on, ends_on in probation:
        desired.add((policy.SUPERVISION.key, unit_id, starts_on, ends_on))
    released_days = sorted(releases)
    days = release_preparation_days() if preparation_days is None else preparation_days
    window = dt.timedelta(days=days)
    for release_unit_id, sentence_start, sentence_end in sentences:
        if release_unit_id is None:
            continue
        prepares_from = sentence_end - window
        released = next((day for day in released_days if day >= sentence_start), None)
        if released is not None and released < prepares_from:
            continue  # released before the preparation began: supervision, if any, takes over
        # The receiving unit keeps access for a handover period after release, so that it can start
        # supervision even when the release is recorded before probation begins.
        until = released + dt.timedelta(days=RELEASE_HANDOVER_DAYS) if released is not None else None
        desired.add((policy.RELEASE_PREPARATION.key, release_unit_id, prepares_from, until))
    return desired


def provisional_end(desired: set[_Key]) -> dt.date | None:
    """When registration's provisional relationship ends once the periods ``desired`` exist (None: stays)."""
    if not desired:
        return None
    first_day = min(starts_on for _kind, _org, starts_on, _ends in desired)
    return max(first_day - dt.timedelta(days=1), dt.date.min)


def _desired_relationships(person: Person) -> set[_Key]:
    return desired_relationships(
        custody=CustodyPeriod.objects.filter(person=person).values_list(
            "prison_id", "admitted_on", "left_on"
        ),
        probation=ProbationPeriod.objects.filter(person=person).values_list(
            "probation_unit_id", "starts_on", "ends_on"
        ),
        releases=Release.objects.filter(person=person).values_list("released_on", flat=True),
        sentences=Sentence.objects.filter(person=person, release_probation_unit__isnull=False).values_list(
            "release_probation_unit_id", "starts_on", "ends_on"
        ),
    )


def sync_relationships(*, person: Person) -> None:
    """Make the person's relationship rows of source "sentences" match the periods. Idempotent.

    custody: with the prison, admitted → left; supervision: with the probation unit, start → end;
    release_preparation: with the sentence's expected probation unit, from RELEASE_PREPARATION_DAYS
    before the end of the sentence until RELEASE_HANDOVER_DAYS after the release (open while the person
    is not released). A provisional "registration" row ends once any period exists.
    """
    desired = _desired_relationships(person)
    stale: list[int] = []
    kept: set[_Key] = set()
    for row in Relationship.objects.filter(person=person, source=RELATIONSHIP_SOURCE):
        key = (row.kind, row.organization_id, row.starts_on, row.ends_on)
        if key in desired and key not in kept:
            kept.add(key)
        else:
            stale.append(row.pk)
    if stale:
        Relationship.objects.filter(pk__in=stale).delete()
    ends_on = provisional_end(desired)
    if ends_on is not None:
        # Registration opened a provisional custody/supervision row; once the sentence journey is
        # recorded, the periods alone decide, so the provisional row ends the day before the first one.
        Relationship.objects.filter(person=person, source="registration", ends_on__isnull=True).update(
            ends_on=ends_on
        )
    Relationship.objects.bulk_create(
        Relationship(
            person=person,
            kind=kind,
            organization_id=organization_id,
            starts_on=starts_on,
            ends_on=ends_on,
            source=RELATIONSHIP_SOURCE,
        )
        for kind, organization_id, starts_on, ends_on in sorted(desired - kept, key=str)
    )
