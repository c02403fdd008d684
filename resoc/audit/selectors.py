"""Reading the audit log (for the data protection officer / auditor)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from uuid import UUID

from django.db.models import QuerySet
from django.utils import timezone

from resoc.audit.models import AuditEntry
from resoc.people.models import Person


def _local_midnight(day: dt.date) -> dt.datetime:
    """Start of ``day`` in Europe/Riga (the project's TIME_ZONE), whatever timezone is active."""
    return dt.datetime.combine(day, dt.time.min, tzinfo=timezone.get_default_timezone())


def audit_entry_search(
    *,
    person: UUID | Collection[UUID] | None = None,
    username: str = "",
    action: str = "",
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
) -> QuerySet[AuditEntry]:
    """Audit entries matching every given filter, newest first.

    ``person`` is a public id or several (a person's record and the records merged into it); an
    empty collection matches nothing. The period is inclusive and in Riga time: ``date_to`` covers
    that whole day. Organization is joined so that a listing makes no query per row.
    """
    entries = AuditEntry.objects.select_related("organization")
    if isinstance(person, UUID):
        entries = entries.filter(person_public_id=person)
    elif person is not None:
        entries = entries.filter(person_public_id__in=list(person))
    if username:
        entries = entries.filter(actor_username=username)
    if action:
        entries = entries.filter(action=action)
    if date_from is not None:
        entries = entries.filter(occurred_at__gte=_local_midnight(date_from))
    if date_to is not None:
        entries = entries.filter(occurred_at__lt=_local_midnight(date_to + dt.timedelta(days=1)))
    return entries.order_by("-occurred_at", "-id")


def person_public_ids(*, public_id: UUID | None = None, personal_code: str | None = None) -> list[UUID]:
    """The public ids under which a person's log entries are kept.

    Starts from a record's public id or from a (normalized) personal code, and adds the records
    merged into those (entries keep the id the record had when they were written). Only ids are
    returned: whoever audits the log learns nothing of the case file.
    """
    if public_id is not None:
        found = Person.objects.filter(public_id=public_id)
    elif personal_code:
        found = Person.objects.filter(personal_code=personal_code)
    else:
        return []
    ids = {public_id} if public_id is not None else set()
    frontier = set(found.values_list("pk", flat=True))
    seen: set[int] = set()
    while frontier:
        seen |= frontier
        rows = Person.objects.filter(pk__in=frontier).values_list("public_id", flat=True)
        ids.update(rows)
        frontier = set(Person.objects.filter(merged_into__in=frontier).values_list("pk", flat=True)) - seen
    return sorted(ids, key=str)
