"""Expiry runs on the database queue and from the command."""

import datetime as dt
import io
import signal

import pytest
from django.core.management import call_command

from resoc.referrals.models import Referral, State
from resoc.referrals.tests.conftest import refer

pytestmark = pytest.mark.django_db


@pytest.fixture
def _restore_signals():
    saved = {number: signal.getsignal(number) for number in (signal.SIGINT, signal.SIGTERM)}
    yield
    for number, handler in saved.items():
        signal.signal(number, handler)


@pytest.mark.usefixtures("_restore_signals")
def test_the_database_worker_expires_overdue_referrals(ready, settings, monkeypatch):
    monkeypatch.setattr("django_tasks_db.management.commands.db_worker.close_old_connections", lambda: None)
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    overdue, waiting = refer(ready), refer(ready)
    Referral.objects.filter(pk=overdue.pk).update(respond_by=dt.date(2020, 1, 10))
    out = io.StringIO()
    call_command("expire_referrals", enqueue=True, stdout=out)
    assert "Enqueued" in out.getvalue()
    assert Referral.objects.get(pk=overdue.pk).state == State.SENT  # nothing until a worker runs it
    call_command("db_worker", batch=True, reload=False, startup_delay=False, interval=0, verbosity=0)
    assert Referral.objects.get(pk=overdue.pk).state == State.EXPIRED
    assert Referral.objects.get(pk=waiting.pk).state == State.SENT

    from django_tasks_db.models import DBTaskResult

    assert DBTaskResult.objects.get().return_value == {"expired": 1, "reminded": 0}


def test_the_command_runs_the_sweep_at_once(ready):
    referral = refer(ready)
    Referral.objects.filter(pk=referral.pk).update(respond_by=dt.date(2020, 1, 10))
    out = io.StringIO()
    call_command("expire_referrals", stdout=out)
    assert "Expired: 1" in out.getvalue()
    assert Referral.objects.get(pk=referral.pk).state == State.EXPIRED
