"""Checking and storing the rows of a register file, a batch at a time (see ``services`` for the job).

Rows naming a person Resoc does not hold yet (nearly all rows of a first import) are checked one by
one in memory, exactly as the services check them, and written together at the end of the batch by
``sentences.intake``: a batch costs a constant number of statements, whatever its size. Rows about a
person Resoc holds (or one an earlier row of the batch registers) go through ``people.services`` and
``sentences.services`` one by one, in file order, each in its own savepoint.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import islice
from typing import Any, NamedTuple

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from resoc.access.context import Acting
from resoc.imports.models import ImportedRecord, ImportJob, ImportRow, RowStatus
from resoc.imports.progress import Progress
from resoc.imports.reader import Cell, RegisterFile
from resoc.imports.rows import Reason, References, RegisterRow, parse_row
from resoc.people import services as people_services
from resoc.people.identity import birth_date_from_code
from resoc.people.models import CitizenshipStatus, Person
from resoc.sentences import services as sentence_services
from resoc.sentences.intake import Intake, IntakeDenied, intake_check, intakes_record
from resoc.sentences.models import CustodyEnd, CustodyPeriod, Sentence
from resoc.text import fold

BATCH_SIZE = 500
# All-or-nothing refuses the file at the first rejected row; checking goes on to report more
# problems at once, but stops here so that a wholly wrong file does not fill memory with reasons.
MAX_REPORTED_REJECTIONS = 1000

# Domain field names → the file's columns, so that a reason points at the cell to fix.
_FIELD_COLUMNS = {
    "given_names": "first_name",
    "family_name": "last_name",
    "date_of_birth": "birth_date",
    "citizenship_status": "citizenship",
    "to_prison": "prison",
    "transferred_on": "admitted_on",
    "starts_on": "sentence_start_on",
    "ends_on": "sentence_end_on",
    "release_probation_unit": "probation_unit",
    "reason": "release_reason",
    "__all__": "",
}


class _Known(NamedTuple):
    """A current record with a row's date of birth, as far as matching needs it."""

    pk: int
    personal_code: str | None
    search_text: str


class _Rejected(Exception):
    def __init__(self, reasons: list[Reason]) -> None:
        super().__init__(reasons)
        self.reasons = reasons


@dataclass
class _Outcome:
    number: int
    status: str
    reasons: list[Reason] = field(default_factory=list)
    changes: list[str] = field(default_factory=list)
    values: dict[str, Cell] = field(default_factory=dict)
    person_id: int | None = None
    fingerprint: str = ""  # set when the row is to be remembered as imported

    def become(self, other: _Outcome) -> None:
        self.__dict__.update(other.__dict__)

    def as_row(self, job: ImportJob) -> ImportRow:
        values = {}
        if self.status == RowStatus.REJECTED:
            values = {
                key: value.isoformat() if isinstance(value, dt.date) else value
                for key, value in self.values.items()
            }
        return ImportRow(
            job=job,
            number=self.number,
            status=self.status,
            reasons=[reason.as_dict() for reason in self.reasons],
            changes=self.changes,
            values=values,
            person_id=self.person_id,
        )


def _batches(rows: Iterable[tuple[int, dict[str, Cell]]]) -> Iterator[list[tuple[int, dict[str, Cell]]]]:
    iterator = iter(rows)
    while batch := list(islice(iterator, BATCH_SIZE)):
        yield batch


def _birth_date(row: RegisterRow) -> dt.date | None:
    return row.birth_date or (birth_date_from_code(row.personal_code) if row.personal_code else None)


def _names_key(family_name: str, given_names: str) -> str:
    return f" {fold(family_name)} {fold(given_names)} "


class Importer:
    # False sends new persons through the services one by one too: the equivalence test compares both.
    intake_in_bulk = True

    def __init__(
        self, job: ImportJob, acting: Acting, register: RegisterFile, *, resume_after: int = 0
    ) -> None:
        self.job = job
        # Rows an interrupted run of the job stored (whole batches, with its counts): not again.
        self.resume_after = resume_after
        self.acting = acting
        self.register = register
        self.references = References(acting)
        self.first_seen: dict[str, int] = {}  # fingerprint → row number, for duplicates within the file
        self.by_code: dict[str, Person] = {}
        self.by_birth: dict[dt.date, list[Person | _Known]] = {}
        self.by_pk: dict[int, Person] = {}  # full records of look-alikes
        # Checked intakes of the batch and their rows, written together by ``_write_intakes``.
        self.intakes: list[tuple[Intake, _Outcome, RegisterRow, dict[str, Cell]]] = []

    # modes

    def run_accept_valid(self) -> None:
        progress = Progress(self.job, isolated=False)
        try:
            for batch in _batches(self._rows_to_do()):
                with transaction.atomic():
                    outcomes = self._process(batch)
                    self._store(outcomes, remember=True)
                    self._count(outcomes)
                    self.job.save(update_fields=["accepted", "rejected", "unchanged"])
                    progress.report(self.job.rows_done)
        finally:
            progress.close()
        self.job.rows_total = self.job.rows_done

    def _rows_to_do(self) -> Iterator[tuple[int, dict[str, Cell]]]:
        rows = iter(self.register.rows())
        for number, raw in islice(rows, self.resume_after):
            # Later duplicates of these rows are reported as in one uninterrupted run.
            row, _reasons = parse_row(number, raw, self.references)
            if row is not None:
                self.first_seen.setdefault(row.fingerprint, number)
        yield from rows

    def run_all_or_nothing(self) -> None:
        progress = Progress(self.job, isolated=True)
        rejected: list[_Outcome] = []
        processed = 0
        try:
            with transaction.atomic():
                for batch in _batches(self.register.rows()):
                    outcomes = self._process(batch)
                    processed += len(batch)
                    rejected.extend(o for o in outcomes if o.status == RowStatus.REJECTED)
                    if not rejected:
                        self._store(outcomes, remember=True)
                    self._count(outcomes)
                    progress.report(processed)
                    if len(rejected) >= MAX_REPORTED_REJECTIONS:
                        self.job.error_code = "stopped_checking"
                        self.job.error = _(
                            "Checking stopped after %(count)s rejected rows; correct these and upload the file again."
                        ) % {"count": MAX_REPORTED_REJECTIONS}
                        break
                if rejected:
                    transaction.set_rollback(True)
        finally:
            progress.close()
        self.job.rows_done = self.job.rows_total = processed
        if rejected:
            # Everything was rolled back, the report too: it keeps the rejected rows and the counts.
            self.job.not_stored = self.job.accepted
            self.job.accepted = 0
            with transaction.atomic():
                self._store(rejected, remember=False)

    def _count(self, outcomes: list[_Outcome]) -> None:
        for outcome in outcomes:
            if outcome.status == RowStatus.ACCEPTED:
                self.job.accepted += 1
            elif outcome.status == RowStatus.REJECTED:
                self.job.rejected += 1
            else:
                self.job.unchanged += 1
        self.job.rows_done += len(outcomes)

    def _store(self, outcomes: list[_Outcome], *, remember: bool) -> None:
        ImportRow.objects.bulk_create([outcome.as_row(self.job) for outcome in outcomes])
        if remember:
            ImportedRecord.objects.bulk_create(
                [
                    ImportedRecord(
                        organization_id=self.job.organization_id,
                        fingerprint=outcome.fingerprint,
                        person_id=outcome.person_id,
                        job=self.job,
                        row_number=outcome.number,
                    )
                    for outcome in outcomes
                    if outcome.fingerprint
                ]
            )

    # one batch

    def _process(self, batch: list[tuple[int, dict[str, Cell]]]) -> list[_Outcome]:
        parsed: list[tuple[int, dict[str, Cell], RegisterRow | None, list[Reason]]] = [
            (number, raw, *parse_row(number, raw, self.references)) for number, raw in batch
        ]
        fingerprints = [row.fingerprint for _n, _raw, row, _r in parsed if row is not None]
        imported = {
            record.fingerprint: record
            for record in ImportedRecord.objects.filter(
                organization_id=self.job.organization_id, fingerprint__in=fingerprints
            ).select_related("job")
        }
        self._load_persons(
            [row for _n, _raw, row, _r in parsed if row is not None and row.fingerprint not in imported]
        )
        outcomes: list[_Outcome] = []
        for number, raw, row, reasons in parsed:
            if row is None:
                outcomes.append(_Outcome(number, RowStatus.REJECTED, reasons, values=raw))
                continue
            first = self.first_seen.get(row.fingerprint)
            if first is not None:
                reason = Reason(
                    "", "duplicate_row", _("The same as row %(row)s of this file.") % {"row": first}
                )
                outcomes.append(_Outcome(number, RowStatus.UNCHANGED, [reason]))
                continue
            self.first_seen[row.fingerprint] = number
            record = imported.get(row.fingerprint)
            if record is not None:
                outcomes.append(self._already_imported(number, record))
                continue
            outcomes.append(self._apply_row(row, raw))
        self._write_intakes()
        return outcomes

    def _apply_row(self, row: RegisterRow, raw: dict[str, Cell]) -> _Outcome:
        try:
            person = self._match(row)
        except _Rejected as rejected:
            return _Outcome(row.number, RowStatus.REJECTED, rejected.reasons, values=raw)
        if person is None and self.intake_in_bulk:
            return self._intake(row, raw)
        if person is not None and person.pk is None:
            # An earlier row of this batch registers the person: write that first, in file order.
            self._write_intakes()
        return self._apply_in_savepoint(row, raw)

    def _intake(self, row: RegisterRow, raw: dict[str, Cell]) -> _Outcome:
        """Check a new person's row as the services would; it is written with the batch's others."""
        try:
            self._check_lookalikes(row)
            intake = intake_check(
                acting=self.acting,
                data=self._person_data(row),
                prison=row.prison,
                admitted_on=row.admitted_on,
                regime_level=row.regime_level,
                sentence=self._sentence_data(row, row.admitted_on),
                release=(row.released_on, row.release_reason) if row.released_on is not None else None,
            )
        except _Rejected as rejected:
            return _Outcome(row.number, RowStatus.REJECTED, rejected.reasons, values=raw)
        except IntakeDenied as denied:
            return _Outcome(row.number, RowStatus.REJECTED, [_denial(denied.step)], values=raw)
        except ValidationError as error:
            return _Outcome(row.number, RowStatus.REJECTED, _reasons(error), values=raw)
        outcome = _Outcome(
            row.number, RowStatus.ACCEPTED, changes=list(intake.changes), fingerprint=row.fingerprint
        )
        self.intakes.append((intake, outcome, row, raw))
        self._remember(intake.person)
        return outcome

    def _write_intakes(self) -> None:
        pending, self.intakes = self.intakes, []
        if not pending:
            return
        try:
            with transaction.atomic():
                intakes_record(acting=self.acting, intakes=[intake for intake, *_rest in pending])
        except IntegrityError:
            # Someone registered one of these codes since the batch looked: the services, row by row,
            # name the row that now conflicts and store the others.
            for intake, *_rest in pending:
                self._forget(intake.person)
            for _intake, outcome, row, raw in pending:
                outcome.become(self._apply_in_savepoint(row, raw))
            return
        for intake, outcome, _row, _raw in pending:
            outcome.person_id = intake.person.pk

    def _already_imported(self, number: int, record: ImportedRecord) -> _Outcome:
        if record.job is not None:
            message = _("Already imported from “%(file)s”, row %(row)s.") % {
                "file": record.job.file_name,
                "row": record.row_number,
            }
        else:
            message = _("Already imported earlier.")
        return _Outcome(
            number, RowStatus.UNCHANGED, [Reason("", "already_imported", message)], person_id=record.person_id
        )

    def _load_persons(self, rows: list[RegisterRow]) -> None:
        """Three queries per batch for the persons its rows name: by code, the look-alikes by date of
        birth (a few columns), and the full records of the look-alikes rows without a code may be.

        The look-alikes serve both matching rows without a code and the duplicate check of a new
        registration, which would otherwise cost a query for every row (the lookup uses the
        ``person_birth`` index). Only their keys, codes and names are read: in a large register many
        persons share each date of birth, and a row needs the whole record only of the one it is about.
        """
        codes = {row.personal_code for row in rows if row.personal_code}
        births = {birth for row in rows if (birth := _birth_date(row))}
        self.by_code = {}
        self.by_birth = {}
        self.by_pk = {}
        if codes:
            for person in Person.objects.current().filter(personal_code__in=codes):
                self.by_code[person.personal_code or ""] = person
        if births:
            for pk, code, birth, text in (
                Person.objects.current()
                .filter(date_of_birth__in=births)
                .values_list("pk", "personal_code", "date_of_birth", "search_text")
            ):
                assert birth is not None
                self.by_birth.setdefault(birth, []).append(_Known(pk, code, text))
            wanted = {known.pk for row in rows if not row.personal_code for known in self._lookalikes(row)}
            if wanted:
                self.by_pk = {person.pk: person for person in Person.objects.filter(pk__in=wanted)}

    def _remember(self, person: Person) -> None:
        """Later rows of the file find the person a row registered or completed."""
        if person.personal_code:
            self.by_code[person.personal_code] = person
        if person.date_of_birth:
            others = [
                known
                for known in self.by_birth.get(person.date_of_birth, [])
                if known is not person and (person.pk is None or known.pk != person.pk)
            ]
            self.by_birth[person.date_of_birth] = [*others, person]

    def _forget(self, person: Person) -> None:
        if person.personal_code and self.by_code.get(person.personal_code) is person:
            del self.by_code[person.personal_code]
        if person.date_of_birth:
            self.by_birth[person.date_of_birth] = [
                known for known in self.by_birth.get(person.date_of_birth, []) if known is not person
            ]

    def _lookalikes(self, row: RegisterRow) -> list[Person | _Known]:
        """Records with the row's names and date of birth (as ``person_possible_duplicates`` finds them)."""
        birth = _birth_date(row)
        if birth is None:
            return []
        names = _names_key(row.family_name, row.given_names)
        return [p for p in self.by_birth.get(birth, []) if p.search_text.startswith(names)]

    def _apply_in_savepoint(self, row: RegisterRow, raw: dict[str, Cell]) -> _Outcome:
        try:
            with transaction.atomic():
                person, changes = self._apply(row)
        except _Rejected as rejected:
            return _Outcome(row.number, RowStatus.REJECTED, rejected.reasons, values=raw)
        except ValidationError as error:
            return _Outcome(row.number, RowStatus.REJECTED, _reasons(error), values=raw)
        self._remember(person)
        if not changes:
            reason = Reason("", "no_changes", _("Resoc already holds everything this row says."))
            return _Outcome(
                row.number, RowStatus.UNCHANGED, [reason], person_id=person.pk, fingerprint=row.fingerprint
            )
        return _Outcome(
            row.number, RowStatus.ACCEPTED, changes=changes, person_id=person.pk, fingerprint=row.fingerprint
        )

    # one row, through the domain services

    def _match(self, row: RegisterRow) -> Person | None:
        if row.personal_code:
            return self.by_code.get(row.personal_code)
        found = self._lookalikes(row)
        if len(found) > 1:
            raise _Rejected(
                [
                    Reason(
                        "personal_code",
                        "ambiguous",
                        _(
                            "Several persons have this name and date of birth: add the personal code to the row."
                        ),
                    )
                ]
            )
        if not found:
            return None
        person = found[0]
        if isinstance(person, Person):
            return person
        return self.by_pk.get(person.pk) or Person.objects.get(pk=person.pk)

    def _apply(self, row: RegisterRow) -> tuple[Person, list[str]]:
        acting = self.acting
        changes: list[str] = []
        person = self._match(row)
        if person is None:
            person = self._register(row)
            changes.append("person_registered")
            periods: list[CustodyPeriod] = []
        else:
            if self._update_identity(person, row):
                changes.append("person_updated")
            periods = list(CustodyPeriod.objects.filter(person=person))

        period = next(
            (p for p in periods if p.prison_id == row.prison.pk and p.admitted_on == row.admitted_on), None
        )
        if period is None:
            holding = next((p for p in periods if p.left_on is None), None)
            if (
                holding is not None
                and holding.prison_id != row.prison.pk
                and row.admitted_on >= holding.admitted_on
            ):
                with _denied_as(_("The person is held by another prison: that prison records the transfer.")):
                    period = sentence_services.custody_transfer(
                        acting=acting,
                        person=person,
                        to_prison=row.prison,
                        transferred_on=row.admitted_on,
                        regime_level=row.regime_level,
                    )
                changes.append("custody_transferred")
            else:
                with _denied_as(_denial("custody_admitted").message):
                    period = sentence_services.custody_admit(
                        acting=acting,
                        person=person,
                        prison=row.prison,
                        admitted_on=row.admitted_on,
                        regime_level=row.regime_level,
                    )
                changes.append("custody_admitted")

        sentence = self._sentence_data(row, row.admitted_on)
        if sentence is not None:
            known = "person_registered" not in changes and (
                Sentence.objects.filter(
                    person=person, starts_on=sentence["starts_on"], ends_on=sentence["ends_on"]
                ).exists()
            )
            if not known:
                with _denied_as(_denial("sentence_recorded").message):
                    sentence_services.sentence_record(acting=acting, person=person, **sentence)
                changes.append("sentence_recorded")

        if row.released_on is not None:
            if period.left_on is None:
                with _denied_as(_denial("person_released").message):
                    sentence_services.person_release(
                        acting=acting, person=person, released_on=row.released_on, reason=row.release_reason
                    )
                changes.append("person_released")
            elif period.left_on != row.released_on or period.ended_by != CustodyEnd.RELEASE:
                raise _Rejected(
                    [
                        Reason(
                            "released_on",
                            "release_conflict",
                            _("This stay already ended on %(date)s (%(how)s).")
                            % {
                                "date": period.left_on.strftime("%d.%m.%Y"),
                                "how": period.get_ended_by_display(),
                            },
                        )
                    ]
                )
        return person, changes

    @staticmethod
    def _person_data(row: RegisterRow) -> dict[str, Any]:
        return {
            "given_names": row.given_names,
            "family_name": row.family_name,
            "personal_code": row.personal_code,
            "date_of_birth": row.birth_date,
            "sex": row.sex,
            "citizenship_status": row.citizenship_status,
            "citizenship_country": row.citizenship_country,
        }

    @staticmethod
    def _sentence_data(row: RegisterRow, admitted_on: dt.date) -> dict[str, Any] | None:
        if row.sentence_end_on is None:
            return None
        return {
            "court": row.court,
            "starts_on": row.sentence_start_on or admitted_on,
            "ends_on": row.sentence_end_on,
            "release_probation_unit": row.probation_unit,
        }

    def _check_lookalikes(self, row: RegisterRow) -> None:
        # Matching found no record with this code; a look-alike with a different code is another
        # person. A look-alike without a code may be this one: a person decides (merge, or add the code).
        lookalikes = self._lookalikes(row)
        if lookalikes and not (row.personal_code and all(p.personal_code for p in lookalikes)):
            raise _Rejected(
                [
                    Reason(
                        "personal_code",
                        "possible_duplicate",
                        _(
                            "A person with the same name and date of birth is registered without this code: "
                            "check whether it is the same person and merge or complete the record."
                        ),
                    )
                ]
            )

    def _register(self, row: RegisterRow) -> Person:
        self._check_lookalikes(row)
        # The look-alikes were checked above, from the batch's one query.
        return people_services.person_register(
            acting=self.acting, data=self._person_data(row), confirm_possible_duplicate=True
        )

    def _update_identity(self, person: Person, row: RegisterRow) -> bool:
        wanted: dict[str, Any] = {"sex": row.sex}
        # Registers often write names in capitals or without diacritics: only a different spelling
        # is a correction, not "BĒRZIŅŠ" or "Berzins" for "Bērziņš".
        for name in ("given_names", "family_name"):
            if fold(getattr(row, name)) != fold(getattr(person, name)):
                wanted[name] = getattr(row, name)
        if row.birth_date is not None:
            wanted["date_of_birth"] = row.birth_date
        # An empty or "unknown" cell does not erase what Resoc knows.
        if row.citizenship_status != CitizenshipStatus.UNKNOWN:
            wanted["citizenship_status"] = row.citizenship_status
        if row.citizenship_country:
            wanted["citizenship_country"] = row.citizenship_country
        if all(getattr(person, name) == value for name, value in wanted.items()):
            return False
        with _denied_as(_denial("person_updated").message):
            people_services.person_update(acting=self.acting, person=person, data=wanted)
        return True


def _denial(step: str) -> Reason:
    """The reason of a row whose step (the change it would record) the policy refused."""
    if step == "sentence_recorded":
        message = _("Your organization has no access to this person's sentence.")
    else:
        message = _("Your organization has no access to this person's record.")
    return Reason("", "no_access", message)


@contextmanager
def _denied_as(message: str) -> Iterator[None]:
    try:
        yield
    except PermissionDenied:
        raise _Rejected([Reason("", "no_access", message)]) from None


def _reasons(error: ValidationError) -> list[Reason]:
    reasons: list[Reason] = []
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            for item in errors:
                reasons.append(
                    Reason(_FIELD_COLUMNS.get(name, name), item.code or "invalid", item.messages[0])
                )
    else:
        for item in error.error_list:
            reasons.append(Reason("", item.code or "invalid", item.messages[0]))
    return reasons
