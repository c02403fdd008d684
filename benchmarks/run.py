"""Resoc benchmark: seeding time, page latency and SQL queries per page on a large synthetic database.

Run with ``make bench`` (or ``.venv/bin/python benchmarks/run.py --persons 100000``). Without
DATABASE_URL it works on a throwaway SQLite file in a temporary folder; see benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import json
import os
import platform
import random
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results" / "latest.json"


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--persons", type=int, default=100_000, help="persons to seed (default 100000)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--runs", type=int, default=50, help="timed requests per measurement (default 50)")
    parser.add_argument("--query", default="berzin", help="common, diacritics-free surname to search for")
    parser.add_argument(
        "--export-runs", type=int, default=3, help="timed exports of the caseload per format (default 3)"
    )
    parser.add_argument(
        "--import-rows", type=int, default=2000, help="rows of the register import measured (default 2000)"
    )
    parser.add_argument(
        "--allocation-candidates",
        type=int,
        default=1000,
        help="waiting-list candidates allocated to 50 groups (default 1000; 0 skips)",
    )
    parser.add_argument(
        "--attendance-runs",
        type=int,
        default=30,
        help="timed saves of a register of 15 (default 30; 0 skips)",
    )
    parser.add_argument(
        "--report-years",
        type=int,
        default=3,
        help="years of synthetic attendance, one place per seeded person, for the utilization report "
        "(default 3; 0 skips)",
    )
    parser.add_argument(
        "--referrals",
        type=int,
        default=50_000,
        help="referrals in the measured NGO inbox (default 50000; 0 skips)",
    )
    parser.add_argument(
        "--matching-mentees", type=int, default=2000, help="mentees ranked against 500 mentors (0: skip)"
    )
    parser.add_argument("--keep", action="store_true", help="keep the temporary SQLite database")
    parser.add_argument("--output", type=Path, default=RESULTS, help="where to write the JSON results")
    return parser.parse_args()


def prepare_environment(data_dir: str) -> None:
    """Settings read the environment on import, so this runs before Django is set up."""
    sys.path.insert(0, str(ROOT))
    os.environ["DJANGO_SETTINGS_MODULE"] = "resoc.settings"
    os.environ["RESOC_DATA_DIR"] = data_dir
    os.environ.setdefault("DEBUG", "0")
    # The test client speaks plain HTTP; production's HTTPS redirect would answer every request with 301.
    os.environ["SECURE_SSL_REDIRECT"] = "0"
    os.environ["SECURE_COOKIES"] = "0"
    os.environ.setdefault("LOG_LEVEL", "ERROR")
    static_root = Path(data_dir) / "static"
    static_root.mkdir(exist_ok=True)
    os.environ["STATIC_ROOT"] = str(static_root)


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


def timed(request: Callable[[], Any], runs: int, expect: int = 200) -> list[float]:
    for _ in range(3):  # warm-up: template loading, first queries, caches
        check(request(), expect)
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        response = request()
        samples.append((time.perf_counter() - started) * 1000)
        check(response, expect)
    return samples


def check(response: Any, expect: int) -> None:
    if response.status_code != expect:
        raise SystemExit(
            f"Unexpected HTTP {response.status_code} (expected {expect}) for {response.wsgi_request.path}"
        )


def main() -> int:
    args = parse_args()
    own_sqlite = not os.environ.get("DATABASE_URL")
    data_dir = tempfile.mkdtemp(prefix="resoc-bench-")
    prepare_environment(data_dir)

    import django

    django.setup()

    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, override_settings
    from django.urls import Resolver404, resolve

    figures: dict[str, Any] = {}
    try:
        # Static files are served without the production manifest (no collectstatic in a benchmark).
        with override_settings(
            STORAGES={
                **settings.STORAGES,
                "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
            }
        ):
            figures = run(args, call_command, connection, Client, CaptureQueriesContext, resolve, Resolver404)
    finally:
        connection.close()
        if own_sqlite and not args.keep:
            shutil.rmtree(data_dir, ignore_errors=True)
        elif own_sqlite:
            print(f"\nThe database was kept in {data_dir}")

    figures["environment"] = {
        "database": connection.vendor,
        "database_version": sqlite3.sqlite_version
        if connection.vendor == "sqlite"
        else str(getattr(connection, "pg_version", "")),
        "python": platform.python_version(),
        "django": django.get_version(),
        "machine": f"{platform.system()} {platform.machine()}, {os.cpu_count()} CPUs",
        "debug": settings.DEBUG,
        "measured_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
    }
    print_table(figures)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(figures, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"\nWritten to {args.output}")
    return 0


def run(  # Django's objects are imported after setup and handed in
    args: argparse.Namespace,
    call_command: Any,
    connection: Any,
    Client: Any,
    CaptureQueriesContext: Any,
    resolve: Any,
    Resolver404: Any,
) -> dict[str, Any]:
    from resoc.access.context import acting_for
    from resoc.access.models import ApiToken, User
    from resoc.access.policy import visible_persons
    from resoc.assessments.models import Assessment
    from resoc.assessments.models import Status as AssessmentStatus
    from resoc.people.models import Person
    from resoc.people.selectors import person_search
    from resoc.plans.models import Plan, PlanStatus

    figures: dict[str, Any] = {"persons": args.persons, "seed": args.seed}

    print(f"Database: {connection.vendor} {connection.settings_dict['NAME']}")
    started = time.perf_counter()
    call_command("migrate", verbosity=0, interactive=False)
    figures["migrate_seconds"] = round(time.perf_counter() - started, 2)

    if Person.objects.exists():
        raise SystemExit("The database already holds persons: the benchmark needs an empty database.")
    print(f"Seeding {args.persons:,} persons…", flush=True)
    started = time.perf_counter()
    call_command("seed_demo", persons=args.persons, seed=args.seed, stdout=io.StringIO())
    figures["seed_seconds"] = round(time.perf_counter() - started, 2)
    print(f"Seeded in {figures['seed_seconds']} s; measuring…", flush=True)

    officer = User.objects.get(username="demo-officer")
    acting = acting_for(officer)
    client = Client()
    client.force_login(officer)

    visible = visible_persons(acting)
    figures["visible_to_officer"] = visible.count()
    many_results = person_search(acting=acting, query=args.query).count()
    single = visible.filter(personal_code__regex=r"^[0-3]\d[01]\d\d\d-").order_by("pk").first()
    if single is None or single.personal_code is None:
        raise SystemExit("No person visible to the demo officer: seed more persons.")
    if many_results < 25:
        print(f"Warning: only {many_results} results for {args.query!r}: the first page is not full.")
    few_query = single.personal_code
    ids = list(visible.order_by("pk").values_list("public_id", flat=True))
    sample = random.Random(args.seed).sample(ids, min(args.runs, len(ids)))

    search_url = f"/people/?q={args.query}"
    few_url = f"/people/?q={few_query}"
    figures["search"] = {
        "url": search_url,
        "results": many_results,
        **summary(timed(lambda: client.get(search_url), args.runs)),
    }
    figures["search_few"] = {
        "url": "/people/?q=<one personal code>",
        "results": person_search(acting=acting, query=few_query).count(),
        **summary(timed(lambda: client.get(few_url), args.runs)),
    }

    cycle = iter(sample * 10)
    figures["person_page"] = {
        "url": "/people/<uuid>/",
        "distinct_persons": len(sample),
        **summary(timed(lambda: client.get(f"/people/{next(cycle)}/"), args.runs)),
    }

    def queries(url: str, **headers: str) -> int:
        client.get(url, **headers)  # once untimed, so that per-process caches are warm
        with CaptureQueriesContext(connection) as captured:
            client.get(url, **headers)
        return len(captured.captured_queries)

    rich = visible.filter(relationships__kind="release_preparation").order_by("pk").first() or single
    # The two kinds of person whose case file differed: a signed assessment and no plan yet (the page
    # offers to draw one up) and an active plan (it links to the plan).
    signed = Assessment.objects.filter(status=AssessmentStatus.SIGNED).values("person_id")
    planned_ids = Plan.objects.filter(status=PlanStatus.ACTIVE).values("person_id")
    unplanned = visible.filter(pk__in=signed).exclude(pk__in=planned_ids).order_by("pk").first()
    planned = visible.filter(pk__in=planned_ids).order_by("pk").first()
    if unplanned is None or planned is None:
        raise SystemExit("The demo officer sees no person with a plan or none without: seed more persons.")
    figures["queries"] = {
        "search_25_results": queries(search_url),
        "search_page_2": queries(search_url + "&page=2"),
        "search_1_result": queries(few_url),
        "person_page_a": queries(f"/people/{unplanned.public_id}/"),
        "person_page_b": queries(f"/people/{planned.public_id}/"),
    }
    q = figures["queries"]
    figures["queries"]["search_constant"] = (
        q["search_25_results"] == q["search_1_result"] == q["search_page_2"]
    )
    figures["queries"]["person_page_constant"] = q["person_page_a"] == q["person_page_b"]

    api_path = f"/api/v1/persons/{sample[0]}"
    try:
        resolve(api_path)
        route_exists = True
    except Resolver404:
        route_exists = False
    membership = acting.membership
    assert membership is not None
    _token, raw = ApiToken.issue(membership=membership, name="bench")
    bearer = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    probe = client.get(api_path, **bearer)
    if probe.status_code != 200:
        # 404 without a route: the endpoint is not built yet. Anything else is reported as it is.
        figures["api"] = {"available": False, "status": probe.status_code, "route_exists": route_exists}
    else:
        api_cycle = iter(sample * 10)
        api_client = Client()  # no session: the token alone authenticates
        figures["api"] = {
            "available": True,
            "url": "/api/v1/persons/<uuid>",
            **summary(
                timed(lambda: api_client.get(f"/api/v1/persons/{next(api_cycle)}", **bearer), args.runs)
            ),
        }
        figures["queries"]["api_person_a"] = queries(api_path, **bearer)
        figures["queries"]["api_person_b"] = queries(f"/api/v1/persons/{rich.public_id}", **bearer)
        figures["queries"]["api_constant"] = q["api_person_a"] == q["api_person_b"]

    from benchmarks.caseload_bench import measure_caseload
    from benchmarks.import_bench import run_import_benchmark

    print("Measuring the caseload and plan pages…", flush=True)
    figures["caseload"] = measure_caseload(
        client=client,
        connection=connection,
        CaptureQueriesContext=CaptureQueriesContext,
        runs=args.runs,
        export_runs=args.export_runs,
    )
    if args.import_rows:
        print(f"Importing a register file of {args.import_rows:,} rows…", flush=True)
        figures["import"] = run_import_benchmark(args.import_rows)
    run_programme_benchmarks(args, figures)
    if args.referrals:
        from benchmarks.referrals_bench import run_referrals_benchmark

        print(f"Measuring an NGO referral inbox of {args.referrals:,} referrals…", flush=True)
        figures["referrals"] = run_referrals_benchmark(referrals=args.referrals, runs=args.runs)
    if args.matching_mentees:
        from benchmarks.matching_bench import run_matching_benchmark

        print(f"Matching {args.matching_mentees:,} mentees against 500 mentors…", flush=True)
        figures["matching"] = run_matching_benchmark(args.matching_mentees, 500, min(args.runs, 30))
    return figures


def run_programme_benchmarks(args: argparse.Namespace, figures: dict[str, Any]) -> None:
    """Waiting-list allocation, the attendance register and the utilization report, on the seeded
    database (each adds its own programme, groups and people beside the demo's)."""
    from django.utils import translation

    from benchmarks.allocation_bench import run_allocation_benchmark
    from benchmarks.attendance_bench import run_attendance_benchmark
    from benchmarks.programme_report_bench import run_report_benchmark

    if args.allocation_candidates:
        print(f"Allocating {args.allocation_candidates:,} waiting-list candidates to 50 groups…", flush=True)
        with translation.override("lv"):
            figures["allocation"] = run_allocation_benchmark(args.allocation_candidates, 50)
    if args.attendance_runs:
        print("Saving attendance registers of 15…", flush=True)
        figures["attendance"] = run_attendance_benchmark(runs=args.attendance_runs, participants=15)
    if args.report_years:
        print(f"Utilization report over {args.report_years} years of attendance…", flush=True)
        figures["programme_report"] = run_report_benchmark(
            persons=args.persons, years=args.report_years, runs=args.runs
        )


def print_table(figures: dict[str, Any]) -> None:
    env = figures["environment"]
    rows: list[tuple[str, str]] = [
        ("Database", f"{env['database']} {env['database_version']} (DEBUG={env['debug']})"),
        ("Persons seeded", f"{figures['persons']:,} (seed {figures['seed']})"),
        ("Migrate", f"{figures['migrate_seconds']:.1f} s"),
        ("Seeding", f"{figures['seed_seconds']:.1f} s"),
        ("Visible to demo officer", f"{figures['visible_to_officer']:,}"),
    ]

    def latency(label: str, key: str, extra: str = "") -> None:
        f = figures[key]
        rows.append(
            (label, f"median {f['median_ms']:.1f} ms, p95 {f['p95_ms']:.1f} ms ({f['runs']} runs{extra})")
        )

    latency(f"Search {figures['search']['url']}", "search", f", {figures['search']['results']:,} results")
    latency("Search by personal code", "search_few", f", {figures['search_few']['results']} result")
    latency(
        "Person page /people/<uuid>/",
        "person_page",
        f", {figures['person_page']['distinct_persons']} persons",
    )
    if figures["api"]["available"]:
        latency("API GET /api/v1/persons/<uuid>", "api")
    else:
        api = figures["api"]
        if api["route_exists"]:
            rows.append(("API", f"responded HTTP {api['status']} instead of 200"))
        else:
            rows.append(("API", "not available"))
    q = figures["queries"]
    rows += [
        ("SQL: search, 25 results", str(q["search_25_results"])),
        ("SQL: search, page 2", str(q["search_page_2"])),
        ("SQL: search, 1 result", str(q["search_1_result"])),
        ("SQL: search constant", "yes" if q["search_constant"] else "NO"),
        ("SQL: person page (no plan yet / a plan)", f"{q['person_page_a']} / {q['person_page_b']}"),
        ("SQL: person page constant", "yes" if q["person_page_constant"] else "NO"),
    ]
    if "api_person_a" in q:
        rows.append(("SQL: API person (two persons)", f"{q['api_person_a']} / {q['api_person_b']}"))
        rows.append(("SQL: API constant", "yes" if q["api_constant"] else "NO"))
    width = max(len(label) for label, _ in rows)
    print()
    for label, value in rows:
        print(f"{label.ljust(width)}  {value}")
    if "referrals" in figures:
        from benchmarks.referrals_bench import print_referrals

        print()
        print_referrals(figures["referrals"])
    if "caseload" in figures:
        from benchmarks.caseload_bench import print_table as print_caseload

        print()
        print_caseload(figures["caseload"])
    if "import" in figures:
        print()
        from benchmarks.import_bench import print_import

        print_import(figures["import"])
    if "allocation" in figures:
        from benchmarks.allocation_bench import print_allocation

        print()
        print_allocation(figures["allocation"])
    if "attendance" in figures:
        from benchmarks.attendance_bench import print_attendance

        print()
        print_attendance(figures["attendance"])
    if "programme_report" in figures:
        from benchmarks.programme_report_bench import print_report

        print()
        print_report(figures["programme_report"])
    if "matching" in figures:
        print()
        from benchmarks.matching_bench import print_matching

        print_matching(figures["matching"])


if __name__ == "__main__":
    raise SystemExit(main())
