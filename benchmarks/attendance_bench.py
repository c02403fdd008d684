"""Attendance register benchmark: a group of 15 saved through the web view (latency, SQL queries).

    .venv/bin/python benchmarks/attendance_bench.py [--runs 30] [--participants 15] [--output F]

Without DATABASE_URL it works on a throwaway SQLite file in a temporary folder; with DATABASE_URL it
uses that database and refuses one that already holds persons. ``run_attendance_benchmark(...)`` can
be called from a benchmark that has set Django up already (it adds its own programme, group and
participants, with codes of their own).

A facilitator of Jelgava prison leads a group of ``--participants`` persons held there, enrolled
through the enrolment service. Each run POSTs a whole register (two late, one absent with a reason,
the others present, a session note) to ``/programmes/sessions/<id>/attendance/`` with
``django.test.Client``: first saves go to a new session each time, corrections re-save an already
filled register with one mark changed (the audited edit path). Queries are counted for a save of
the group and of a group a third of its size: the counts must be equal. The machine's load average is
recorded: other work skews the figures.
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
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


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


def _group(participants: int, sessions: int) -> tuple[Any, Any, list[Any], list[Any]]:
    """A group with ``participants`` places and ``sessions`` sessions in the past."""
    from django.utils import timezone

    from resoc.access.context import acting_for
    from resoc.access.models import Membership, User
    from resoc.access.roles import Role
    from resoc.organizations.models import Organization
    from resoc.people.identity import make_personal_code
    from resoc.people.models import Person, Relationship
    from resoc.programmes import enrolment_services, services
    from resoc.programmes.models import (
        Enrolment,
        Group,
        Location,
        Offer,
        OfferLocation,
        Programme,
        ProgrammeType,
        Room,
        Session,
    )
    from resoc.sentences.models import CustodyPeriod

    prison = Organization.objects.get(code="jelgavas-cietums")
    today = timezone.localdate()
    users = {}
    for name, role in (
        ("bench-facilitator", Role.PROGRAMME_FACILITATOR),
        ("bench-officer", Role.RESOCIALIZATION_OFFICER),
    ):
        user, _ = User.objects.get_or_create(username=name, defaults={"first_name": name})
        Membership.objects.get_or_create(user=user, organization=prison, role=role)
        users[name] = user
    programme, created = Programme.objects.get_or_create(
        code="bench-darba-prasmes",
        defaults={
            "type": ProgrammeType.objects.get(code="vocational_education"),
            "name": "Darba prasmes (mērījumam)",
            "aims": "Darba meklēšanas prasmes",
        },
    )
    if created:
        programme.organizations.add(prison)
    location, _ = Location.objects.get_or_create(organization=prison, name="Mērījuma korpuss")
    room, _ = Room.objects.get_or_create(location=location, name="Mērījuma telpa", defaults={"capacity": 100})
    offer, _ = Offer.objects.get_or_create(programme=programme, organization=prison)
    OfferLocation.objects.get_or_create(offer=offer, location=location)
    officer = acting_for(users["bench-officer"])
    stamp = Group.objects.count()
    group = services.group_create(
        acting=officer,
        spec=services.GroupSpec(
            offer=offer,
            room=room,
            facilitator=users["bench-facilitator"],
            name=f"Mērījuma grupa {stamp}",
            starts_on=today + dt.timedelta(days=1),
            ends_on=today + dt.timedelta(days=400),
            capacity=100,
            recurrence=f"FREQ=DAILY;COUNT={sessions}",
            session_start=dt.time(6, 0),
            session_minutes=60,
        ),
    )
    for index in range(participants):
        birth = dt.date(1970, 1, 1) + dt.timedelta(days=stamp * 97 + index)
        serial = 900 + index % 100
        # A seeded database may hold the code already (run from ``run.py``): take the next serial.
        while Person.objects.filter(personal_code=make_personal_code(birth, serial)).exists():
            serial = (serial + 1) % 1000
        person = Person.objects.create(
            given_names=f"Dalībnieks {index + 1}",
            family_name="Mērījums",
            personal_code=make_personal_code(birth, serial),
            date_of_birth=birth,
            sex="male",
        )
        CustodyPeriod.objects.create(person=person, prison=prison, admitted_on=today - dt.timedelta(days=100))
        Relationship.objects.create(
            person=person, organization=prison, kind="custody", starts_on=today - dt.timedelta(days=100)
        )
        enrolment_services.enrolment_create(acting=officer, group=group, person=person)
    # The sessions are moved into the past (a register is kept only once a session has begun).
    start = timezone.now() - dt.timedelta(days=sessions + 1)
    for offset, session in enumerate(Session.objects.filter(group=group).order_by("starts_at")):
        session.starts_at = start + dt.timedelta(days=offset)
        session.ends_at = session.starts_at + dt.timedelta(hours=1)
        session.save(update_fields=["starts_at", "ends_at"])
    Enrolment.objects.filter(group=group).update(enrolled_at=start - dt.timedelta(days=1))
    enrolments = list(Enrolment.objects.filter(group=group).order_by("pk"))
    return (
        users["bench-facilitator"],
        group,
        enrolments,
        list(Session.objects.filter(group=group).order_by("starts_at")),
    )


def _form(enrolments: list[Any], changed: bool = False) -> dict[str, str]:
    data = {"notes": "Tēma: darba intervija (mērījums)"}
    for index, enrolment in enumerate(enrolments):
        key = str(enrolment.public_id)
        status = "late" if index in (1, 2) else "absent" if index == 3 else "present"
        if changed and index == 0:
            status = "late"
        data[f"status-{key}"] = status
        if status == "absent":
            data[f"reason-{key}"] = "court"
    return data


def run_attendance_benchmark(*, runs: int = 30, participants: int = 15) -> dict[str, Any]:
    """Time first saves and corrections of a register of ``participants``; Django must be set up."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from resoc.programmes.models import AttendanceMark

    facilitator, group, enrolments, sessions = _group(participants, runs + 8)
    client = Client()
    client.force_login(facilitator)

    def post(session: Any, data: dict[str, str]) -> float:
        url = f"/programmes/sessions/{session.public_id}/attendance/"
        started = time.perf_counter()
        response = client.post(url, data)
        elapsed = (time.perf_counter() - started) * 1000
        if response.status_code != 302:
            raise SystemExit(f"The register was not saved: HTTP {response.status_code}")
        return elapsed

    load = os.getloadavg()
    # Warm-up on two sessions, then one first save per session.
    for session in sessions[:2]:
        post(session, _form(enrolments))
    first = [post(session, _form(enrolments)) for session in sessions[2 : 2 + runs]]
    corrections = [post(sessions[2 + i % runs], _form(enrolments, changed=i % 2 == 0)) for i in range(runs)]

    def queries(session: Any, rows: list[Any]) -> int:
        with CaptureQueriesContext(connection) as captured:
            post(session, _form(rows))
        return len(captured)

    full = queries(sessions[2 + runs], enrolments)
    # A group of a third of the size, led by the same facilitator: the count must not change.
    _, _, small, small_sessions = _group(max(4, participants // 3), 2)
    third = queries(small_sessions[1], small)
    saved = AttendanceMark.objects.filter(session__group=group).count()
    return {
        "database": connection.vendor,
        "participants": participants,
        "first_save": summary(first),
        "correction": summary(corrections),
        "queries_full_group": full,
        "queries_third_of_group": third,
        "queries_constant": full == third,
        "marks_saved": saved,
        "load_average_at_start": [round(x, 2) for x in load],
        "load_average_at_end": [round(x, 2) for x in os.getloadavg()],
    }


def print_attendance(figures: dict[str, Any]) -> None:
    f, c = figures["first_save"], figures["correction"]
    print(
        f"Attendance register of {figures['participants']} on {figures['database']} (load {figures['load_average_at_start']})"
    )
    print(f"  first save: median {f['median_ms']} ms, p95 {f['p95_ms']} ms ({f['runs']} runs)")
    print(f"  correction: median {c['median_ms']} ms, p95 {c['p95_ms']} ms ({c['runs']} runs)")
    print(
        f"  SQL queries per save: {figures['queries_full_group']} (full group), "
        f"{figures['queries_third_of_group']} (a third) — constant: {'yes' if figures['queries_constant'] else 'NO'}"
    )


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--participants", type=int, default=15)
    parser.add_argument("--output", type=Path, help="also write the figures as JSON here")
    args = parser.parse_args()

    own_sqlite = not os.environ.get("DATABASE_URL")
    data_dir = tempfile.mkdtemp(prefix="resoc-attendance-bench-db-")
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

    setup_test_environment()  # the test client's host and the in-memory e-mail backend
    try:
        call_command("migrate", verbosity=0, interactive=False)
        if Person.objects.exists():
            raise SystemExit("The database already holds persons: the benchmark needs an empty database.")
        # Static files are served without the production manifest (no collectstatic in a benchmark).
        with override_settings(
            STORAGES={
                **settings.STORAGES,
                "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
            }
        ):
            figures = run_attendance_benchmark(runs=args.runs, participants=args.participants)
        print(json.dumps(figures, indent=2, ensure_ascii=False))
        print_attendance(figures)
        if args.output:
            args.output.write_text(json.dumps(figures, indent=2, ensure_ascii=False), encoding="utf-8")
    finally:
        connection.close()
        if own_sqlite:
            shutil.rmtree(data_dir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
