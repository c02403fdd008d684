"""Admitting a person who is already registered but whom the admitting prison cannot read (yet).

After a release the prison has no relationship with the person, so the ordinary admission (which
needs the person's sentence readable) cannot start. The policy: a resocialization officer may admit
an existing person into his own prison when he identifies the person **exactly**, as on an intake
document — by the full personal code, or for persons without one by another identifier (passport,
identity card, residence permit, foreign code, prison register number) whose kind, number and
issuing country match exactly. Nothing of the file is shown before the admission except the name and
date of birth needed to confirm the match; the admission opens the custody period, and with it the
access. Every lookup is audited, including those that found nothing.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from resoc.access import policy
from resoc.access.context import Acting
from resoc.audit.models import AuditAction
from resoc.audit.services import audit_person, audit_record
from resoc.organizations.models import Organization
from resoc.people.identity import normalize_personal_code
from resoc.people.models import IdentifierKind, Person, PersonIdentifier
from resoc.sentences import services
from resoc.sentences.models import CustodyPeriod, RegimeLevel

PERSONAL_CODE = "personal_code"
SCHEMES = [(PERSONAL_CODE, gettext_lazy("Personal code")), *IdentifierKind.choices]
RECORD_TYPE = "admission_lookup"


@dataclass(frozen=True)
class Identified:
    """An exact match: only what confirms the identity is exposed before the admission."""

    person: Person
    full_name: str
    date_of_birth: dt.date | None
    held_here: bool  # already in custody in the officer's own prison


def may_admit_identified(acting: Acting) -> bool:
    return acting.membership is not None and acting.role in services.CUSTODY_ROLES


def _normalized(scheme: str, value: str, issuing_country: str) -> tuple[str, str]:
    """The value as stored, or a ValidationError saying what is wrong with the input."""
    value = value.strip()
    if scheme == PERSONAL_CODE:
        # Only a complete, valid code identifies: a partial code is a format error, never a search.
        return normalize_personal_code(value), ""
    if scheme not in IdentifierKind.values:
        raise ValidationError({"scheme": _("Select one of the kinds of identifier.")}, code="invalid_choice")
    if not value:
        raise ValidationError({"value": _("This field is required.")}, code="required")
    country = issuing_country.strip().upper()
    if country and not re.fullmatch(r"[A-Z]{2}", country):
        raise ValidationError(
            {"issuing_country": _("Give the two-letter country code, e.g. LT.")}, code="country"
        )
    return value, country


def _find(scheme: str, value: str, country: str) -> Person | None:
    if scheme == PERSONAL_CODE:
        return Person.objects.current().filter(personal_code=value).first()
    identifier = (
        PersonIdentifier.objects.filter(kind=scheme, value=value, issuing_country=country)
        .select_related("person")
        .first()
    )
    if identifier is None:
        return None
    person = identifier.person
    while person.merged_into_id is not None:  # an identifier left on a merged duplicate
        person = Person.objects.get(pk=person.merged_into_id)
    return person


def _audit_not_found(acting: Acting, scheme: str, *, invalid: bool) -> None:
    detail: dict[str, object] = {"scheme": scheme[:20], "found": False}
    if invalid:
        detail["invalid"] = True
    audit_record(
        actor=acting.actor,
        action=AuditAction.SEARCH,
        category=policy.IDENTITY.key,
        record_type=RECORD_TYPE,
        detail=detail,
    )


def person_identify(*, acting: Acting, scheme: str, value: str, issuing_country: str = "") -> Identified:
    """Find the one person the identifier names exactly, for admission into the officer's prison.

    Refuses (ValidationError) when nothing matches and when the person is in custody in another
    prison (a move between prisons is a transfer, recorded by the prison holding the person). Audited
    either way; the searched value is not written to the audit log, only its kind and the outcome.
    """
    if not may_admit_identified(acting):
        raise PermissionDenied
    try:
        value, country = _normalized(scheme, value, issuing_country)
    except ValidationError:
        _audit_not_found(acting, scheme, invalid=True)
        raise
    person = _find(scheme, value, country)
    if person is None:
        _audit_not_found(acting, scheme, invalid=False)
        raise ValidationError(
            {"value": _("No registered person has exactly this identifier. Check it against the document.")},
            code="not_found",
        )
    holding = services.open_custody_period(person)
    held_here = holding is not None and holding.prison_id in acting.scope_organization_ids
    audit_person(
        actor=acting.actor,
        action=AuditAction.SEARCH,
        person_id=person.public_id,
        category=policy.IDENTITY.key,
        record_type=RECORD_TYPE,
        detail={
            "scheme": scheme,
            "found": True,
            "in_custody_elsewhere": holding is not None and not held_here,
        },
    )
    if holding is not None and not held_here:
        raise ValidationError(
            {
                "value": _(
                    "This person is in custody in another prison. A move between prisons is a transfer: "
                    "the prison holding the person records it."
                )
            },
            code="in_custody_elsewhere",
        )
    return Identified(
        person=person, full_name=person.full_name, date_of_birth=person.date_of_birth, held_here=held_here
    )


def custody_admit_identified(
    *,
    acting: Acting,
    scheme: str,
    value: str,
    issuing_country: str = "",
    prison: Organization,
    admitted_on: dt.date,
    regime_level: RegimeLevel | None = None,
) -> CustodyPeriod:
    """Identify the person exactly again (the identifier, not a record id, is what the form carries)
    and admit them through ``services.custody_admit``."""
    found = person_identify(acting=acting, scheme=scheme, value=value, issuing_country=issuing_country)
    if found.held_here:
        raise ValidationError(
            {"admitted_on": _("The person is already in custody.")}, code="already_in_custody"
        )
    return services.custody_admit(
        acting=acting,
        person=found.person,
        prison=prison,
        admitted_on=admitted_on,
        regime_level=regime_level,
        identified=True,
    )
