"""The demo gives the coordinator people waiting with suggestions and the demo mentor his mentees."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from resoc.access.models import User
from resoc.demo import services
from resoc.mentoring.models import Match, MenteeProfile
from resoc.volunteers.models import Volunteer

pytestmark = pytest.mark.django_db


def test_the_demo_seeds_mentors_waiting_people_and_running_matches() -> None:
    result = services.seed_demo(persons=1500, seed=5)
    assert result.mentoring.mentors == 25
    assert result.mentoring.matches == Match.objects.count() > 0
    assert MenteeProfile.objects.count() == result.mentoring.profiles > 0
    coordinator = Client()
    coordinator.force_login(User.objects.get(username="demo-ngo"))
    page = coordinator.get(reverse("mentoring:home"))
    assert page.status_code == 200
    assert page.context["page"].paginator.count > 0
    assert any(row["best"] for row in page.context["rows"])
    mentor = Client()
    mentor.force_login(User.objects.get(username="demo-mentor"))
    mine = mentor.get(reverse("mentoring:my_mentees"))
    assert all(row["readable"] for row in mine.context["rows"])
    assert mine.context["rows"]
    # Seeding again adds nothing.
    volunteers, matches = Volunteer.objects.count(), Match.objects.count()
    services.seed_demo(persons=10, seed=6)
    assert (Volunteer.objects.count(), Match.objects.count()) == (volunteers, matches)
