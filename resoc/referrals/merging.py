"""Referrals follow a person when a duplicate record is merged (see ``people.merging``)."""

from __future__ import annotations

from resoc.people.models import Person
from resoc.referrals.models import Referral


def merge_referrals(source: Person, target: Person) -> dict[str, int]:
    return {"referrals": Referral.objects.filter(person=source).update(person=target)}
