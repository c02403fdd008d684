from __future__ import annotations

from django.db.models import QuerySet

from resoc.access.context import Acting
from resoc.access.models import Membership
from resoc.organizations.models import Organization


def memberships_administered(*, acting: Acting) -> QuerySet[Membership]:
    """Memberships in the organization administrator's organization and those below it."""
    return (
        Membership.objects.filter(organization_id__in=acting.scope_organization_ids)
        .select_related("user", "organization")
        .order_by("organization__name", "user__last_name", "user__first_name", "user__username")
    )


def organizations_administered(*, acting: Acting) -> QuerySet[Organization]:
    return Organization.objects.filter(pk__in=acting.scope_organization_ids, is_active=True).order_by("name")
