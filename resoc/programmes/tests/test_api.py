"""/api/v1/programmes and /api/v1/persons/{id}/eligibility: catalogue for any token, eligibility under the policy."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from resoc.audit.models import AuditAction, AuditEntry
from resoc.people.models import Person
from resoc.plans.tests.conftest import sign_assessment
from resoc.programmes.tests.conftest import make_programme
from resoc.sentences.models import Sentence

pytestmark = pytest.mark.django_db


def test_the_catalogue_lists_offered_programmes_with_their_rules(world, directory, api_as) -> None:
    api = api_as("ngo_coordinator")
    response = api.get("/programmes")
    assert response.status_code == 200, response.content
    body = response.json()
    codes = [row["code"] for row in body["results"]]
    assert codes == ["metinatajs", "latviesu-valoda"]  # types in order: vocational, then state language
    latvian = body["results"][1]
    assert latvian["type"] == "state_language"
    assert latvian["needs"] == ["latvian_language"]
    assert latvian["eligibility"]["max_latvian_level"] == "A2"
    assert latvian["organizations"] == ["ievp"]
    assert body["count"] == 2


def test_filters_and_retired_programmes(world, directory, api_as) -> None:
    api = api_as("prison_officer")
    assert [r["code"] for r in api.get("/programmes?need=latvian_language").json()["results"]] == [
        "latviesu-valoda"
    ]
    assert [r["code"] for r in api.get("/programmes?type=vocational_education").json()["results"]] == [
        "metinatajs"
    ]
    assert [r["code"] for r in api.get("/programmes?q=metinat").json()["results"]] == ["metinatajs"]
    assert api.get("/programmes?organization=nva").json()["count"] == 0
    everything = api.get("/programmes?include_retired=true").json()
    assert "vecais-kurss" in [r["code"] for r in everything["results"]]
    retired = directory["retired"]
    body = api.get(f"/programmes/{retired.public_id}").json()
    assert body["is_active"] is False
    assert body["name"] == "Vecais kurss"


def test_unknown_programme_is_a_problem_404(world, api_as) -> None:
    response = api_as("prison_officer").get("/programmes/00000000-0000-0000-0000-000000000000")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"


def test_the_catalogue_takes_the_same_queries_for_two_or_twenty_programmes(world, directory, api_as) -> None:
    api = api_as("prison_officer")
    api.get("/programmes")  # warm the token and session paths
    with CaptureQueriesContext(connection) as few:
        api.get("/programmes")
    for number in range(18):
        make_programme(f"p-{number}", name=f"Programma {number}", organizations=["ievp", "nva"])
    with CaptureQueriesContext(connection) as many:
        assert api.get("/programmes").json()["count"] == 20
    assert len(many) == len(few)


def test_eligibility_for_a_prisoner_with_reasons(world, directory, serving, api_as) -> None:
    make_programme(
        "ilgtermina",
        type_code="correction",
        name="Ilgtermiņa programma",
        min_months_left=24,
        risk_levels=["high", "very_high"],
    )
    Person.objects.filter(pk=world.person.pk).update(latvian_level="B2")
    api = api_as("prison_officer")
    response = api.get(f"/persons/{world.person.public_id}/eligibility")
    assert response.status_code == 200, response.content
    rows = {row["code"]: row for row in response.json()["results"]}
    assert set(rows) == {"metinatajs", "latviesu-valoda", "ilgtermina"}
    assert rows["metinatajs"]["status"] == "eligible"
    assert rows["latviesu-valoda"]["status"] == "not_eligible"
    assert [f["rule"] for f in rows["latviesu-valoda"]["findings"]] == ["latvian_level"]
    long = rows["ilgtermina"]
    assert long["status"] == "not_eligible"
    # No signed assessment yet: the risk level is unknown, the time left fails.
    assert [(f["rule"], f["outcome"]) for f in long["findings"]] == [
        ("time_left", "failed"),
        ("risk_level", "unknown"),
    ]
    views = AuditEntry.objects.filter(
        action=AuditAction.VIEW, person_public_id=world.person.public_id, record_type="programme_eligibility"
    )
    assert sorted(views.values_list("category", flat=True)) == ["assessment", "sentence"]


def test_eligibility_reads_the_signed_assessment_and_the_sentence_end(
    world, directory, serving, api_as
) -> None:
    make_programme(
        "augsta-riska", type_code="correction", name="Augsta riska", risk_levels=["high", "very_high"]
    )
    sign_assessment(world)  # known scores give a medium risk level
    Sentence.objects.filter(person=world.person).update(ends_on=dt.date.today() + dt.timedelta(days=10))
    make_programme("gads", type_code="motivation", name="Gads", min_months_left=1)
    rows = {
        row["code"]: row
        for row in api_as("prison_officer")
        .get(f"/persons/{world.person.public_id}/eligibility")
        .json()["results"]
    }
    assert [f["outcome"] for f in rows["augsta-riska"]["findings"]] == ["failed"]
    assert [f["rule"] for f in rows["gads"]["findings"]] == ["time_left"]


@pytest.mark.parametrize("persona", ["ngo_coordinator", "other_prison_officer", "mentor", "facilitator"])
def test_eligibility_is_refused_like_an_unknown_person(world, directory, serving, api_as, persona) -> None:
    response = api_as(persona).get(f"/persons/{world.person.public_id}/eligibility")
    assert response.status_code in (403, 404)
    if persona != "facilitator":
        assert response.status_code == 404
    assert AuditEntry.objects.filter(
        action=AuditAction.DENIED, person_public_id=world.person.public_id, actor_username=persona
    ).exists()
    assert not AuditEntry.objects.filter(action=AuditAction.VIEW, actor_username=persona).exists()


def test_ngo_coordinator_with_consent_still_cannot_read_eligibility(
    world, directory, serving, api_as
) -> None:
    from conftest import add_consent, add_relationship

    add_relationship(world.person, "test-ngo", "client")
    add_consent(world.person, world.ngo, ["identity", "education_employment", "health"])
    response = api_as("ngo_coordinator").get(f"/persons/{world.person.public_id}/eligibility")
    assert response.status_code == 404


def test_eligibility_takes_the_same_queries_for_few_and_many_programmes(
    world, directory, serving, api_as
) -> None:
    api = api_as("prison_officer")
    url = f"/persons/{world.person.public_id}/eligibility"
    api.get(url)
    with CaptureQueriesContext(connection) as few:
        api.get(url)
    for number in range(12):
        make_programme(
            f"p-{number}", name=f"Programma {number}", min_months_left=3, organizations=["ievp", "vpd"]
        )
    with CaptureQueriesContext(connection) as many:
        assert len(api.get(url).json()["results"]) == 14
    assert len(many) == len(few)
