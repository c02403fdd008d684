from __future__ import annotations

from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails

from resoc.access.context import Acting
from resoc.access.models import User


class ResocRequest(HttpRequest):
    """The request as Resoc's middleware leaves it: views annotate with this type."""

    acting: Acting | None
    htmx: HtmxDetails
    user: User  # login_required views only
