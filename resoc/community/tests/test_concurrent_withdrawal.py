"""Two people withdraw the same consent at once: one withdrawal is kept, the other is refused."""

from __future__ import annotations

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections

from conftest import add_relationship, at_once
from resoc.community import events
from resoc.community.consents import consent_record, consent_withdraw
from resoc.community.tests.conftest import spec
from resoc.people.models import Consent, PersonEvent

pytestmark = [
    pytest.mark.django_db(transaction=True),
]


def test_the_second_of_two_simultaneous_withdrawals_finds_it_withdrawn(world, monkeypatch):
    add_relationship(world.person, "test-ngo", "referral")
    consent = consent_record(acting=world.acting("prison_officer"), person=world.person, spec=spec(world))
    first_inside = threading.Event()
    let_first_finish = threading.Event()
    original = events.consent_withdrawn_event

    def slow_event(**kwargs):
        # The first withdrawal holds the row lock here until the second one has started.
        if not first_inside.is_set():
            first_inside.set()
            let_first_finish.wait(timeout=10)
        return original(**kwargs)

    monkeypatch.setattr(events, "consent_withdrawn_event", slow_event)
    outcomes: dict[str, str] = {}

    def withdraw(persona: str, reason: str) -> None:
        try:
            consent_withdraw(acting=world.acting(persona), consent=consent, reason=reason)
            outcomes[persona] = "withdrawn"
        except ValidationError as error:
            outcomes[persona] = error.code or ""
        finally:
            connections.close_all()

    officer = threading.Thread(target=withdraw, args=("prison_officer", "Inspektoram"))
    coordinator = threading.Thread(target=withdraw, args=("ngo_coordinator", "Koordinatoram"))
    if connection.vendor == "postgresql":
        officer.start()
        assert first_inside.wait(timeout=10)
        coordinator.start()
        coordinator.join(timeout=0.5)  # it waits for the row lock
        let_first_finish.set()
        officer.join(timeout=10)
        coordinator.join(timeout=10)
    else:
        # SQLite has one writer at a time: the coordinator acts after the officer, on the consent
        # as both read it before either wrote.
        let_first_finish.set()
        at_once([officer, coordinator])
    assert outcomes == {"prison_officer": "withdrawn", "ngo_coordinator": "already_withdrawn"}
    consent = Consent.objects.get()
    assert consent.withdrawal_reason == "Inspektoram"
    assert PersonEvent.objects.filter(type="consent_withdrawn").count() == 1
