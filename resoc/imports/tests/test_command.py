"""``manage.py import_register``: the same import, synchronously, with a summary and an exit code."""

import pytest
from django.core.management import CommandError, call_command

from resoc.imports.models import ImportJob
from resoc.imports.tests.conftest import register_row, stored_counts, write_csv, write_xlsx
from resoc.people.models import Person


def test_the_command_imports_and_prints_the_summary(world, tmp_path, capsys):
    path = write_xlsx(tmp_path / "a.xlsx", [register_row(), register_row(personal_code="bad")])
    call_command("import_register", str(path), "--as", "prison_officer", "--language", "en")
    out = capsys.readouterr().out
    assert "accepted:  1" in out
    assert "rejected:  1" in out
    assert "row 3 [personal_code]" in out
    assert ImportJob.objects.get().channel == "command"
    assert Person.objects.filter(family_name="Kalniņš").count() == 1


def test_all_or_nothing_exits_with_1_and_stores_nothing(world, tmp_path):
    path = write_csv(tmp_path / "a.csv", [register_row(), register_row(personal_code="bad")])
    before = stored_counts()
    with pytest.raises(CommandError) as error:
        call_command("import_register", str(path), "--as", "prison_officer", "--all-or-nothing")
    assert error.value.returncode == 1
    assert stored_counts() == before


def test_a_user_who_may_not_import_is_refused(world, tmp_path):
    path = write_csv(tmp_path / "a.csv", [register_row()])
    with pytest.raises(CommandError, match="no membership that may import"):
        call_command("import_register", str(path), "--as", "probation_officer")
    assert not ImportJob.objects.exists()


def test_a_refused_file_is_an_error(world, tmp_path, settings):
    settings.IMPORT_MAX_BYTES = 10
    path = write_csv(tmp_path / "a.csv", [register_row()])
    with pytest.raises(CommandError, match="MB"):
        call_command("import_register", str(path), "--as", "prison_officer")
