"""Two coordinators propose the mentor's last place at the same moment: one proposal wins.

Needs real concurrent transactions, so it runs on PostgreSQL (SQLite serialises every writer).
"""

from __future__ import annotations

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from conftest import at_once, meeting_point
from resoc.access.context import acting_for
from resoc.access.models import Membership, User
from resoc.access.roles import Role
from resoc.mentoring import services
from resoc.mentoring.models import Match
from resoc.mentoring.tests.conftest import candidate, make_mentor, new_person


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("_reference_organizations")
def test_two_coordinators_cannot_both_take_the_last_place(world) -> None:
    mentor = make_mentor(world, capacity=1)
    second = User.objects.create_user(username="coordinator2", password="a-long-test-password-1")
    Membership.objects.create(user=second, organization=world.ngo, role=Role.NGO_COORDINATOR)
    persons = [candidate(world), candidate(world, new_person("Pēteris"))]
    actings = [world.acting("ngo_coordinator"), acting_for(second)]
    barrier = meeting_point(2)
    outcomes: list[str] = []

    def propose(index: int) -> None:
        try:
            barrier.wait()
            services.match_propose(acting=actings[index], person=persons[index], mentor=mentor)
            outcomes.append("proposed")
        except ValidationError as error:
            outcomes.append(error.error_list[0].code or "refused")
        finally:
            connection.close()

    at_once([threading.Thread(target=propose, args=(i,)) for i in range(2)])
    assert sorted(outcomes) == ["capacity", "proposed"]
    assert Match.objects.count() == 1
