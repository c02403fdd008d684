"""The audit log can be added to, never changed or emptied: in the ORM always, in PostgreSQL also below it."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, connection, transaction

from resoc.access.models import User
from resoc.audit.models import AppendOnlyError, AuditAction, AuditEntry
from resoc.audit.services import Actor, audit_record

pytestmark = pytest.mark.django_db


@pytest.fixture
def entry() -> AuditEntry:
    return audit_record(actor=Actor(user_id=None, username="inspector"), action=AuditAction.VIEW)


def test_a_new_entry_can_be_written(entry: AuditEntry) -> None:
    assert AuditEntry.objects.filter(pk=entry.pk, actor_username="inspector").exists()


def test_saving_an_existing_entry_is_refused(entry: AuditEntry) -> None:
    entry.actor_username = "somebody-else"
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        entry.save(update_fields=["actor_username"])
    assert AuditEntry.objects.get(pk=entry.pk).actor_username == "inspector"


def test_deleting_an_entry_is_refused(entry: AuditEntry) -> None:
    with pytest.raises(AppendOnlyError):
        entry.delete()
    assert AuditEntry.objects.filter(pk=entry.pk).exists()


def test_queryset_update_and_delete_are_refused(entry: AuditEntry) -> None:
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.filter(pk=entry.pk).update(actor_username="x")
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.all().delete()
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.filter(pk=entry.pk).delete()
    entry.actor_username = "x"
    # bulk_update opens an atomic block without a savepoint; give it one so the test can go on.
    with pytest.raises(AppendOnlyError), transaction.atomic():
        AuditEntry.objects.bulk_update([entry], ["actor_username"])
    assert AuditEntry.objects.get(pk=entry.pk).actor_username == "inspector"
    assert AuditEntry.objects.count() == 1


def test_entries_outlive_the_user_who_made_them() -> None:
    user = User.objects.create_user(username="leaver", password="a-long-test-password-1")
    audit_record(actor=Actor(user_id=user.pk, username="leaver"), action=AuditAction.LOGIN)
    user.delete()
    assert AuditEntry.objects.filter(actor_username="leaver", action=AuditAction.LOGIN).count() == 1


def _raw(sql: str, params: list[str | int]) -> None:
    # A savepoint, so that PostgreSQL's refusal leaves the test's transaction usable.
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)


def test_raw_sql_cannot_change_or_remove_entries_where_the_database_enforces_it(entry: AuditEntry) -> None:
    """PostgreSQL (production) refuses UPDATE and DELETE with a trigger, whoever connects.

    SQLite (a local single-user installation) has no such trigger; there the model's guard is the
    promise, so that is what is asserted. CI runs this test on both backends.
    """
    table = AuditEntry._meta.db_table
    if connection.vendor == "postgresql":
        with pytest.raises(DatabaseError, match="append-only"):
            _raw(f"UPDATE {table} SET actor_username = %s WHERE id = %s", ["forged", entry.pk])
        with pytest.raises(DatabaseError, match="append-only"):
            _raw(f"DELETE FROM {table} WHERE id = %s", [entry.pk])
        with pytest.raises(DatabaseError, match="append-only"):
            _raw(f"DELETE FROM {table}", [])
    else:
        with pytest.raises(AppendOnlyError):
            AuditEntry.objects.filter(pk=entry.pk).update(actor_username="forged")
        with pytest.raises(AppendOnlyError):
            AuditEntry.objects.filter(pk=entry.pk).delete()
    assert AuditEntry.objects.get(pk=entry.pk).actor_username == "inspector"
