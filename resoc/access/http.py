from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails

from resoc.access.context import Acting
from resoc.access.models import User


class ResocRequest(HttpRequest):
    """The request as Resoc's middleware leaves it: views annotate with this type."""

    acting: Acting | None
    htmx: HtmxDetails
    user: User  # login_required views only


def acting_or_403(request: ResocRequest) -> Acting:
    """The acting membership of a logged-in request; a user without an active membership may do nothing."""
    acting = request.acting
    if acting is None or acting.membership is None:
        raise PermissionDenied
    return acting
