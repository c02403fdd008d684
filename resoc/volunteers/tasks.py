"""The daily reminder as a background task (database queue by default; see settings.TASK_BACKEND)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django_tasks import default_task_backend, task

from resoc.volunteers.reminders import send_expiry_reminders

# The reminder goes out at this hour, Riga time, before the coordinators' working day.
REMINDER_HOUR = 7


def next_run(now: dt.datetime) -> dt.datetime:
    local = timezone.localtime(now)
    run = local.replace(hour=REMINDER_HOUR, minute=0, second=0, microsecond=0)
    if run <= local:
        run = timezone.make_aware(
            dt.datetime.combine(local.date() + dt.timedelta(days=1), dt.time(REMINDER_HOUR))
        )
    return run


@task()
def send_qualification_reminders(reschedule: bool = True) -> dict[str, int]:
    """Send today's reminders, then queue tomorrow's run (on a backend that can defer work)."""
    counts = send_expiry_reminders()
    if reschedule:
        schedule_reminders()
    return {
        "organizations": counts.organizations,
        "emails": counts.emails,
        "qualifications": counts.qualifications,
    }


def schedule_reminders(now: dt.datetime | None = None) -> bool:
    """Queue the next daily run; False where the backend cannot run work later (run it from cron)."""
    if not default_task_backend.supports_defer:
        return False
    send_qualification_reminders.using(run_after=next_run(now or timezone.now())).enqueue()
    return True
