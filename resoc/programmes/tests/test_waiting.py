"""Waiting lists: entries from plan measures and applications, the ranking rule with its reasons,
staff overrides and withdrawals, and who is refused."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from resoc.audit.models import AuditEntry
from resoc.people.models import Person, PersonEvent
from resoc.plans.tests.conftest import add_measure, make_plan
from resoc.programmes import waiting
from resoc.programmes.models import WaitingEntry, WaitingStatus
from resoc.programmes.tests.conftest import org
from resoc.programmes.tests.test_enrolments import hold

TODAY = dt.date(2026, 6, 15)


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    with translation.override("en"):
        yield


def person(world: Any, code: str, given: str = "Pēteris", family: str = "Ozols") -> Person:
    created = Person.objects.create(
        given_names=given,
        family_name=family,
        personal_code=code,
        date_of_birth=dt.date(1985, 2, 2),
        sex="male",
    )
    return hold(world, created)


def apply(
    world: Any, directory: dict[str, Any], who: Person, persona: str = "prison_officer"
) -> WaitingEntry:
    return waiting.waiting_entry_add_application(
        acting=world.acting(persona),
        person=who,
        programme=directory["welder"],
        organization=org("jelgavas-cietums"),
        note="Rakstisks iesniegums 2026. gada 1. jūnijā",
    )


def item(key: str, **kwargs: Any) -> waiting.RankInput:
    values: dict[str, Any] = {
        "key": key,
        "need_priority": "medium",
        "need_label": "Education",
        "release_on": TODAY + dt.timedelta(days=300),
        "added_on": TODAY - dt.timedelta(days=10),
    }
    values.update(kwargs)
    return waiting.RankInput(**values)


def order(items: list[waiting.RankInput]) -> list[object]:
    return [r.key for r in waiting.rank(items, today=TODAY)]


def test_need_priority_comes_first_then_release_then_waiting_time() -> None:
    items = [
        item("low-need", need_priority="low", release_on=TODAY + dt.timedelta(days=5)),
        item("late-release", release_on=TODAY + dt.timedelta(days=600)),
        item("soon-release", release_on=TODAY + dt.timedelta(days=30)),
        item("high-need", need_priority="high"),
        item(
            "waited-longer", release_on=TODAY + dt.timedelta(days=600), added_on=TODAY - dt.timedelta(days=90)
        ),
        item("application", need_priority="", need_label=""),
    ]
    assert order(items) == [
        "high-need",
        "soon-release",
        "waited-longer",
        "late-release",
        "low-need",
        "application",
    ]


def test_unknown_release_comes_after_known_and_says_so() -> None:
    ranked = waiting.rank([item("unknown", release_on=None), item("known")], today=TODAY)
    assert [r.key for r in ranked] == ["known", "unknown"]
    assert "Release date unknown: after those whose release is known." in ranked[1].reasons
    assert "Release in 300 days" in " ".join(ranked[0].reasons)
    assert "Waiting 10 days." in ranked[0].reasons
    assert "Plan priority of the need “Education”: medium." in ranked[0].reasons


def test_an_override_moves_the_entry_with_its_reason() -> None:
    items = [
        item("first"),
        item("moved-up", need_priority="low", override="first", override_reason="Atbrīvošana pirms termiņa"),
        item("moved-down", need_priority="high", override="last", override_reason="Slimības dēļ"),
    ]
    ranked = waiting.rank(items, today=TODAY)
    assert [r.key for r in ranked] == ["moved-up", "first", "moved-down"]
    assert ranked[0].reasons[0] == "Placed first by staff: Atbrīvošana pirms termiņa"
    assert ranked[2].reasons[0] == "Placed last by staff: Slimības dēļ"


def test_an_application_is_recorded_audited_and_on_the_timeline(world, directory) -> None:
    hold(world, world.person)
    entry = apply(world, directory, world.person)
    assert entry.status == WaitingStatus.WAITING
    assert entry.added_by == world.users["prison_officer"]
    assert AuditEntry.objects.filter(record_type=waiting.WAITING_RECORD, action="create").count() == 1
    assert PersonEvent.objects.filter(person=world.person, type="waiting_added").exists()
    with pytest.raises(ValidationError, match="already on this waiting list"):
        apply(world, directory, world.person)
    assert WaitingEntry.objects.count() == 1


def test_an_application_needs_a_note_and_a_person_held_there(world, directory) -> None:
    hold(world, world.person)
    with pytest.raises(ValidationError, match="Say how the person applied"):
        waiting.waiting_entry_add_application(
            acting=world.acting("prison_officer"),
            person=world.person,
            programme=directory["welder"],
            organization=org("jelgavas-cietums"),
            note="  ",
        )
    with pytest.raises(ValidationError, match="not held at"):
        waiting.waiting_entry_add_application(
            acting=world.acting("prison_officer"),
            person=world.person,
            programme=directory["welder"],
            organization=org("jekabpils-cietums"),
            note="Iesniegums",
        )
    assert not WaitingEntry.objects.exists()


@pytest.mark.parametrize(
    "persona", ["other_prison_officer", "facilitator", "mentor", "analyst", "probation_officer"]
)
def test_others_may_not_add_change_or_withdraw(world, directory, persona: str) -> None:
    hold(world, world.person)
    with pytest.raises(PermissionDenied):
        apply(world, directory, world.person, persona=persona)
    entry = apply(world, directory, world.person)
    with pytest.raises(PermissionDenied):
        waiting.waiting_entry_override(
            acting=world.acting(persona), entry=entry, override="first", reason="Steidzami"
        )
    with pytest.raises(PermissionDenied):
        waiting.waiting_entry_withdraw(acting=world.acting(persona), entry=entry, reason="Atteicās")
    entry.refresh_from_db()
    assert entry.status == WaitingStatus.WAITING
    assert entry.override == ""


def test_an_override_needs_a_reason_and_is_audited(world, directory) -> None:
    hold(world, world.person)
    entry = apply(world, directory, world.person)
    acting = world.acting("prison_officer")
    with pytest.raises(ValidationError, match="Say why the order"):
        waiting.waiting_entry_override(acting=acting, entry=entry, override="first", reason="")
    waiting.waiting_entry_override(acting=acting, entry=entry, override="first", reason="Drīz atbrīvos")
    entry.refresh_from_db()
    assert (entry.override, entry.override_by) == ("first", world.users["prison_officer"])
    assert AuditEntry.objects.filter(record_type=waiting.WAITING_RECORD, detail__override="first").exists()
    assert PersonEvent.objects.filter(type="waiting_override").exists()


def test_a_withdrawn_entry_keeps_its_reason_and_ends_once(world, directory) -> None:
    hold(world, world.person)
    entry = apply(world, directory, world.person)
    acting = world.acting("prison_officer")
    with pytest.raises(ValidationError, match="Say why"):
        waiting.waiting_entry_withdraw(acting=acting, entry=entry, reason=" ")
    waiting.waiting_entry_withdraw(acting=acting, entry=entry, reason="Atteicās no programmas")
    entry.refresh_from_db()
    assert (entry.status, entry.status_reason) == (WaitingStatus.WITHDRAWN, "Atteicās no programmas")
    with pytest.raises(ValidationError, match="no longer waiting"):
        waiting.waiting_entry_withdraw(acting=acting, entry=entry, reason="Vēlreiz")
    # Withdrawn, the person may be put on the list again.
    assert apply(world, directory, world.person).status == WaitingStatus.WAITING


def test_a_programme_measure_proposes_an_entry_with_the_need_priority(world, directory) -> None:
    hold(world, world.person)
    plan = make_plan(world)
    goal = plan.goals.get(need_key="education_employment")
    measure = add_measure(world, goal)
    entry = waiting.waiting_entry_add_from_measure(
        acting=world.acting("prison_officer"),
        measure=measure,
        programme=directory["welder"],
        organization=org("jelgavas-cietums"),
    )
    assert entry.measure == measure
    [ranked] = waiting.ranked_list(list(waiting.waiting_entries(programme=directory["welder"])))
    assert f"Plan priority of the need “{goal.need_label}”: medium." in ranked.reasons
    consultation = add_measure(world, goal, kind="consultation")
    with pytest.raises(ValidationError, match="kind programme"):
        waiting.waiting_entry_add_from_measure(
            acting=world.acting("prison_officer"),
            measure=consultation,
            programme=directory["latvian"],
            organization=org("jelgavas-cietums"),
        )


def test_the_ranked_list_takes_the_same_queries_for_few_and_many(world, directory) -> None:
    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            entries = list(waiting.waiting_entries(programme=directory["welder"]))
            ranked = waiting.ranked_list(entries)
            assert all(r.reasons for r in ranked)
        return len(queries)

    hold(world, world.person)
    apply(world, directory, world.person)
    few = count()
    for n in range(5):
        apply(world, directory, person(world, f"0202{n}5-1001{n}", given=f"Pēteris{n}"))
    assert count() == few == 2
    assert timezone.localdate()


def test_entries_follow_a_merged_record_and_a_double_entry_is_closed(world, directory) -> None:
    hold(world, world.person)
    duplicate = person(world, "020285-10013")
    apply(world, directory, world.person)
    apply(world, directory, duplicate)
    waiting.waiting_entry_add_application(
        acting=world.acting("prison_officer"),
        person=duplicate,
        programme=directory["latvian"],
        organization=org("jelgavas-cietums"),
        note="Iesniegums",
    )
    assert waiting.merge_waiting(duplicate, world.person) == {"programme_waiting": 2}
    mine = WaitingEntry.objects.filter(person=world.person)
    assert mine.filter(status=WaitingStatus.WAITING).count() == 2
    assert mine.get(status=WaitingStatus.WITHDRAWN).status_reason.startswith("The record was merged")
