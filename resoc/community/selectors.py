"""Reads about NGOs and their agreements; other apps ask these instead of querying agreements."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q, QuerySet

from resoc.community.models import CooperationAgreement
from resoc.organizations.models import Organization, OrganizationType


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
