"""Typed constructors for the referral entries of a person's timeline (``people.PersonEvent``)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from resoc.access import policy
from resoc.access.context import Acting
from resoc.people.models import PersonEvent
from resoc.referrals.models import Referral

EVENT_LABELS = {
    "referral_sent": _("Referred to another organization"),
    "referral_state_changed": _("State of a referral changed"),
}


def referral_sent_event(*, referral: Referral, acting: Acting) -> PersonEvent:
    return PersonEvent.objects.create(
        person_id=referral.person_id,
        type="referral_sent",
        category=policy.IDENTITY.key,
        parameters={
            "referral": str(referral.public_id),
            "receiver": referral.receiver_organization.code,
            "categories": referral.category_keys,
        },
        actor=acting.user,
        organization_id=acting.organization_id,
    )


def referral_state_changed_event(*, referral: Referral, acting: Acting | None, previous: str) -> PersonEvent:
    return PersonEvent.objects.create(
        person_id=referral.person_id,
        type="referral_state_changed",
        category=policy.IDENTITY.key,
        parameters={"referral": str(referral.public_id), "previous": previous, "state": referral.state},
        actor=acting.user if acting else None,
        organization_id=acting.organization_id if acting else None,
    )
