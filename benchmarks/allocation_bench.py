"""Allocation benchmark: 1,000 waiting-list candidates given places in 50 groups (time, SQL queries).

    .venv/bin/python benchmarks/allocation_bench.py [--candidates 1000] [--groups 50] [--output F]

Without DATABASE_URL it works on a throwaway SQLite file in a temporary folder; with DATABASE_URL it
uses that database and refuses one that already holds persons. It sets up one programme offered at
Jelgava prison, ``--groups`` planned groups of 20 places (each in its own room with its own
facilitator, weekly sessions), and ``--candidates`` persons held there on the programme's waiting
list — every twentieth released meanwhile, every twentieth too old for the programme, release dates
and waiting times spread — then fills every group in turn from the list through
``allocation.group_allocate`` as a resocialization officer would: a preview of the first group, then
each group confirmed. It prints the time and the SQL queries of the whole allocation and per group.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PLACES = 20


def _setup(candidates: int, groups: int) -> tuple[Any, list[Any]]:
    from django.utils import timezone

    from resoc.access.context import acting_for
    from resoc.access.models import Membership, User
    from resoc.access.roles import Role
    from resoc.organizations.models import Organization
    from resoc.people.models import Person, Relationship
    from resoc.programmes import services
    from resoc.programmes.models import (
        Location,
        Offer,
        OfferLocation,
        Programme,
        ProgrammeType,
        Room,
        WaitingEntry,
    )
    from resoc.sentences.models import CustodyPeriod, Sentence

    today = timezone.localdate()
    prison = Organization.objects.get(code="jelgavas-cietums")
    officer = User.objects.create_user(username="bench-officer", first_name="Bench", last_name="Officer")
    Membership.objects.create(user=officer, organization=prison, role=Role.RESOCIALIZATION_OFFICER)
    acting = acting_for(officer)
    programme = Programme.objects.create(
        code="bench-programme",
        type=ProgrammeType.objects.get(code="vocational_education"),
        name="Etalonprogramma",
        aims="Sintētiski dati etalonam",
        max_age=60,
    )
    programme.organizations.add(prison)
    location = Location.objects.create(organization=prison, name="Etalona korpuss")
    offer = Offer.objects.create(programme=programme, organization=prison)
    OfferLocation.objects.create(offer=offer, location=location)
    made = []
    for n in range(groups):
        room = Room.objects.create(location=location, name=f"Telpa {n + 1}", capacity=PLACES)
        facilitator = User.objects.create_user(username=f"bench-facilitator-{n}")
        Membership.objects.create(user=facilitator, organization=prison, role=Role.PROGRAMME_FACILITATOR)
        made.append(
            services.group_create(
                acting=acting,
                spec=services.GroupSpec(
                    offer=offer,
                    room=room,
                    facilitator=facilitator,
                    name=f"Etalona grupa {n + 1}",
                    starts_on=today + dt.timedelta(days=14),
                    ends_on=today + dt.timedelta(days=70),
                    capacity=PLACES,
                    recurrence="FREQ=WEEKLY;BYDAY=TU;COUNT=8",
                    session_start=dt.time(9, 0),
                    session_minutes=90,
                ),
            )
        )
    persons = Person.objects.bulk_create(
        Person(
            given_names=f"Kandidāts{i}",
            family_name="Etalons",
            sex="male",
            # Every twentieth is born in 1950: too old for the programme (max 60).
            date_of_birth=dt.date(1950 if i % 20 == 7 else 1985, 1 + i % 12, 1 + i % 28),
            is_synthetic=True,
        )
        for i in range(candidates)
    )
    Relationship.objects.bulk_create(
        Relationship(person=p, organization=prison, kind="custody", starts_on=today - dt.timedelta(days=200))
        for p in persons
    )
    CustodyPeriod.objects.bulk_create(
        CustodyPeriod(
            person=p,
            prison=prison,
            admitted_on=today - dt.timedelta(days=200),
            # Every twentieth was released yesterday: skipped and taken off the list.
            left_on=today - dt.timedelta(days=1) if i % 20 == 3 else None,
        )
        for i, p in enumerate(persons)
    )
    Sentence.objects.bulk_create(
        Sentence(
            person=p,
            court="Etalona tiesa",
            starts_on=today - dt.timedelta(days=400),
            ends_on=today + dt.timedelta(days=30 + (i * 37) % 900),
        )
        for i, p in enumerate(persons)
        if i % 10  # every tenth has no sentence recorded: release unknown
    )
    now = timezone.now()
    WaitingEntry.objects.bulk_create(
        WaitingEntry(
            person=p,
            programme=programme,
            organization=prison,
            note="Sintētisks iesniegums",
            added_by=officer,
            added_at=now - dt.timedelta(days=i % 300),
        )
        for i, p in enumerate(persons)
    )
    return acting, made


class _Counter:
    """Counts the SQL statements run (Django's captured query log keeps only the last 9,000)."""

    def __init__(self) -> None:
        self.count = 0

    def __call__(self, execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        self.count += 1
        return execute(sql, params, many, context)


def run_allocation_benchmark(candidates: int, groups: int) -> dict[str, Any]:
    from django.db import connection

    from resoc.programmes import allocation
    from resoc.programmes.models import Enrolment, WaitingEntry

    started = time.perf_counter()
    acting, made = _setup(candidates, groups)
    setup_s = time.perf_counter() - started

    queries = _Counter()
    with connection.execute_wrapper(queries):
        started = time.perf_counter()
        preview = allocation.group_allocate(acting=acting, group=made[0], confirm=False)
        preview_s = time.perf_counter() - started
    preview_queries = queries.count

    per_group: list[float] = []
    given = skipped_reasons = 0
    queries = _Counter()
    with connection.execute_wrapper(queries):
        started = time.perf_counter()
        for group in made:
            one = time.perf_counter()
            result = allocation.group_allocate(acting=acting, group=group, confirm=True)
            per_group.append(time.perf_counter() - one)
            given += len(result.allocated)
            skipped_reasons += sum(1 for row in result.skipped if row.reasons and row.position <= PLACES * 2)
        total_s = time.perf_counter() - started
    total_queries = queries.count
    listed = WaitingEntry.objects.filter(programme=made[0].offer.programme)
    return {
        "database": connection.vendor,
        "candidates": candidates,
        "groups": groups,
        "places": groups * PLACES,
        "setup_seconds": round(setup_s, 2),
        "preview_first_group_seconds": round(preview_s, 3),
        "preview_first_group_queries": preview_queries,
        "preview_first_group_given": len(preview.allocated),
        "allocation_seconds": round(total_s, 2),
        "allocation_queries": total_queries,
        "places_given": given,
        "enrolments_written": Enrolment.objects.filter(group__in=[g.pk for g in made]).count(),
        "still_waiting": listed.filter(status="waiting").count(),
        "removed_released": listed.filter(status="released").count(),
        "slowest_group_seconds": round(max(per_group), 3),
        "queries_per_candidate_given": round(total_queries / max(given, 1), 1),
        "load_average_at_end": [round(x, 2) for x in os.getloadavg()],
    }


def print_allocation(figures: dict[str, Any]) -> None:
    print(
        f"Waiting-list allocation on {figures['database']}: {figures['candidates']:,} candidates, "
        f"{figures['groups']} groups of {PLACES}"
    )
    print(
        f"  preview of the first group: {figures['preview_first_group_seconds']} s, "
        f"{figures['preview_first_group_queries']} queries"
    )
    print(
        f"  all groups confirmed: {figures['allocation_seconds']} s, {figures['allocation_queries']:,} queries "
        f"({figures['queries_per_candidate_given']} per place given), slowest group "
        f"{figures['slowest_group_seconds']} s"
    )
    print(
        f"  {figures['places_given']} places given, {figures['removed_released']} released taken off the list, "
        f"{figures['still_waiting']} still waiting"
    )


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--candidates", type=int, default=1000)
    parser.add_argument("--groups", type=int, default=50)
    parser.add_argument("--output", type=Path, help="also write the figures as JSON here")
    args = parser.parse_args()

    own_sqlite = not os.environ.get("DATABASE_URL")
    data_dir = tempfile.mkdtemp(prefix="resoc-allocation-bench-db-")
    sys.path.insert(0, str(ROOT))
    os.environ["DJANGO_SETTINGS_MODULE"] = "resoc.settings"
    os.environ["RESOC_DATA_DIR"] = data_dir
    os.environ.setdefault("LOG_LEVEL", "ERROR")
    os.environ["STATIC_ROOT"] = str(Path(data_dir) / "static")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.utils import translation

    from resoc.people.models import Person

    try:
        call_command("migrate", verbosity=0, interactive=False)
        if Person.objects.exists():
            raise SystemExit("The database already holds persons: the benchmark needs an empty database.")
        print(f"Allocating {args.candidates:,} candidates to {args.groups} groups on {connection.vendor}…")
        with translation.override("lv"):
            figures = run_allocation_benchmark(args.candidates, args.groups)
        print(json.dumps(figures, indent=2, ensure_ascii=False))
        print_allocation(figures)
        if args.output:
            args.output.write_text(json.dumps(figures, indent=2, ensure_ascii=False), encoding="utf-8")
    finally:
        connection.close()
        if own_sqlite:
            shutil.rmtree(data_dir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
