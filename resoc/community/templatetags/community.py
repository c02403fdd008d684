from __future__ import annotations

from django import template

from resoc.access.context import Acting
from resoc.access.roles import Role
from resoc.community.rules import CONSENT_RECORDER_ROLES

register = template.Library()


@register.filter
def sees_consents(acting: Acting | None) -> bool:
    """On a case file the user already reads: does his role see the person's consents page?

    The page itself checks the relationship again (``rules.can_see_consents``).
    """
    return acting is not None and acting.role in CONSENT_RECORDER_ROLES | {Role.NGO_COORDINATOR}
