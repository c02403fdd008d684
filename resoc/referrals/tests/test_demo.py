import pytest

from resoc.access.context import acting_for
from resoc.access.models import User
from resoc.demo import services as demo
from resoc.people.models import Relationship
from resoc.referrals import selectors
from resoc.referrals.models import Referral, State, Transition

pytestmark = pytest.mark.django_db


def test_the_demo_ngo_has_an_inbox_with_referrals_behind_its_relationships():
    demo.seed_demo(persons=400, seed=6)
    referrals = Referral.objects.all()
    assert referrals.exists()
    assert referrals.filter(person__is_synthetic=False).count() == 0
    assert referrals.filter(state__in=[State.COMPLETED, State.DECLINED, State.EXPIRED]).exists()
    for referral in referrals.filter(state__in=[State.SENT, State.ACCEPTED, State.IN_PROGRESS])[:20]:
        assert Relationship.objects.filter(
            source=f"referral:{referral.public_id}", ends_on__isnull=True
        ).exists()
        first = Transition.objects.filter(referral=referral).first()
        assert first is not None
        assert first.to_state == State.DRAFT
    coordinator = acting_for(User.objects.get(username="demo-ngo"))
    assert selectors.box(coordinator, selectors.Box.INBOX).exists()
