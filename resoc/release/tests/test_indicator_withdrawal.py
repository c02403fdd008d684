"""Withdrawing a meeting indicator: who may, with a reason, kept in history, no longer counted."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from resoc.audit.models import AuditAction, AuditEntry
from resoc.people.models import PersonEvent
from resoc.release import services
from resoc.release.models import MeetingIndicator, MeetingReason
from resoc.release.rules import meeting_required
from resoc.release.tests.conftest import days, org, snapshot


def indicate(world, kind: str = "sexual_offence") -> MeetingIndicator:
    return services.indicator_record(
        acting=world.acting("prison_officer"),
        person=world.person,
        kind=kind,
        source="Zemgales rajona tiesas spriedums 12.03.2024",
        noted_on=days(-1),
    )


def test_a_withdrawn_indicator_no_longer_makes_a_meeting_required(world, held):
    indicator = indicate(world)
    assert meeting_required(world.person) == [MeetingReason.SEXUAL_OFFENCE]

    services.indicator_withdraw(
        acting=world.acting("probation_officer"), indicator=indicator, reason="Spriedums grozīts apelācijā"
    )

    assert meeting_required(world.person) == []
    indicator.refresh_from_db()
    assert indicator.is_withdrawn
    assert indicator.withdrawn_by == world.users["probation_officer"]
    assert indicator.withdrawn_by_organization == org("vpd-zemgale")
    assert indicator.withdrawal_reason == "Spriedums grozīts apelācijā"
    event = PersonEvent.objects.get(type="release_indicator_withdrawn")
    assert event.parameters["reason"] == "Spriedums grozīts apelācijā"
    entry = AuditEntry.objects.get(record_type=services.RECORD_INDICATOR, action=AuditAction.UPDATE)
    assert entry.actor_username == "probation_officer"
    assert entry.detail["withdrawn"] is True


def test_another_current_indicator_of_the_same_kind_still_counts(world, held):
    first = indicate(world)
    indicate(world)
    services.indicator_withdraw(acting=world.acting("prison_officer"), indicator=first, reason="Kļūda")
    assert meeting_required(world.person) == [MeetingReason.SEXUAL_OFFENCE]


def test_a_reason_is_required_and_a_second_withdrawal_is_refused(world, held):
    indicator = indicate(world)
    before = snapshot()
    with pytest.raises(ValidationError) as error:
        services.indicator_withdraw(acting=world.acting("prison_officer"), indicator=indicator, reason="  ")
    assert "reason" in error.value.message_dict
    assert snapshot() == before
    services.indicator_withdraw(acting=world.acting("prison_officer"), indicator=indicator, reason="Kļūda")
    with pytest.raises(ValidationError) as error:
        services.indicator_withdraw(
            acting=world.acting("prison_officer"), indicator=indicator, reason="Vēlreiz"
        )
    assert error.value.message_dict["reason"] == ["This indicator has already been withdrawn."]
    indicator.refresh_from_db()
    assert indicator.withdrawal_reason == "Kļūda"


@pytest.mark.parametrize(
    "persona",
    [
        "other_prison_officer",
        "facilitator",
        "mentor",
        "analyst",
        "social_worker",
        "career_consultant",
        "auditor",
    ],
)
def test_who_may_not_record_may_not_withdraw(world, held, persona):
    indicator = indicate(world)
    before = snapshot()
    with pytest.raises(PermissionDenied):
        services.indicator_withdraw(acting=world.acting(persona), indicator=indicator, reason="Kļūda")
    assert snapshot() == before
    response = world.client(persona).post(
        reverse("release:indicator_withdraw", args=[indicator.public_id]), {"reason": "Kļūda"}
    )
    assert response.status_code in (403, 404)
    indicator.refresh_from_db()
    assert not indicator.is_withdrawn
    assert meeting_required(world.person) == [MeetingReason.SEXUAL_OFFENCE]


def test_withdrawing_from_the_page_keeps_the_history_visible(world, held):
    indicator = indicate(world)
    client = world.client("prison_officer")
    url = reverse("release:indicator_withdraw", args=[indicator.public_id])
    response = client.post(url, {"reason": ""}, follow=True)
    assert "The indicator was not withdrawn" in response.content.decode()
    assert not MeetingIndicator.objects.get().is_withdrawn
    response = client.post(url, {"reason": "Drošības daļas ziņojums atsaukts"}, follow=True)
    html = response.content.decode()
    assert "The indicator has been withdrawn." in html
    assert "Drošības daļas ziņojums atsaukts" in html
    assert "Withdrawn" in html
    assert "No reason for an inter-institutional meeting is recorded." in html
    # An unknown indicator answers like a refused one, and the attempt is audited.
    unknown = client.post(
        reverse("release:indicator_withdraw", args=[world.person.public_id]), {"reason": "x"}
    )
    assert unknown.status_code == 404
    assert AuditEntry.objects.filter(
        action=AuditAction.DENIED, record_type=services.RECORD_INDICATOR
    ).exists()
