"""Writes about volunteers: the lifecycle (one function for every move), screening decisions and
qualifications. Activities, check-in and hours are in ``activities.py``.

Who: the coordinators of the volunteer's organization (NGO coordinator, organization administrator,
and for the Probation Service's volunteers its probation officers), each within the organizations
under their membership. A volunteer changes nothing here. Every write is audited.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from resoc.access.context import Acting
from resoc.access.models import Membership, User
from resoc.access.roles import Role
from resoc.audit.models import AuditAction
from resoc.audit.services import audit_record
from resoc.organizations.models import Organization, OrganizationType
from resoc.volunteers import rules
from resoc.volunteers.models import (
    Qualification,
    QualificationKind,
    ScreeningDecision,
    ScreeningOutcome,
    ScreeningStep,
    StatusChange,
    Volunteer,
    VolunteerStatus,
)

RECORD = "volunteer"
MANAGER_ROLES = frozenset({Role.NGO_COORDINATOR, Role.ORG_ADMIN, Role.PROBATION_OFFICER})
PROBATION_TYPES = frozenset({OrganizationType.PROBATION_SERVICE, OrganizationType.PROBATION_UNIT})


def can_manage(acting: Acting, organization: Organization) -> bool:
    """May ``acting`` manage the volunteers of ``organization``?

    Probation officers manage only the Probation Service's own volunteers (VPD volunteers)."""
    if acting.membership is None or acting.role not in MANAGER_ROLES:
        return False
    if organization.pk not in acting.scope_organization_ids:
        return False
    return acting.role != Role.PROBATION_OFFICER or organization.type in PROBATION_TYPES


def manages_any(acting: Acting) -> bool:
    return acting.membership is not None and acting.role in MANAGER_ROLES


def is_self(acting: Acting, volunteer: Volunteer) -> bool:
    return (
        acting.role == Role.VOLUNTEER
        and volunteer.user_id is not None
        and volunteer.user_id == acting.user.pk
        and volunteer.organization_id == acting.organization_id
    )


def require_manager(acting: Acting, organization: Organization) -> None:
    if not can_manage(acting, organization):
        raise PermissionDenied


def audit_volunteer(acting: Acting, action: AuditAction, volunteer: Volunteer, **detail: Any) -> None:
    audit_record(
        actor=acting.actor,
        action=action,
        record_type=RECORD,
        record_id=str(volunteer.public_id),
        detail={k: str(v) if isinstance(v, dt.date) else v for k, v in detail.items()},
    )


def _today() -> dt.date:
    return timezone.localdate()


# --- application ---------------------------------------------------------------------------------------

PROFILE_FIELDS = (
    "kind",
    "given_names",
    "family_name",
    "email",
    "phone",
    "sex",
    "year_of_birth",
    "region",
    "languages",
    "interests",
    "lived_experience",
    "capacity",
    "applied_on",
)


def volunteer_apply(*, acting: Acting, organization: Organization, **fields: Any) -> Volunteer:
    """Record an application (status ``application``) with its first history row."""
    require_manager(acting, organization)
    volunteer = Volunteer(organization=organization, status=VolunteerStatus.APPLICATION)
    for name in PROFILE_FIELDS:
        if name in fields:
            setattr(volunteer, name, fields[name])
    if volunteer.applied_on is None:
        volunteer.applied_on = _today()
    _check_year_of_birth(volunteer)
    volunteer.full_clean(exclude=["user"])
    with transaction.atomic():
        volunteer.save()
        StatusChange.objects.create(
            volunteer=volunteer, from_status="", to_status=VolunteerStatus.APPLICATION, changed_by=acting.user
        )
        audit_volunteer(acting, AuditAction.CREATE, volunteer, kind=volunteer.kind)
    return volunteer


def volunteer_update(*, acting: Acting, volunteer: Volunteer, **fields: Any) -> Volunteer:
    require_manager(acting, volunteer.organization)
    changed = [name for name in PROFILE_FIELDS if name in fields and getattr(volunteer, name) != fields[name]]
    for name in changed:
        setattr(volunteer, name, fields[name])
    _check_year_of_birth(volunteer)
    volunteer.full_clean(exclude=["user"])
    with transaction.atomic():
        volunteer.save()
        audit_volunteer(acting, AuditAction.UPDATE, volunteer, fields=changed)
    return volunteer


def _check_year_of_birth(volunteer: Volunteer) -> None:
    year = volunteer.year_of_birth
    if year is not None and not (_today().year - 100 <= year <= _today().year - 16):
        raise ValidationError({"year_of_birth": _("A volunteer must be at least 16 years old.")})


# --- lifecycle -----------------------------------------------------------------------------------------


def _screening_refusal(volunteer: Volunteer) -> str | None:
    latest: dict[str, ScreeningDecision] = {}
    for decision in ScreeningDecision.objects.filter(volunteer=volunteer).order_by("decided_at", "pk"):
        latest[decision.step] = decision
    missing = [str(ScreeningStep(step).label) for step in ScreeningStep.values if step not in latest]
    if missing:
        return _("Screening is not complete: %(steps)s not recorded.") % {"steps": ", ".join(missing)}
    failed = [
        str(ScreeningStep(s).label) for s, d in latest.items() if d.outcome != ScreeningOutcome.SUITABLE
    ]
    if failed:
        return _("Screening found the volunteer not suitable: %(steps)s.") % {"steps": ", ".join(failed)}
    return None


def _qualifications_refusal(volunteer: Volunteer, on: dt.date) -> str | None:
    facts = [
        rules.QualificationFact(q.kind, q.prison_id, q.valid_from, q.valid_until)
        for q in Qualification.objects.filter(volunteer=volunteer, kind__in=rules.BASIC_QUALIFICATIONS)
    ]
    found = rules.activity_refusals(
        status=VolunteerStatus.ACTIVE, qualifications=facts, on=on, prison_id=None
    )
    if found:
        return " ".join(r.message for r in found)
    return None


def _link_account(volunteer: Volunteer, *, username: str, password: str) -> User:
    """The volunteer's user account: the one linked, an existing one by username, or a new one."""
    if volunteer.user_id is not None:
        return volunteer.user  # type: ignore[return-value]
    username = username.strip()
    if not username:
        raise ValidationError({"username": _("Name the user account of the volunteer (new or existing).")})
    user = User.objects.filter(username=username).first()
    if user is not None:
        if Volunteer.objects.filter(user=user).exclude(pk=volunteer.pk).exists():
            raise ValidationError({"username": _("This user account belongs to another volunteer.")})
        return user
    if not password:
        raise ValidationError({"password": _("A new user account needs an initial password.")})
    user = User(
        username=username,
        first_name=volunteer.given_names,
        last_name=volunteer.family_name,
        email=volunteer.email,
    )
    user.full_clean(exclude=["password"])
    try:
        validate_password(password, user)
    except ValidationError as error:
        raise ValidationError({"password": error.messages}) from error
    user.set_password(password)
    user.save()
    return user


def _set_membership(volunteer: Volunteer, *, active: bool) -> None:
    if volunteer.user_id is None:
        return
    if active:
        membership, _created = Membership.objects.get_or_create(
            user_id=volunteer.user_id, organization_id=volunteer.organization_id, role=Role.VOLUNTEER
        )
        if not membership.is_active:
            membership.is_active = True
            membership.save(update_fields=["is_active"])
    else:
        Membership.objects.filter(
            user_id=volunteer.user_id, organization_id=volunteer.organization_id, role=Role.VOLUNTEER
        ).update(is_active=False)


# Other apps react to a move inside its transaction (mentoring closes a suspended or ended mentor's
# matches) by registering here instead of being called from this app.
StatusHandler = Callable[[Acting, Volunteer, str, str], None]
_STATUS_HANDLERS: list[StatusHandler] = []


def register_status_handler(handler: StatusHandler) -> StatusHandler:
    """Call ``handler(acting, volunteer, from_status, to_status)`` after every lifecycle move."""
    if handler not in _STATUS_HANDLERS:
        _STATUS_HANDLERS.append(handler)
    return handler


def volunteer_transition(
    *,
    acting: Acting,
    volunteer: Volunteer,
    to_status: str,
    reason: str = "",
    username: str = "",
    password: str = "",
) -> Volunteer:
    """Move ``volunteer`` to ``to_status``: the one write path of the lifecycle (UI, API, commands).

    Refused with a translated reason for a move out of order, a suspension or end without a reason,
    training before the screening is complete and suitable, approval or (re)activation without a
    background check and training in force. Approval links or creates the user account and gives it
    a volunteer membership of the organization; suspension and end deactivate that membership at once.
    """
    require_manager(acting, volunteer.organization)
    reason = reason.strip()
    with transaction.atomic():
        locked = (
            Volunteer.objects.select_for_update(of=("self",))
            .select_related("organization", "user")
            .get(pk=volunteer.pk)
        )
        current = locked.status
        refusal = rules.move_refusal(current, to_status)
        if refusal is None and to_status in rules.REASON_REQUIRED and not reason:
            refusal = _("Give the reason for this change.")
        if refusal is None and to_status == VolunteerStatus.TRAINING:
            refusal = _screening_refusal(locked)
        if refusal is None and to_status in (VolunteerStatus.APPROVED, VolunteerStatus.ACTIVE):
            refusal = _qualifications_refusal(locked, _today())
        if refusal is not None:
            raise ValidationError({"status": [refusal]})
        if len(reason) > 2000:
            raise ValidationError({"reason": _("Ensure this value has at most 2000 characters.")})
        if to_status == VolunteerStatus.APPROVED:
            locked.user = _link_account(locked, username=username, password=password)
        if to_status in (VolunteerStatus.APPROVED, VolunteerStatus.ACTIVE):
            if locked.user_id is None:
                raise ValidationError({"status": [_("The volunteer has no user account.")]})
            _set_membership(locked, active=True)
        if to_status in (VolunteerStatus.SUSPENDED, VolunteerStatus.ENDED):
            _set_membership(locked, active=False)
        locked.status = to_status
        locked.save(update_fields=["status", "user"])
        StatusChange.objects.create(
            volunteer=locked, from_status=current, to_status=to_status, reason=reason, changed_by=acting.user
        )
        audit_volunteer(
            acting, AuditAction.UPDATE, locked, status_from=current, status_to=to_status, reason=reason
        )
        for handler in _STATUS_HANDLERS:
            handler(acting, locked, current, to_status)
    volunteer.status = locked.status
    volunteer.user = locked.user
    return volunteer


# --- screening -----------------------------------------------------------------------------------------


def screening_record(
    *,
    acting: Acting,
    volunteer: Volunteer,
    step: str,
    outcome: str,
    done_on: dt.date,
    justification: str = "",
    has_convictions: bool = False,
) -> ScreeningDecision:
    """Record a screening decision. The criminal record check is a judgement: it always needs a
    justification, and a record with convictions may still be found suitable (a peer mentor's past)."""
    require_manager(acting, volunteer.organization)
    errors: dict[str, list[str]] = {}
    if volunteer.status != VolunteerStatus.SCREENING:
        errors["step"] = [_("Screening decisions are recorded while the volunteer is in screening.")]
    justification = justification.strip()
    if step == ScreeningStep.CRIMINAL_RECORD and not justification:
        errors["justification"] = [_("Explain the decision on the criminal record check.")]
    elif outcome == ScreeningOutcome.NOT_SUITABLE and not justification:
        errors["justification"] = [_("Explain why the volunteer is not suitable.")]
    if has_convictions and step != ScreeningStep.CRIMINAL_RECORD:
        errors["has_convictions"] = [_("Convictions are recorded with the criminal record check only.")]
    if done_on > _today():
        errors["done_on"] = [_("The date cannot be in the future.")]
    decision = ScreeningDecision(
        volunteer=volunteer,
        step=step,
        outcome=outcome,
        done_on=done_on,
        justification=justification,
        has_convictions=has_convictions,
        decided_by=acting.user,
    )
    try:
        decision.full_clean(exclude=["volunteer", "decided_by"])
    except ValidationError as error:
        for field, messages in error.message_dict.items():
            errors.setdefault(field, []).extend(messages)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        decision.save()
        audit_volunteer(acting, AuditAction.CREATE, volunteer, screening=step, outcome=outcome)
    return decision


# --- qualifications ------------------------------------------------------------------------------------

EXPIRING_KINDS = frozenset({QualificationKind.BACKGROUND_CHECK, QualificationKind.PRISON_ACCESS})


def qualification_grant(
    *,
    acting: Acting,
    volunteer: Volunteer,
    kind: str,
    valid_from: dt.date,
    valid_until: dt.date | None,
    prison: Organization | None = None,
    note: str = "",
) -> Qualification:
    """Record a qualification (a renewal is a new one). Background checks and prison access expire;
    prison access names one prison."""
    require_manager(acting, volunteer.organization)
    errors: dict[str, list[str]] = {}
    if volunteer.status == VolunteerStatus.ENDED:
        errors["kind"] = [_("The volunteer's record is closed.")]
    if kind == QualificationKind.PRISON_ACCESS:
        if prison is None:
            errors["prison"] = [_("Choose the prison the approval is for.")]
        elif prison.type != OrganizationType.PRISON:
            errors["prison"] = [_("Prison access is approved for a prison.")]
    elif prison is not None:
        errors["prison"] = [_("Only a prison access approval names a prison.")]
    if kind in EXPIRING_KINDS and valid_until is None:
        errors["valid_until"] = [_("This qualification expires: give the last day it is valid.")]
    if valid_until is not None and valid_until < valid_from:
        errors["valid_until"] = [_("The end must not be before the start.")]
    qualification = Qualification(
        volunteer=volunteer,
        kind=kind,
        prison=prison if kind == QualificationKind.PRISON_ACCESS else None,
        valid_from=valid_from,
        valid_until=valid_until,
        note=note.strip(),
        granted_by=acting.user,
    )
    try:
        qualification.full_clean(exclude=["volunteer", "granted_by", "prison"], validate_constraints=False)
    except ValidationError as error:
        for field, messages in error.message_dict.items():
            errors.setdefault(field, []).extend(messages)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        qualification.save()
        audit_volunteer(
            acting,
            AuditAction.CREATE,
            volunteer,
            qualification=kind,
            prison=prison.code if prison else "",
            valid_from=valid_from,
            valid_until=valid_until,
        )
    return qualification


def visible_volunteer(acting: Acting, public_id: Any) -> Volunteer | None:
    """The volunteer if ``acting`` manages them or is them; None for unknown and refused alike (the
    refusal is audited), so that existence does not leak."""
    volunteer = Volunteer.objects.select_related("organization", "user").filter(public_id=public_id).first()
    if volunteer is not None and (can_manage(acting, volunteer.organization) or is_self(acting, volunteer)):
        return volunteer
    audit_record(actor=acting.actor, action=AuditAction.DENIED, record_type=RECORD, record_id=str(public_id))
    return None


def managed_organization_ids(acting: Acting) -> list[int]:
    """Organizations whose volunteers ``acting`` manages (empty for every other role)."""
    if not manages_any(acting):
        return []
    if acting.role != Role.PROBATION_OFFICER:
        return sorted(acting.scope_organization_ids)
    return list(
        Organization.objects.filter(
            pk__in=acting.scope_organization_ids, type__in=PROBATION_TYPES
        ).values_list("pk", flat=True)
    )
