"""Mentoring follows a person when a duplicate record is merged (see ``people.merging``).

A person has one open match at a time: two open matches cannot be combined, so the merge is refused
until one of them is closed. Closed matches move with their history and meetings. Of two profiles
the surviving record's is kept, with what only the duplicate's records filled in.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from resoc.mentoring.models import OPEN_STATUSES, Match, MenteeProfile
from resoc.people.models import Person

FILLED_FIELDS = ("region", "mentor_sex", "interests", "referred_by", "referred_organization", "referred_on")


def merge_mentoring(source: Person, target: Person) -> dict[str, int]:
    open_matches = Match.objects.filter(person__in=[source, target], status__in=OPEN_STATUSES)
    if open_matches.values("person_id").distinct().count() == 2:
        raise ValidationError(
            _("Both records have an open peer mentoring match. Close one of them before merging."),
            code="mentoring_open",
        )
    moved = Match.objects.filter(person=source).update(person=target)
    duplicate = MenteeProfile.objects.filter(person=source).first()
    profiles = 0
    if duplicate is not None:
        kept = MenteeProfile.objects.filter(person=target).first()
        if kept is None:
            duplicate.person = target
            duplicate.save(update_fields=["person"])
        else:
            for field in FILLED_FIELDS:
                if not getattr(kept, field) and getattr(duplicate, field):
                    setattr(kept, field, getattr(duplicate, field))
            kept.wants_lived_experience = kept.wants_lived_experience or duplicate.wants_lived_experience
            kept.save()
            duplicate.delete()
        profiles = 1
    return {"mentoring_matches": moved, "mentee_profiles": profiles}
