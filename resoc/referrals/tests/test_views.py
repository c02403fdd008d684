import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from conftest import add_consent
from resoc.audit.models import AuditEntry
from resoc.people.models import Person, Relationship
from resoc.referrals import services
from resoc.referrals.models import Notification, Referral, State
from resoc.referrals.tests.conftest import org, refer

pytestmark = pytest.mark.django_db


def _people(world, count):
    persons = []
    for index in range(count):
        person = Person.objects.create(
            given_names="Pēteris",
            family_name=f"Kalniņš{chr(97 + index % 26)}",
            date_of_birth=dt.date(1985, 1, 1 + index % 28),
            sex="male",
        )
        Relationship.objects.create(
            person=person, organization=org("jelgavas-cietums"), kind="custody", starts_on=dt.date(2025, 1, 1)
        )
        add_consent(person, world.ngo, ["identity", "family"])
        persons.append(person)
    return persons


def _inbox_queries(client, url="/referrals/"):
    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured), response


def test_the_inbox_lists_received_referrals_in_a_fixed_number_of_queries(ready):
    for person in _people(ready, 3):
        refer(ready, person=person)
    client = ready.client("ngo_coordinator")
    few, response = _inbox_queries(client)
    assert "Kalniņš" in response.content.decode()
    for person in _people(ready, 12):
        referral = refer(ready, person=person)
        services.referral_transition(
            acting=ready.acting("ngo_coordinator"), referral=referral, action="accept"
        )
    many, response = _inbox_queries(client)
    assert many == few
    assert few <= 16
    assert AuditEntry.objects.filter(action="list", actor=ready.users["ngo_coordinator"]).exists()


def test_the_outbox_and_the_filters(ready):
    referral = refer(ready)
    client = ready.client("prison_officer")
    assert "Bērziņš" in client.get("/referrals/sent/").content.decode()
    Referral.objects.filter(pk=referral.pk).update(respond_by=dt.date(2020, 1, 1))
    inbox = ready.client("ngo_coordinator")
    assert "Bērziņš" in inbox.get("/referrals/?due=overdue").content.decode()
    assert "Bērziņš" not in inbox.get("/referrals/?state=accepted").content.decode()
    assert "Bērziņš" not in inbox.get("/referrals/?urgency=urgent").content.decode()


def test_another_ngo_sees_neither_the_referral_nor_the_person(ready):
    referral = refer(ready)
    other = ready.client("mentor")  # a volunteer of the same NGO handles no referrals
    assert other.get("/referrals/").status_code == 403
    assert ready.client("career_consultant").get(f"/referrals/{referral.public_id}/").status_code == 404
    assert "Bērziņš" not in ready.client("career_consultant").get("/referrals/").content.decode()


def test_a_closed_referral_no_longer_shows_the_person_to_the_receiver(ready):
    referral = refer(ready)
    services.referral_transition(
        acting=ready.acting("ngo_coordinator"), referral=referral, action="decline", reason="Nav vietu"
    )
    page = ready.client("ngo_coordinator").get(f"/referrals/{referral.public_id}/").content.decode()
    assert "Bērziņš" not in page
    assert ready.client("ngo_coordinator").get(f"/people/{ready.person.public_id}/").status_code == 404


def test_accepting_through_htmx_swaps_the_referral(ready):
    referral = refer(ready)
    client = ready.client("ngo_coordinator")
    response = client.post(f"/referrals/{referral.public_id}/accept/", HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert 'id="referral"' in response.content.decode()
    assert Referral.objects.get(pk=referral.pk).state == State.ACCEPTED
    # The same click again, from a page that still shows the button.
    again = client.post(f"/referrals/{referral.public_id}/accept/", HTTP_HX_REQUEST="true")
    assert "already accepted by" in again.content.decode()


def test_an_action_of_the_wrong_side_is_forbidden(ready):
    referral = refer(ready)
    assert ready.client("prison_officer").post(f"/referrals/{referral.public_id}/accept/").status_code == 403
    assert (
        ready.client("ngo_coordinator").post(f"/referrals/{referral.public_id}/withdraw/").status_code == 403
    )


def test_an_out_of_order_action_without_script_shows_the_error(ready):
    referral = refer(ready)
    client = ready.client("ngo_coordinator")
    response = client.post(f"/referrals/{referral.public_id}/complete/", {"reason": "Gatavs"}, follow=True)
    assert "This cannot be done while the referral is" in response.content.decode()
    assert client.post(f"/referrals/{referral.public_id}/fly/").status_code == 302


def test_creating_through_the_form(ready):
    client = ready.client("prison_officer")
    url = f"/referrals/new/{ready.person.public_id}/"
    assert client.get(url).status_code == 200
    data = {
        "receiver": str(ready.ngo.public_id),
        "reason": "Mājokļa meklēšana",
        "urgency": "soon",
        "categories": ["identity", "health"],
    }
    refused = client.post(url, data)
    assert refused.status_code == 422
    assert "has not consented" in refused.content.decode()
    assert not Referral.objects.exists()
    data["categories"] = ["identity", "family"]
    response = client.post(url, data)
    referral = Referral.objects.get()
    assert response.status_code == 302
    assert referral.state == State.SENT
    assert referral.urgency == "soon"
    assert (
        client.get(f"/referrals/new/{ready.person.public_id}/".replace("new/", "new/"), {}).status_code == 200
    )
    assert ready.client("other_prison_officer").get(url).status_code == 404


def test_finding_the_person_to_refer(ready):
    client = ready.client("prison_officer")
    assert "Bērziņš" in client.get("/referrals/new/?q=berzins").content.decode()
    assert (
        "Bērziņš"
        not in ready.client("other_prison_officer").get("/referrals/new/?q=berzins").content.decode()
    )


def test_internal_notes_stay_in_their_organization(ready):
    referral = refer(ready)
    sender = ready.client("prison_officer")
    sender.post(
        f"/referrals/{referral.public_id}/notes/", {"text": "Tikai cietumam", "visibility": "internal"}
    )
    sender.post(f"/referrals/{referral.public_id}/notes/", {"text": "Abām pusēm", "visibility": "shared"})
    receiver_page = ready.client("ngo_coordinator").get(f"/referrals/{referral.public_id}/").content.decode()
    assert "Abām pusēm" in receiver_page
    assert "Tikai cietumam" not in receiver_page
    assert "Tikai cietumam" in sender.get(f"/referrals/{referral.public_id}/").content.decode()
    empty = sender.post(
        f"/referrals/{referral.public_id}/notes/", {"text": " ", "visibility": "shared"}, follow=True
    )
    assert empty.status_code == 200


def test_the_timeline_shows_each_state(ready):
    referral = refer(ready)
    services.referral_transition(acting=ready.acting("ngo_coordinator"), referral=referral, action="accept")
    page = ready.client("prison_officer").get(f"/referrals/{referral.public_id}/").content.decode()
    for label in ("Draft", "Sent", "Accepted"):
        assert label in page


def test_notifications_and_the_unread_badge(ready):
    refer(ready)
    client = ready.client("ngo_coordinator")
    assert "1 unread" in client.get("/referrals/notifications/unread/").content.decode()
    assert "A referral arrived" in client.get("/referrals/notifications/").content.decode()
    client.post("/referrals/notifications/read/")
    assert not Notification.objects.filter(read_at__isnull=True, user=ready.users["ngo_coordinator"]).exists()
    assert "unread" not in client.get("/referrals/notifications/unread/").content.decode()


def test_rerouting_from_the_page(ready):
    referral = refer(ready)
    client = ready.client("prison_officer")
    response = client.post(
        f"/referrals/{referral.public_id}/reroute/", {"receiver": str(org("nva-jelgava").public_id)}
    )
    new = Referral.objects.get(previous=referral)
    assert response.status_code == 302
    assert response["Location"].endswith(f"/referrals/{new.public_id}/")
    page = client.get(f"/referrals/{new.public_id}/").content.decode()
    assert f"/referrals/{referral.public_id}/" in page  # the chain links back to the first one
