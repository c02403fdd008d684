"""``manage.py mark_interrupted_imports``: show the imports of dead workers as interrupted (e.g. from cron)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from resoc.imports import services


class Command(BaseCommand):
    help = (
        "Mark running imports without progress for IMPORT_STALE_AFTER seconds as interrupted, so that "
        "their users see it and may run them again. Workers do this when they start, and job pages when read."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        marked = services.import_jobs_mark_interrupted()
        self.stdout.write(f"{marked} import(s) marked as interrupted.")
