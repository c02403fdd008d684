"""How far a running import is, visible to the web while the worker writes.

In "accept valid rows" mode every batch commits, and the job row carries the count with it. An
all-or-nothing import holds one transaction for the whole file, which readers cannot see into, so
its count goes through a side channel: on PostgreSQL a second connection in autocommit updates the
job row; on SQLite, which allows one writer at a time (the import holds the lock), a small JSON file
beside the uploads carries it (SQLite means one machine, so the web server can read that file).

Every report is also the worker's heartbeat (``heartbeat_at``, or the time in that file): a running
job without one for ``IMPORT_STALE_AFTER`` seconds is taken for interrupted. A worker writes only while
the job is still its run (``attempt``); once another run has taken the job over, ``report`` raises
``Superseded`` and the worker stops.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.utils import timezone

from resoc.imports.models import ImportJob, JobStatus


class Superseded(Exception):
    """The job was marked interrupted and run again meanwhile: this worker must not write any more."""


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
        now = timezone.now()
        self.job.heartbeat_at = now
        if not self.isolated:
            # Committed with the batch it belongs to.
            updated = ImportJob.objects.filter(pk=self.job.pk, attempt=self.job.attempt).update(
                rows_done=rows_done, heartbeat_at=now
            )
        elif connection.vendor == "sqlite":
            # The import holds SQLite's one write lock: no other run can have taken the job over.
            updated = 1
            path = _progress_file(self.job)
            path.parent.mkdir(parents=True, exist_ok=True)
            partial = path.with_suffix(".tmp")
            partial.write_text(
                json.dumps({"rows_done": rows_done, "heartbeat": now.isoformat()}), encoding="utf-8"
            )
            os.replace(partial, path)  # readers never see a half-written file
        else:
            if self._side_connection is None:
                self._side_connection = connections.create_connection(DEFAULT_DB_ALIAS)
            with self._side_connection.cursor() as cursor:
                cursor.execute(
                    f"UPDATE {ImportJob._meta.db_table} SET rows_done = %s, heartbeat_at = %s "  # noqa: S608
                    "WHERE id = %s AND attempt = %s",
                    [rows_done, now, self.job.pk, self.job.attempt],
                )
                updated = cursor.rowcount
                if not updated:
                    # Superseded only if this connection sees the job at all (not while the job row
                    # itself is uncommitted, as in a test's transaction).
                    cursor.execute(f"SELECT 1 FROM {ImportJob._meta.db_table} WHERE id = %s", [self.job.pk])  # noqa: S608
                    updated = 0 if cursor.fetchone() is not None else 1
        if not updated:
            raise Superseded(str(self.job.public_id))

    def close(self) -> None:
        if self._side_connection is not None:
            self._side_connection.close()
            self._side_connection = None
        forget(self.job)


def forget(job: ImportJob) -> None:
    """Remove the job's side file (its run ended)."""
    _progress_file(job).unlink(missing_ok=True)


def rows_done(job: ImportJob) -> int:
    """The job's progress as the worker last published it."""
    if job.status == JobStatus.RUNNING:
        try:
            published = json.loads(_progress_file(job).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return job.rows_done
        return max(job.rows_done, int(published.get("rows_done", 0)))
    return job.rows_done


def last_heartbeat(job: ImportJob) -> dt.datetime | None:
    """When the worker last made progress, as far as anyone can see (the side file on SQLite)."""
    first = job.heartbeat_at or job.started_at
    beats = [first] if first is not None else []
    try:
        published = json.loads(_progress_file(job).read_text(encoding="utf-8"))
        beats.append(dt.datetime.fromisoformat(published["heartbeat"]))
    except (OSError, ValueError, KeyError, TypeError):
        pass
    return max(beats) if beats else None
