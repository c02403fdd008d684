"""Recording and withdrawing a person's consent to share data with an NGO or a mentor.

One write path each (UI and API call these), with the timeline event and the audit entry in the same
transaction. A withdrawal takes effect at once: the access policy reads only consents whose
``withdrawn_at`` is empty. What was read before stays in the audit log.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from resoc.access import policy
from resoc.access.context import Acting
from resoc.access.models import Membership, User
from resoc.access.roles import Role
from resoc.audit.models import AuditAction
from resoc.audit.services import audit_person
from resoc.community import events
from resoc.community.consent_files import checked_signed_form
from resoc.community.rules import can_record_consent, can_withdraw_consent
from resoc.organizations.models import Organization, OrganizationType
from resoc.people.models import Consent, ConsentMethod, Person, plain_text_validator

RECORD_TYPE = "consent"


@dataclass
class ConsentSpec:
    organization: Organization
    categories: list[str]
    purpose: str
    given_on: dt.date
    method: str = ConsentMethod.RECORDED_BY_STAFF
    mentor: User | None = None
    signed_form: UploadedFile[bytes] | None = None


def _check(spec: ConsentSpec, today: dt.date) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    known = {c.key for c in policy.categories()}
    if not spec.categories:
        errors["categories"] = [_("Choose at least one data category the person agrees to share.")]
    else:
        unknown = sorted(set(spec.categories) - known)
        if unknown:
            errors["categories"] = [_("Unknown data category: %(keys)s.") % {"keys": ", ".join(unknown)}]
    if spec.organization.type != OrganizationType.NGO or not spec.organization.is_active:
        errors["organization"] = [_("Consent is given to an active NGO.")]
    purpose = spec.purpose.strip()
    if len(purpose) < 3:
        errors["purpose"] = [_("State the purpose the data is shared for.")]
    elif len(purpose) > 200:
        errors["purpose"] = [_("Ensure this value has at most %(limit)s characters.") % {"limit": 200}]
    else:
        try:
            plain_text_validator(purpose)
        except ValidationError as error:
            errors["purpose"] = list(error.messages)
    if spec.given_on > today:
        errors["given_on"] = [_("The consent cannot be given in the future.")]
    if spec.method not in ConsentMethod.values:
        errors["method"] = [_("Select one of the permitted values.")]
    elif spec.method == ConsentMethod.SIGNED_FORM and spec.signed_form is None:
        errors["signed_form"] = [_("Upload the signed form, or choose that staff recorded the consent.")]
    if (
        spec.mentor is not None
        and not Membership.objects.filter(
            user=spec.mentor, organization=spec.organization, role=Role.VOLUNTEER, is_active=True
        ).exists()
    ):
        errors["mentor"] = [_("The mentor must be an active volunteer of this NGO.")]
    return errors


def consent_record(*, acting: Acting, person: Person, spec: ConsentSpec) -> Consent:
    """Record a consent given by ``person``; refused with every reason at once, nothing written."""
    if not can_record_consent(acting, person):
        raise PermissionDenied
    errors = _check(spec, timezone.localdate())
    form = None
    if spec.signed_form is not None:
        try:
            form = checked_signed_form(spec.signed_form)
        except ValidationError as error:
            errors["signed_form"] = list(error.messages)
    if errors:
        raise ValidationError(errors)
    consent = Consent(
        person=person,
        organization=spec.organization,
        mentor=spec.mentor,
        categories=Consent.encode_categories(spec.categories),
        purpose=spec.purpose.strip(),
        given_on=spec.given_on,
        method=ConsentMethod.SIGNED_FORM if form else spec.method,
        recorded_by=acting.user,
    )
    stored = ""
    try:
        with transaction.atomic():
            if form is not None:
                consent.signed_form.save(form.content.name or "form", form.content, save=False)
                consent.signed_form_type = form.content_type
                stored = consent.signed_form.name or ""
            consent.save()
            events.consent_recorded_event(consent=consent, acting=acting)
            audit_person(
                actor=acting.actor,
                action=AuditAction.CREATE,
                person_id=person.public_id,
                record_type=RECORD_TYPE,
                detail={
                    "consent": str(consent.public_id),
                    "organization": str(spec.organization.public_id),
                    "mentor": spec.mentor.get_username() if spec.mentor else None,
                    "categories": consent.category_keys,
                    "method": consent.method,
                },
            )
    except Exception:
        # The row is gone with the transaction; the file must go too.
        if stored:
            consent.signed_form.storage.delete(stored)
        raise
    return consent


def consent_withdraw(*, acting: Acting, consent: Consent, reason: str) -> Consent:
    """Withdraw at once; the data stops being shared from this moment."""
    if not can_withdraw_consent(acting, consent):
        raise PermissionDenied
    reason = reason.strip()
    if len(reason) < 3:
        raise ValidationError({"reason": [_("Say why or how the person withdrew the consent.")]})
    if len(reason) > 300:
        raise ValidationError(
            {"reason": [_("Ensure this value has at most %(limit)s characters.") % {"limit": 300}]}
        )
    plain_errors: list[str] = []
    try:
        plain_text_validator(reason)
    except ValidationError as error:
        plain_errors = list(error.messages)
    if plain_errors:
        raise ValidationError({"reason": plain_errors})
    with transaction.atomic():
        # Two people may withdraw the same consent at once: the second finds it withdrawn.
        current = (
            Consent.objects.select_for_update().select_related("person", "organization").get(pk=consent.pk)
        )
        if current.withdrawn_at is not None:
            raise ValidationError(_("This consent has already been withdrawn."), code="already_withdrawn")
        current.withdrawn_at = timezone.now()
        current.withdrawn_by = acting.user
        current.withdrawal_reason = reason
        current.save(update_fields=["withdrawn_at", "withdrawn_by", "withdrawal_reason"])
        events.consent_withdrawn_event(consent=current, acting=acting)
        audit_person(
            actor=acting.actor,
            action=AuditAction.UPDATE,
            person_id=current.person.public_id,
            record_type=RECORD_TYPE,
            detail={
                "consent": str(current.public_id),
                "withdrawn": True,
                "reason": reason,
                "categories": current.category_keys,
                "organization": str(current.organization.public_id),
            },
        )
    return current
