"""The import end to end, through the domain services, with CSV and XLSX files written in tmp_path."""

import pytest

from conftest import add_relationship
from resoc.access.context import acting_for
from resoc.access.models import Membership, User
from resoc.access.roles import Role
from resoc.audit.models import AuditEntry
from resoc.imports.models import ImportedRecord, ImportMode, ImportRow, JobStatus, RowStatus
from resoc.imports.tests.conftest import (
    codes,
    days,
    import_file,
    person_code,
    register_row,
    statuses,
    stored_counts,
    write_csv,
    write_xlsx,
)
from resoc.organizations.models import Organization
from resoc.people.models import Person, Relationship
from resoc.sentences.models import CustodyEnd, CustodyPeriod, Release, Sentence


@pytest.mark.parametrize("writer", [write_csv, write_xlsx], ids=["csv", "xlsx"])
def test_a_new_person_is_registered_admitted_sentenced_and_released(tmp_path, officer, writer):
    row = register_row(
        court="Zemgales rajona tiesa",
        sentence_end_on=days(-5).isoformat(),
        probation_unit="vpd-zemgale",
        released_on=days(-5).isoformat(),
        release_reason="end_of_sentence",
    )
    path = writer(tmp_path / f"register.{'csv' if writer is write_csv else 'xlsx'}", [row])
    job = import_file(officer, path)
    assert job.status == JobStatus.DONE
    assert (job.accepted, job.rejected, job.unchanged) == (1, 0, 0)
    person = Person.objects.get(personal_code=row["personal_code"])
    assert person.family_name == "Kalniņš"
    period = CustodyPeriod.objects.get(person=person)
    assert (period.prison.code, period.left_on, period.ended_by) == (
        "jelgavas-cietums",
        days(-5),
        CustodyEnd.RELEASE,
    )
    unit = Sentence.objects.get(person=person).release_probation_unit
    assert unit is not None
    assert unit.code == "vpd-zemgale"
    assert Release.objects.filter(person=person, reason="end_of_sentence").exists()
    import_row = ImportRow.objects.get(job=job)
    assert import_row.changes == [
        "person_registered",
        "custody_admitted",
        "sentence_recorded",
        "person_released",
    ]
    assert import_row.person == person
    assert import_row.values == {}  # the file's values are kept for rejected rows only
    # Relationships are derived by the domain: custody ended with the release; release preparation continues.
    kinds = set(Relationship.objects.filter(person=person, source="sentences").values_list("kind", flat=True))
    assert kinds == {"custody", "release_preparation"}


def test_every_change_is_audited_through_the_command_channel(tmp_path, officer):
    job = import_file(officer, write_csv(tmp_path / "a.csv", [register_row()]))
    person = Person.objects.get(personal_code=register_row()["personal_code"])
    entries = AuditEntry.objects.filter(person_public_id=person.public_id)
    assert {(e.action, e.record_type, e.channel) for e in entries} == {
        ("create", "person", "command"),
        ("create", "custody_period", "command"),
    }
    assert AuditEntry.objects.filter(
        record_type="import_job", record_id=str(job.public_id), action="create"
    ).exists()


def test_a_known_person_is_completed_not_duplicated(tmp_path, world, officer):
    row = register_row(
        personal_code=world.person.personal_code,
        last_name="Bērziņš",
        first_name="Jānis",
        birth_date="1980-01-01",
        citizenship="non_citizen",
    )
    job = import_file(officer, write_csv(tmp_path / "a.csv", [row]))
    assert statuses(job) == {2: RowStatus.ACCEPTED}
    assert Person.objects.filter(personal_code=world.person.personal_code).count() == 1
    world.person.refresh_from_db()
    assert world.person.citizenship_status == "non_citizen"
    assert ImportRow.objects.get(job=job).changes == ["person_updated", "custody_admitted"]


def test_without_a_code_the_person_is_recognised_by_name_and_date_of_birth(tmp_path, officer):
    row = register_row(personal_code="", last_name="Ivanovs", first_name="Ivans", birth_date="1970-06-01")
    import_file(officer, write_csv(tmp_path / "a.csv", [row]))
    later = register_row(
        personal_code="",
        last_name="IVANOVS",
        first_name="Ivans",
        birth_date="01.06.1970",
        released_on=days(-1).isoformat(),
        release_reason="pardon",
    )
    job = import_file(officer, write_csv(tmp_path / "b.csv", [later]))
    assert statuses(job) == {2: RowStatus.ACCEPTED}
    assert Person.objects.filter(family_name="Ivanovs").count() == 1
    assert ImportRow.objects.get(job=job).changes == ["person_released"]


def test_a_stay_in_another_prison_is_only_the_holding_prisons_to_end(tmp_path, officer, world):
    other = world.acting("other_prison_officer")
    first = register_row(prison="jekabpils-cietums", admitted_on=days(-60).isoformat())
    assert import_file(other, write_csv(tmp_path / "a.csv", [first])).accepted == 1
    job = import_file(
        officer, write_csv(tmp_path / "b.csv", [register_row(admitted_on=days(-10).isoformat())])
    )
    assert codes(job, 2) == ["no_access"]
    assert CustodyPeriod.objects.get().left_on is None


def test_rows_of_one_person_build_the_journey_in_file_order(tmp_path, world):
    # The prison administration's officers act for every prison below it: a move between two prisons
    # in one extract becomes a transfer.
    user = User.objects.create_user(username="ievp_officer", password="a-long-test-password-1")
    Membership.objects.create(
        user=user, organization=Organization.objects.get(code="ievp"), role=Role.RESOCIALIZATION_OFFICER
    )
    acting = acting_for(user)
    rows = [
        register_row(prison="jekabpils-cietums", admitted_on=days(-60).isoformat()),
        register_row(
            prison="jelgavas-cietums", admitted_on=days(-20).isoformat(), regime_level="closed-medium"
        ),
        register_row(
            prison="jelgavas-cietums",
            admitted_on=days(-20).isoformat(),
            regime_level="closed-medium",
            released_on=days(-1).isoformat(),
            release_reason="pardon",
        ),
    ]
    job = import_file(acting, write_csv(tmp_path / "a.csv", rows))
    assert statuses(job) == {2: "accepted", 3: "accepted", 4: "accepted"}
    assert [r.changes for r in ImportRow.objects.filter(job=job)] == [
        ["person_registered", "custody_admitted"],
        ["custody_transferred"],
        ["person_released"],
    ]
    periods = list(CustodyPeriod.objects.order_by("admitted_on"))
    assert [(p.prison.code, p.left_on, p.ended_by) for p in periods] == [
        ("jekabpils-cietums", days(-20), CustodyEnd.TRANSFER),
        ("jelgavas-cietums", days(-1), CustodyEnd.RELEASE),
    ]


def test_capitals_or_missing_diacritics_do_not_rewrite_a_name(tmp_path, world, officer):
    row = register_row(
        personal_code=world.person.personal_code,
        last_name="BERZINS",
        first_name="JĀNIS",
        birth_date="1980-01-01",
    )
    job = import_file(officer, write_csv(tmp_path / "a.csv", [row]))
    assert ImportRow.objects.get(job=job).changes == ["custody_admitted"]
    world.person.refresh_from_db()
    assert world.person.family_name == "Bērziņš"


def test_domain_rules_reject_impossible_sequences(tmp_path, officer):
    rows = [
        register_row(admitted_on=days(-30).isoformat()),
        # Same person again in the same prison while held: "already in custody".
        register_row(admitted_on=days(-20).isoformat()),
        # Admission in the future.
        register_row(
            personal_code=person_code(1990, 5), birth_date="1990-03-15", admitted_on=days(3).isoformat()
        ),
        # Date of birth contradicting the code.
        register_row(personal_code=person_code(1991, 6), birth_date="1991-03-16"),
        # Release before the admission.
        register_row(
            personal_code=person_code(1992, 7),
            birth_date="1992-03-15",
            released_on=days(-40).isoformat(),
            release_reason="pardon",
        ),
    ]
    job = import_file(officer, write_csv(tmp_path / "a.csv", rows))
    assert statuses(job) == {2: "accepted", 3: "rejected", 4: "rejected", 5: "rejected", 6: "rejected"}
    assert codes(job, 3) == ["already_in_custody"]
    assert codes(job, 4) == ["future"]
    assert codes(job, 5) == ["code_mismatch"]
    assert codes(job, 6) == ["ends_before_start"]
    rejected = ImportRow.objects.get(job=job, number=6)
    assert rejected.reasons[0]["field"] == "released_on"
    assert rejected.values["personal_code"] == person_code(1992, 7)
    # Rejected rows left nothing behind, not even the person of row 6.
    assert not Person.objects.filter(personal_code=person_code(1992, 7)).exists()


def test_accept_valid_stores_the_valid_rows_and_reports_the_others(tmp_path, officer):
    rows = [
        register_row(),
        register_row(personal_code="bad", last_name="Liepa"),
        register_row(personal_code=person_code(1986, 9), birth_date="1986-03-15"),
    ]
    job = import_file(officer, write_csv(tmp_path / "a.csv", rows), ImportMode.ACCEPT_VALID)
    assert (job.accepted, job.rejected, job.rows_done, job.rows_total) == (2, 1, 3, 3)
    assert Person.objects.filter(family_name="Kalniņš").count() == 2
    assert ImportedRecord.objects.count() == 2


def test_all_or_nothing_stores_nothing_when_a_row_is_rejected(tmp_path, officer):
    rows = [
        register_row(),
        register_row(personal_code="bad", last_name="Liepa"),
        register_row(personal_code=person_code(1986, 9), birth_date="1986-03-15"),
    ]
    before = stored_counts()
    audits_before = AuditEntry.objects.exclude(record_type="import_job").count()
    job = import_file(officer, write_csv(tmp_path / "a.csv", rows), ImportMode.ALL_OR_NOTHING)
    assert job.status == JobStatus.DONE
    assert job.stored_nothing
    assert (job.accepted, job.rejected, job.not_stored, job.rows_done) == (0, 1, 2, 3)
    assert stored_counts() == before
    assert AuditEntry.objects.exclude(record_type="import_job").count() == audits_before
    # The report keeps the rejected rows with their reasons.
    assert statuses(job) == {3: RowStatus.REJECTED}


def test_all_or_nothing_stores_everything_when_every_row_is_valid(tmp_path, officer):
    rows = [register_row(), register_row(personal_code=person_code(1986, 9), birth_date="1986-03-15")]
    job = import_file(officer, write_csv(tmp_path / "a.csv", rows), ImportMode.ALL_OR_NOTHING)
    assert (job.accepted, job.rejected, job.stored_nothing) == (2, 0, False)
    assert Person.objects.filter(family_name="Kalniņš").count() == 2
    assert statuses(job) == {2: "accepted", 3: "accepted"}


@pytest.mark.parametrize("mode", [ImportMode.ACCEPT_VALID, ImportMode.ALL_OR_NOTHING])
def test_importing_the_same_file_again_changes_nothing(tmp_path, officer, mode):
    rows = [
        register_row(court="Rīgas tiesa", sentence_end_on="2030-01-01"),
        register_row(
            personal_code=person_code(1986, 9),
            birth_date="1986-03-15",
            released_on=days(-1).isoformat(),
            release_reason="pardon",
        ),
    ]
    path = write_csv(tmp_path / "a.csv", rows)
    first = import_file(officer, path, mode)
    assert first.accepted == 2
    before = stored_counts()
    audits = AuditEntry.objects.exclude(record_type="import_job").count()
    again = import_file(officer, path, mode)
    assert (again.accepted, again.unchanged, again.rejected) == (0, 2, 0)
    assert codes(again, 2) == ["already_imported"]
    assert "row 2" in ImportRow.objects.get(job=again, number=2).reasons[0]["message"]
    assert stored_counts() == before
    assert AuditEntry.objects.exclude(record_type="import_job").count() == audits
    assert again.sha256 == first.sha256


def test_the_same_rows_in_another_format_are_recognised_too(tmp_path, officer):
    import_file(officer, write_csv(tmp_path / "a.csv", [register_row()]))
    job = import_file(officer, write_xlsx(tmp_path / "a.xlsx", [register_row(admitted_on=days(-30))]))
    assert codes(job, 2) == ["already_imported"]


def test_a_duplicate_row_is_reported_as_the_same_as_the_first(tmp_path, officer):
    rows = [
        register_row(),
        register_row(personal_code=person_code(1986, 9), birth_date="1986-03-15"),
        register_row(),
    ]
    job = import_file(officer, write_csv(tmp_path / "a.csv", rows), ImportMode.ALL_OR_NOTHING)
    assert statuses(job) == {2: "accepted", 3: "accepted", 4: "unchanged"}
    reason = ImportRow.objects.get(job=job, number=4).reasons[0]
    assert reason["code"] == "duplicate_row"
    assert "row 2" in reason["message"]
    assert Person.objects.filter(personal_code=register_row()["personal_code"]).count() == 1


def test_formula_text_is_stored_nowhere(tmp_path, officer):
    rows = [register_row(court="=cmd|' /C calc'!A0", sentence_end_on="2030-01-01")]
    job = import_file(officer, write_csv(tmp_path / "a.csv", rows))
    assert codes(job, 2) == ["formula"]
    assert not Sentence.objects.exists()
    assert not Person.objects.filter(family_name="Kalniņš").exists()


def test_a_row_naming_another_prison_is_rejected(tmp_path, officer):
    job = import_file(officer, write_csv(tmp_path / "a.csv", [register_row(prison="Jēkabpils cietums")]))
    assert codes(job, 2) == ["other_prison"]
    assert not CustodyPeriod.objects.exists()


def test_a_lookalike_without_a_code_is_not_guessed(tmp_path, officer):
    Person.objects.create(given_names="Andris", family_name="Kalniņš", date_of_birth="1985-03-15", sex="male")
    job = import_file(officer, write_csv(tmp_path / "a.csv", [register_row()]))
    assert codes(job, 2) == ["possible_duplicate"]


def test_a_lookalike_with_another_code_is_another_person(tmp_path, officer):
    Person.objects.create(
        given_names="Andris",
        family_name="Kalniņš",
        date_of_birth="1985-03-15",
        sex="male",
        personal_code=person_code(1985, 200),
    )
    job = import_file(officer, write_csv(tmp_path / "a.csv", [register_row()]))
    assert statuses(job) == {2: RowStatus.ACCEPTED}


def test_several_lookalikes_without_a_code_are_ambiguous(tmp_path, officer):
    for _ in range(2):
        Person.objects.create(
            given_names="Ivans", family_name="Ivanovs", date_of_birth="1970-06-01", sex="male"
        )
    row = register_row(personal_code="", last_name="Ivanovs", first_name="Ivans", birth_date="1970-06-01")
    job = import_file(officer, write_csv(tmp_path / "a.csv", [row]))
    assert codes(job, 2) == ["ambiguous"]


def test_a_released_persons_later_release_conflict_is_reported(tmp_path, officer):
    row = register_row(released_on=days(-3).isoformat(), release_reason="pardon")
    import_file(officer, write_csv(tmp_path / "a.csv", [row]))
    # The prison keeps access for no day after the release, so the conflict is found by the register row.
    add_relationship(Person.objects.get(family_name="Kalniņš"), "jelgavas-cietums", "custody")
    job = import_file(
        officer,
        write_csv(
            tmp_path / "b.csv", [register_row(released_on=days(-2).isoformat(), release_reason="pardon")]
        ),
    )
    assert codes(job, 2) == ["release_conflict"]


def test_the_upload_is_deleted_when_the_job_ends(tmp_path, officer):
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    from resoc.imports import services

    path = write_csv(tmp_path / "a.csv", [register_row()])
    job = services.import_job_create(
        acting=officer,
        upload=ContentFile(path.read_bytes(), name="a.csv"),
        file_name="a.csv",
        mode="accept_valid",
    )
    stored = job.stored_file
    assert default_storage.exists(stored)
    job = services.import_job_run(job=job)
    assert job.accepted == 1
    assert not default_storage.exists(stored)
    assert job.stored_file == ""


def test_old_reports_are_pruned_but_their_rows_stay_imported(tmp_path, officer, settings):
    import datetime as dt

    from django.utils import timezone

    from resoc.imports.models import ImportJob

    path = write_csv(tmp_path / "a.csv", [register_row()])
    old = import_file(officer, path)
    ImportJob.objects.filter(pk=old.pk).update(created_at=timezone.now() - dt.timedelta(days=91))
    again = import_file(officer, path)
    assert not ImportJob.objects.filter(pk=old.pk).exists()
    assert codes(again, 2) == ["already_imported"]


def test_a_job_runs_once(tmp_path, officer):
    from resoc.imports import services

    path = write_csv(tmp_path / "a.csv", [register_row()])
    job = services.import_job_create_from_path(acting=officer, path=path, mode="accept_valid")
    services.import_job_run(job=job, path=path)
    services.import_job_run(job=job, path=path)
    assert ImportRow.objects.filter(job=job).count() == 1


def test_report_links_follow_a_merge(tmp_path, world, officer):
    job = import_file(officer, write_csv(tmp_path / "a.csv", [register_row()]))
    duplicate = Person.objects.get(family_name="Kalniņš")
    from resoc.imports.services import merge_import_links

    moved = merge_import_links(duplicate, world.person)
    assert moved == {"import_rows": 1, "imported_records": 1}
    assert ImportRow.objects.get(job=job).person == world.person
    assert ImportedRecord.objects.get().person == world.person
