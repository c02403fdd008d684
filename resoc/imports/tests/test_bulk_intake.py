"""New persons are written in bulk per batch: the result is the one the services give row by row."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from resoc.audit.models import AuditEntry
from resoc.imports import importer
from resoc.imports.models import ImportJob, ImportMode, ImportRow, RowStatus
from resoc.imports.tests.conftest import days, import_file, person_code, register_row, write_csv
from resoc.people.models import Person, PersonEvent, Relationship
from resoc.sentences.models import CustodyPeriod, Release, Sentence

# A register extract with every kind of row: new persons with and without a code, a sentence that
# starts a release preparation, releases, rejections by the file's syntax and by each domain
# service, a duplicate row, a lookalike, a known person, and persons named by several rows.
KALNINS = person_code(1985, 101)
OZOLA = person_code(1990, 202)


def _rows() -> list[dict[str, Any]]:
    return [
        register_row(  # 2: registered, admitted, sentenced (release preparation), released
            court="Zemgales rajona tiesa",
            sentence_start_on=days(-400).isoformat(),
            sentence_end_on=days(60).isoformat(),
            probation_unit="vpd-zemgale",
            admitted_on=days(-400).isoformat(),
            released_on=days(-20).isoformat(),
            release_reason="conditional_early",
        ),
        register_row(  # 3: without a code, recognised by name and date of birth
            personal_code="",
            last_name="Liepa",
            first_name="Ilze",
            birth_date="1979-06-02",
            sex="female",
        ),
        register_row(personal_code=person_code(1970, 5), admitted_on="31.02.2024"),  # 4: no such date
        register_row(  # 5: the same as row 2
            court="Zemgales rajona tiesa",
            sentence_start_on=days(-400).isoformat(),
            sentence_end_on=days(60).isoformat(),
            probation_unit="vpd-zemgale",
            admitted_on=days(-400).isoformat(),
            released_on=days(-20).isoformat(),
            release_reason="conditional_early",
        ),
        register_row(admitted_on=days(-10).isoformat()),  # 6: Kalniņš again, after his release
        register_row(personal_code=OZOLA, birth_date="1991-01-01", first_name="Anna"),  # 7: date ≠ code
        register_row(
            personal_code=person_code(1975, 7), birth_date="1975-03-15", admitted_on=days(3).isoformat()
        ),
        register_row(  # 9: released before admitted
            personal_code=person_code(1976, 8),
            birth_date="1976-03-15",
            released_on=days(-40).isoformat(),
            release_reason="pardon",
        ),
        register_row(  # 10: the sentence ends before it starts
            personal_code=person_code(1977, 9),
            birth_date="1977-03-15",
            court="Rīgas tiesa",
            sentence_start_on=days(-100).isoformat(),
            sentence_end_on=days(-200).isoformat(),
        ),
        register_row(  # 11: Jānis Bērziņš, known: the name is corrected and he is admitted
            personal_code="010180-10018",
            last_name="Bērziņš",
            first_name="Jānis Pēteris",
            birth_date="1980-01-01",
        ),
        register_row(  # 12: a lookalike of Zane Kalna, registered without a code
            personal_code=person_code(1988, 44),
            last_name="Kalna",
            first_name="Zane",
            birth_date="1988-03-15",
            sex="female",
        ),
        register_row(  # 13: Ilze Liepa again (row 3): sentenced, found by name and date of birth
            personal_code="",
            last_name="LIEPA",
            first_name="Ilze",
            birth_date="1979-06-02",
            sex="female",
            court="Rīgas tiesa",
            sentence_end_on=days(900).isoformat(),
        ),
        register_row(  # 14: another new person, after the rows that wrote the batch so far
            personal_code=person_code(1993, 12),
            birth_date="1993-03-15",
            last_name="Ozols",
            first_name="Pēteris",
            regime_level="",
        ),
    ]


def _sorted(items: Any) -> list[Any]:
    return sorted(items, key=repr)


def _key(person: Person) -> str:
    return person.personal_code or f"{person.family_name}|{person.given_names}|{person.date_of_birth}"


def _snapshot(job: ImportJob) -> dict[str, Any]:
    """Everything the import wrote, with database keys and generated ids replaced by what they name."""
    persons = {p.pk: _key(p) for p in Person.objects.all()}
    names: dict[str, str] = {str(p.public_id): f"person {_key(p)}" for p in Person.objects.all()}
    for period in CustodyPeriod.objects.select_related("prison"):
        names[str(period.public_id)] = f"period {persons[period.person_id]} {period.admitted_on}"
    for sentence in Sentence.objects.all():
        names[str(sentence.public_id)] = f"sentence {persons[sentence.person_id]} {sentence.ends_on}"
    for release in Release.objects.all():
        names[str(release.public_id)] = f"release {persons[release.person_id]} {release.released_on}"
    names[str(job.public_id)] = "job"

    def named(value: Any) -> Any:
        if isinstance(value, dict):
            return {key: named(item) for key, item in sorted(value.items())}
        if isinstance(value, list):
            return [named(item) for item in value]
        return names.get(str(value), value)

    return {
        "persons": _sorted(
            (
                _key(p),
                p.family_name,
                p.given_names,
                p.date_of_birth,
                p.sex,
                p.citizenship_status,
                p.search_text,
                p.sort_key,
                p.merged_into_id,
            )
            for p in Person.objects.all()
        ),
        "periods": _sorted(
            (persons[p.person_id], p.prison_id, p.admitted_on, p.left_on, p.ended_by, p.regime_level_id)
            for p in CustodyPeriod.objects.all()
        ),
        "sentences": _sorted(
            (persons[s.person_id], s.court, s.starts_on, s.ends_on, s.release_probation_unit_id)
            for s in Sentence.objects.all()
        ),
        "releases": _sorted(
            (persons[r.person_id], r.released_on, r.reason, named(r.custody_period.public_id))
            for r in Release.objects.select_related("custody_period")
        ),
        "relationships": _sorted(
            (persons[r.person_id], r.kind, r.organization_id, r.starts_on, r.ends_on, r.source, r.mentor_id)
            for r in Relationship.objects.all()
        ),
        "events": _sorted(
            (
                persons[e.person_id],
                e.type,
                e.category,
                repr(named(e.parameters)),
                e.actor_id,
                e.organization_id,
            )
            for e in PersonEvent.objects.order_by("pk")
        ),
        # Per person in the order written (a person's timeline lists them so).
        "event_order": {
            key: [e.type for e in PersonEvent.objects.filter(person_id=pk).order_by("pk")]
            for pk, key in persons.items()
        },
        "audit": _sorted(
            (
                named(a.person_public_id),
                a.action,
                a.category,
                a.record_type,
                named(a.record_id),
                repr(named(a.detail)),
                a.actor_id,
                a.organization_id,
                a.role,
                a.channel,
            )
            for a in AuditEntry.objects.all()
        ),
        "job": (
            job.status,
            job.rows_total,
            job.rows_done,
            job.accepted,
            job.rejected,
            job.unchanged,
            job.not_stored,
        ),
        "rows": [
            (r.number, r.status, r.reasons, r.changes, r.values, persons.get(r.person_id or 0))
            for r in ImportRow.objects.filter(job=job).order_by("number")
        ],
    }


def _import_and_look(officer, path, mode, *, bulk: bool, monkeypatch) -> dict[str, Any]:
    monkeypatch.setattr(importer.Importer, "intake_in_bulk", bulk)
    with transaction.atomic():
        job = import_file(officer, path, mode)
        snapshot = _snapshot(job)
        transaction.set_rollback(True)  # the other path starts from the same database
    return snapshot


@pytest.fixture
def _known_persons(world):
    Person.objects.create(
        given_names="Zane", family_name="Kalna", date_of_birth=dt.date(1988, 3, 15), sex="female"
    )


@pytest.mark.usefixtures("_known_persons")
@pytest.mark.parametrize("mode", [ImportMode.ACCEPT_VALID, ImportMode.ALL_OR_NOTHING])
@pytest.mark.parametrize("batch_size", [500, 4])
def test_bulk_intake_stores_exactly_what_the_services_store_row_by_row(
    tmp_path, officer, monkeypatch, mode, batch_size
):
    monkeypatch.setattr(importer, "BATCH_SIZE", batch_size)
    path = write_csv(tmp_path / "register.csv", _rows())
    row_by_row = _import_and_look(officer, path, mode, bulk=False, monkeypatch=monkeypatch)
    bulk = _import_and_look(officer, path, mode, bulk=True, monkeypatch=monkeypatch)
    for part in row_by_row:
        assert bulk[part] == row_by_row[part], part
    statuses = {number: status for number, status, *_rest in bulk["rows"]}
    if mode == ImportMode.ACCEPT_VALID:
        # The file exercises what it means to: accepted, rejected and unchanged rows of every kind.
        assert statuses == {
            2: RowStatus.ACCEPTED,
            3: RowStatus.ACCEPTED,
            4: RowStatus.REJECTED,
            5: RowStatus.UNCHANGED,
            6: RowStatus.REJECTED,
            7: RowStatus.REJECTED,
            8: RowStatus.REJECTED,
            9: RowStatus.REJECTED,
            10: RowStatus.REJECTED,
            11: RowStatus.ACCEPTED,
            12: RowStatus.REJECTED,
            13: RowStatus.ACCEPTED,
            14: RowStatus.ACCEPTED,
        }
        reasons = {number: [r["code"] for r in found] for number, _s, found, *_rest in bulk["rows"]}
        assert reasons[6] == ["no_access"]  # the prison's access ended with the release
        assert reasons[7] == ["code_mismatch"]
        assert reasons[8] == ["future"]
        assert reasons[9] == ["ends_before_start"]
        assert reasons[10] == ["ends_before_start"]
        assert reasons[12] == ["possible_duplicate"]
        assert {kind for _p, kind, *_rest in bulk["relationships"]} >= {"custody", "release_preparation"}
    else:
        # Only the rejected rows are reported; the valid ones were checked, then rolled back.
        assert set(statuses.values()) == {RowStatus.REJECTED}
        not_stored = bulk["job"][-1]
        assert not_stored == 5
        assert bulk["periods"] == []


def _new_rows(count: int, first: int) -> list[dict[str, Any]]:
    return [
        register_row(
            personal_code=person_code(1950 + n % 40, first + n),
            birth_date=f"{1950 + n % 40}-03-15",
            court="Zemgales rajona tiesa",
            sentence_end_on=days(30).isoformat(),
            probation_unit="vpd-zemgale",
            released_on=days(-3).isoformat(),
            release_reason="pardon",
        )
        for n in range(count)
    ]


@pytest.mark.parametrize("mode", [ImportMode.ACCEPT_VALID, ImportMode.ALL_OR_NOTHING])
def test_statements_per_batch_do_not_grow_with_the_number_of_new_persons(tmp_path, officer, mode):
    import_file(officer, write_csv(tmp_path / "warm.csv", _new_rows(1, 900)), mode)  # caches warmed

    def statements(rows: list[dict[str, Any]], name: str) -> int:
        path = write_csv(tmp_path / name, rows)
        with CaptureQueriesContext(connection) as queries:
            job = import_file(officer, path, mode)
        assert job.accepted == len(rows)
        return len(queries)

    # Sizes within SQLite's 999 parameters per INSERT, where Django would split a statement.
    few = statements(_new_rows(2, 100), "few.csv")
    more = statements(_new_rows(9, 200), "more.csv")
    assert few == more
    assert few < 60


def test_a_code_registered_meanwhile_sends_the_batch_through_the_services(tmp_path, officer, monkeypatch):
    """A registration between the batch's look-up and its write: the services name the row."""
    rows = _new_rows(3, 300)
    taken = rows[1]["personal_code"]
    original = importer.Importer._load_persons

    def load_then_someone_registers(self, batch_rows):
        original(self, batch_rows)
        if not Person.objects.filter(personal_code=taken).exists():
            Person.objects.create(given_names="Cits", family_name="Cilvēks", personal_code=taken, sex="male")

    monkeypatch.setattr(importer.Importer, "_load_persons", load_then_someone_registers)
    job = import_file(officer, write_csv(tmp_path / "register.csv", rows))
    assert (job.accepted, job.rejected) == (2, 1)
    rejected = ImportRow.objects.get(job=job, status=RowStatus.REJECTED)
    assert rejected.number == 3
    assert [r["code"] for r in rejected.reasons] == ["duplicate_code"]
    assert Person.objects.filter(personal_code=taken).count() == 1


def test_a_row_without_a_code_finds_the_person_an_earlier_row_found_by_code(tmp_path, world, officer):
    """One person, however many ways the batch met them: not "several persons have this name"."""
    rows = [
        register_row(
            personal_code="010180-10018", last_name="Bērziņš", first_name="Jānis", birth_date="1980-01-01"
        ),
        register_row(
            personal_code="",
            last_name="Berzins",
            first_name="Janis",
            birth_date="1980-01-01",
            court="Zemgales rajona tiesa",
            sentence_end_on=days(400).isoformat(),
        ),
    ]
    job = import_file(officer, write_csv(tmp_path / "register.csv", rows))
    assert (job.accepted, job.rejected) == (2, 0)
    assert list(ImportRow.objects.filter(job=job).values_list("person", flat=True)) == [world.person.pk] * 2
    assert Sentence.objects.filter(person=world.person).count() == 1
