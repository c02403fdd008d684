"""Two coordinators accepting the same referral at the same moment: one wins, the other is told who.

The threaded test needs a database that locks rows (PostgreSQL); ``test_services`` proves on every
database that the acceptance re-reads the locked row instead of trusting the page it came from.
"""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from conftest import at_once, meeting_point
from resoc.access.models import Membership, User
from resoc.access.roles import Role
from resoc.referrals import services
from resoc.referrals.models import Referral, Transition
from resoc.referrals.tests.conftest import refer


@pytest.mark.django_db(transaction=True)
def test_two_coordinators_accepting_at_once(world, agreement, consent):
    second = User.objects.create_user(username="second", first_name="Otra")
    Membership.objects.create(user=second, organization=world.ngo, role=Role.NGO_COORDINATOR)
    world.users["second"] = second
    referral = refer(world)
    barrier = meeting_point(2)
    outcomes: dict[str, str] = {}

    def accept(persona: str) -> None:
        try:
            acting = world.acting(persona)
            stale = Referral.objects.get(pk=referral.pk)
            barrier.wait(timeout=10)
            services.referral_transition(acting=acting, referral=stale, action="accept")
            outcomes[persona] = "accepted"
        except ValidationError as error:
            outcomes[persona] = error.code or ""
        finally:
            connection.close()

    at_once([threading.Thread(target=accept, args=(p,)) for p in ("ngo_coordinator", "second")])
    assert sorted(outcomes.values()) == ["accepted", "already_accepted"]
    assert Transition.objects.filter(referral=referral, to_state="accepted").count() == 1
