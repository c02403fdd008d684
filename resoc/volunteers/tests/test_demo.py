import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from resoc.access.context import acting_for
from resoc.demo import services
from resoc.demo.volunteers import create_available_mentors
from resoc.volunteers import selectors
from resoc.volunteers.models import HoursClaim, HoursStatus, Participation, Volunteer, VolunteerStatus

pytestmark = pytest.mark.django_db


def test_the_demo_has_volunteers_in_every_status_with_warnings_and_hours():
    services.seed_demo(persons=10, seed=3)
    statuses = set(Volunteer.objects.values_list("status", flat=True))
    assert statuses == set(VolunteerStatus.values)
    assert Volunteer.objects.filter(organization__code="vpd-zemgale").exists()
    today = timezone.localdate()
    ngo_ids = list(Volunteer.objects.values_list("organization_id", flat=True).distinct())
    assert selectors.expiring_qualifications(organization_ids=ngo_ids, on=today).exists()
    assert {c.status for c in HoursClaim.objects.all()} == set(HoursStatus.values)
    mentor = Volunteer.objects.get(user__username="demo-mentor")
    assert mentor in selectors.available_mentors(on=today)
    today_activity = Participation.objects.filter(volunteer=mentor, checked_in_at__isnull=True).order_by(
        "activity__starts_at"
    )
    assert any(p.activity.starts_at <= timezone.now() <= p.activity.ends_at for p in today_activity)
    services.seed_demo(persons=5, seed=4)  # a second seeding adds no volunteers
    assert Volunteer.objects.filter(user__username="demo-mentor").count() == 1


def test_create_available_mentors_writes_hundreds_in_a_few_statements(world):
    today = timezone.localdate()
    with CaptureQueriesContext(connection) as queries:
        made = create_available_mentors(count=300, organization=world.ngo, today=today, seed=1)
    assert len(made) == 300
    assert len(queries.captured_queries) < 30
    assert selectors.available_mentors(on=today).count() == 300
    assert not selectors.available_mentors(on=today + dt.timedelta(days=800)).exists()
    assert made[0].user is not None
    assert acting_for(made[0].user).role == "volunteer"
    create_available_mentors(count=5, organization=world.ngo, today=today, seed=1)
    assert Volunteer.objects.count() == 305
