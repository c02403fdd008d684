"""How far a running import is, visible to the web while the worker writes.

In "accept valid rows" mode every batch commits, and the job row carries the count with it. An
all-or-nothing import holds one transaction for the whole file, which readers cannot see into, so
its count goes through a side channel: on PostgreSQL a second connection in autocommit updates the
job row; on SQLite, which allows one writer at a time (the import holds the lock), a small JSON file
beside the uploads carries it (SQLite means one machine, so the web server can read that file).
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connection, connections

from resoc.imports.models import ImportJob, JobStatus


def _progress_file(job: ImportJob) -> Path:
    return Path(settings.MEDIA_ROOT) / "imports" / "progress" / f"{job.public_id}.json"


class Progress:
    """Publishes ``rows_done`` of one job; ``isolated`` when the import runs in one long transaction."""

    def __init__(self, job: ImportJob, *, isolated: bool) -> None:
        self.job = job
        self.isolated = isolated
        self._side_connection: Any = None

    def report(self, rows_done: int) -> None:
        self.job.rows_done = rows_done
        if not self.isolated:
            # Committed with the batch it belongs to.
            ImportJob.objects.filter(pk=self.job.pk).update(rows_done=rows_done)
        elif connection.vendor == "sqlite":
            path = _progress_file(self.job)
            path.parent.mkdir(parents=True, exist_ok=True)
            partial = path.with_suffix(".tmp")
            partial.write_text(json.dumps({"rows_done": rows_done}), encoding="utf-8")
            os.replace(partial, path)  # readers never see a half-written file
        else:
            if self._side_connection is None:
                self._side_connection = connections.create_connection(DEFAULT_DB_ALIAS)
            with self._side_connection.cursor() as cursor:
                cursor.execute(
                    f"UPDATE {ImportJob._meta.db_table} SET rows_done = %s WHERE id = %s",  # noqa: S608
                    [rows_done, self.job.pk],
                )

    def close(self) -> None:
        if self._side_connection is not None:
            self._side_connection.close()
            self._side_connection = None
        _progress_file(self.job).unlink(missing_ok=True)


def rows_done(job: ImportJob) -> int:
    """The job's progress as the worker last published it."""
    if job.status == JobStatus.RUNNING:
        try:
            published = json.loads(_progress_file(job).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return job.rows_done
        return max(job.rows_done, int(published.get("rows_done", 0)))
    return job.rows_done
