"""A facilitator reads only the participants of his own groups, and only what the group needs.

The prison's facilitator is a member of the prison, but custody, supervision and referral do not open
a file to him: only the ``participant`` relationship of a current place in a group he leads does. He
neither finds nor opens anyone else held there (404 like an unknown id, audited), loses the person
when the place or the group ends, and never reads the sentence and offence, even of his participants.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from conftest import add_relationship, enrol_with_facilitator
from resoc.access import policy
from resoc.access.context import acting_for
from resoc.access.models import Membership, User
from resoc.access.roles import Role
from resoc.audit.models import AuditAction, AuditEntry
from resoc.people.models import Person
from resoc.programmes import enrolment_services, services
from resoc.programmes.tests.conftest import org


@pytest.fixture
def outsider(world: Any) -> Person:
    """Pēteris Ozols, held at Jelgava prison like Jānis but in none of the facilitator's groups."""
    person = Person.objects.create(
        given_names="Pēteris",
        family_name="Ozols",
        personal_code="020285-10013",
        date_of_birth=dt.date(1985, 2, 2),
        sex="male",
    )
    add_relationship(person, "jelgavas-cietums", "custody")
    return person


def denied(person: Person, category: str = "identity") -> list[AuditEntry]:
    return list(
        AuditEntry.objects.filter(
            action=AuditAction.DENIED,
            actor_username="facilitator",
            person_public_id=person.public_id,
            category=category,
        )
    )


def test_the_prisons_facilitator_finds_only_his_participants(world, participant, outsider, api_as) -> None:
    acting = world.acting("facilitator")
    # The prison's resocialization officer sees both; the facilitator of the same prison only Jānis.
    assert set(policy.visible_persons(world.acting("prison_officer"))) == {participant, outsider}
    assert list(policy.visible_persons(acting)) == [participant]
    client = world.client("facilitator")
    search = client.get(reverse("people:search"), {"q": "ozols"}).content.decode()
    assert "Ozols" not in search
    assert "Bērziņš" in client.get(reverse("people:search"), {"q": "berzins"}).content.decode()
    caseload = client.get(reverse("casework:my_people")).content.decode()
    assert "Bērziņš" in caseload
    assert "Ozols" not in caseload
    assert "Ozols" not in b"".join(client.get(reverse("casework:export_csv")).streaming_content).decode(
        "utf-8-sig"
    )
    listed = api_as("facilitator").get("/persons").json()
    assert [p["public_id"] for p in listed["results"]] == [str(participant.public_id)]
    assert api_as("facilitator").get("/persons?q=ozols").json()["count"] == 0


def test_a_person_outside_his_groups_does_not_open_and_looks_unknown(
    world, participant, outsider, api_as
) -> None:
    client = world.client("facilitator")
    assert client.get(reverse("people:detail", args=[participant.public_id])).status_code == 200
    forbidden = client.get(reverse("people:detail", args=[outsider.public_id]))
    unknown = client.get(reverse("people:detail", args=[uuid.uuid4()]))
    assert forbidden.status_code == unknown.status_code == 404
    assert "Ozols" not in forbidden.content.decode()
    assert client.get(reverse("people:photo", args=[outsider.public_id])).status_code == 404
    api = api_as("facilitator")
    forbidden_api = api.get(f"/persons/{outsider.public_id}")
    unknown_api = api.get(f"/persons/{uuid.uuid4()}")
    assert forbidden_api.status_code == unknown_api.status_code == 404
    without_instance = [
        {k: v for k, v in r.json().items() if k != "instance"} for r in (forbidden_api, unknown_api)
    ]
    assert without_instance[0] == without_instance[1]
    # Every refusal is in the audit log: the page, the photo and the API call.
    assert len(denied(outsider)) == 3
    decision = policy.can_read(world.acting("facilitator"), outsider, "identity")
    assert decision.reason == policy.Reason.RELATIONSHIP


def test_another_facilitator_of_the_prison_does_not_read_the_participant(world, participant) -> None:
    colleague = User.objects.create_user(username="vaditaja", password="a-long-test-password-1")
    Membership.objects.create(
        user=colleague, organization=org("jelgavas-cietums"), role=Role.PROGRAMME_FACILITATOR
    )
    assert policy.can_read(world.acting("facilitator"), participant, "identity")
    assert not policy.can_read(acting_for(colleague), participant, "identity")
    assert not policy.visible_persons(acting_for(colleague)).exists()


def test_access_ends_when_the_place_is_withdrawn(world, api_as) -> None:
    enrolment = enrol_with_facilitator(world)
    client = world.client("facilitator")
    url = reverse("people:detail", args=[world.person.public_id])
    assert client.get(url).status_code == 200
    enrolment_services.enrolment_withdraw(
        acting=world.acting("prison_officer"), enrolment=enrolment, reason="Pārcelts uz citu grupu"
    )
    assert client.get(url).status_code == 404
    assert api_as("facilitator").get(f"/persons/{world.person.public_id}").status_code == 404
    assert not policy.visible_persons(world.acting("facilitator")).exists()
    assert len(denied(world.person)) == 2


def test_access_ends_with_the_groups_last_day(world) -> None:
    group = enrol_with_facilitator(world).group
    acting = world.acting("facilitator")
    assert policy.can_read(acting, world.person, "identity", on=group.ends_on)
    after = group.ends_on + dt.timedelta(days=1)
    assert policy.can_read(acting, world.person, "identity", on=after).reason == policy.Reason.RELATIONSHIP
    assert not policy.visible_persons(acting, on=after).exists()


def test_access_ends_when_the_group_is_cancelled(world) -> None:
    group = enrol_with_facilitator(world).group
    services.group_cancel(
        acting=world.acting("prison_officer"), group=group, reason="Nav pietiekami dalībnieku"
    )
    client = world.client("facilitator")
    assert client.get(reverse("people:detail", args=[world.person.public_id])).status_code == 404
    assert not policy.can_read(world.acting("facilitator"), world.person, "identity", on=timezone.localdate())
    assert len(denied(world.person)) == 1


def test_even_a_participants_sentence_and_offence_stay_closed(world, serving, api_as) -> None:
    enrol_with_facilitator(world)
    acting = world.acting("facilitator")
    readable = {key for key, decision in policy.readable_categories(acting, world.person).items() if decision}
    assert readable == {"identity", "education_employment", "assessment"}
    assert policy.can_read(acting, world.person, "sentence").reason == policy.Reason.ROLE
    client = world.client("facilitator")
    page = client.get(reverse("people:detail", args=[world.person.public_id])).content.decode()
    assert 'id="section-sentence"' not in page
    assert "Zemgales rajona tiesa" not in page  # the court of Jānis's sentence
    purpose = client.post(
        reverse("people:state_purpose", args=[world.person.public_id, "sentence"]), {"purpose": "Grupai"}
    )
    assert purpose.status_code == 404
    api = api_as("facilitator")
    assert api.get(f"/persons/{world.person.public_id}/sentences").status_code == 404
    assert api.get(f"/persons/{world.person.public_id}/custody-periods").status_code == 404
    assert len(denied(world.person, "sentence")) >= 2
    assert not AuditEntry.objects.filter(
        action=AuditAction.VIEW, actor_username="facilitator", category="sentence"
    ).exists()
