"""Cooperation agreements: record, extend, end early. One write path each, audited.

The audit log keeps organizational records too (``record_type``/``record_id`` without a person), so
each change is an audit entry with the agreement as it was before and after.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from resoc.access.context import Acting
from resoc.audit.models import AuditAction
from resoc.audit.services import audit_record
from resoc.community.models import CooperationAgreement
from resoc.community.rules import STATE_INSTITUTION_TYPES, can_manage_agreements
from resoc.organizations.models import Organization, OrganizationType
from resoc.organizations.selectors import organization_subtree_ids

RECORD_TYPE = "cooperation_agreement"


@dataclass
class AgreementSpec:
    organization: Organization
    institution: Organization
    number: str
    scope: str
    valid_from: dt.date
    valid_until: dt.date | None = None
    prisons: list[Organization] = field(default_factory=list)


def _snapshot(agreement: CooperationAgreement, prisons: list[Organization] | None = None) -> dict[str, Any]:
    prisons = prisons if prisons is not None else list(agreement.prisons.all())
    return {
        "number": agreement.number,
        "organization": str(agreement.organization.public_id),
        "institution": str(agreement.institution.public_id),
        "valid_from": agreement.valid_from.isoformat(),
        "valid_until": agreement.valid_until.isoformat() if agreement.valid_until else None,
        "prisons": sorted(p.code for p in prisons),
        "end_reason": agreement.end_reason,
    }


def _audit(acting: Acting, action: AuditAction, agreement: CooperationAgreement, **detail: Any) -> None:
    audit_record(
        actor=acting.actor,
        action=action,
        record_type=RECORD_TYPE,
        record_id=str(agreement.public_id),
        detail=detail,
    )


def check_agreement(spec: AgreementSpec) -> None:
    """Every rule an agreement must meet, all errors at once (no query but the institution's tree)."""
    errors: dict[str, list[str]] = {}
    if spec.organization.type != OrganizationType.NGO:
        errors.setdefault("organization", []).append(
            _("Cooperation agreements are made with NGOs; %(name)s is not one.") % {"name": spec.organization}
        )
    if spec.institution.type not in STATE_INSTITUTION_TYPES:
        errors.setdefault("institution", []).append(
            _("The other side must be a state institution (a prison or the Probation Service).")
        )
    if spec.valid_until is not None and spec.valid_until < spec.valid_from:
        errors.setdefault("valid_until", []).append(_("An agreement cannot end before it starts."))
    if spec.prisons:
        below = organization_subtree_ids(roots=[spec.institution.pk])
        for prison in spec.prisons:
            if prison.type != OrganizationType.PRISON:
                errors.setdefault("prisons", []).append(_("%(name)s is not a prison.") % {"name": prison})
            elif prison.pk not in below:
                errors.setdefault("prisons", []).append(
                    _("%(prison)s is not under %(institution)s: the agreement cannot cover it.")
                    % {"prison": prison, "institution": spec.institution}
                )
    if errors:
        raise ValidationError(errors)


def agreement_record(*, acting: Acting, spec: AgreementSpec) -> CooperationAgreement:
    if not can_manage_agreements(acting, spec.institution):
        raise PermissionDenied
    check_agreement(spec)
    agreement = CooperationAgreement(
        organization=spec.organization,
        institution=spec.institution,
        number=spec.number,
        scope=spec.scope,
        valid_from=spec.valid_from,
        valid_until=spec.valid_until,
        created_by=acting.user,
    )
    agreement.full_clean(exclude=["created_by"])
    with transaction.atomic():
        agreement.save()
        agreement.prisons.set(spec.prisons)
        _audit(acting, AuditAction.CREATE, agreement, after=_snapshot(agreement, spec.prisons))
    return agreement


def _locked(agreement: CooperationAgreement) -> CooperationAgreement:
    return (
        CooperationAgreement.objects.select_for_update()
        .select_related("organization", "institution")
        .get(pk=agreement.pk)
    )


def agreement_extend(
    *, acting: Acting, agreement: CooperationAgreement, valid_until: dt.date | None
) -> CooperationAgreement:
    """A new end of validity, later than the present one (``None``: until further notice)."""
    if not can_manage_agreements(acting, agreement.institution):
        raise PermissionDenied
    with transaction.atomic():
        current = _locked(agreement)
        if current.valid_until is None:
            raise ValidationError(
                {"valid_until": [_("The agreement has no end date: there is nothing to extend.")]}
            )
        if valid_until is not None and valid_until <= current.valid_until:
            raise ValidationError(
                {"valid_until": [_("The new end date must be later than the present one.")]}
            )
        before = _snapshot(current)
        current.valid_until = valid_until
        current.end_reason = ""
        current.save(update_fields=["valid_until", "end_reason", "updated_at"])
        _audit(
            acting, AuditAction.UPDATE, current, change="extended", before=before, after=_snapshot(current)
        )
    return current


def agreement_end(
    *, acting: Acting, agreement: CooperationAgreement, ends_on: dt.date, reason: str
) -> CooperationAgreement:
    """End the agreement early: its last day becomes ``ends_on``."""
    if not can_manage_agreements(acting, agreement.institution):
        raise PermissionDenied
    reason = reason.strip()
    with transaction.atomic():
        current = _locked(agreement)
        errors: dict[str, list[str]] = {}
        if ends_on < current.valid_from:
            errors.setdefault("ends_on", []).append(_("An agreement cannot end before it starts."))
        elif current.valid_until is not None and ends_on >= current.valid_until:
            errors.setdefault("ends_on", []).append(
                _("Ending early means a day before the present end (%(date)s).")
                % {"date": current.valid_until.strftime("%d.%m.%Y")}
            )
        if len(reason) < 3:
            errors.setdefault("reason", []).append(_("Say why the agreement ends early."))
        if errors:
            raise ValidationError(errors)
        before = _snapshot(current)
        current.valid_until = ends_on
        current.end_reason = reason
        current.full_clean(exclude=["created_by", "organization", "institution"])
        current.save(update_fields=["valid_until", "end_reason", "updated_at"])
        _audit(acting, AuditAction.UPDATE, current, change="ended", before=before, after=_snapshot(current))
    return current
