import datetime as dt

import pytest

from resoc.access.models import User
from resoc.volunteers import selectors
from resoc.volunteers.models import Volunteer, VolunteerKind, VolunteerStatus

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("status", "available"),
    [
        (VolunteerStatus.APPLICATION, False),
        (VolunteerStatus.SCREENING, False),
        (VolunteerStatus.TRAINING, False),
        (VolunteerStatus.APPROVED, True),
        (VolunteerStatus.ACTIVE, True),
        (VolunteerStatus.SUSPENDED, False),
        (VolunteerStatus.ENDED, False),
    ],
)
def test_only_approved_and_active_volunteers_mentor(world, status, available):
    Volunteer.objects.create(
        organization=world.ngo,
        user=User.objects.create(username="mentor-x"),
        kind=VolunteerKind.PEER_MENTOR,
        status=status,
        given_names="Aivars",
        family_name="Ozols",
        sex="male",
        applied_on=dt.date(2026, 1, 5),
    )
    assert selectors.available_mentors(on=dt.date(2026, 12, 4)).exists() is available
