import datetime as dt

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from resoc.access.models import Membership
from resoc.volunteers.models import QualificationKind, ReminderSent, VolunteerStatus
from resoc.volunteers.tasks import next_run, send_qualification_reminders
from resoc.volunteers.tests.conftest import make_volunteer, qualify

pytestmark = pytest.mark.django_db


@pytest.fixture
def expiring(world):
    today = timezone.localdate()
    world.users["ngo_coordinator"].email = "koordinatore@example.lv"
    world.users["ngo_coordinator"].save()
    volunteer = make_volunteer(world, given_names="Pēteris", family_name="Kalniņš")
    qualify(volunteer, QualificationKind.TRAINING)
    qualify(volunteer, QualificationKind.BACKGROUND_CHECK, valid_until=today + dt.timedelta(days=9))
    return volunteer


def test_coordinators_get_one_reminder_a_day_in_latvian(world, expiring):
    call_command("send_qualification_reminders")
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["koordinatore@example.lv"]
    assert "Pēteris Kalniņš" in message.body
    assert (timezone.localdate() + dt.timedelta(days=9)).strftime("%d.%m.%Y") in message.body
    call_command("send_qualification_reminders")
    assert len(mail.outbox) == 1
    assert ReminderSent.objects.get().qualifications == 1


def test_volunteers_and_other_organizations_get_no_reminder(world, expiring):
    world.users["mentor"].email = "mentors@example.lv"
    world.users["mentor"].save()
    world.users["prison_officer"].email = "cietums@example.lv"
    world.users["prison_officer"].save()
    send_qualification_reminders.call(reschedule=False)
    assert [m.to for m in mail.outbox] == [["koordinatore@example.lv"]]


def test_no_reminder_when_nothing_expires_or_the_volunteer_has_ended(world, expiring):
    expiring.status = VolunteerStatus.ENDED
    expiring.save()
    call_command("send_qualification_reminders")
    assert mail.outbox == []


def test_an_inactive_coordinator_is_not_written_to(world, expiring):
    Membership.objects.filter(user=world.users["ngo_coordinator"]).update(is_active=False)
    call_command("send_qualification_reminders")
    assert mail.outbox == []


def test_the_next_run_is_at_seven_riga_time():
    riga = timezone.get_current_timezone()
    assert next_run(dt.datetime(2026, 12, 4, 6, 0, tzinfo=riga)) == dt.datetime(
        2026, 12, 4, 7, 0, tzinfo=riga
    )
    assert next_run(dt.datetime(2026, 12, 4, 9, 0, tzinfo=riga)) == dt.datetime(
        2026, 12, 5, 7, 0, tzinfo=riga
    )


def test_the_schedule_option_queues_the_task(world, settings):
    from django_tasks_db.models import DBTaskResult

    call_command("send_qualification_reminders", "--schedule")
    queued = DBTaskResult.objects.get()
    assert queued.task_path.endswith("send_qualification_reminders")
    assert queued.run_after is not None
