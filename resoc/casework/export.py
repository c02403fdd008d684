"""The filtered caseload as CSV or XLSX, safe to open in a spreadsheet.

Headers and labels are in the interface language; every text cell that a spreadsheet would take for
a formula is neutralised (``audit.export.safe_cell``). In XLSX, dates are real date cells.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable, Iterator

from django.utils.translation import gettext as _
from openpyxl import Workbook  # type: ignore[import-untyped]
from openpyxl.cell import WriteOnlyCell  # type: ignore[import-untyped]

from resoc.audit.export import BOM, safe_cell
from resoc.casework.caseload import Columns, Row

Value = str | int | dt.date | None
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DATE_FORMAT = "DD.MM.YYYY"


def header(columns: Columns) -> list[str]:
    names = [_("Family name"), _("Given names"), _("Personal code"), _("Relation")]
    if columns.release:
        names += [_("Expected release"), _("Days to release")]
    if columns.assessment:
        names += [_("Risk level"), _("Assessed on"), _("Plan")]
    names += [_("Next action"), _("Next action due"), _("Overdue actions")]
    return names


def values(row: Row, columns: Columns) -> list[Value]:
    person = row.person
    found: list[Value] = [
        person.family_name,
        person.given_names,
        person.personal_code or "",
        ", ".join(row.relation_labels),
    ]
    if columns.release:
        found += [row.release_on, row.days_to_release]
    if columns.assessment:
        found += [row.risk_label, row.assessed_on, row.plan_label]
    action = row.next_action
    found += [action.text if action else "", action.due if action else None, row.overdue]
    return found


def _text(value: Value) -> str:
    if isinstance(value, dt.date):
        return value.isoformat()
    return safe_cell(value)


class _Line:
    def write(self, value: str) -> str:
        return value


def csv_lines(rows: Iterable[Row], columns: Columns) -> Iterator[str]:
    """The BOM and header, then one line per row (the caller sets the language)."""
    writer = csv.writer(_Line())
    yield BOM + writer.writerow([safe_cell(name) for name in header(columns)])
    for row in rows:
        yield writer.writerow([_text(value) for value in values(row, columns)])


def xlsx_bytes(rows: Iterable[Row], columns: Columns) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("My people")[:31])
    sheet.append([safe_cell(name) for name in header(columns)])
    for row in rows:
        cells = []
        for value in values(row, columns):
            if isinstance(value, dt.date):
                cell = WriteOnlyCell(sheet, value=value)
                cell.number_format = DATE_FORMAT
            elif isinstance(value, int):
                cell = WriteOnlyCell(sheet, value=value)
            else:
                # openpyxl would store "=…" as a formula: text cells are neutralised like the CSV.
                cell = WriteOnlyCell(sheet, value=safe_cell(value))
            cells.append(cell)
        sheet.append(cells)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
