"""Register files written in tmp_path (CSV and XLSX) and a helper that imports one as a persona."""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone, translation
from openpyxl import Workbook  # type: ignore[import-untyped]

from resoc.access.context import Acting
from resoc.audit.models import AuditEntry
from resoc.imports import services
from resoc.imports.columns import template_header
from resoc.imports.models import ImportedRecord, ImportJob, ImportMode, ImportRow
from resoc.people.identity import make_personal_code
from resoc.people.models import Person, PersonEvent, Relationship
from resoc.sentences.models import CustodyPeriod, Release, Sentence


def days(offset: int) -> dt.date:
    return timezone.localdate() + dt.timedelta(days=offset)


def person_code(year: int, serial: int) -> str:
    return make_personal_code(dt.date(year, 3, 15), serial)


def register_row(**overrides: Any) -> dict[str, Any]:
    """A valid row: a new man admitted to Jelgava prison 30 days ago."""
    row: dict[str, Any] = {
        "personal_code": person_code(1985, 101),
        "last_name": "Kalniņš",
        "first_name": "Andris",
        "birth_date": "1985-03-15",
        "sex": "male",
        "citizenship": "citizen",
        "prison": "jelgavas-cietums",
        "admitted_on": days(-30).isoformat(),
        "regime_level": "closed-lowest",
    }
    row.update(overrides)
    return row


def write_csv(
    path: Path,
    rows: list[dict[str, Any]],
    *,
    header: list[str] | None = None,
    encoding: str = "utf-8",
    delimiter: str = ";",
) -> Path:
    header = header or template_header()
    with path.open("w", encoding=encoding, newline="") as stream:
        writer = csv.writer(stream, delimiter=delimiter)
        writer.writerow(header)
        for row in rows:
            writer.writerow(["" if row.get(key) is None else row.get(key) for key in header])
    return path


def write_xlsx(path: Path, rows: list[dict[str, Any]], *, header: list[str] | None = None) -> Path:
    header = header or template_header()
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(header)
    for row in rows:
        sheet.append([row.get(key) for key in header])
    workbook.save(path)
    return path


def import_file(acting: Acting, path: Path, mode: str = ImportMode.ACCEPT_VALID) -> ImportJob:
    job = services.import_job_create_from_path(acting=acting, path=path, mode=mode)
    return services.import_job_run(job=job, path=path)


def stored_counts() -> dict[str, int]:
    """Everything an import may write to the domain; an all-or-nothing refusal leaves it unchanged."""
    models: list[type[Any]] = [
        Person,
        Sentence,
        CustodyPeriod,
        Release,
        Relationship,
        PersonEvent,
        ImportedRecord,
    ]
    return {model.__name__: model.objects.count() for model in models}


def statuses(job: ImportJob) -> dict[int, str]:
    return dict(ImportRow.objects.filter(job=job).values_list("number", "status"))


def codes(job: ImportJob, number: int) -> list[str]:
    return [reason["code"] for reason in ImportRow.objects.get(job=job, number=number).reasons]


def person_audits() -> int:
    return AuditEntry.objects.exclude(person_public_id=None).count()


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def officer(world) -> Acting:
    acting: Acting = world.acting("prison_officer")
    acting.channel = "command"
    return acting


@pytest.fixture(autouse=True)
def _english(settings: Any) -> Iterator[None]:
    """These tests read the English texts; the Latvian ones are checked where a test asks for them."""
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield
