from __future__ import annotations

import csv
import datetime as dt
import io
import uuid
from collections.abc import Callable

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from conftest import World
from resoc.access import policy
from resoc.audit.models import AuditAction, AuditEntry
from resoc.organizations.models import Organization
from resoc.people.models import Person

VerifiedClient = Callable[[str], Client]
SEARCH = reverse("audit:search")
EXPORT = reverse("audit:export_csv")
REFUSED = ["system_admin", "org_admin", "analyst", "prison_officer", "project_manager", "mentor"]


def make_entry(**fields: object) -> AuditEntry:
    fields.setdefault("action", AuditAction.VIEW)
    fields.setdefault("actor_username", "prison_officer")
    return AuditEntry.objects.create(**fields)


def export_rows(response) -> list[list[str]]:
    body = b"".join(response.streaming_content)
    assert body.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


# --- who may look ------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", REFUSED)
@pytest.mark.parametrize("url", [SEARCH, EXPORT])
def test_every_role_but_the_auditor_is_refused_and_the_attempt_logged(
    world: World, verified_client: VerifiedClient, persona: str, url: str
) -> None:
    response = verified_client(persona).get(url)

    assert response.status_code == 403
    denied = AuditEntry.objects.get(action=AuditAction.DENIED)
    assert (denied.actor_username, denied.record_type) == (persona, "audit_log")
    assert not AuditEntry.objects.filter(action=AuditAction.EXPORT).exists()


def test_a_user_without_membership_is_refused(world: World, verified_client: VerifiedClient) -> None:
    world.users["auditor"].memberships.update(is_active=False)
    assert verified_client("auditor").get(SEARCH).status_code == 403


def test_anonymous_visitors_are_sent_to_log_in(db: None) -> None:
    for url in (SEARCH, EXPORT):
        response = Client().get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("access:login"))


def test_the_auditor_has_to_pass_the_second_factor_first(world: World, settings) -> None:
    settings.TWO_FACTOR_REQUIRED_ROLES = ["auditor"]
    response = world.client("auditor").get(SEARCH)
    assert response.status_code == 302
    assert response["Location"] == reverse("access:two_factor")


def test_the_auditor_may_not_read_the_case_file(world: World) -> None:
    acting = world.acting("auditor")
    assert not any(policy.readable_categories(acting, world.person).values())
    assert not policy.visible_persons(acting).exists()


# --- the search page ---------------------------------------------------------------------------


def test_search_page_lists_entries_newest_first_in_an_accessible_table(
    world: World, verified_client: VerifiedClient
) -> None:
    make_entry(actor_username="older-user", occurred_at=dt.datetime(2025, 1, 1, tzinfo=dt.UTC))
    make_entry(actor_username="newer-user", occurred_at=dt.datetime(2025, 6, 1, tzinfo=dt.UTC))

    response = verified_client("auditor").get(SEARCH)

    html = response.content.decode()
    assert response.status_code == 200
    assert response.templates[0].name == "audit/search.html"
    assert "base.html" in [t.name for t in response.templates]
    assert html.index("newer-user") < html.index("older-user")
    assert "<caption" in html
    assert '<th scope="col">' in html
    assert "<fieldset>" in html
    assert "<legend>" in html
    assert '<label for="id_person"' in html
    assert '<form method="get"' in html
    assert 'type="date"' in html
    assert response["Cache-Control"].count("no-store") == 1


def test_filter_by_username_action_and_period(world: World, verified_client: VerifiedClient) -> None:
    make_entry(
        actor_username="alpha", action=AuditAction.VIEW, occurred_at=dt.datetime(2025, 5, 2, tzinfo=dt.UTC)
    )
    make_entry(
        actor_username="alpha", action=AuditAction.EXPORT, occurred_at=dt.datetime(2025, 5, 2, tzinfo=dt.UTC)
    )
    make_entry(
        actor_username="alpha", action=AuditAction.VIEW, occurred_at=dt.datetime(2025, 7, 1, tzinfo=dt.UTC)
    )
    make_entry(
        actor_username="beta", action=AuditAction.VIEW, occurred_at=dt.datetime(2025, 5, 2, tzinfo=dt.UTC)
    )

    response = verified_client("auditor").get(
        SEARCH,
        {"username": "alpha", "action": "view", "date_from": "2025-05-01", "date_to": "2025-05-31"},
    )

    entries = list(response.context["page"].object_list)
    assert len(entries) == 1
    assert (entries[0].actor_username, entries[0].action) == ("alpha", "view")


def test_filter_by_public_id(world: World, verified_client: VerifiedClient) -> None:
    person = uuid.uuid4()
    mine = make_entry(person_public_id=person)
    make_entry(person_public_id=uuid.uuid4())

    response = verified_client("auditor").get(SEARCH, {"person": str(person)})

    assert list(response.context["page"].object_list) == [mine]


def test_filter_by_personal_code_shows_ids_only_and_logs_the_lookup_without_the_code(
    world: World, verified_client: VerifiedClient
) -> None:
    merged = Person.objects.create(
        given_names="Jānis", family_name="Bērziņš", sex="male", merged_into=world.person
    )
    current = make_entry(
        person_public_id=world.person.public_id, occurred_at=dt.datetime(2025, 2, 1, tzinfo=dt.UTC)
    )
    before_merge = make_entry(
        person_public_id=merged.public_id, occurred_at=dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
    )
    make_entry(person_public_id=uuid.uuid4())

    response = verified_client("auditor").get(SEARCH, {"person": "010180 10018"})

    assert list(response.context["page"].object_list) == [current, before_merge]
    html = response.content.decode()
    assert str(world.person.public_id) in html
    assert "Bērziņš" not in html
    lookup = AuditEntry.objects.get(action=AuditAction.SEARCH, actor_username="auditor")
    assert set(lookup.detail["filters"]["person"]) == {str(world.person.public_id), str(merged.public_id)}
    assert "10018" not in str(lookup.detail)


def test_an_unknown_personal_code_matches_nothing_rather_than_everything(
    world: World, verified_client: VerifiedClient
) -> None:
    make_entry()
    response = verified_client("auditor").get(SEARCH, {"person": "311299-19993"})
    assert list(response.context["page"].object_list) == []
    assert "No audit entries match these filters" in response.content.decode()


def test_invalid_filters_are_explained_and_nothing_is_listed(
    world: World, verified_client: VerifiedClient
) -> None:
    make_entry()
    response = verified_client("auditor").get(
        SEARCH, {"person": "not-a-code", "date_from": "2025-05-02", "date_to": "2025-05-01"}
    )
    html = response.content.decode()
    assert response.context["page"] is None
    assert "Enter a person&#x27;s public ID or a valid personal code." in html
    assert "The end of the period is before its start." in html
    assert 'role="alert"' in html
    assert "<table" not in html


def test_no_match_has_an_empty_state(world: World, verified_client: VerifiedClient) -> None:
    response = verified_client("auditor").get(SEARCH, {"action": "merge"})
    assert "No audit entries match these filters" in response.content.decode()
    assert "<table" not in response.content.decode()


def test_pages_of_fifty_keep_the_filters(world: World, verified_client: VerifiedClient) -> None:
    start = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
    AuditEntry.objects.bulk_create(
        AuditEntry(
            action=AuditAction.VIEW, actor_username="pager", occurred_at=start + dt.timedelta(minutes=i)
        )
        for i in range(120)
    )
    client = verified_client("auditor")

    first = client.get(SEARCH, {"username": "pager"})
    last = client.get(SEARCH, {"username": "pager", "page": "3"})

    assert len(first.context["page"].object_list) == 50
    assert first.context["page"].object_list[0].occurred_at == start + dt.timedelta(minutes=119)
    assert len(last.context["page"].object_list) == 20
    assert "username=pager&amp;page=2" in first.content.decode()
    assert "export.csv?username=pager" in first.content.decode()


def test_listing_makes_the_same_number_of_queries_for_one_entry_or_a_full_page(
    world: World, verified_client: VerifiedClient
) -> None:
    client = verified_client("auditor")
    organizations = list(Organization.objects.all())
    make_entry(organization=organizations[0], role="resocialization_officer", category="identity")
    client.get(SEARCH)  # warm up the session and caches
    with CaptureQueriesContext(connection) as few:
        assert client.get(SEARCH).status_code == 200

    AuditEntry.objects.bulk_create(
        AuditEntry(
            action=AuditAction.VIEW,
            actor_username=f"user{i}",
            organization=organizations[i % len(organizations)],
            role="probation_officer",
            category="health",
            person_public_id=uuid.uuid4(),
        )
        for i in range(80)
    )
    with CaptureQueriesContext(connection) as many:
        response = client.get(SEARCH)

    assert len(response.context["page"].object_list) == 50
    assert len(many) == len(few)


# --- the export --------------------------------------------------------------------------------


def test_export_is_utf8_with_bom_and_keeps_latvian_letters(
    world: World, verified_client: VerifiedClient
) -> None:
    make_entry(
        organization=world.ngo,
        role="ngo_coordinator",
        actor_username="līga.ozoliņa",
        purpose="Atbalsts pēc atbrīvošanas",
        person_public_id=world.person.public_id,
        ip_address="192.0.2.7",
        occurred_at=dt.datetime(2025, 7, 1, 9, 30, tzinfo=dt.UTC),
    )

    response = verified_client("auditor").get(EXPORT, {"username": "līga.ozoliņa"})

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="resoc-audit-')
    header, *rows = export_rows(response)
    assert header[0] == "Time (Riga)"
    assert len(rows) == 1
    row = dict(zip(header, rows[0], strict=True))
    assert row["Time (Riga)"] == "2025-07-01 12:30:00"
    assert row["Username"] == "līga.ozoliņa"
    assert row["Organization"] == "Resocializācijas centrs “Ceļš”"
    assert row["Role"] == "NGO coordinator"
    assert row["Person"] == str(world.person.public_id)
    assert row["Purpose"] == "Atbalsts pēc atbrīvošanas"


def test_export_neutralizes_spreadsheet_formulas(world: World, verified_client: VerifiedClient) -> None:
    make_entry(
        actor_username='=HYPERLINK("http://evil.example")',
        purpose="+SUM(A1:A9)",
        record_type="@cmd",
        record_id="-2+3",
        channel="web",
    )

    _header, row = export_rows(verified_client("auditor").get(EXPORT, {"action": "view"}))

    assert row[1] == '\'=HYPERLINK("http://evil.example")'
    assert row[7] == "'@cmd"
    assert row[8] == "'-2+3"
    assert row[10] == "web"
    assert row[11] == "'+SUM(A1:A9)"


def test_export_follows_the_filters_and_is_itself_logged(
    world: World, verified_client: VerifiedClient
) -> None:
    client = verified_client("auditor")
    wanted = make_entry(person_public_id=world.person.public_id, action=AuditAction.VIEW)
    make_entry(person_public_id=world.person.public_id, action=AuditAction.UPDATE)
    make_entry(person_public_id=uuid.uuid4(), action=AuditAction.VIEW)

    response = client.get(EXPORT, {"person": "010180-10018", "action": "view", "date_from": "2020-01-01"})

    _header, *rows = export_rows(response)
    assert [r[5] for r in rows] == [str(wanted.person_public_id)]
    export = AuditEntry.objects.get(action=AuditAction.EXPORT)
    assert export.actor_username == "auditor"
    assert export.role == "auditor"
    assert export.detail["filters"] == {
        "person": [str(world.person.public_id)],
        "username": "",
        "action": "view",
        "date_from": "2020-01-01",
        "date_to": None,
    }
    assert export.detail["rows"] == 1
    # The export does not contain its own entry; the next one does.
    _header, *everything = export_rows(client.get(EXPORT, {"action": "export"}))
    assert [r[4] for r in everything] == ["Exported"]


def test_export_with_invalid_filters_exports_nothing(world: World, verified_client: VerifiedClient) -> None:
    response = verified_client("auditor").get(EXPORT, {"date_from": "yesterday"})
    assert response.status_code == 400
    assert not AuditEntry.objects.filter(action=AuditAction.EXPORT).exists()
