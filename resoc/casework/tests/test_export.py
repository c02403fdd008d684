"""Exporting 'My people': the filtered persons of every page, safe cells, Latvian headers, audited."""

from __future__ import annotations

import csv
import datetime as dt
import io

from django.urls import reverse
from openpyxl import load_workbook  # type: ignore[import-untyped]

from resoc.audit.models import AuditAction, AuditEntry
from resoc.casework.tests.conftest import days, held, logged_in, signed

CSV_URL = reverse("casework:export_csv")
XLSX_URL = reverse("casework:export_xlsx")


def csv_rows(response) -> list[list[str]]:
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))


def test_csv_holds_exactly_the_filtered_persons_of_all_pages(world):
    for index in range(60):
        held("Anna", f"Liepa{index:02d}", release_in=10 if index < 55 else 300)
    response = logged_in(world, "prison_officer").get(f"{CSV_URL}?release_within=30")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'attachment; filename="resoc-my-people-' in response["Content-Disposition"]
    header, *rows = csv_rows(response)
    assert header[:4] == ["Family name", "Given names", "Personal code", "Relation"]
    assert "Expected release" in header
    assert "Risk level" in header
    assert sorted(row[0] for row in rows) == [f"Liepa{index:02d}" for index in range(55)]
    release = header.index("Expected release")
    assert rows[0][release] == days(10).isoformat()


def test_cells_that_look_like_formulas_are_neutralised(world, monkeypatch):
    from resoc.casework import actions

    person = held("Anna", "Liepa", release_in=10)
    texts = ['=HYPERLINK("http://x")', "+1", "-1", "@SUM(A1)", "\tx", "\rx"]

    def source(acting, person_ids, on):
        return [
            actions.NextAction(person.pk, days(index), text, "/", "test") for index, text in enumerate(texts)
        ]

    monkeypatch.setattr(actions, "_SOURCES", {"test": source})
    monkeypatch.setattr(actions, "_DUE_DATES", {})
    client = logged_in(world, "prison_officer")
    header, row = csv_rows(client.get(f"{CSV_URL}?q=liepa"))
    assert row[header.index("Next action")] == '\'=HYPERLINK("http://x")'
    sheet = load_workbook(io.BytesIO(client.get(f"{XLSX_URL}?q=liepa").content)).active
    cell = sheet.cell(row=2, column=header.index("Next action") + 1)
    assert cell.value == '\'=HYPERLINK("http://x")'
    assert cell.data_type == "s"
    for text in texts[1:]:
        texts[:] = [text]
        header, row = csv_rows(client.get(f"{CSV_URL}?q=liepa"))
        assert row[header.index("Next action")] == "'" + text


def test_a_formula_in_a_name_is_quoted(world):
    held("Anna", "Liepa", release_in=10)
    from resoc.people.models import Person

    # Names are validated as letters; a value written around the validation must still be safe.
    Person.objects.filter(family_name="Liepa").update(given_names="=1+2")
    header, row = csv_rows(logged_in(world, "prison_officer").get(f"{CSV_URL}?q=liepa"))
    assert row[header.index("Given names")] == "'=1+2"
    workbook = load_workbook(
        io.BytesIO(logged_in(world, "prison_officer").get(f"{XLSX_URL}?q=liepa").content)
    )
    assert workbook.active.cell(row=2, column=2).value == "'=1+2"


def test_xlsx_opens_with_dates_as_dates_and_the_filtered_persons(world):
    ozols = held("Pēteris", "Ozols", release_in=20)
    held("Kārlis", "Čirulis", release_in=400)
    signed(world, ozols, "high", on=days(-7))
    response = logged_in(world, "prison_officer").get(f"{XLSX_URL}?release_within=30")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    header, data = rows[0], rows[1:]
    assert [row[0] for row in data] == ["Ozols"]
    release = data[0][header.index("Expected release")]
    assert isinstance(release, dt.datetime)
    assert release.date() == days(20)
    assert data[0][header.index("Risk level")] == "High"
    assert data[0][header.index("Assessed on")].date() == days(-7)
    assert data[0][header.index("Days to release")] == 20


def test_headers_are_latvian_when_the_interface_is(world):
    held("Pēteris", "Ozols", release_in=20)
    header, *_rows = csv_rows(logged_in(world, "prison_officer", language="lv").get(CSV_URL))
    assert "Personas kods" in header  # an existing translation; the new ones follow with the catalogue
    assert "Riska līmenis" in header


def test_the_export_is_audited_with_its_filters_and_each_person(world):
    ozols = held("Pēteris", "Ozols", release_in=20)
    held("Kārlis", "Čirulis", release_in=400)
    logged_in(world, "prison_officer").get(f"{CSV_URL}?release_within=30")
    export = AuditEntry.objects.get(action=AuditAction.EXPORT, record_type="caseload")
    assert export.detail == {"filters": {"release_within": 30, "sort": "name"}, "rows": 1, "format": "csv"}
    listed = AuditEntry.objects.filter(action=AuditAction.LIST, detail__export=export.pk)
    assert set(listed.values_list("person_public_id", flat=True)) == {ozols.public_id}
    assert sorted(listed.values_list("category", flat=True)) == ["assessment", "identity", "sentence"]


def test_a_career_consultant_exports_no_hidden_columns(world):
    from conftest import add_relationship

    ozols = held("Pēteris", "Ozols", release_in=20)
    signed(world, ozols, "very_high")
    add_relationship(ozols, "nva-jelgava", "client")
    header, row = csv_rows(logged_in(world, "career_consultant").get(f"{CSV_URL}?risk=low"))
    assert row[0] == "Ozols"
    assert "Risk level" not in header
    assert "Expected release" not in header
    assert "Plan" not in header
    assert "Very high" not in row


def test_invalid_filters_export_nothing(world):
    held("Pēteris", "Ozols", release_in=20)
    response = logged_in(world, "prison_officer").get(f"{CSV_URL}?release_within=7")
    assert response.status_code == 400
    assert "The list cannot be exported with these filters" in response.content.decode()
    assert not AuditEntry.objects.filter(action=AuditAction.EXPORT).exists()
