"""Background sweep of referrals: expire unanswered ones, remind receivers of those due soon.

Runs on the task queue (the database queue by default: ``manage.py db_worker``). Nothing enqueues it
by itself: ``manage.py expire_referrals --enqueue`` from cron (or a systemd timer) once a day puts it on
the queue, ``manage.py expire_referrals`` runs it at once.
"""

from __future__ import annotations

from django_tasks import task

from resoc.referrals.services import referrals_expire, referrals_remind


def sweep() -> dict[str, int]:
    return {"expired": referrals_expire(), "reminded": referrals_remind()}


@task()
def expire_referrals() -> dict[str, int]:
    return sweep()
