"""Bearer tokens: each request acts as the token's membership, with channel "api"."""

from __future__ import annotations

from typing import cast

from django.http import HttpRequest
from django.utils import timezone
from ninja.security import HttpBearer

from resoc.access.context import Acting
from resoc.access.models import ApiToken
from resoc.audit.services import client_address

# A raw token is "rsc_" + 43 URL-safe characters; anything much longer is not one of ours.
MAX_TOKEN_LENGTH = 200


class TokenAuth(HttpBearer):
    """``Authorization: Bearer <token>``, checked against :class:`ApiToken`."""

    def authenticate(self, request: HttpRequest, token: str) -> Acting | None:
        raw = token.strip()
        if not raw or len(raw) > MAX_TOKEN_LENGTH or not raw.isascii():
            return None
        found = ApiToken.objects.find_active(raw)
        if found is None:
            return None
        membership = found.membership
        # The web never acts through a membership of a deactivated organization; neither does a token.
        if not membership.organization.is_active:
            return None
        ApiToken.objects.filter(pk=found.pk).update(last_used_at=timezone.now())
        return Acting(
            user=membership.user,
            membership=membership,
            ip_address=client_address(request),
            channel="api",
        )


def acting_of(request: HttpRequest) -> Acting:
    """The acting context TokenAuth attached to an authenticated API request."""
    return cast(Acting, request.auth)  # type: ignore[attr-defined]  # set by django-ninja
