"""Matching benchmark: 2,000 people waiting for a peer mentor against 500 mentors (time, SQL queries).

    .venv/bin/python benchmarks/matching_bench.py [--mentees 2000] [--mentors 500] [--runs 30] [--output F]

Without DATABASE_URL it works on a throwaway SQLite file in a temporary folder; with DATABASE_URL it
uses that database (the rows it adds are synthetic and belong to its own NGO). It sets up one NGO
with a coordinator, ``--mentors`` active mentors (user accounts, regions, languages, interests,
capacities of 1–3, some places already taken) and ``--mentees`` persons referred to the NGO with
consent and put forward for a mentor (regions from custody and probation periods or their own
word, languages, sex preferences, interests, lived-experience wishes). It then measures:

* ranking every waiting person's five best mentors as the coordinator would: the candidate query,
  the facts of all mentees and all mentors, and the pure scoring of every pair in memory;
* a mentor's ten best mentees (the same, the other way round);
* the suggestions page of one person (``/mentoring/candidates/<id>/``) and the coordinator's
  waiting list (``/mentoring/``): median and p95 latency and SQL queries, for two persons to show
  the count does not depend on who is asked.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
NGO_CODE = "bench-nvo-mentori"


class _Counter:
    """Counts the SQL statements run (Django's captured query log keeps only the last 9,000)."""

    def __init__(self) -> None:
        self.count = 0

    def __call__(self, execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        self.count += 1
        return execute(sql, params, many, context)


def _summary(samples_ms: list[float]) -> dict[str, float]:
    ordered = sorted(samples_ms)
    p95 = statistics.quantiles(ordered, n=20, method="inclusive")[18] if len(ordered) > 1 else ordered[0]
    return {"runs": len(ordered), "median_ms": round(statistics.median(ordered), 2), "p95_ms": round(p95, 2)}


def _setup(mentees: int, mentors: int, seed: int) -> tuple[Any, Any, list[Any], list[Any]]:
    from django.contrib.auth.hashers import make_password
    from django.utils import timezone

    from resoc.access.models import Membership, User
    from resoc.access.roles import Role
    from resoc.demo.mentoring import qualify_for_mentoring
    from resoc.mentoring.models import Match, MatchStatus, MenteeProfile
    from resoc.organizations.models import Organization, OrganizationType, Region
    from resoc.people.models import Consent, Person, Relationship
    from resoc.sentences.models import CustodyPeriod, ProbationPeriod
    from resoc.volunteers.models import Volunteer, VolunteerKind, VolunteerStatus

    rng = random.Random(seed)  # reproducible synthetic data
    today = timezone.localdate()
    ngo = Organization.objects.create(
        code=NGO_CODE, name="Etalona mentoru biedrība", type=OrganizationType.NGO
    )
    coordinator = User.objects.create_user(username="bench-coordinator", first_name="Etalons")
    Membership.objects.create(user=coordinator, organization=ngo, role=Role.NGO_COORDINATOR)
    languages = ["latviešu", "latviešu, krievu", "krievu", "latviešu, angļu", "krievu, ukraiņu"]
    hobbies = [
        "futbols",
        "makšķerēšana",
        "šahs",
        "mūzika",
        "kokapstrāde",
        "dārzs",
        "auto",
        "lasīšana",
        "sports",
    ]
    regions = list(Region.values)
    prisons = list(Organization.objects.filter(type=OrganizationType.PRISON).order_by("code"))
    units = list(Organization.objects.filter(type=OrganizationType.PROBATION_UNIT).order_by("code"))

    unusable = make_password(None)
    users = User.objects.bulk_create(
        User(username=f"bench-mentor-{n:04d}", password=unusable) for n in range(mentors)
    )
    Membership.objects.bulk_create(Membership(user=u, organization=ngo, role=Role.VOLUNTEER) for u in users)
    volunteers = Volunteer.objects.bulk_create(
        Volunteer(
            organization=ngo,
            user=u,
            kind=VolunteerKind.PEER_MENTOR,
            status=VolunteerStatus.ACTIVE,
            given_names=f"Mentors{n}",
            family_name="Etalons",
            sex=rng.choice(["male", "male", "female"]),
            year_of_birth=today.year - rng.randint(22, 70),
            region=rng.choice(regions),
            languages=rng.choice(languages),
            interests=", ".join(rng.sample(hobbies, rng.randint(1, 4))),
            lived_experience=rng.random() < 0.5,
            capacity=rng.randint(1, 3),
            applied_on=today - dt.timedelta(days=400),
        )
        for n, u in enumerate(users)
    )
    qualify_for_mentoring(list(Volunteer.objects.filter(user__in=users)), today=today)
    persons = Person.objects.bulk_create(
        Person(
            given_names=f"Kandidāts{i}",
            family_name="Etalons",
            sex=rng.choice(["male"] * 9 + ["female"]),
            date_of_birth=dt.date(rng.randint(1955, 2004), 1 + i % 12, 1 + i % 28),
            languages=rng.choice(languages),
            sort_key=f"etalons kandidats {i:05d}",
            search_text=f" etalons kandidats{i} ",
            is_synthetic=True,
        )
        for i in range(mentees)
    )
    Relationship.objects.bulk_create(
        Relationship(person=p, organization=ngo, kind="referral", starts_on=today - dt.timedelta(days=30))
        for p in persons
    )
    Consent.objects.bulk_create(
        Consent(
            person=p,
            organization=ngo,
            categories=Consent.encode_categories(["identity", "family"]),
            purpose="Līdzgaitnieka atbalsts",
            given_on=today - dt.timedelta(days=30),
            recorded_by=coordinator,
        )
        for p in persons
    )
    CustodyPeriod.objects.bulk_create(
        CustodyPeriod(person=p, prison=rng.choice(prisons), admitted_on=today - dt.timedelta(days=300))
        for i, p in enumerate(persons)
        if i % 3 == 0
    )
    ProbationPeriod.objects.bulk_create(
        ProbationPeriod(person=p, probation_unit=rng.choice(units), starts_on=today - dt.timedelta(days=60))
        for i, p in enumerate(persons)
        if i % 3 == 1
    )
    MenteeProfile.objects.bulk_create(
        MenteeProfile(
            person=p,
            region=rng.choice(regions) if i % 3 == 2 else "",
            mentor_sex=rng.choice(["", "", "", "male", "female"]),
            interests=", ".join(rng.sample(hobbies, rng.randint(0, 3))),
            wants_lived_experience=rng.random() < 0.4,
            referred_by=coordinator,
            referred_organization=ngo,
            referred_on=today - dt.timedelta(days=rng.randint(1, 60)),
        )
        for i, p in enumerate(persons)
    )
    # Some places are already taken by running matches of other (synthetic) persons.
    taken = Person.objects.bulk_create(
        Person(given_names=f"Mentorējamais{i}", family_name="Etalons", sex="male", is_synthetic=True)
        for i in range(mentors // 4)
    )
    Match.objects.bulk_create(
        Match(
            person=p,
            mentor=volunteers[i * 4],
            organization=ngo,
            status=MatchStatus.ACTIVE,
            proposed_by=coordinator,
        )
        for i, p in enumerate(taken)
    )
    from resoc.demo.bulk import refresh_statistics

    # As the demo seeding does: fresh planner statistics after the bulk inserts.
    refresh_statistics()
    return coordinator, ngo, persons, volunteers


def run_matching_benchmark(
    mentees: int = 2000, mentors: int = 500, runs: int = 30, seed: int = 1
) -> dict[str, Any]:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from resoc.access.context import acting_for
    from resoc.mentoring import matching, selectors
    from resoc.volunteers.models import Volunteer

    started = time.perf_counter()
    coordinator, _ngo, persons, volunteers = _setup(mentees, mentors, seed)
    setup_s = time.perf_counter() - started
    acting = acting_for(coordinator)

    queries = _Counter()
    with connection.execute_wrapper(queries):
        started = time.perf_counter()
        ids = list(selectors.candidate_persons(acting).values_list("pk", flat=True))
        mentee_facts = selectors.mentee_facts(ids)
        mentor_facts = selectors.mentor_facts(selectors.mentor_pool(acting))
        loaded_s = time.perf_counter() - started
        ranked = matching.rank_all(list(mentee_facts.values()), mentor_facts, n=5)
        rank_all_s = time.perf_counter() - started
    rank_queries = queries.count
    without_suitable = sum(1 for best in ranked.values() if not best)

    queries = _Counter()
    with connection.execute_wrapper(queries):
        started = time.perf_counter()
        [one_mentor] = selectors.mentor_facts(Volunteer.objects.filter(pk=volunteers[1].pk))
        ids = list(selectors.candidate_persons(acting).values_list("pk", flat=True))
        best_mentees = matching.top_mentees(one_mentor, selectors.mentee_facts(ids).values(), n=10)
        mentor_s = time.perf_counter() - started
    mentor_queries = queries.count

    client = Client()
    client.force_login(coordinator)
    rng = random.Random(seed)
    sample = [persons[rng.randrange(len(persons))] for _ in range(runs + 3)]

    def page_samples(urls: list[str]) -> list[float]:
        for url in urls[:3]:  # warm-up
            assert client.get(url).status_code == 200
        samples = []
        for url in urls[3:]:
            begun = time.perf_counter()
            response = client.get(url)
            samples.append((time.perf_counter() - begun) * 1000)
            assert response.status_code == 200, (url, response.status_code)
        return samples

    def page_queries(url: str) -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured.captured_queries)

    suggestion_urls = [reverse("mentoring:suggestions", args=[p.public_id]) for p in sample]
    suggestions = _summary(page_samples(suggestion_urls))
    waiting_urls = [reverse("mentoring:home") + f"?page={1 + n % 20}" for n in range(runs + 3)]
    waiting = _summary(page_samples(waiting_urls))
    return {
        "database": connection.vendor,
        "mentees": mentees,
        "mentors": mentors,
        "pairs_scored": len(mentee_facts) * len(mentor_facts),
        "setup_seconds": round(setup_s, 2),
        "rank_all_seconds": round(rank_all_s, 3),
        "rank_all_load_seconds": round(loaded_s, 3),
        "rank_all_queries": rank_queries,
        "mentees_without_a_suitable_mentor": without_suitable,
        "one_mentor_top10_seconds": round(mentor_s, 3),
        "one_mentor_top10_queries": mentor_queries,
        "one_mentor_top10_found": len(best_mentees),
        "suggestions_page": suggestions,
        "suggestions_page_queries": [page_queries(suggestion_urls[0]), page_queries(suggestion_urls[1])],
        "waiting_list_page": waiting,
        "waiting_list_page_queries": [page_queries(waiting_urls[0]), page_queries(waiting_urls[1])],
        "load_average_at_end": [round(x, 2) for x in os.getloadavg()],
    }


def print_matching(figures: dict[str, Any]) -> None:
    rows = [
        (
            "Matching",
            f"{figures['mentees']:,} mentees × {figures['mentors']} mentors on {figures['database']}",
        ),
        (
            "Rank every mentee (top 5)",
            f"{figures['rank_all_seconds']:.2f} s ({figures['rank_all_load_seconds']:.2f} s loading), "
            f"{figures['rank_all_queries']} SQL queries, {figures['pairs_scored']:,} pairs",
        ),
        (
            "One mentor's top 10 mentees",
            f"{figures['one_mentor_top10_seconds']:.3f} s, {figures['one_mentor_top10_queries']} SQL queries",
        ),
    ]
    for label, key in [("Suggestions page", "suggestions_page"), ("Waiting list page", "waiting_list_page")]:
        f = figures[key]
        q = figures[f"{key}_queries"]
        rows.append((label, f"median {f['median_ms']:.1f} ms, p95 {f['p95_ms']:.1f} ms, SQL {q[0]} / {q[1]}"))
    width = max(len(label) for label, _ in rows)
    for label, value in rows:
        print(f"{label.ljust(width)}  {value}")


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--mentees", type=int, default=2000)
    parser.add_argument("--mentors", type=int, default=500)
    parser.add_argument(
        "--runs", type=int, default=30, help="timed page requests per measurement (default 30)"
    )
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--output", type=Path, help="also write the figures as JSON here")
    args = parser.parse_args()

    own_sqlite = not os.environ.get("DATABASE_URL")
    data_dir = tempfile.mkdtemp(prefix="resoc-matching-bench-db-")
    sys.path.insert(0, str(ROOT))
    os.environ["DJANGO_SETTINGS_MODULE"] = "resoc.settings"
    os.environ["RESOC_DATA_DIR"] = data_dir
    os.environ.setdefault("LOG_LEVEL", "ERROR")
    os.environ["SECURE_SSL_REDIRECT"] = "0"
    os.environ["STATIC_ROOT"] = str(Path(data_dir) / "static")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import override_settings
    from django.utils import translation

    from resoc.organizations.models import Organization

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    try:
        call_command("migrate", verbosity=0, interactive=False)
        if Organization.objects.filter(code=NGO_CODE).exists():
            raise SystemExit("The database already holds this benchmark's data: use an empty database.")
        print(f"Matching {args.mentees:,} mentees against {args.mentors} mentors on {connection.vendor}…")
        # Static files are served without the production manifest (no collectstatic in a benchmark).
        storages = {
            **settings.STORAGES,
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        }
        with translation.override("lv"), override_settings(STORAGES=storages):
            figures = run_matching_benchmark(args.mentees, args.mentors, args.runs, args.seed)
        print(json.dumps(figures, indent=2, ensure_ascii=False))
        print()
        print_matching(figures)
        if args.output:
            args.output.write_text(json.dumps(figures, indent=2, ensure_ascii=False), encoding="utf-8")
    finally:
        connection.close()
        if own_sqlite:
            shutil.rmtree(data_dir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
