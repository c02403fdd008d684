"""Timeline events of consents (the person's timeline, ``people.PersonEvent``)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from resoc.access.context import Acting
from resoc.people.models import Consent, PersonEvent

EVENT_LABELS = {
    "consent_recorded": _("Consent to share data recorded"),
    "consent_withdrawn": _("Consent to share data withdrawn"),
}


def _event(*, consent: Consent, type: str, acting: Acting) -> PersonEvent:
    return PersonEvent.objects.create(
        person=consent.person,
        type=type,
        category="identity",
        parameters={
            "consent": str(consent.public_id),
            "organization": str(consent.organization.public_id),
            "categories": consent.category_keys,
        },
        actor=acting.user,
        organization_id=acting.organization_id,
    )


def consent_recorded_event(*, consent: Consent, acting: Acting) -> PersonEvent:
    return _event(consent=consent, type="consent_recorded", acting=acting)


def consent_withdrawn_event(*, consent: Consent, acting: Acting) -> PersonEvent:
    return _event(consent=consent, type="consent_withdrawn", acting=acting)
