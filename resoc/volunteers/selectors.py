"""Reads about volunteers that other apps (mentoring, programmes) rely on."""

from __future__ import annotations

import datetime as dt

from django.db.models import QuerySet

from resoc.volunteers.models import Volunteer, VolunteerStatus

# Statuses in which a volunteer has passed screening and training and may work with people.
WORKING_STATUSES = frozenset({VolunteerStatus.APPROVED, VolunteerStatus.ACTIVE})


def available_mentors(*, on: dt.date) -> QuerySet[Volunteer]:
    """Volunteers who may take on a mentee on ``on``: approved or active, with a user account."""
    return Volunteer.objects.filter(status__in=WORKING_STATUSES, user__isnull=False)
