"""Referral inbox benchmark: an NGO with 50,000 referrals (latency median/p95, SQL queries).

    .venv/bin/python benchmarks/referrals_bench.py [--referrals 50000] [--runs 30] [--output F]

Without DATABASE_URL it works on a throwaway SQLite file in a temporary folder; with DATABASE_URL it
uses that database and refuses one that already holds persons. ``run_referrals_benchmark(...)`` can
be called from a benchmark that has set Django up already (``run.py`` does): it adds its own NGO,
users and persons, with codes of their own.

An NGO with an agreement with the Prison Administration receives ``--referrals`` referrals from
Jelgava prison for persons held there, ten per person: the latest one of each person open (sent,
accepted or in progress, with the ``referral`` relationship and the person's consent, so that the
inbox names him), the nine before it closed (completed, declined, expired). The NGO coordinator's
inbox page ``/referrals/`` (first page, page 200, the "overdue" filter, a state filter) and the API
list ``GET /api/v1/referrals`` are timed with ``django.test.Client``; the queries of each are
counted, and compared with those of an inbox of 20 referrals, less than a page (they must be equal).
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
PER_PERSON = 10


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


def _inbox(code: str, referrals: int) -> tuple[Any, Any]:
    """An NGO with ``referrals`` referrals and its coordinator; returns (coordinator, NGO)."""
    from django.utils import timezone

    from resoc.access.models import Membership, User
    from resoc.access.roles import Role
    from resoc.community.models import CooperationAgreement
    from resoc.demo.bulk import insert_objects
    from resoc.organizations.models import Organization, OrganizationType
    from resoc.people.models import Consent, Person, Relationship
    from resoc.referrals.holidays import add_working_days
    from resoc.referrals.models import Referral, State, Transition

    today = timezone.localdate()
    now = timezone.now()
    prison = Organization.objects.get(code="jelgavas-cietums")
    ngo = Organization.objects.create(code=code, name=f"Mērījuma NVO {code}", type=OrganizationType.NGO)
    CooperationAgreement.objects.create(
        organization=ngo,
        institution=Organization.objects.get(code="ievp"),
        number=f"{code}/1",
        scope="Mērījums",
        valid_from=today - dt.timedelta(days=400),
    )
    coordinator = User.objects.create(username=f"{code}-coordinator", first_name="Ilze")
    Membership.objects.create(user=coordinator, organization=ngo, role=Role.NGO_COORDINATOR)
    officer, _ = User.objects.get_or_create(username="bench-referrals-officer")
    Membership.objects.get_or_create(user=officer, organization=prison, role=Role.RESOCIALIZATION_OFFICER)
    count = max(1, referrals // PER_PERSON)
    persons = [
        Person(
            given_names=f"Mērījums {index}",
            family_name=f"Nosūtītais{code[-2:]}",
            date_of_birth=dt.date(1970, 1, 1) + dt.timedelta(days=index % 9000),
            sex="male",
            is_synthetic=True,
        )
        for index in range(count)
    ]
    for person in persons:
        person.refresh_derived_fields()
    Person.objects.bulk_create(persons, batch_size=1000)
    saved = list(
        Person.objects.filter(family_name=f"Nosūtītais{code[-2:]}")
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    open_states = [State.SENT, State.ACCEPTED, State.IN_PROGRESS]
    closed_states = [State.COMPLETED, State.DECLINED, State.EXPIRED]
    rows: list[Referral] = []
    for index, person_id in enumerate(saved):
        for k in range(PER_PERSON):
            latest = k == PER_PERSON - 1
            sent = now - dt.timedelta(days=(PER_PERSON - k) * 30 + index % 20, hours=index % 24)
            state = open_states[index % 3] if latest else closed_states[(index + k) % 3]
            sent_day = timezone.localdate(sent)
            rows.append(
                Referral(
                    public_id=uuid.uuid4(),
                    person_id=person_id,
                    sender_organization=prison,
                    sender=officer,
                    receiver_organization=ngo,
                    reason="Atbalsts pēc atbrīvošanas",
                    urgency="urgent" if index % 10 == 0 else "routine",
                    categories=" identity family ",
                    state=state,
                    created_at=sent,
                    sent_at=sent,
                    respond_by=add_working_days(sent_day, 10) if state == State.SENT else None,
                    accepted_at=sent + dt.timedelta(days=2)
                    if state in (State.ACCEPTED, State.IN_PROGRESS, State.COMPLETED)
                    else None,
                    accepted_by=coordinator
                    if state in (State.ACCEPTED, State.IN_PROGRESS, State.COMPLETED)
                    else None,
                    closed_at=None if latest else sent + dt.timedelta(days=20),
                    state_changed_at=sent,
                )
            )
    insert_objects(Referral, rows)
    ids = dict(Referral.objects.filter(receiver_organization=ngo).values_list("public_id", "pk"))
    insert_objects(
        Transition,
        [
            Transition(
                referral_id=ids[r.public_id], from_state="", to_state=State.SENT, at=r.created_at, by=officer
            )
            for r in rows
        ],
    )
    insert_objects(
        Relationship,
        [
            Relationship(
                person_id=r.person_id,
                organization=ngo,
                kind="referral",
                starts_on=today - dt.timedelta(days=5),
                source=f"referral:{r.public_id}",
            )
            for r in rows
            if r.state in open_states
        ],
    )
    insert_objects(
        Relationship,
        [
            Relationship(
                person_id=pid,
                organization=prison,
                kind="custody",
                starts_on=today - dt.timedelta(days=400),
                source="bench",
            )
            for pid in saved
        ],
    )
    insert_objects(
        Consent,
        [
            Consent(
                person_id=pid,
                organization=ngo,
                categories=" identity family ",
                purpose="Mērījums",
                given_on=today - dt.timedelta(days=30),
            )
            for pid in saved
        ],
    )
    return coordinator, ngo


def run_referrals_benchmark(*, referrals: int = 50_000, runs: int = 30) -> dict[str, Any]:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from resoc.access.models import ApiToken
    from resoc.demo.bulk import refresh_statistics

    started = time.perf_counter()
    coordinator, _ngo = _inbox(f"bench-ngo-{uuid.uuid4().hex[:6]}", referrals)
    small_coordinator, _small = _inbox(f"bench-ngo-{uuid.uuid4().hex[:6]}", 2 * PER_PERSON)
    refresh_statistics()
    seconds = time.perf_counter() - started
    client, small = Client(), Client()
    client.force_login(coordinator)
    small.force_login(small_coordinator)
    _t, raw = ApiToken.issue(membership=coordinator.memberships.get(), name="bench")
    _t2, small_raw = ApiToken.issue(membership=small_coordinator.memberships.get(), name="bench")
    api = Client()

    def timed(get: Any, url: str, **headers: str) -> dict[str, Any]:
        for _ in range(3):
            response = get(url, **headers)
            if response.status_code != 200:
                raise SystemExit(f"{url}: HTTP {response.status_code}")
        samples = []
        for _ in range(runs):
            begin = time.perf_counter()
            get(url, **headers)
            samples.append((time.perf_counter() - begin) * 1000)
        return {"url": url, **summary(samples)}

    def queries(get: Any, url: str, **headers: str) -> int:
        get(url, **headers)
        with CaptureQueriesContext(connection) as captured:
            get(url, **headers)
        return len(captured)

    bearer = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    small_bearer = {"HTTP_AUTHORIZATION": f"Bearer {small_raw}"}
    pages = {
        "inbox_first_page": "/referrals/",
        "inbox_page_200": "/referrals/?page=200",
        "inbox_overdue": "/referrals/?due=overdue",
        "inbox_in_progress": "/referrals/?state=in_progress",
    }
    figures: dict[str, Any] = {
        "database": connection.vendor,
        "referrals": referrals,
        "setup_seconds": round(seconds, 1),
        "load_average_at_start": [round(x, 2) for x in os.getloadavg()],
    }
    for key, url in pages.items():
        figures[key] = timed(client.get, url)
    figures["api_list"] = timed(api.get, "/api/v1/referrals", **bearer)
    figures["api_list_page_100"] = timed(api.get, "/api/v1/referrals?page=100", **bearer)
    figures["queries"] = {
        "inbox": queries(client.get, "/referrals/"),
        "inbox_small": queries(small.get, "/referrals/"),
        "api_list": queries(api.get, "/api/v1/referrals", **bearer),
        "api_list_small": queries(api.get, "/api/v1/referrals", **small_bearer),
    }
    q = figures["queries"]
    q["constant"] = q["inbox"] == q["inbox_small"] and q["api_list"] == q["api_list_small"]
    figures["load_average_at_end"] = [round(x, 2) for x in os.getloadavg()]
    return figures


def print_referrals(figures: dict[str, Any]) -> None:
    print(
        f"Referral inbox of an NGO with {figures['referrals']:,} referrals on {figures['database']} (load {figures['load_average_at_start']})"
    )
    for key in (
        "inbox_first_page",
        "inbox_page_200",
        "inbox_overdue",
        "inbox_in_progress",
        "api_list",
        "api_list_page_100",
    ):
        f = figures[key]
        print(f"  {f['url']:<40} median {f['median_ms']:>8} ms, p95 {f['p95_ms']:>8} ms ({f['runs']} runs)")
    q = figures["queries"]
    print(
        f"  SQL queries: inbox {q['inbox']} (an inbox of 20: {q['inbox_small']}), "
        f"API list {q['api_list']} ({q['api_list_small']}) — constant: {'yes' if q['constant'] else 'NO'}"
    )


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--referrals", type=int, default=50_000)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--output", type=Path, help="also write the figures as JSON here")
    args = parser.parse_args()

    own_sqlite = not os.environ.get("DATABASE_URL")
    data_dir = tempfile.mkdtemp(prefix="resoc-referrals-bench-db-")
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
        with override_settings(
            STORAGES={
                **settings.STORAGES,
                "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
            }
        ):
            figures = run_referrals_benchmark(referrals=args.referrals, runs=args.runs)
        print(json.dumps(figures, indent=2, ensure_ascii=False))
        print_referrals(figures)
        if args.output:
            args.output.write_text(json.dumps(figures, indent=2, ensure_ascii=False), encoding="utf-8")
    finally:
        connection.close()
        if own_sqlite:
            shutil.rmtree(data_dir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
