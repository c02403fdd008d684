"""``manage.py seed_demo``: fill the database with synthetic persons and one demo user per role."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from resoc.demo import services


class Command(BaseCommand):
    help = "Generate synthetic demo persons, relationships and demo users (one per role)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--persons", type=int, default=2000, help="How many persons (default 2000).")
        parser.add_argument("--seed", type=int, default=1, help="Random seed: the same seed, the same data.")
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Seed only when the database holds no persons; otherwise just print the demo logins.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        count: int = options["persons"]
        seed: int = options["seed"]
        if count < 0:
            raise CommandError("--persons must not be negative.")
        if options["if_empty"] and services.database_has_persons():
            logins = services.demo_logins()
            if logins:
                self.stdout.write("The database already holds data: demo data was not generated again.")
                self._print_logins(logins)
            else:
                self.stdout.write("The database already holds persons and no demo accounts: nothing to do.")
            return
        if services.database_has_real_persons():
            raise CommandError(
                "The database holds real (non-synthetic) person records: demo accounts with a shared "
                "password will not be added to it."
            )
        self.stdout.write(f"Generating {count:,} synthetic persons (seed {seed})…")
        result = services.seed_demo(persons=count, seed=seed)
        journeys = result.journeys
        self.stdout.write(
            self.style.SUCCESS(
                f"Created {result.persons:,} persons, {journeys.sentences:,} sentences, "
                f"{journeys.custody_periods:,} custody periods, {journeys.releases:,} releases, "
                f"{journeys.probation_periods:,} probation periods, "
                f"{result.assessments.assessments:,} assessments, "
                f"{result.plans.plans:,} resocialization plans ({result.plans.measures:,} measures), "
                f"{result.release.tasks + result.handovers.tasks:,} release preparation tasks, "
                f"{result.release.meetings:,} meetings, {result.handovers.handovers:,} handovers, "
                f"{result.relationships:,} relationships, "
                f"{result.consents:,} consents, {result.identifiers:,} passports and "
                f"{result.events:,} timeline events in {result.seconds:.1f} s."
            )
        )
        self._print_logins(services.demo_logins())

    def _print_logins(self, logins: list[services.DemoLogin]) -> None:
        self.stdout.write("")
        self.stdout.write("Demo logins (synthetic data only — every account uses the same password):")
        self.stdout.write(services.format_logins(logins))
