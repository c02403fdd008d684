from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from resoc.access import policy
from resoc.access.models import Membership
from resoc.demo.selectors import database_has_demo_data


def resoc(request: HttpRequest) -> dict[str, Any]:
    acting = getattr(request, "acting", None)
    memberships: list[Membership] = []
    can_see_people = False
    if acting:
        can_see_people = policy.IDENTITY.key in policy.ROLE_CATEGORIES.get(acting.role, frozenset())
        memberships = list(
            Membership.objects.filter(user=acting.user, is_active=True).select_related("organization")
        )
    return {
        "demo_mode": settings.DEMO_MODE or database_has_demo_data(),
        "acting": acting,
        "memberships": memberships,
        "can_see_people": can_see_people,
    }
