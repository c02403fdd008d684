"""Release preparation follows a person when a duplicate record is merged (see ``people.merging``).

A preparation belongs to one sentence, and the sentences handler refuses sentences that cannot be
combined; so everything here moves as it is: preparations with their tasks, indicators, meetings
and handovers.
"""

from __future__ import annotations

from resoc.people.models import Person
from resoc.release.models import (
    Handover,
    InterInstitutionalMeeting,
    MeetingIndicator,
    ReleasePreparation,
    ReleaseTask,
)


def merge_release(source: Person, target: Person) -> dict[str, int]:
    """Move the release preparation records of ``source`` to ``target``."""
    return {
        "release_preparations": ReleasePreparation.objects.filter(person=source).update(person=target),
        "release_tasks": ReleaseTask.objects.filter(person=source).update(person=target),
        "meeting_indicators": MeetingIndicator.objects.filter(person=source).update(person=target),
        "meetings": InterInstitutionalMeeting.objects.filter(person=source).update(person=target),
        "handovers": Handover.objects.filter(person=source).update(person=target),
    }
