"""Timeline entries of peer mentoring (``people.PersonEvent``). They name the organization, never the
mentor: whoever reads the person's identity sees that a mentor was matched, not who."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from resoc.access import policy
from resoc.access.context import Acting
from resoc.mentoring.models import Match
from resoc.people.models import PersonEvent

EVENT_LABELS = {
    "mentoring_proposed": _("A peer mentor was proposed"),
    "mentoring_status_changed": _("Peer mentoring match changed"),
}


def match_event(*, match: Match, acting: Acting, type: str, **parameters: object) -> PersonEvent:
    return PersonEvent.objects.create(
        person_id=match.person_id,
        type=type,
        category=policy.IDENTITY.key,
        parameters={"match": str(match.public_id), "status": match.status, **parameters},
        actor=acting.user,
        organization_id=match.organization_id,
    )
