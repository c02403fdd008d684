"""Reads about NGOs and their agreements; other apps ask these instead of querying agreements."""

from __future__ import annotations

import datetime as dt
import re
import uuid
from enum import StrEnum

from django.db.models import Q, QuerySet

from resoc.access.context import Acting
from resoc.access.roles import Role
from resoc.community.models import ContactPerson, CooperationAgreement
from resoc.community.rules import visible_agreements_filter
from resoc.organizations.models import Organization, OrganizationType
from resoc.people.models import Consent, Person
from resoc.programmes.models import Offer
from resoc.text import fold, latvian_sort_key


def agreements_in_force(*, organization: Organization, on: dt.date) -> QuerySet[CooperationAgreement]:
    """The organization's agreements valid on ``on`` (both ends inclusive)."""
    return CooperationAgreement.objects.filter(
        Q(valid_until__isnull=True) | Q(valid_until__gte=on),
        organization=organization,
        valid_from__lte=on,
    )


def agreement_in_force(*, organization: Organization, institution: Organization, on: dt.date) -> bool:
    """Has ``organization`` an agreement in force with ``institution`` or an institution above it?

    An agreement with the Prison Administration covers every prison; one with a prison covers only it.
    """
    return (
        agreements_in_force(organization=organization, on=on)
        .filter(institution_id__in=institution.ancestor_ids())
        .exists()
    )


def prison_access_in_force(*, organization: Organization, prison: Organization, on: dt.date) -> bool:
    """May the organization's people enter ``prison`` on ``on``: an agreement in force names it."""
    return agreements_in_force(organization=organization, on=on).filter(prisons=prison).exists()


def needs_agreement(organization: Organization) -> bool:
    """Only NGOs work under cooperation agreements; state institutions cooperate by law."""
    return organization.type == OrganizationType.NGO


# --- the NGO directory and profiles ------------------------------------------------------------------

EXPIRING_WITHIN_DAYS = 30
MAX_QUERY_WORDS = 5


def _folded_words(*texts: str) -> list[str]:
    return fold(" ".join(texts)).replace("“", " ").replace("”", " ").replace('"', " ").split()


def organization_search(
    *, query: str = "", type: str = "", area: str = "", region: str = ""
) -> list[Organization]:
    """Active organizations with their NGO profiles, filtered, in Latvian order.

    The name search ignores case and diacritics and matches the start of words (``cels`` finds
    “Ceļš”), like the person search. Organizations are few (hundreds), so the names are matched here
    rather than in a stored column that an edit of the organization in the admin would leave stale.
    Area and region filters apply to NGO profiles.
    """
    found_orgs = Organization.objects.filter(is_active=True).select_related("ngo_profile", "parent")
    if type:
        found_orgs = found_orgs.filter(type=type)
    if area:
        found_orgs = found_orgs.filter(ngo_profile__areas__contains=f" {area} ")
    if region:
        found_orgs = found_orgs.filter(ngo_profile__regions__contains=f" {region} ")
    words = [re.sub(r"[^\w\-]", "", w) for w in fold(query).split()[:MAX_QUERY_WORDS]]
    words = [w for w in words if w]
    found = []
    for organization in found_orgs:
        names = _folded_words(organization.name, organization.name_en, organization.short_name)
        if all(any(name.startswith(word) for name in names) for word in words):
            found.append(organization)
    return sorted(found, key=lambda o: latvian_sort_key(o.name, ""))


def ngo_directory(*, query: str = "", area: str = "", region: str = "") -> list[Organization]:
    """The NGOs of the directory page (see ``organization_search``)."""
    return organization_search(query=query, type=OrganizationType.NGO, area=area, region=region)


def ngo_or_none(public_id: uuid.UUID) -> Organization | None:
    return (
        Organization.objects.filter(public_id=public_id, type=OrganizationType.NGO)
        .select_related("ngo_profile")
        .first()
    )


def profile_contacts(organization: Organization) -> list[ContactPerson]:
    return list(ContactPerson.objects.filter(profile__organization=organization).order_by("pk"))


def ngo_services(organization: Organization) -> list[Offer]:
    """The NGO's programme offers still offered: its services in the directory."""
    return list(
        Offer.objects.filter(organization=organization, is_active=True, programme__is_active=True)
        .select_related("programme")
        .prefetch_related("locations")
        .order_by("programme__name")
    )


class AgreementState(StrEnum):
    NOT_YET = "not_yet"
    IN_FORCE = "in_force"
    EXPIRING = "expiring"
    EXPIRED = "expired"


def agreement_state(agreement: CooperationAgreement, today: dt.date) -> AgreementState:
    if agreement.valid_from > today:
        return AgreementState.NOT_YET
    if agreement.valid_until is None:
        return AgreementState.IN_FORCE
    if agreement.valid_until < today:
        return AgreementState.EXPIRED
    if agreement.valid_until <= today + dt.timedelta(days=EXPIRING_WITHIN_DAYS):
        return AgreementState.EXPIRING
    return AgreementState.IN_FORCE


def visible_agreements(acting: Acting) -> QuerySet[CooperationAgreement]:
    return (
        CooperationAgreement.objects.filter(visible_agreements_filter(acting))
        .select_related("organization", "institution")
        .prefetch_related("prisons")
        .order_by("valid_until", "pk")
    )


def agreement_list(
    *, acting: Acting, state: str = "", organization: Organization | None = None, today: dt.date
) -> list[tuple[CooperationAgreement, AgreementState]]:
    """Agreements ``acting`` may read, each with its state; those ending soonest first, then open-ended."""
    rows = visible_agreements(acting)
    if organization is not None:
        rows = rows.filter(organization=organization)
    found = [(a, agreement_state(a, today)) for a in rows]
    found.sort(key=lambda pair: (pair[0].valid_until is None, pair[0].valid_until or today, pair[0].pk))
    if state:
        found = [pair for pair in found if pair[1] == state]
    return found


def ngo_suspended(*, organization: Organization, on: dt.date) -> bool:
    """An NGO without any agreement in force: new referrals and prison access are suspended."""
    return (
        needs_agreement(organization) and not agreements_in_force(organization=organization, on=on).exists()
    )


# --- consents ----------------------------------------------------------------------------------------


def person_consents(*, acting: Acting, person: Person) -> list[Consent]:
    """The consents ``acting`` may see (``rules.can_see_consents`` first): current first, newest first."""
    consents = Consent.objects.filter(person=person).select_related(
        "organization", "mentor", "recorded_by", "withdrawn_by"
    )
    if acting.role == Role.NGO_COORDINATOR:
        consents = consents.filter(organization_id__in=acting.scope_organization_ids)
    return sorted(
        consents,
        key=lambda c: (c.withdrawn_at is not None, -c.given_on.toordinal(), -c.pk),
    )
