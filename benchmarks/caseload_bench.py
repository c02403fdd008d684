"""Caseload ("My people") and plan page: latency and SQL queries per page on a seeded database.

``measure_caseload(...)`` runs inside an already set-up Django against a database seeded with
``seed_demo`` (``benchmarks/run.py`` seeds one; see its hook in the caseload report). Run alone against
a database you seeded yourself:

    RESOC_DATA_DIR=/tmp/caseload_bench_data DATABASE_URL=sqlite:////tmp/caseload_bench.sqlite3 \\
        .venv/bin/python benchmarks/caseload_bench.py --runs 30

The demo data holds resocialization plans (most persons held with a signed assessment have one,
with measures done, open and overdue) and release preparation tasks, so the caseload's next actions,
"overdue" filter and sorting work on what a prison would have; nothing is added for the benchmark.
Besides the pages it times the summary tiles (their aggregate alone, and the htmx request the page
makes for them, ``/casework/summary/``) and the CSV and XLSX export of the
whole caseload (``--export-runs`` times each). The pages write audit entries: use a database made
for benchmarking.
"""

from __future__ import annotations

import argparse
import datetime as dt
import functools
import json
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


# The same statistics as benchmarks/run.py (not imported from it: run.py is a script, not a module).
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


def timed(request: Callable[[], Any], runs: int, expect: int = 200, warm_up: int = 3) -> list[float]:
    for _ in range(warm_up):
        _check(request(), expect)
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        response = request()
        samples.append((time.perf_counter() - started) * 1000)
        _check(response, expect)
    return samples


def _timed_call(call: Callable[[], Any], runs: int) -> list[float]:
    call()
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        call()
        samples.append((time.perf_counter() - started) * 1000)
    return samples


def _fetched(client: Any, url: str) -> Any:
    return _consumed(client.get(url))


def _consumed(response: Any) -> Any:
    """A streamed export is produced while it is read: read it inside the timing."""
    if getattr(response, "streaming", False):
        b"".join(response.streaming_content)
    return response


def _check(response: Any, expect: int) -> None:
    if response.status_code != expect:
        raise SystemExit(f"HTTP {response.status_code} (expected {expect}) for {response.wsgi_request.path}")


def measure_caseload(
    *,
    client: Any,
    connection: Any,
    CaptureQueriesContext: Any,
    runs: int = 30,
    export_runs: int = 3,
) -> dict[str, Any]:
    """Median/p95 latency and queries of /casework/ and /plans/<person>/ for the demo prison officer.

    ``client`` must be logged in as ``demo-officer`` (resocialization officer of Jelgava prison).
    """
    from resoc.access.context import acting_for
    from resoc.access.models import User
    from resoc.casework.caseload import Filters, caseload, caseload_summary
    from resoc.plans.models import Measure, Plan, PlanStatus

    acting = acting_for(User.objects.get(username="demo-officer"))
    assert acting.membership is not None, "demo-officer has no membership: seed the demo data first"
    organization = acting.membership.organization
    today_ = dt.date.today()
    persons = caseload(acting, Filters(), on=today_)
    figures: dict[str, Any] = {"caseload_persons": persons.count()}
    figures["overdue_persons"] = caseload(acting, Filters(overdue=True), on=today_).count()
    active = Plan.objects.filter(status=PlanStatus.ACTIVE, organization=organization)
    figures["plans"] = active.count()
    figures["open_measures"] = Measure.objects.filter(
        goal__plan__in=active, status__in=["planned", "in_progress"]
    ).count()
    figures["summary_aggregate"] = {
        "url": "caseload_summary() alone",
        **summary(_timed_call(lambda: caseload_summary(acting, on=today_), runs)),
    }

    def queries(url: str, **headers: str) -> int:
        client.get(url, **headers)
        with CaptureQueriesContext(connection) as captured:
            client.get(url, **headers)
        return len(captured.captured_queries)

    one = persons.filter(personal_code__isnull=False).order_by("pk").first()
    assert one is not None, "the demo officer's caseload is empty: seed more persons"
    single_url = f"/casework/?q={one.personal_code}"
    many_query = "berzin"  # a common surname, typed without diacritics
    pages = {
        "caseload": "/casework/",
        "caseload_page_2": "/casework/?page=2",
        "caseload_next_action": "/casework/?sort=next_action",
        "caseload_release_90": "/casework/?release_within=90&sort=release",
        "caseload_overdue": "/casework/?overdue=on&sort=next_action",
        "caseload_risk_high": "/casework/?risk=high&sort=risk",
    }
    for key, url in pages.items():
        figures[key] = {"url": url, **summary(timed(functools.partial(client.get, url), runs))}
    figures["caseload_htmx"] = {
        "url": "/casework/?sort=next_action (htmx)",
        **summary(timed(lambda: client.get("/casework/?sort=next_action", HTTP_HX_REQUEST="true"), runs)),
    }
    # The summary tiles: a request of their own that the page makes once it is shown.
    figures["caseload_tiles"] = {
        "url": "/casework/summary/ (htmx tiles)",
        **summary(timed(lambda: client.get("/casework/summary/", HTTP_HX_REQUEST="true"), runs)),
    }

    for file_format in ("csv", "xlsx"):
        url = f"/casework/export.{file_format}"
        figures[f"export_{file_format}"] = {
            "url": url,
            "rows": figures["caseload_persons"],
            **summary(timed(functools.partial(_fetched, client, url), export_runs, warm_up=1)),
        }

    planned = list(
        Plan.objects.filter(status=PlanStatus.ACTIVE, organization=organization)
        .order_by("pk")
        .values_list("person__public_id", flat=True)[:runs]
    )
    if planned:
        cycle = iter(planned * (runs // len(planned) + 5))
        figures["plan_page"] = {
            "url": "/plans/<uuid>/",
            "distinct_persons": len(planned),
            **summary(timed(lambda: client.get(f"/plans/{next(cycle)}/"), runs)),
        }
    counted = {
        "caseload_50_rows": queries("/casework/"),
        "caseload_page_2": queries("/casework/?page=2"),
        "caseload_next_action": queries("/casework/?sort=next_action"),
        # A name search writes one more audit entry (the search itself) than an unfiltered page.
        "caseload_search_many": queries(f"/casework/?q={many_query}"),
        "caseload_search_1_row": queries(single_url),
        "caseload_tiles": queries("/casework/summary/", HTTP_HX_REQUEST="true"),
    }
    with CaptureQueriesContext(connection) as captured:
        _consumed(client.get("/casework/export.csv"))
    # Chunks of 500 persons: a fixed number of queries per chunk, whatever the rows hold.
    counted["export_csv"] = len(captured.captured_queries)
    counted["caseload_constant"] = (
        counted["caseload_50_rows"] == counted["caseload_page_2"] == counted["caseload_next_action"]
        and counted["caseload_search_many"] == counted["caseload_search_1_row"]
    )
    if len(planned) >= 2:
        counted["plan_page_a"] = queries(f"/plans/{planned[0]}/")
        counted["plan_page_b"] = queries(f"/plans/{planned[-1]}/")
        counted["plan_page_constant"] = counted["plan_page_a"] == counted["plan_page_b"]
    figures["queries"] = counted
    return figures


def print_table(figures: dict[str, Any]) -> None:
    rows = [
        (
            "Caseload of demo-officer",
            f"{figures['caseload_persons']:,} persons, {figures['overdue_persons']:,} overdue",
        ),
        ("Active plans of the prison", f"{figures['plans']:,} ({figures['open_measures']:,} open measures)"),
    ]
    for value in figures.values():
        if isinstance(value, dict) and "median_ms" in value:
            rows.append(
                (
                    value["url"],
                    f"median {value['median_ms']:.1f} ms, p95 {value['p95_ms']:.1f} ms ({value['runs']} runs)",
                )
            )
    for key, value in figures["queries"].items():
        rows.append((f"SQL: {key}", str(value)))
    width = max(len(label) for label, _ in rows)
    for label, value in rows:
        print(f"{label.ljust(width)}  {value}")


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--export-runs", type=int, default=3)
    parser.add_argument("--output", type=Path, default=ROOT / "benchmarks" / "results" / "caseload.json")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "resoc.settings")
    os.environ["SECURE_SSL_REDIRECT"] = "0"
    os.environ["SECURE_COOKIES"] = "0"
    os.environ.setdefault("DEBUG", "0")
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, override_settings

    from resoc.access.models import User

    client = Client()
    client.force_login(User.objects.get(username="demo-officer"))
    started = time.perf_counter()
    with override_settings(
        STORAGES={
            **settings.STORAGES,
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        },
        ALLOWED_HOSTS=["testserver", *settings.ALLOWED_HOSTS],
    ):
        figures = measure_caseload(
            client=client,
            connection=connection,
            CaptureQueriesContext=CaptureQueriesContext,
            runs=args.runs,
            export_runs=args.export_runs,
        )
    figures["database"] = f"{connection.vendor} {connection.settings_dict['NAME']}"
    figures["seconds"] = round(time.perf_counter() - started, 1)
    print_table(figures)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(
        json.dumps(figures, indent=2, ensure_ascii=False, default=str) + "\n", encoding="utf-8"
    )
    print(f"\nWritten to {args.output}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
