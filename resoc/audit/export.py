"""The audit log as CSV, safe to open in a spreadsheet."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Iterator

from django.db.models import QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from resoc.audit.labels import category_label, role_label
from resoc.audit.models import AuditEntry

# Excel reads a CSV file as UTF-8 (and shows ā, č, ē, ģ, ī, ķ, ļ, ņ, š, ū, ž) only after this mark.
BOM = "\ufeff"
# A cell starting with one of these is a formula to a spreadsheet (CSV injection); tab and carriage
# return are included as OWASP advises, because some spreadsheets strip them before evaluating.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
CHUNK_SIZE = 2000


def safe_cell(value: object) -> str:
    """``value`` as text that a spreadsheet shows as text, never evaluates."""
    text = "" if value is None else str(value)
    if text.startswith(_FORMULA_STARTS):
        return "'" + text
    return text


def header() -> list[str]:
    return [
        _("Time (Riga)"),
        _("Username"),
        _("Organization"),
        _("Role"),
        _("Action"),
        _("Person"),
        _("Data category"),
        _("Record type"),
        _("Record"),
        _("Address"),
        _("Channel"),
        _("Purpose"),
        _("Detail"),
    ]


def row(entry: AuditEntry) -> list[str]:
    occurred = timezone.localtime(entry.occurred_at, timezone.get_default_timezone())
    values: list[object] = [
        f"{occurred:%Y-%m-%d %H:%M:%S}",
        entry.actor_username,
        entry.organization or "",
        role_label(entry.role) if entry.role else "",
        entry.get_action_display(),
        entry.person_public_id or "",
        category_label(entry.category) if entry.category else "",
        entry.record_type,
        entry.record_id,
        entry.ip_address or "",
        entry.channel,
        entry.purpose,
        json.dumps(entry.detail, ensure_ascii=False, sort_keys=True) if entry.detail else "",
    ]
    return [safe_cell(value) for value in values]


class _Line:
    """A write-only file for csv.writer that hands back what was written."""

    def write(self, value: str) -> str:
        return value


def csv_lines(entries: QuerySet[AuditEntry], *, language: str) -> Iterator[str]:
    """The BOM, the header and one line per entry, fetched in chunks (an export can be large).

    A streamed response is written after the view has returned, so the language is set here.
    """
    writer = csv.writer(_Line())
    with translation.override(language):
        yield BOM + writer.writerow(header())
        rows: Iterable[AuditEntry] = entries.iterator(chunk_size=CHUNK_SIZE)
        for entry in rows:
            yield writer.writerow(row(entry))
