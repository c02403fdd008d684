from __future__ import annotations

import datetime as dt
import uuid
from zoneinfo import ZoneInfo

import pytest

from conftest import World
from resoc.audit import selectors
from resoc.audit.models import AuditAction, AuditEntry
from resoc.people.models import Person

pytestmark = pytest.mark.django_db
UTC = dt.UTC
RIGA = ZoneInfo("Europe/Riga")


def make_entry(**fields: object) -> AuditEntry:
    fields.setdefault("action", AuditAction.VIEW)
    fields.setdefault("actor_username", "someone")
    return AuditEntry.objects.create(**fields)


def test_filters_combine_and_results_are_newest_first() -> None:
    person = uuid.uuid4()
    old = make_entry(person_public_id=person, occurred_at=dt.datetime(2025, 1, 1, 10, tzinfo=UTC))
    new = make_entry(person_public_id=person, occurred_at=dt.datetime(2025, 1, 2, 10, tzinfo=UTC))
    make_entry(person_public_id=uuid.uuid4())
    make_entry(person_public_id=person, action=AuditAction.EXPORT, occurred_at=old.occurred_at)
    make_entry(person_public_id=person, actor_username="other", occurred_at=old.occurred_at)

    found = selectors.audit_entry_search(person=person, username="someone", action=AuditAction.VIEW)

    assert list(found) == [new, old]


def test_person_accepts_several_ids_and_an_empty_list_matches_nothing() -> None:
    a, b = uuid.uuid4(), uuid.uuid4()
    first, second = make_entry(person_public_id=a), make_entry(person_public_id=b)
    make_entry(person_public_id=uuid.uuid4())

    assert set(selectors.audit_entry_search(person=[a, b])) == {first, second}
    assert list(selectors.audit_entry_search(person=[])) == []
    assert selectors.audit_entry_search().count() == 3


def test_period_is_whole_days_in_riga_time_across_summer_time() -> None:
    # On 30 March 2025 Riga moves from UTC+2 to UTC+3: 22:30 UTC that evening is 01:30 on 31 March
    # in Riga, so it belongs to the 31st although its UTC date is the 30th.
    after_midnight = make_entry(occurred_at=dt.datetime(2025, 3, 30, 22, 30, tzinfo=UTC))
    last_minute = make_entry(occurred_at=dt.datetime(2025, 3, 30, 23, 59, tzinfo=RIGA))
    first_minute = make_entry(occurred_at=dt.datetime(2025, 3, 30, 0, 0, tzinfo=RIGA))
    make_entry(occurred_at=dt.datetime(2025, 3, 29, 23, 59, tzinfo=RIGA))

    on_30th = selectors.audit_entry_search(date_from=dt.date(2025, 3, 30), date_to=dt.date(2025, 3, 30))
    on_31st = selectors.audit_entry_search(date_from=dt.date(2025, 3, 31), date_to=dt.date(2025, 3, 31))

    assert set(on_30th) == {last_minute, first_minute}
    assert set(on_31st) == {after_midnight}
    assert set(selectors.audit_entry_search(date_from=dt.date(2025, 3, 31))) == {after_midnight}
    assert after_midnight not in selectors.audit_entry_search(date_to=dt.date(2025, 3, 30))


def test_a_personal_code_resolves_to_the_record_and_the_records_merged_into_it(world: World) -> None:
    old_record = Person.objects.create(
        given_names="Jānis", family_name="Bērziņš", sex="male", merged_into=world.person
    )
    older_record = Person.objects.create(
        given_names="Janis", family_name="Berzins", sex="male", merged_into=old_record
    )
    Person.objects.create(given_names="Anna", family_name="Ozola", sex="female", personal_code="150585-20016")

    ids = selectors.person_public_ids(personal_code="010180-10018")

    assert set(ids) == {world.person.public_id, old_record.public_id, older_record.public_id}
    assert set(selectors.person_public_ids(public_id=world.person.public_id)) == set(ids)
    assert selectors.person_public_ids(personal_code="311299-19993") == []


def test_an_unknown_public_id_still_finds_its_entries() -> None:
    # A refused attempt on a record that never existed is logged under the id that was tried.
    tried = uuid.uuid4()
    assert selectors.person_public_ids(public_id=tried) == [tried]
