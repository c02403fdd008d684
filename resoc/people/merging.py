"""How the records of feature apps follow a person when a duplicate record is merged.

The people app does not know which apps keep records about a person. Each such app registers, from
its ``AppConfig.ready()``, a handler that moves its records from the duplicate (``source``) to the
surviving record (``target``) and answers how many of each kind it moved. ``people.services.person_merge``
runs every handler inside the merge transaction.

A handler that finds records it cannot combine (two open custody periods, two active plans) raises a
``ValidationError`` with a message that tells the user what to correct first. The conflicts of all
handlers are reported together, and the whole merge — including what other handlers already moved —
is rolled back.
"""

from __future__ import annotations

from collections.abc import Callable

from django.core.exceptions import ValidationError
from django.db import transaction

from resoc.people.models import Person

MergeHandler = Callable[[Person, Person], dict[str, int]]

_HANDLERS: dict[str, MergeHandler] = {}


def register_merge_handler(key: str, handler: MergeHandler) -> MergeHandler:
    """Register ``handler(source, target) -> {kind: count}`` under ``key`` (one handler per key)."""
    _HANDLERS[key] = handler
    return handler


def merge_handler_keys() -> list[str]:
    return list(_HANDLERS)


def _conflicts_of(error: ValidationError) -> list[ValidationError]:
    if hasattr(error, "error_dict"):
        return [e for errors in error.error_dict.values() for e in errors]
    return list(error.error_list)


def move_person_records(*, source: Person, target: Person) -> dict[str, int]:
    """Run every registered handler; the moved records by kind, or one ``ValidationError`` of all conflicts.

    Call it inside the merge's transaction: a conflict must undo the whole merge, which only the
    caller's transaction can do. Kinds nothing was moved of are left out.
    """
    moved: dict[str, int] = {}
    conflicts: list[ValidationError] = []
    for handler in _HANDLERS.values():
        try:
            # A savepoint per handler: one that refuses halfway leaves nothing of its own behind, and
            # the next handlers still run, so that the user learns every conflict at once.
            with transaction.atomic():
                counts = handler(source, target)
        except ValidationError as error:
            conflicts.extend(_conflicts_of(error))
            continue
        for kind, count in counts.items():
            if count:
                moved[kind] = moved.get(kind, 0) + count
    if conflicts:
        raise ValidationError(conflicts)
    return moved
