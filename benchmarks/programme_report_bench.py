"""Utilization report benchmark: three years of synthetic attendance for 100,000 persons (latency, SQL).

    .venv/bin/python benchmarks/programme_report_bench.py [--persons 100000] [--years 3] [--runs 20] [--output F]

Without DATABASE_URL it works on a throwaway SQLite file in a temporary folder; with DATABASE_URL it
uses that database and refuses one that already holds persons. ``run_report_benchmark(...)`` can be
called from a benchmark that has set Django up already (``run.py`` after seeding): it then gives
places to the persons already there and creates only the ones missing.

Every person takes one place in one group of 15 (groups of eight programmes spread over the
prisons and over ``--years`` years up to today, twelve weekly sessions each); every session that has
begun has a filled register and a mark for each participant (about one in ten absent with a reason,
one in ten late); every group that has ended has an outcome for each place (four in five completed).
The rows go in without the ORM's per-object work: the groups, sessions, places and outcomes as
tuples (``resoc.demo.bulk``), the registers and marks with one ``INSERT … SELECT`` each.

Then the report (``attendance_reports.utilization_report``) is timed over the whole period by
programme and by prison, and over the last year, and the report page
``/programmes/reports/attendance/`` is requested as an analyst. Queries are counted for the whole
period and for a month: they must be equal.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PLACES = 15
SESSIONS = 12
PROGRAMMES = 8


def summary(samples_ms: list[float]) -> dict[str, float]:
    ordered = sorted(samples_ms)
    p95 = statistics.quantiles(ordered, n=20, method="inclusive")[18] if len(ordered) > 1 else ordered[0]
    return {
        "runs": len(ordered),
        "median_ms": round(statistics.median(ordered), 2),
        "p95_ms": round(p95, 2),
        "min_ms": round(ordered[0], 2),
        "max_ms": round(ordered[-1], 2),
    }


def _persons(count: int) -> list[int]:
    """Ids of ``count`` persons: those in the database first, synthetic ones added for the rest."""
    from resoc.demo.bulk import IdAllocator, insert_rows, reset_sequences
    from resoc.people.models import Person

    ids = list(Person.objects.order_by("pk").values_list("pk", flat=True)[:count])
    missing = count - len(ids)
    if missing > 0:
        allocator = IdAllocator()
        new = [allocator.take(Person) for _ in range(missing)]
        insert_rows(
            Person,
            ["id", "public_id", "given_names", "family_name", "sex", "date_of_birth", "is_synthetic"],
            (
                (pk, uuid.uuid4(), f"Dalībnieks{pk}", "Mērījums", "male", dt.date(1980 + pk % 20, 1, 1), True)
                for pk in new
            ),
        )
        reset_sequences(Person)
        ids += new
    return ids


def _catalogue() -> tuple[list[Any], list[tuple[Any, list[Any]]], Any]:
    """Programmes offered at every prison, four rooms in each, and the benchmark's staff member."""
    from resoc.access.models import Membership, User
    from resoc.access.roles import Role
    from resoc.organizations.models import Organization, OrganizationType
    from resoc.programmes.models import Location, Offer, OfferLocation, Programme, ProgrammeType, Room

    prisons = list(Organization.objects.filter(type=OrganizationType.PRISON).order_by("code"))
    staff, _ = User.objects.get_or_create(username="bench-report-staff", defaults={"first_name": "Mērījums"})
    Membership.objects.get_or_create(user=staff, organization=prisons[0], role=Role.PROGRAMME_FACILITATOR)
    kind = ProgrammeType.objects.get(code="vocational_education")
    offers_by_prison: list[tuple[Any, list[Any]]] = []
    programmes = [
        Programme.objects.get_or_create(
            code=f"bench-report-{n}",
            defaults={"type": kind, "name": f"Mērījuma programma {n}", "aims": "Mērījums"},
        )[0]
        for n in range(PROGRAMMES)
    ]
    for prison in prisons:
        location, _ = Location.objects.get_or_create(organization=prison, name="Mērījuma mācību korpuss")
        rooms = [
            Room.objects.get_or_create(
                location=location, name=f"Mērījuma klase {n}", defaults={"capacity": 30}
            )[0]
            for n in range(4)
        ]
        offers = []
        for programme in programmes:
            programme.organizations.add(prison)
            offer, _ = Offer.objects.get_or_create(programme=programme, organization=prison)
            OfferLocation.objects.get_or_create(offer=offer, location=location)
            offers.append(offer)
        offers_by_prison.append((rooms, offers))
    return programmes, offers_by_prison, staff


def generate(persons: int, years: int) -> dict[str, Any]:
    """Write the synthetic attendance; returns how many rows of each kind were written."""
    from django.db import connection, transaction
    from django.utils import timezone

    from resoc.demo.bulk import IdAllocator, insert_rows, refresh_statistics, reset_sequences
    from resoc.programmes.models import (
        AttendanceMark,
        Enrolment,
        EnrolmentOutcome,
        Group,
        Session,
        SessionRegister,
    )
    from resoc.programmes.recurrence import RIGA

    started = time.perf_counter()
    today = timezone.localdate()
    first = today - dt.timedelta(days=365 * years)
    with transaction.atomic():
        person_ids = _persons(persons)
        programmes, offers_by_prison, staff = _catalogue()
        allocator = IdAllocator()
        count = -(-len(person_ids) // PLACES)
        span = (today - first).days - 7 * SESSIONS
        groups, sessions, places, outcomes = [], [], [], []
        now = timezone.now()
        for n in range(count):
            rooms, offers = offers_by_prison[n % len(offers_by_prison)]
            offer = offers[(n // len(offers_by_prison)) % len(offers)]
            room = rooms[n % len(rooms)]
            starts_on = first + dt.timedelta(days=n * span // count)
            ends_on = starts_on + dt.timedelta(days=7 * SESSIONS - 1)
            group_id = allocator.take(Group)
            status = "finished" if ends_on < today else "running"
            groups.append(
                (
                    group_id,
                    uuid.uuid4(),
                    offer.pk,
                    room.pk,
                    staff.pk,
                    f"Mērījuma grupa {n + 1}",
                    starts_on,
                    ends_on,
                    PLACES,
                    status,
                    f"FREQ=WEEKLY;COUNT={SESSIONS}",
                    dt.time(9 + n % 4 * 2, 0),
                    90,
                )
            )
            for week in range(SESSIONS):
                day = starts_on + dt.timedelta(days=7 * week)
                at = dt.datetime.combine(day, dt.time(9 + n % 4 * 2, 0), tzinfo=RIGA)
                sessions.append(
                    (
                        allocator.take(Session),
                        uuid.uuid4(),
                        group_id,
                        at,
                        at,
                        at + dt.timedelta(minutes=90),
                        room.pk,
                    )
                )
            enrolled_at = dt.datetime.combine(starts_on - dt.timedelta(days=7), dt.time(12, 0), tzinfo=RIGA)
            for person_id in person_ids[n * PLACES : (n + 1) * PLACES]:
                place_id = allocator.take(Enrolment)
                places.append((place_id, uuid.uuid4(), group_id, person_id, enrolled_at, staff.pk))
                if status == "finished":
                    kind = "completed" if place_id % 5 else "dropped_out"
                    outcomes.append(
                        (
                            uuid.uuid4(),
                            place_id,
                            offer.programme_id,
                            kind,
                            "" if kind == "completed" else "Pārtrauca dalību",
                            ends_on,
                            staff.pk,
                            now,
                        )
                    )
        insert_rows(
            Group,
            [
                "id",
                "public_id",
                "offer",
                "room",
                "facilitator",
                "name",
                "starts_on",
                "ends_on",
                "capacity",
                "status",
                "recurrence",
                "session_start",
                "session_minutes",
            ],
            groups,
        )
        insert_rows(
            Session, ["id", "public_id", "group", "occurrence", "starts_at", "ends_at", "room"], sessions
        )
        insert_rows(Enrolment, ["id", "public_id", "group", "person", "enrolled_at", "enrolled_by"], places)
        insert_rows(
            EnrolmentOutcome,
            [
                "public_id",
                "enrolment",
                "programme",
                "kind",
                "reason",
                "decided_on",
                "recorded_by",
                "recorded_at",
            ],
            outcomes,
        )
        reset_sequences(*allocator.models())
        ops = connection.ops
        session_ids = (sessions[0][0], sessions[-1][0])
        with connection.cursor() as cursor:
            # Every session that has begun has its register and a mark per place: set-based, in the
            # database, rather than a million model rows through Python.
            cursor.execute(
                f"INSERT INTO {ops.quote_name(SessionRegister._meta.db_table)} "
                "(session_id, notes, filled_by_id, filled_at, updated_at) "
                f"SELECT id, %s, %s, starts_at, starts_at FROM {ops.quote_name(Session._meta.db_table)} "
                "WHERE id BETWEEN %s AND %s AND starts_at < %s",
                ["Mērījums", staff.pk, *session_ids, ops.adapt_datetimefield_value(now)],
            )
            registers = cursor.rowcount
            cursor.execute(
                f"INSERT INTO {ops.quote_name(AttendanceMark._meta.db_table)} "
                "(session_id, enrolment_id, status, reason, note) "
                "SELECT s.id, e.id, "
                "CASE WHEN (s.id + e.id) %% 10 = 0 THEN 'absent' WHEN (s.id + e.id) %% 10 = 1 THEN 'late' "
                "ELSE 'present' END, "
                "CASE WHEN (s.id + e.id) %% 10 = 0 THEN 'illness' ELSE '' END, '' "
                f"FROM {ops.quote_name(Session._meta.db_table)} s "
                f"JOIN {ops.quote_name(Enrolment._meta.db_table)} e ON e.group_id = s.group_id "
                "WHERE s.id BETWEEN %s AND %s AND s.starts_at < %s",
                [*session_ids, ops.adapt_datetimefield_value(now)],
            )
            marks = cursor.rowcount
        refresh_statistics()
    return {
        "persons": len(person_ids),
        "programmes": len(programmes),
        "prisons": len(offers_by_prison),
        "groups": len(groups),
        "sessions": len(sessions),
        "places": len(places),
        "outcomes": len(outcomes),
        "registers": registers,
        "marks": marks,
        "seconds": round(time.perf_counter() - started, 1),
    }


def _analyst() -> Any:
    from resoc.access.models import Membership, User
    from resoc.access.roles import Role
    from resoc.organizations.models import Organization

    user, _ = User.objects.get_or_create(
        username="bench-report-analyst", defaults={"first_name": "Analītiķis"}
    )
    Membership.objects.get_or_create(
        user=user, organization=Organization.objects.order_by("pk").first(), role=Role.ANALYST
    )
    return user


def run_report_benchmark(*, persons: int = 100_000, years: int = 3, runs: int = 20) -> dict[str, Any]:
    """Generate the attendance, then time the report; Django must be set up."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from resoc.programmes.attendance_reports import Dimension, utilization_report

    print(f"  generating {years} years of attendance for {persons:,} persons…", flush=True)
    generated = generate(persons, years)
    print(
        f"  {generated['groups']:,} groups, {generated['sessions']:,} sessions, {generated['marks']:,} marks "
        f"in {generated['seconds']} s; measuring…",
        flush=True,
    )
    today = timezone.localdate()
    whole = (today - dt.timedelta(days=365 * years), today)
    last_year = (today - dt.timedelta(days=365), today)

    def timed(call: Any) -> list[float]:
        call()
        samples = []
        for _ in range(runs):
            started = time.perf_counter()
            call()
            samples.append((time.perf_counter() - started) * 1000)
        return samples

    def report(dimension: Dimension, period: tuple[dt.date, dt.date]) -> Any:
        return utilization_report(dimension=dimension, starts_on=period[0], ends_on=period[1])

    figures: dict[str, Any] = {"database": connection.vendor, "generated": generated}
    result = report(Dimension.PROGRAMME, whole)
    figures["whole_period"] = {
        "marks_counted": result.total.marks,
        "groups": sum(len(row.groups) for row in result.rows),
        "utilization_percent": str(result.total.utilization),
        "completion_percent": str(result.total.completion),
    }
    figures["report_by_programme_3_years"] = summary(timed(lambda: report(Dimension.PROGRAMME, whole)))
    figures["report_by_prison_3_years"] = summary(timed(lambda: report(Dimension.PRISON, whole)))
    figures["report_by_programme_last_year"] = summary(timed(lambda: report(Dimension.PROGRAMME, last_year)))

    client = Client()
    client.force_login(_analyst())
    url = f"/programmes/reports/attendance/?by=programme&starts_on={whole[0]}&ends_on={whole[1]}"

    def page() -> None:
        response = client.get(url)
        if response.status_code != 200:
            raise SystemExit(f"The report page answered HTTP {response.status_code}")

    figures["report_page_3_years"] = summary(timed(page))

    def queries(period: tuple[dt.date, dt.date]) -> int:
        with CaptureQueriesContext(connection) as captured:
            report(Dimension.PROGRAMME, period)
        return len(captured)

    figures["queries_3_years"] = queries(whole)
    figures["queries_one_month"] = queries((today - dt.timedelta(days=30), today))
    figures["queries_constant"] = figures["queries_3_years"] == figures["queries_one_month"]
    figures["load_average_at_end"] = [round(x, 2) for x in os.getloadavg()]
    return figures


def print_report(figures: dict[str, Any]) -> None:
    g = figures["generated"]
    print(
        f"Utilization report on {figures['database']}: {g['persons']:,} persons, {g['groups']:,} groups, "
        f"{g['sessions']:,} sessions, {g['marks']:,} marks (generated in {g['seconds']} s)"
    )
    for key, label in (
        ("report_by_programme_3_years", "by programme, 3 years"),
        ("report_by_prison_3_years", "by prison, 3 years"),
        ("report_by_programme_last_year", "by programme, last year"),
        ("report_page_3_years", "the page, 3 years"),
    ):
        f = figures[key]
        print(f"  {label:<25} median {f['median_ms']} ms, p95 {f['p95_ms']} ms ({f['runs']} runs)")
    print(
        f"  SQL queries: {figures['queries_3_years']} (3 years), {figures['queries_one_month']} (a month) — "
        f"constant: {'yes' if figures['queries_constant'] else 'NO'}"
    )


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--persons", type=int, default=100_000)
    parser.add_argument("--years", type=int, default=3)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--output", type=Path, help="also write the figures as JSON here")
    args = parser.parse_args()

    own_sqlite = not os.environ.get("DATABASE_URL")
    data_dir = tempfile.mkdtemp(prefix="resoc-report-bench-db-")
    sys.path.insert(0, str(ROOT))
    os.environ["DJANGO_SETTINGS_MODULE"] = "resoc.settings"
    os.environ["RESOC_DATA_DIR"] = data_dir
    os.environ.setdefault("DEBUG", "0")
    os.environ["SECURE_SSL_REDIRECT"] = "0"
    os.environ["SECURE_COOKIES"] = "0"
    os.environ["TWO_FACTOR_REQUIRED_ROLES"] = ""
    os.environ.setdefault("LOG_LEVEL", "ERROR")
    os.environ["STATIC_ROOT"] = str(Path(data_dir) / "static")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import override_settings, setup_test_environment

    from resoc.people.models import Person

    setup_test_environment()
    try:
        call_command("migrate", verbosity=0, interactive=False)
        if Person.objects.exists():
            raise SystemExit("The database already holds persons: the benchmark needs an empty database.")
        with override_settings(
            STORAGES={
                **settings.STORAGES,
                "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
            }
        ):
            figures = run_report_benchmark(persons=args.persons, years=args.years, runs=args.runs)
        print(json.dumps(figures, indent=2, ensure_ascii=False))
        print_report(figures)
        if args.output:
            args.output.write_text(json.dumps(figures, indent=2, ensure_ascii=False), encoding="utf-8")
    finally:
        connection.close()
        if own_sqlite:
            shutil.rmtree(data_dir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
