from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from resoc.referrals import tasks


class Command(BaseCommand):
    help = (
        "Expire referrals not answered within REFERRAL_ANSWER_WORKING_DAYS working days and remind "
        "receivers of those due soon. Run daily (cron); --enqueue puts the work on the task queue."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--enqueue", action="store_true", help="run it in a background worker")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["enqueue"]:
            result = tasks.expire_referrals.enqueue()
            self.stdout.write(f"Enqueued: {result.id}")
            return
        counts = tasks.sweep()
        self.stdout.write(f"Expired: {counts['expired']}; reminded: {counts['reminded']}")
