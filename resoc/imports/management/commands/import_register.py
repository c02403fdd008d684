"""``manage.py import_register FILE --as USERNAME``: the web import, run here and now."""

from __future__ import annotations

from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from resoc.access.context import Acting
from resoc.access.models import Membership, User
from resoc.imports import services
from resoc.imports.models import ImportMode, JobStatus, RowStatus
from resoc.imports.reader import FileRefused

SHOWN_REJECTIONS = 20


class Command(BaseCommand):
    help = (
        "Import a prison register extract (CSV or XLSX) as a user; prints the report. Exits with 1 when "
        "the file is refused or, with --all-or-nothing, when any row is rejected."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--as", dest="username", required=True, help="the importing user")
        parser.add_argument(
            "--organization",
            help="code of the organization to act for, when the user has several memberships",
        )
        parser.add_argument(
            "--all-or-nothing", action="store_true", help="store nothing unless every row is valid"
        )
        parser.add_argument(
            "--language", default=settings.LANGUAGE_CODE, help="language of the report (lv or en)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        translation.activate(options["language"])
        acting = self._acting(options["username"], options["organization"])
        mode = ImportMode.ALL_OR_NOTHING if options["all_or_nothing"] else ImportMode.ACCEPT_VALID
        try:
            job = services.import_job_create_from_path(acting=acting, path=path, mode=mode)
        except FileRefused as refused:
            raise CommandError(refused.message) from None
        except PermissionDenied:
            raise CommandError("This membership may not import register files.") from None
        previous = services.previous_import_of_same_file(job)
        if previous is not None:
            self.stdout.write(f"This file was imported before ({previous.created_at:%Y-%m-%d %H:%M}).")
        job = services.import_job_run(job=job, path=path)
        if job.status == JobStatus.FAILED:
            raise CommandError(job.error)
        self._report(job)
        if job.mode == ImportMode.ALL_OR_NOTHING and job.rejected:
            raise CommandError(f"{job.rejected} rows rejected: nothing was stored.", returncode=1)

    def _acting(self, username: str, organization: str | None) -> Acting:
        user = User.objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(f"No active user {username!r}.")
        memberships = Membership.objects.select_related("organization").filter(
            user=user, is_active=True, organization__is_active=True
        )
        if organization:
            memberships = memberships.filter(organization__code=organization)
        chosen = [m for m in memberships.order_by("created_at", "pk") if services.may_import(Acting(user, m))]
        if not chosen:
            raise CommandError(f"{username} has no membership that may import register files.")
        if len(chosen) > 1 and not organization:
            codes = ", ".join(m.organization.code for m in chosen)
            raise CommandError(
                f"{username} imports for several organizations; choose one with --organization ({codes})."
            )
        return Acting(user=user, membership=chosen[0], channel="command")

    def _report(self, job: Any) -> None:
        write = self.stdout.write
        encoding = f", {job.encoding}" if job.encoding else ""
        write(f"{job.file_name} ({job.format}{encoding}): {job.rows_done} rows")
        write(f"  accepted:  {job.accepted}")
        write(f"  unchanged: {job.unchanged}")
        write(f"  rejected:  {job.rejected}")
        if job.not_stored:
            write(f"  valid, not stored (all or nothing): {job.not_stored}")
        if job.error:
            write(job.error)
        for row in job.rows.filter(status=RowStatus.REJECTED)[:SHOWN_REJECTIONS]:
            for reason in row.reasons:
                column = f" [{reason['field']}]" if reason["field"] else ""
                write(f"  row {row.number}{column}: {reason['message']}")
        if job.rejected > SHOWN_REJECTIONS:
            write(f"  … and more: see the report of import {job.public_id} in Resoc.")
