"""Import benchmark: a generated register file of N rows through the import service (rows/s, memory).

    .venv/bin/python benchmarks/import_bench.py --rows 200000 [--mode accept_valid|all_or_nothing] [--output F]

Without DATABASE_URL it works on a throwaway SQLite file in a temporary folder; with DATABASE_URL it
uses that database and, like ``benchmarks/run.py``, refuses one that already holds persons.
``run_import_benchmark(rows)`` can also be called from a benchmark that has set Django up already
(e.g. ``run.py`` after seeding): generated codes that the database already holds are skipped.

Every row is a new person admitted to Jelgava prison; every third one also has a sentence and every
fifth one a release. For each mode (accept-valid, then all-or-nothing) a file of new persons is
imported, then the same file a second time to measure the idempotent path ("already imported").
The load average of the machine is recorded with the figures: other work skews them.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import os
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


def _write_register(path: Path, rows: int) -> int:
    """A CSV of ``rows`` new persons (codes not yet in the database); returns the rows written."""
    from resoc.imports.columns import template_header
    from resoc.people.identity import make_personal_code
    from resoc.people.models import Person

    today = dt.date.today()
    first_birth = dt.date(1950, 1, 1)
    written = 0
    with path.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.writer(stream, delimiter=";")
        writer.writerow(template_header())
        serial_block = 0
        while written < rows:
            candidates: dict[str, dt.date] = {}
            for offset in range(min(5000, (rows - written) * 2)):
                birth = first_birth + dt.timedelta(days=(written + offset) % 18000)
                serial = serial_block * 10 + (written + offset) // 18000
                candidates.setdefault(make_personal_code(birth, serial % 1000), birth)
            taken = set(
                Person.objects.filter(personal_code__in=list(candidates)).values_list(
                    "personal_code", flat=True
                )
            )
            serial_block += 1
            for code, birth in candidates.items():
                if code in taken or written >= rows:
                    continue
                n = written
                admitted = today - dt.timedelta(days=30 + n % 3000)
                row = {
                    "personal_code": code,
                    "last_name": ("Kalniņš", "Bērziņš", "Ozola", "Liepa", "Ivanovs")[n % 5],
                    "first_name": ("Jānis", "Anna", "Pēteris", "Ilze", "Sergejs")[n % 5],
                    "birth_date": birth.isoformat(),
                    "sex": ("male", "female", "male", "female", "male")[n % 5],
                    "citizenship": "citizen",
                    "prison": "jelgavas-cietums",
                    "admitted_on": admitted.strftime("%d.%m.%Y"),
                    "regime_level": "closed-lowest",
                }
                if n % 3 == 0:
                    row |= {
                        "court": "Zemgales rajona tiesa",
                        "sentence_end_on": (admitted + dt.timedelta(days=1500)).isoformat(),
                    }
                if n % 5 == 0:
                    row |= {
                        "released_on": (admitted + dt.timedelta(days=20)).isoformat(),
                        "release_reason": "pardon",
                    }
                writer.writerow([row.get(key, "") for key in template_header()])
                written += 1
    return written


def _officer() -> Any:
    from resoc.access.context import Acting
    from resoc.access.models import Membership, User
    from resoc.organizations.models import Organization

    user, _ = User.objects.get_or_create(username="import-bench-officer")
    membership, _ = Membership.objects.get_or_create(
        user=user,
        organization=Organization.objects.get(code="jelgavas-cietums"),
        role="resocialization_officer",
    )
    return Acting(user=user, membership=membership, channel="command")


def _max_rss_mb() -> float:
    # Linux reports kilobytes, macOS bytes.
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return round(rss / (1024 * 1024 if sys.platform == "darwin" else 1024), 1)


def _load() -> list[float]:
    """The machine's load average (1, 5, 15 minutes): other work on the machine skews the figures."""
    return [round(value, 2) for value in os.getloadavg()]


def _measure_mode(rows: int, mode: str, folder: Path, acting: Any) -> dict[str, Any]:
    from resoc.imports import services
    from resoc.imports.models import ImportRow

    path = folder / f"register-{mode}.csv"
    started = time.perf_counter()
    written = _write_register(path, rows)  # persons not yet in the database: every row is new
    generate_seconds = time.perf_counter() - started

    def timed_import() -> tuple[Any, float, list[float]]:
        job = services.import_job_create_from_path(acting=acting, path=path, mode=mode)
        load = _load()
        begin = time.perf_counter()
        job = services.import_job_run(job=job, path=path)
        return job, time.perf_counter() - begin, load

    job, seconds, load = timed_import()
    rss_after_new = _max_rss_mb()
    again, again_seconds, load_again = timed_import()
    rejected = list(
        ImportRow.objects.filter(job=job, status="rejected").values_list("reasons", flat=True)[:3]
    )
    file_mb = round(path.stat().st_size / (1024 * 1024), 1)
    path.unlink()
    return {
        "rows": written,
        "file_mb": file_mb,
        "generate_seconds": round(generate_seconds, 1),
        "import_seconds": round(seconds, 1),
        "rows_per_second": round(written / seconds) if seconds else None,
        "status": job.status,
        "accepted": job.accepted,
        "rejected": job.rejected,
        "unchanged": job.unchanged,
        "first_rejections": rejected,
        "load_average_at_start": load,
        "peak_rss_mb_after_import": rss_after_new,
        "reimport_seconds": round(again_seconds, 1),
        "reimport_rows_per_second": round(written / again_seconds) if again_seconds else None,
        "reimport_unchanged": again.unchanged,
        "reimport_load_average_at_start": load_again,
        "peak_rss_mb_after_reimport": _max_rss_mb(),
    }


def run_import_benchmark(
    rows: int, *, modes: tuple[str, ...] = ("accept_valid", "all_or_nothing")
) -> dict[str, Any]:
    """For each mode, a file of ``rows`` new persons imported, then imported again; Django must be set up.

    Peak RSS is the process's high-water mark so far (it never goes down): compare it with the figure
    before the first import.
    """
    from django.db import connection

    folder = Path(tempfile.mkdtemp(prefix="resoc-import-bench-"))
    try:
        acting = _officer()
        figures: dict[str, Any] = {
            "database": connection.vendor,
            "cpus": os.cpu_count(),
            "peak_rss_mb_before": _max_rss_mb(),
        }
        for mode in modes:
            print(f"  {mode}: {rows:,} new rows, then the same file again…", flush=True)
            figures[mode] = _measure_mode(rows, mode, folder, acting)
        figures["load_average_at_end"] = _load()
        return figures
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def print_import(figures: dict[str, Any]) -> None:
    """The import figures as a small table."""
    print(
        f"Register import on {figures['database']} ({figures['cpus']} CPUs); "
        f"peak RSS before: {figures['peak_rss_mb_before']} MB"
    )
    for mode in ("accept_valid", "all_or_nothing"):
        if mode not in figures:
            continue
        f = figures[mode]
        print(
            f"  {mode:<15} {f['rows']:>8,} new rows: {f['rows_per_second']:>6} rows/s "
            f"(load {f['load_average_at_start'][0]}), peak RSS {f['peak_rss_mb_after_import']} MB; "
            f"again: {f['reimport_rows_per_second']:>6} rows/s, peak RSS {f['peak_rss_mb_after_reimport']} MB"
        )
    print(f"  load average at the end: {figures['load_average_at_end']}")


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument(
        "--mode", choices=["accept_valid", "all_or_nothing"], help="only this mode (default: both)"
    )
    parser.add_argument("--output", type=Path, help="also write the figures as JSON here")
    args = parser.parse_args()

    own_sqlite = not os.environ.get("DATABASE_URL")
    data_dir = tempfile.mkdtemp(prefix="resoc-import-bench-db-")
    sys.path.insert(0, str(ROOT))
    os.environ["DJANGO_SETTINGS_MODULE"] = "resoc.settings"
    os.environ["RESOC_DATA_DIR"] = data_dir
    os.environ.setdefault("LOG_LEVEL", "ERROR")
    os.environ["STATIC_ROOT"] = str(Path(data_dir) / "static")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from resoc.people.models import Person

    try:
        call_command("migrate", verbosity=0, interactive=False)
        if Person.objects.exists():
            raise SystemExit("The database already holds persons: the benchmark needs an empty database.")
        print(f"Importing {args.rows:,} rows on {connection.vendor}…", flush=True)
        modes = (args.mode,) if args.mode else ("accept_valid", "all_or_nothing")
        figures = run_import_benchmark(args.rows, modes=modes)
        print(json.dumps(figures, indent=2, ensure_ascii=False))
        print_import(figures)
        if args.output:
            args.output.write_text(json.dumps(figures, indent=2, ensure_ascii=False), encoding="utf-8")
    finally:
        connection.close()
        if own_sqlite:
            shutil.rmtree(data_dir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
