"""Two coordinators deciding the same hours at the same moment: one decision stands, the other is
refused. Needs row locks, so it runs on PostgreSQL (SQLite serializes writers anyway)."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connections

from conftest import at_once, meeting_point
from resoc.access.context import acting_for
from resoc.access.models import Membership, User
from resoc.access.roles import Role
from resoc.volunteers import activities
from resoc.volunteers.models import HoursClaim, HoursStatus
from resoc.volunteers.tests.conftest import prison_activity, take_part


@pytest.mark.django_db(transaction=True)
def test_two_coordinators_deciding_at_once_leave_one_decision(world, mentor_volunteer):
    second = User.objects.create_user(username="second-coordinator", password="a-long-test-password-1")
    Membership.objects.create(user=second, organization=world.ngo, role=Role.NGO_COORDINATOR)
    activity = prison_activity(world)
    participation = take_part(activity, mentor_volunteer)
    activities.check_in(acting=world.acting("mentor"), participation=participation, at=activity.starts_at)
    claim = activities.check_out(
        acting=world.acting("mentor"), participation=participation, at=activity.ends_at
    )
    barrier = meeting_point(2)
    outcomes: list[str] = []

    def decide(user, approve):
        try:
            acting = acting_for(user)
            own = HoursClaim.objects.select_related(
                "participation__activity__organization", "participation__volunteer"
            ).get(pk=claim.pk)
            barrier.wait()
            if approve:
                activities.hours_approve(acting=acting, claim=own)
            else:
                activities.hours_decline(acting=acting, claim=own, reason="Nepareizs laiks")
            outcomes.append("decided")
        except ValidationError:
            outcomes.append("refused")
        finally:
            connections.close_all()

    at_once(
        [
            threading.Thread(target=decide, args=(world.users["ngo_coordinator"], True)),
            threading.Thread(target=decide, args=(second, False)),
        ]
    )
    assert sorted(outcomes) == ["decided", "refused"]
    assert HoursClaim.objects.count() == 1
    assert HoursClaim.objects.get().status in (HoursStatus.APPROVED, HoursStatus.DECLINED)
