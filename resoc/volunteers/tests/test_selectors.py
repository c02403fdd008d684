import datetime as dt

import pytest
from django.utils import timezone

from resoc.access.models import User
from resoc.volunteers import selectors
from resoc.volunteers.models import Qualification, QualificationKind, VolunteerStatus
from resoc.volunteers.selectors import VolunteerFilters
from resoc.volunteers.tests.conftest import make_volunteer, qualify

pytestmark = pytest.mark.django_db
ON = dt.date(2026, 12, 4)


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
    volunteer = make_volunteer(world, status, user=User.objects.create(username="mentor-x"))
    qualify(volunteer, valid_from=ON - dt.timedelta(days=10), valid_until=ON + dt.timedelta(days=10))
    assert selectors.available_mentors(on=ON).exists() is available


@pytest.mark.parametrize("missing", [QualificationKind.BACKGROUND_CHECK, QualificationKind.TRAINING])
def test_a_mentor_needs_a_background_check_and_training_in_force_that_day(world, missing):
    volunteer = make_volunteer(world, VolunteerStatus.ACTIVE, user=User.objects.create(username="mentor-x"))
    kept = next(k for k in (QualificationKind.BACKGROUND_CHECK, QualificationKind.TRAINING) if k != missing)
    qualify(volunteer, kept, valid_from=ON - dt.timedelta(days=10), valid_until=ON + dt.timedelta(days=10))
    assert not selectors.available_mentors(on=ON).exists()
    qualify(volunteer, missing, valid_from=ON - dt.timedelta(days=400), valid_until=ON - dt.timedelta(days=1))
    assert not selectors.available_mentors(on=ON).exists()  # expired yesterday
    assert selectors.available_mentors(on=ON - dt.timedelta(days=1)).exists()


def test_a_mentor_without_a_user_account_is_not_available(world):
    volunteer = make_volunteer(world, VolunteerStatus.ACTIVE)
    qualify(volunteer, valid_from=ON - dt.timedelta(days=10))
    assert not selectors.available_mentors(on=ON).exists()


def test_expiring_qualifications_leave_the_list_once_renewed(world):
    today = timezone.localdate()
    volunteer = make_volunteer(world)
    qualify(
        volunteer,
        QualificationKind.TRAINING,
        prison="jelgavas-cietums",
        valid_until=today + dt.timedelta(days=40),
    )
    qualify(volunteer, QualificationKind.BACKGROUND_CHECK, valid_until=today + dt.timedelta(days=12))
    ended = make_volunteer(world, VolunteerStatus.ENDED, given_names="Beigu")
    qualify(ended, QualificationKind.BACKGROUND_CHECK, valid_until=today + dt.timedelta(days=3))
    found = list(selectors.expiring_qualifications(organization_ids=[world.ngo.pk], on=today))
    assert [(q.volunteer, q.kind) for q in found] == [(volunteer, QualificationKind.BACKGROUND_CHECK)]
    Qualification.objects.create(
        volunteer=volunteer,
        kind=QualificationKind.BACKGROUND_CHECK,
        valid_from=today + dt.timedelta(days=10),
        valid_until=today + dt.timedelta(days=800),
    )
    assert not selectors.expiring_qualifications(organization_ids=[world.ngo.pk], on=today).exists()


def test_the_list_filters_by_status_kind_and_expiring(world):
    today = timezone.localdate()
    soon = make_volunteer(world, given_names="Drīz", kind="volunteer")
    qualify(soon, valid_until=today + dt.timedelta(days=5))
    later = make_volunteer(world, given_names="Vēlu")
    qualify(later)
    make_volunteer(world, VolunteerStatus.SCREENING, given_names="Jauns")
    ids = [world.ngo.pk]

    def names(**filters):
        found = selectors.volunteers(organization_ids=ids, filters=VolunteerFilters(**filters), on=today)
        return sorted(v.given_names for v in found)

    assert names() == ["Drīz", "Jauns", "Vēlu"]
    assert names(status="screening") == ["Jauns"]
    assert names(kind="volunteer") == ["Drīz"]
    assert names(expiring=True) == ["Drīz"]
    assert names(query="vēl") == ["Vēlu"]
    found = selectors.volunteers(organization_ids=ids, filters=VolunteerFilters(expiring=True), on=today)
    assert found[0].next_expiry == today + dt.timedelta(days=5)  # type: ignore[attr-defined]
