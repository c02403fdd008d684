"""Fast bulk inserts for the demo's large tables: rows as tuples, primary keys given in advance.

``bulk_create`` builds a model instance per row and then prepares every field of it: for the
hundreds of thousands of plan, measure, task and timeline rows of a 100,000-person demo that costs
more than all the rest of the seeding. Here a row is a tuple of the named fields' Python values;
each value is prepared for the database by its field (``get_db_prep_save``), so dates, UUIDs and
JSON are stored exactly as the ORM stores them. Primary keys are allocated before inserting (above
the table's largest) so that other rows can point at them, and the sequence is moved past them
afterwards on databases that have one.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

from django.core.management.color import no_style
from django.db import connection, models
from django.db.models import Max
from django.utils import timezone

# Field types whose Python value the database driver takes as it is.
_PLAIN = frozenset(
    {
        "AutoField",
        "BigAutoField",
        "BigIntegerField",
        "BooleanField",
        "CharField",
        "ForeignKey",
        "IntegerField",
        "OneToOneField",
        "PositiveIntegerField",
        "PositiveSmallIntegerField",
        "SlugField",
        "SmallIntegerField",
        "TextField",
    }
)


class IdAllocator:
    """Primary keys above the largest stored one, per model (call inside the seeding transaction)."""

    def __init__(self) -> None:
        self._next: dict[type[models.Model], int] = {}

    def take(self, model: type[models.Model]) -> int:
        if model not in self._next:
            self._next[model] = (model._default_manager.aggregate(top=Max("pk"))["top"] or 0) + 1
        value = self._next[model]
        self._next[model] = value + 1
        return value

    def models(self) -> list[type[models.Model]]:
        """The models keys were taken for (their sequences need moving on)."""
        return list(self._next)


def _preparer(field: models.Field[Any, Any]) -> Callable[[Any], Any] | None:
    """How the ORM prepares a value of ``field`` for the database (the common types done directly)."""
    kind = field.get_internal_type()
    if kind in _PLAIN:
        return None
    ops = connection.ops
    if kind == "UUIDField":
        if connection.features.has_native_uuid_field:
            return None
        return lambda value: None if value is None else value.hex
    if kind == "DateField":
        return ops.adapt_datefield_value
    if kind == "DateTimeField":
        return ops.adapt_datetimefield_value

    def prepare(value: Any) -> Any:
        return None if value is None else field.get_db_prep_save(value, connection)

    return prepare


def insert_objects(
    model: type[models.Model], objects: Sequence[models.Model], *, batch_size: int = 5000
) -> int:
    """Insert unsaved instances like ``bulk_create`` without the query compiler (their ids stay unset)."""
    fields = [field for field in model._meta.concrete_fields if not field.primary_key]
    names = [field.name for field in fields]
    attnames = [field.attname for field in fields]
    return insert_rows(
        model,
        names,
        ([getattr(obj, attname) for attname in attnames] for obj in objects),
        batch_size=batch_size,
    )


def insert_rows(
    model: type[models.Model], names: Sequence[str], rows: Iterable[Sequence[Any]], *, batch_size: int = 5000
) -> int:
    """Insert ``rows``: tuples of the values of the fields ``names`` (the primary key, if named, included).

    The model's other fields get their defaults, as a new instance would (a callable default is
    called for every row).
    """
    meta = model._meta
    fields = [meta.get_field(name) for name in names]
    concrete = [field for field in fields if isinstance(field, models.Field) and field.concrete]
    if len(concrete) != len(fields):
        raise ValueError(f"not all of {names} are concrete fields of {meta.label}")
    others = [field for field in meta.concrete_fields if field not in concrete and not field.primary_key]
    preparers = [_preparer(field) for field in [*concrete, *others]]
    columns = ", ".join(connection.ops.quote_name(str(field.column)) for field in [*concrete, *others])
    placeholders = ", ".join(["%s"] * (len(concrete) + len(others)))
    sql = f"INSERT INTO {connection.ops.quote_name(meta.db_table)} ({columns}) VALUES ({placeholders})"  # noqa: S608
    prepared = [(index, prepare) for index, prepare in enumerate(preparers) if prepare is not None]
    defaults = [_default(field) for field in others]
    count = 0
    batch: list[list[Any]] = []
    with connection.cursor() as cursor:
        for row in rows:
            values = [*row, *(default() for default in defaults)]
            for index, prepare in prepared:
                values[index] = prepare(values[index])
            batch.append(values)
            if len(batch) == batch_size:
                cursor.executemany(sql, batch)
                count += len(batch)
                batch = []
        if batch:
            cursor.executemany(sql, batch)
            count += len(batch)
    return count


def _default(field: models.Field[Any, Any]) -> Callable[[], Any]:
    """What a new instance would store in ``field``: its default, or now for ``auto_now`` dates."""
    if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
        now = timezone.now()
        return lambda: now
    if field.has_default() and callable(field.default):
        return field.default  # type: ignore[no-any-return]
    value = field.get_default()
    return lambda: value


def reset_sequences(*models_: type[models.Model]) -> None:
    """Move the id sequences past the explicitly given keys (PostgreSQL; nothing to do on SQLite)."""
    statements = connection.ops.sequence_reset_sql(no_style(), list(models_))
    if statements:
        with connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)


def refresh_statistics() -> None:
    """Let the query planner learn the new table sizes (``ANALYZE``) after a bulk load.

    Without statistics SQLite picks between two equally specific indexes blindly: the caseload's
    "next action" sort then reads all of a prison's open release tasks once per person instead of
    the person's own. PostgreSQL's autovacuum would analyze the tables later; this is at once.
    """
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
