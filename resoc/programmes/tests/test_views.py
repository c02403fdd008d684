"""The catalogue pages, editing by the owners, rooms, and a person's eligibility page."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from resoc.access.models import Membership
from resoc.access.roles import Role
from resoc.audit.models import AuditAction, AuditEntry
from resoc.organizations.models import Organization
from resoc.programmes.models import Programme, Room
from resoc.programmes.tests.conftest import make_programme

pytestmark = pytest.mark.django_db


def english(client):
    client.cookies["resoc_language"] = "en"
    return client


def test_the_catalogue_lists_and_filters(world, directory) -> None:
    client = english(world.client("ngo_coordinator"))
    page = client.get("/programmes/").content.decode()
    assert "Welder" in page
    assert "Latvian language course" in page
    assert "Old course" not in page
    page = client.get("/programmes/?need=latvian_language").content.decode()
    assert "Latvian language course" in page
    assert "Welder" not in page
    page = client.get("/programmes/?q=zzz").content.decode()
    assert "No programme matches these filters." in page
    assert "Old course" in client.get("/programmes/?include_retired=on").content.decode()


def test_the_latvian_filter_asks_for_the_programme_name_not_a_persons_name(world, directory) -> None:
    page = world.client("prison_officer").get("/programmes/").content.decode()
    assert '<label for="id_q">Nosaukums:</label>' in page
    assert "Vārds, uzvārds" not in page


def test_an_empty_catalogue_says_so(world) -> None:
    page = english(world.client("prison_officer")).get("/programmes/").content.decode()
    assert "The catalogue is empty." in page
    assert "Add a programme" not in page


def test_the_catalogue_takes_the_same_queries_for_few_and_many(world, directory) -> None:
    client = world.client("prison_officer")
    client.get("/programmes/")
    with CaptureQueriesContext(connection) as few:
        client.get("/programmes/")
    for number in range(15):
        make_programme(f"p-{number}", name=f"Programma {number}", organizations=["ievp", "nva"])
    with CaptureQueriesContext(connection) as many:
        assert "Programma 14" in client.get("/programmes/").content.decode()
    assert len(many) == len(few)


def test_the_detail_page_shows_rules_and_places_and_a_retired_programme_stays_readable(
    world, directory
) -> None:
    client = english(world.client("mentor"))
    page = client.get(f"/programmes/{directory['latvian'].public_id}/").content.decode()
    assert "Latvian at most" in page
    assert "Jelgavas cietums" in page
    page = client.get(f"/programmes/{directory['retired'].public_id}/").content.decode()
    assert "This programme is retired" in page
    assert client.get("/programmes/00000000-0000-0000-0000-000000000000/").status_code == 404


def ievp_admin(world):
    from resoc.access.models import User

    user = User.objects.create_user(username="ievp_admin", password="a-long-test-password-1")
    Membership.objects.create(
        user=user, organization=Organization.objects.get(code="ievp"), role=Role.ORG_ADMIN
    )
    return user


def programme_post(**overrides):
    data = {
        "code": "virpotajs",
        "name": "Virpotājs",
        "name_en": "Turner",
        "type": "",
        "aims": "Virpotāja kvalifikācija",
        "organizations": [],
        "sessions": "100",
        "hours": "400",
        "min_age": "18",
        "min_latvian_level": "B1",
        "min_months_left": "6",
        "is_active": "on",
    }
    data.update(overrides)
    return data


def test_an_owner_adds_and_retires_a_programme(world, directory) -> None:
    from django.test import Client

    from resoc.programmes.models import ProgrammeType

    client = Client()
    client.force_login(ievp_admin(world))
    vocational = ProgrammeType.objects.get(code="vocational_education").pk
    ievp = Organization.objects.get(code="ievp").pk
    response = client.post(
        "/programmes/new/",
        programme_post(type=vocational, organizations=[ievp], needs=["education_employment"]),
    )
    assert response.status_code == 302, response.content.decode()
    turner = Programme.objects.get(code="virpotajs")
    assert turner.min_latvian_level == "B1"
    assert turner.needs == ["education_employment"]
    assert AuditEntry.objects.filter(action=AuditAction.CREATE, record_type="programme").exists()
    data = programme_post(type=vocational, organizations=[ievp])
    del data["is_active"]
    assert client.post(f"/programmes/{turner.public_id}/edit/", data).status_code == 302
    turner.refresh_from_db()
    assert turner.is_active is False


def test_bad_programme_input_is_refused_and_nothing_is_saved(world, directory) -> None:
    from django.test import Client

    from resoc.programmes.models import ProgrammeType

    client = english(Client())
    client.force_login(ievp_admin(world))
    vocational = ProgrammeType.objects.get(code="vocational_education").pk
    nva = Organization.objects.get(code="nva").pk
    before = Programme.objects.count()
    response = client.post(
        "/programmes/new/", programme_post(type=vocational, organizations=[nva], min_age="40", max_age="20")
    )
    assert response.status_code == 422
    page = response.content.decode()
    assert "Your organization (or one below it) must be among those that deliver it." in page
    response = client.post(
        "/programmes/new/",
        programme_post(
            type=vocational,
            organizations=[Organization.objects.get(code="ievp").pk],
            min_age="40",
            max_age="20",
        ),
    )
    assert response.status_code == 422
    assert "The maximum age is below the minimum age." in response.content.decode()
    assert Programme.objects.count() == before


@pytest.mark.parametrize("persona", ["prison_officer", "org_admin", "ngo_coordinator"])
def test_others_may_not_edit_what_they_do_not_deliver(world, directory, persona) -> None:
    # The Jelgava prison's administrator is below IeVP, but the programme is IeVP's, not theirs.
    client = world.client(persona)
    assert client.get(f"/programmes/{directory['welder'].public_id}/edit/").status_code == 403
    may_create = persona == "org_admin"
    assert client.get("/programmes/new/").status_code == (200 if may_create else 403)


def test_a_prison_admin_edits_the_programmes_the_prison_delivers(world, directory) -> None:
    local = make_programme(
        "jelgavas-sports", type_code="leisure_sport", name="Sports", organizations=["jelgavas-cietums"]
    )
    assert world.client("org_admin").get(f"/programmes/{local.public_id}/edit/").status_code == 200


def test_rooms_per_place_and_adding_one(world, directory) -> None:
    client = english(world.client("org_admin"))
    page = client.get("/programmes/rooms/").content.decode()
    assert "Metināšanas darbnīca" in page
    assert "Add a room" in page
    location = directory["location"]
    response = client.post(
        "/programmes/rooms/",
        {"location": location.pk, "name": "Klase 2", "kind": "classroom", "capacity": "15"},
    )
    assert response.status_code == 302
    response = client.post(
        "/programmes/rooms/",
        {"location": location.pk, "name": "klase 2", "kind": "classroom", "capacity": "15"},
    )
    assert response.status_code == 422
    assert "already has a room with this name" in response.content.decode()
    assert Room.objects.filter(location=location).count() == 3
    other = english(world.client("other_prison_officer"))
    assert "Add a room" not in other.get("/programmes/rooms/").content.decode()
    response = other.post(
        "/programmes/rooms/", {"location": location.pk, "name": "X", "kind": "classroom", "capacity": "5"}
    )
    assert response.status_code == 403


def test_the_eligibility_page_explains_each_programme(world, directory, serving) -> None:
    client = english(world.client("prison_officer"))
    response = client.get(f"/programmes/eligibility/{world.person.public_id}/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "The Latvian language level is not recorded." in page
    assert (
        AuditEntry.objects.filter(
            action=AuditAction.VIEW, record_type="programme_eligibility", actor_username="prison_officer"
        ).count()
        == 2
    )
    case_file = client.get(f"/people/{world.person.public_id}/").content.decode()
    assert f"/programmes/eligibility/{world.person.public_id}/" in case_file


@pytest.mark.parametrize("persona", ["ngo_coordinator", "other_prison_officer", "facilitator", "analyst"])
def test_the_eligibility_page_is_refused_as_not_found(world, directory, serving, persona) -> None:
    response = world.client(persona).get(f"/programmes/eligibility/{world.person.public_id}/")
    assert response.status_code == 404
    assert AuditEntry.objects.filter(action=AuditAction.DENIED, actor_username=persona).exists()


def test_latvian_interface(world, directory) -> None:
    with translation.override("lv"):
        page = world.client("prison_officer").get("/programmes/").content.decode()
    assert "Metinātājs" in page


def test_rule_values_are_shown_in_words(world, directory) -> None:
    women = make_programme("sievietem", name="Sievietēm", sexes=["female"], risk_levels=["very_high"])
    page = english(world.client("prison_officer")).get(f"/programmes/{women.public_id}/").content.decode()
    assert "Only for: Female" in page
    assert "For risk levels: Very high" in page


def test_the_rooms_page_takes_the_same_queries_for_few_and_many(world, directory) -> None:
    client = world.client("org_admin")
    client.get("/programmes/rooms/")
    with CaptureQueriesContext(connection) as few:
        client.get("/programmes/rooms/")
    from resoc.programmes.tests.conftest import make_location

    for number in range(5):
        location = make_location("jelgavas-cietums", f"Korpuss {number}")
        Room.objects.create(location=location, name=f"Klase {number}", capacity=10)
    with CaptureQueriesContext(connection) as many:
        assert "Klase 4" in client.get("/programmes/rooms/").content.decode()
    assert len(many) == len(few)


def test_the_eligibility_page_takes_the_same_queries_for_few_and_many(world, directory, serving) -> None:
    client = world.client("prison_officer")
    url = f"/programmes/eligibility/{world.person.public_id}/"
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for number in range(12):
        make_programme(f"p-{number}", name=f"Programma {number}", min_age=18, regime_levels=["closed-medium"])
    with CaptureQueriesContext(connection) as many:
        assert "Programma 11" in client.get(url).content.decode()
    assert len(many) == len(few)
