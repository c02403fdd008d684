"""Merging a duplicate record moves its release preparation, tasks, indicators and meetings."""

from resoc.audit.models import AuditAction, AuditEntry
from resoc.people import services as people_services
from resoc.people.models import Person
from resoc.release import services
from resoc.release.models import MeetingIndicator, ReleasePreparation, ReleaseTask
from resoc.release.tests.conftest import days, generate, hold


def test_the_duplicates_release_preparation_moves_to_the_kept_record(world):
    duplicate = Person.objects.create(given_names="Jānis", family_name="Bērziņš", sex="male")
    hold(world, duplicate)
    generate(world, duplicate)
    services.indicator_record(
        acting=world.acting("prison_officer"),
        person=duplicate,
        kind="serious_violent_offence",
        source="Tiesas spriedums",
        noted_on=days(-1),
    )
    tasks = ReleaseTask.objects.filter(person=duplicate).count()
    assert tasks > 0

    people_services.person_merge(
        acting=world.acting("prison_officer"), survivor=world.person, duplicate=duplicate
    )

    assert ReleaseTask.objects.filter(person=world.person).count() == tasks
    assert ReleasePreparation.objects.filter(person=world.person).count() == 1
    assert MeetingIndicator.objects.filter(person=world.person).count() == 1
    assert not ReleaseTask.objects.filter(person=duplicate).exists()
    entry = AuditEntry.objects.get(action=AuditAction.MERGE, person_public_id=world.person.public_id)
    assert entry.detail["moved"]["release_tasks"] == tasks
