"""An incoming transfer is recorded by the sending prison (or IeVP), never by the receiving prison.

The transfer order is executed by the prison holding the person; the receiving prison reads the
person only from the day the transfer opens its custody period.
"""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from resoc.access import policy
from resoc.audit.models import AuditAction, AuditEntry
from resoc.sentences import services
from resoc.sentences.models import CustodyPeriod
from resoc.sentences.tests.conftest import counts, days, org


def test_the_receiving_prisons_officer_cannot_record_the_transfer(world, held):
    before = counts()
    with pytest.raises(PermissionDenied):
        services.custody_transfer(
            acting=world.acting("other_prison_officer"),
            person=world.person,
            to_prison=org("jekabpils-cietums"),
            transferred_on=days(-1),
        )
    assert counts() == before
    assert CustodyPeriod.objects.get().prison == org("jelgavas-cietums")


def test_the_receiving_prison_reads_nothing_before_the_transfer(world, held, api_as):
    receiving = world.acting("other_prison_officer")
    for category in policy.categories():
        assert not policy.can_read(receiving, world.person, category.key)
    assert not policy.visible_persons(receiving).filter(pk=world.person.pk).exists()
    client = world.client("other_prison_officer")
    for name in ("transfer", "admit"):
        response = client.get(reverse(f"sentences:{name}", args=[world.person.public_id]))
        assert response.status_code == 404
    response = api_as("other_prison_officer").post(
        f"/persons/{world.person.public_id}/transfers",
        {"to_prison": "jekabpils-cietums", "transferred_on": days(-1).isoformat()},
    )
    assert response.status_code == 404
    assert CustodyPeriod.objects.count() == 1
    assert AuditEntry.objects.filter(
        action=AuditAction.DENIED,
        person_public_id=world.person.public_id,
        actor_username="other_prison_officer",
    ).exists()


def test_after_the_sending_prison_records_it_the_receiving_prison_reads_and_the_sender_does_not(world, held):
    services.custody_transfer(
        acting=world.acting("prison_officer"),
        person=world.person,
        to_prison=org("jekabpils-cietums"),
        transferred_on=days(0),
    )
    assert policy.can_read(world.acting("other_prison_officer"), world.person, policy.SENTENCE.key)
    # The sending prison's custody ends with the day of the transfer: tomorrow it reads nothing.
    assert not policy.can_read(world.acting("prison_officer"), world.person, policy.SENTENCE.key, on=days(1))
