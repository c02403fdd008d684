"""``manage.py send_qualification_reminders``: e-mail coordinators about expiring qualifications."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from resoc.volunteers.reminders import send_expiry_reminders
from resoc.volunteers.tasks import schedule_reminders


class Command(BaseCommand):
    help = (
        "E-mail each organization's volunteer coordinators the qualifications that expire within 30 days "
        "(once a day per organization). With --schedule, queue the daily task instead: it runs at 07:00 "
        "and queues the next day's run itself."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--schedule", action="store_true", help="Queue the daily task on the task queue.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["schedule"]:
            if schedule_reminders():
                self.stdout.write("The daily reminder task is queued.")
            else:
                self.stderr.write(
                    "This task backend cannot run work later: run this command daily from cron."
                )
            return
        counts = send_expiry_reminders()
        self.stdout.write(
            f"{counts.emails} e-mail(s) sent about {counts.qualifications} expiring qualification(s) "
            f"in {counts.organizations} organization(s)."
        )
