"""'My people': who is listed, the columns, filters, sorting, summary tiles, paging and the audit."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from resoc.access import policy
from resoc.audit.models import AuditAction, AuditEntry
from resoc.casework.tests.conftest import days, held, logged_in, measure, plan_for, signed
from resoc.people.models import Person

URL = reverse("casework:my_people")
TILES = reverse("casework:tiles")


def listed(response) -> list[str]:
    """Family names in the order the table lists them."""
    return re.findall(r'<th scope="row"><a href="/people/[^"]+/">([^,<]+),', response.content.decode())


@pytest.fixture
def caseload(world):
    """Jelgava prison's persons: releases at different distances, assessments, plans and actions."""
    ozols = held("Pēteris", "Ozols", release_in=20, personal_code="120385-10019")
    cirulis = held("Kārlis", "Čirulis", release_in=120)
    celms = held("Andris", "Celms", release_in=400)
    signed(world, ozols, "very_high")
    signed(world, cirulis, "low")
    plan = plan_for(world, ozols, review_in=-3)  # review overdue
    measure(plan, due_in=-5, description="Atkarību programma")
    plan_for(world, cirulis, review_in=60)
    other = held("Oskars", "Svešais", prison="jekabpils-cietums", release_in=10)
    return {"ozols": ozols, "cirulis": cirulis, "celms": celms, "other": other}


def test_it_lists_the_organizations_persons_with_their_picture(world, caseload):
    response = logged_in(world, "prison_officer").get(URL)
    assert response.status_code == 200
    assert listed(response) == ["Bērziņš", "Celms", "Čirulis", "Ozols"]  # Latvian order: Č after C
    html = response.content.decode()
    assert "Svešais" not in html
    assert "120385-10019" in html  # the personal code as the person search shows it
    assert "In custody" in html
    assert "Very high" in html
    assert "Review overdue" in html
    assert "Atkarību programma" in html  # the next action, from the plans source
    assert "No current assessment" in html  # Bērziņš and Celms


def test_another_prison_never_sees_these_persons(world, caseload):
    response = logged_in(world, "other_prison_officer").get(URL)
    assert listed(response) == ["Svešais"]
    for name in ("Ozols", "Čirulis", "Celms", "Bērziņš"):
        assert name not in response.content.decode()


def test_summary_tiles_count_the_whole_caseload_and_link_to_filters(world, caseload):
    response = logged_in(world, "prison_officer").get(TILES, headers={"HX-Request": "true"})
    summary = response.context["summary"]
    assert summary.persons == 4
    assert summary.overdue == 1  # persons: Ozols has an overdue measure and an overdue review
    assert summary.releases == {30: 1, 90: 1, 180: 2}
    assert summary.without_assessment == 2
    assert summary.without_plan == 2
    html = response.content.decode()
    assert "<html" not in html  # a fragment that replaces the placeholder
    assert html.lstrip().startswith('<ul id="caseload-tiles"')
    assert f'href="{URL}?overdue=on"' in html
    assert f'href="{URL}?without_plan=on"' in html


def test_the_list_does_not_wait_for_the_tiles(world, caseload):
    html = logged_in(world, "prison_officer").get(URL).content.decode()
    assert "summary" not in logged_in(world, "prison_officer").get(URL).context
    placeholder = re.search(r'<div id="caseload-tiles"[^>]*>', html)
    assert placeholder is not None
    assert 'aria-busy="true"' in placeholder.group(0)
    assert f'hx-get="{TILES}"' in placeholder.group(0)
    assert 'hx-trigger="load"' in placeholder.group(0)
    assert f'<a href="{TILES}">' in html  # without JavaScript the link opens the counts
    assert listed(logged_in(world, "prison_officer").get(URL)) == ["Bērziņš", "Celms", "Čirulis", "Ozols"]


def test_without_javascript_the_tiles_open_as_a_page(world, caseload):
    response = logged_in(world, "prison_officer").get(TILES)
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" in html
    assert re.search(r'<span class="tile-count">4</span> persons', html)
    assert f'<a href="{URL}">Back to the list</a>' in html


def test_the_tiles_cost_two_aggregates_and_the_page_no_longer_counts(world, caseload):
    """The tiles' aggregate is a query of the tiles request; the list's page no longer runs it."""
    client = logged_in(world, "prison_officer")
    client.get(URL)  # warm caches (translations, templates)
    client.get(TILES)
    with CaptureQueriesContext(connection) as page:
        client.get(URL)
    with CaptureQueriesContext(connection) as tiles:
        client.get(TILES, headers={"HX-Request": "true"})
    with CaptureQueriesContext(connection) as partial:
        client.get(URL, headers={"HX-Request": "true"})
    counted = [q["sql"] for q in tiles.captured_queries if "COUNT(" in q["sql"]]
    # One aggregate over the persons, one over the release sentences of the widest window.
    assert len(counted) == 2
    assert 'FROM "people_person"' in counted[0]
    assert 'FROM "sentences_sentence"' in counted[1]
    assert not any("COUNT(" in q["sql"] and "FILTER" in q["sql"] for q in page.captured_queries)
    assert len(page.captured_queries) == len(partial.captured_queries)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("release_within=30", ["Ozols"]),
        ("release_within=180", ["Čirulis", "Ozols"]),
        ("overdue=on", ["Ozols"]),
        ("without_assessment=on", ["Bērziņš", "Celms"]),
        ("without_plan=on", ["Bērziņš", "Celms"]),
        ("risk=low", ["Čirulis"]),
        ("q=cirulis", ["Čirulis"]),  # diacritics-insensitive, as the person search
        ("q=120385", ["Ozols"]),
        ("relation=custody", ["Bērziņš", "Celms", "Čirulis", "Ozols"]),
    ],
)
def test_filters(world, caseload, query, expected):
    assert listed(logged_in(world, "prison_officer").get(f"{URL}?{query}")) == expected


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("name", ["Bērziņš", "Celms", "Čirulis", "Ozols"]),
        ("release", ["Ozols", "Čirulis", "Celms", "Bērziņš"]),  # no release date last
        ("risk", ["Ozols", "Čirulis", "Bērziņš", "Celms"]),  # highest first, unassessed last
        ("next_action", ["Ozols", "Čirulis", "Bērziņš", "Celms"]),  # overdue first, nothing due last
    ],
)
def test_sorting(world, caseload, sort, expected):
    assert listed(logged_in(world, "prison_officer").get(f"{URL}?sort={sort}")) == expected


def test_the_overdue_filter_tile_count_and_row_agree(world, caseload):
    client = logged_in(world, "prison_officer")
    response = client.get(f"{URL}?overdue=on")
    row = response.context["rows"][0]
    assert row.overdue == 2  # the measure and the plan review
    assert row.next_action.text.endswith("Atkarību programma")
    assert "2 overdue actions" in response.content.decode()


def test_htmx_refreshes_only_the_results(world, caseload):
    response = logged_in(world, "prison_officer").get(f"{URL}?risk=low", headers={"HX-Request": "true"})
    html = response.content.decode()
    assert "<html" not in html
    assert listed(response) == ["Čirulis"]
    assert 'id="caseload-status" hx-swap-oob="innerHTML"' in html


def test_empty_states(world, caseload):
    client = logged_in(world, "prison_officer")
    assert "Nobody in your list matches these filters." in client.get(f"{URL}?q=nobodyatall").content.decode()
    social = logged_in(world, "social_worker").get(URL)
    assert "Your organization works with nobody right now." in social.content.decode()


def test_invalid_filter_values_are_reported_and_ignored(world, caseload):
    response = logged_in(world, "prison_officer").get(f"{URL}?risk=extreme&release_within=7")
    assert response.status_code == 200
    assert listed(response) == ["Bērziņš", "Celms", "Čirulis", "Ozols"]
    assert "Select a valid choice" in response.content.decode()


def test_it_pages_by_fifty(world):
    for index in range(55):
        held("Anna", f"Liepa{index:02d}")
    client = logged_in(world, "prison_officer")
    assert len(listed(client.get(URL))) == 50
    second = client.get(f"{URL}?page=2")
    assert len(listed(second)) == 6  # 55 and Bērziņš
    assert "Page 2 of 2" in second.content.decode()


@pytest.mark.parametrize("count", [5, 60])
def test_the_number_of_queries_does_not_grow_with_the_persons_listed(
    world, django_assert_max_num_queries, count
):
    for index in range(count):
        person = held("Anna", f"Liepa{index:02d}", release_in=10 + index)
        if index % 2:
            signed(world, person, "medium")
            measure(plan_for(world, person, review_in=-1), due_in=-2)
    client = logged_in(world, "prison_officer")
    client.get(URL)  # warm caches (translations, templates)
    with django_assert_max_num_queries(26):
        response = client.get(f"{URL}?sort=next_action")
    assert len(response.context["rows"]) == min(count + 1, 50)


def test_each_listed_person_is_audited_per_category_shown(world, caseload):
    logged_in(world, "prison_officer").get(f"{URL}?q=ozols")
    entries = AuditEntry.objects.filter(action=AuditAction.LIST, person_public_id=caseload["ozols"].public_id)
    assert sorted(entries.values_list("category", flat=True)) == ["assessment", "identity", "sentence"]
    assert AuditEntry.objects.filter(action=AuditAction.SEARCH, detail__query="ozols").exists()


@pytest.mark.parametrize("persona", ["analyst", "auditor", "system_admin", "org_admin", "project_manager"])
def test_roles_without_a_caseload_are_refused(world, persona):
    client = logged_in(world, persona)
    assert client.get(URL).status_code == 403
    assert client.get(reverse("casework:export_csv")).status_code == 403
    assert client.get(TILES).status_code == 403
    assert client.get(TILES, headers={"HX-Request": "true"}).status_code == 403


def test_anonymous_users_are_sent_to_log_in(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert client.get(TILES).status_code == 302
    assert "/login" in response["Location"] or "login" in response["Location"]


def test_a_career_consultant_sees_no_assessment_or_sentence_columns(world, caseload):
    from conftest import add_relationship

    add_relationship(caseload["ozols"], "nva-jelgava", "client")
    response = logged_in(world, "career_consultant").get(f"{URL}?risk=low&without_plan=on&sort=risk")
    assert listed(response) == ["Ozols"]  # the risk and plan filters of hidden columns are ignored
    html = response.content.decode()
    for hidden in ("Risk level", "Expected release", "Very high", "No current assessment", 'name="risk"'):
        assert hidden not in html
    tiles = logged_in(world, "career_consultant").get(TILES, headers={"HX-Request": "true"})
    assert tiles.context["summary"].without_assessment is None
    assert tiles.context["summary"].releases == {}
    assert "without a plan" not in tiles.content.decode()
    entries = AuditEntry.objects.filter(action=AuditAction.LIST, person_public_id=caseload["ozols"].public_id)
    assert list(entries.values_list("category", flat=True)) == [policy.IDENTITY.key]


def test_a_mentor_sees_only_his_mentees_and_their_identity(world, caseload):
    from conftest import add_consent, add_relationship

    ozols: Person = caseload["ozols"]
    add_relationship(ozols, "test-ngo", "mentoring", mentor=world.users["mentor"])
    add_consent(ozols, world.ngo, ["identity"], mentor=world.users["mentor"])
    add_relationship(caseload["celms"], "test-ngo", "mentoring", mentor=world.users["other_mentor"])
    response = logged_in(world, "mentor").get(URL)
    assert listed(response) == ["Ozols"]
    html = response.content.decode()
    assert "Mentee" in html
    assert "Risk level" not in html
    assert "Expected release" not in html
    assert listed(logged_in(world, "other_mentor").get(URL)) == []  # no consent given to him


def test_an_ngo_does_not_list_a_person_without_consent(world, caseload):
    from conftest import add_consent, add_relationship

    add_relationship(caseload["ozols"], "test-ngo", "client")
    add_relationship(caseload["celms"], "test-ngo", "client")
    add_consent(caseload["celms"], world.ngo, ["identity"])
    assert listed(logged_in(world, "ngo_coordinator").get(URL)) == ["Celms"]


def test_a_probation_unit_sees_release_preparation_and_supervision(world, caseload):
    from conftest import add_relationship

    add_relationship(caseload["cirulis"], "vpd-zemgale", "release_preparation", ends_on=days(200))
    add_relationship(caseload["ozols"], "vpd-zemgale", "supervision")
    client = logged_in(world, "probation_officer")
    response = client.get(URL)
    assert listed(response) == ["Čirulis", "Ozols"]
    assert "Preparing release into the area" in response.content.decode()
    assert response.context["rows"][0].days_to_release == 120
    assert listed(client.get(f"{URL}?relation=release_preparation")) == ["Čirulis"]
    assert listed(client.get(f"{URL}?relation=supervision")) == ["Ozols"]


def test_the_nav_and_the_home_page_link_to_my_people(world):
    html = logged_in(world, "prison_officer").get(reverse("web:home")).content.decode()
    assert html.count(f'href="{URL}"') == 2
    assert f'href="{URL}"' not in logged_in(world, "analyst").get(reverse("web:home")).content.decode()


def test_tiles_and_filters_select_the_persons_the_columns_show(world, caseload):
    """The tiles and filters use IN lists over the whole caseload, the columns per-row subqueries:
    both must agree, also for a newer sentence that replaced one ending soon, a person released
    since (no release date any more) and a closed plan."""
    import datetime as dt

    from django.utils import timezone

    from resoc.access.context import acting_for
    from resoc.casework.caseload import Filters, PlanState, caseload, caseload_summary
    from resoc.plans.models import Plan, PlanStatus
    from resoc.sentences.models import CustodyPeriod, Sentence

    replaced = held("Jānis", "Liepa", release_in=15)
    Sentence.objects.create(
        person=replaced, court="Rīgas rajona tiesa", starts_on=days(-10), ends_on=days(300)
    )
    released = held("Ivars", "Kalns", release_in=25)
    CustodyPeriod.objects.filter(person=released).update(left_on=days(-1))
    closed = held("Uldis", "Bērzs", release_in=170)
    signed(world, closed, "high")
    plan_for(world, closed)
    Plan.objects.filter(person=closed).update(status=PlanStatus.CLOSED)
    acting = acting_for(world.users["prison_officer"])
    on = timezone.localdate()
    everyone = list(caseload(acting, Filters(), on=on))
    tiles = caseload_summary(acting, on=on)

    def names(**filters):
        return {p.family_name for p in caseload(acting, Filters(**filters), on=on)}

    for window in (30, 90, 180):
        shown = {
            p.family_name
            for p in everyone
            if p.release_on is not None and on <= p.release_on <= on + dt.timedelta(days=window)
        }
        assert names(release_within=window) == shown
        assert tiles.releases[window] == len(shown)
    assert "Liepa" not in names(release_within=30)
    assert "Kalns" not in names(release_within=30)
    without_plan = {p.family_name for p in everyone if p.plan_state == PlanState.NONE}
    assert "Bērzs" in without_plan
    assert names(without_plan=True) == without_plan
    assert tiles.without_plan == len(without_plan)
    unassessed = {p.family_name for p in everyone if not p.risk_level}
    assert names(without_assessment=True) == unassessed
    assert tiles.without_assessment == len(unassessed)
    for risk in ("very_high", "high", "low"):
        assert names(risk=risk) == {p.family_name for p in everyone if p.risk_level == risk}
