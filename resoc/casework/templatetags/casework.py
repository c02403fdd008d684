"""``{% load casework %}``: lets the shared navigation ask whether the acting role has a caseload."""

from __future__ import annotations

from django import template

from resoc.access.context import Acting
from resoc.casework import rules

register = template.Library()


@register.filter
def has_caseload(acting: Acting | None) -> bool:
    return acting is not None and rules.has_caseload(acting)
