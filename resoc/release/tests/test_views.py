"""The pages: timeline, tasks of my organization, meetings to hold; refusals and query counts."""

from __future__ import annotations

import itertools

import pytest
from django.template.loader import render_to_string
from django.urls import reverse

from resoc.audit.models import AuditAction, AuditEntry
from resoc.people.models import Person
from resoc.people.sections import section_context
from resoc.release import services
from resoc.release.models import ReleaseTask, Slot, TaskStatus
from resoc.release.tests.conftest import RELEASE_IN, days, generate, hold, org, snapshot, task_of


def timeline_url(person: Person) -> str:
    return reverse("release:timeline", args=[person.public_id])


_SERIAL = itertools.count()


def _unique_name() -> str:
    number = next(_SERIAL)
    return f"Kalns{chr(97 + number // 26 % 26)}{chr(97 + number % 26)}"


def many_persons(world, count: int) -> list[Person]:
    persons = []
    for _index in range(count):
        person = Person.objects.create(given_names="Andris", family_name=_unique_name(), sex="male")
        hold(world, person)
        generate(world, person, municipality=org("jelgava-social"))
        persons.append(person)
    return persons


def test_the_officer_sees_the_timeline_grouped_with_overdue_marked(world, held):
    generate(world)
    response = world.client("prison_officer").get(timeline_url(world.person))
    assert response.status_code == 200
    html = response.content.decode()
    assert "180 days before the release" in html
    assert "1 day after the release" in html
    assert "task-overdue" in html
    assert 'hx-post="/release/tasks/' in html
    assert AuditEntry.objects.filter(
        action=AuditAction.VIEW, record_type=services.RECORD_PREPARATION
    ).exists()


def test_generating_from_the_page(world, held):
    client = world.client("prison_officer")
    response = client.post(reverse("release:generate", args=[world.person.public_id]), {"release_on": ""})
    assert response.status_code == 302
    assert ReleaseTask.objects.count() > 0
    response = client.post(
        reverse("release:generate", args=[world.person.public_id]),
        {"release_on": days(RELEASE_IN + 5).isoformat()},
    )
    assert response.status_code == 422
    assert "court-ordered end of the sentence" in response.content.decode()


def test_a_person_without_a_sentence_end_gets_the_error_on_the_page(world):
    hold(world, world.person, ends_in=None)
    before = snapshot()
    response = world.client("prison_officer").post(
        reverse("release:generate", args=[world.person.public_id]), {}
    )
    assert response.status_code == 422
    assert "Record the sentence first" in response.content.decode()
    assert snapshot() == before


@pytest.mark.parametrize(
    "persona", ["other_prison_officer", "mentor", "analyst", "social_worker", "ngo_coordinator"]
)
def test_who_may_not_read_the_sentence_gets_404(world, held, persona):
    generate(world)
    response = world.client(persona).get(timeline_url(world.person))
    assert response.status_code == 404
    assert AuditEntry.objects.filter(action=AuditAction.DENIED, actor_username=persona).exists()


def test_the_probation_officer_reads_only_within_the_preparation_window(world):
    far = Person.objects.create(given_names="Ilgvars", family_name="Tālais", sex="male")
    hold(world, far, ends_in=300)  # the release preparation starts in 120 days
    hold(world, world.person)
    generate(world, far)
    generate(world)
    client = world.client("probation_officer")
    assert client.get(timeline_url(far)).status_code == 404
    assert client.get(timeline_url(world.person)).status_code == 200
    far_task = ReleaseTask.objects.filter(person=far, slot=Slot.PROBATION_UNIT).get(offset_days=-90)
    response = client.post(reverse("release:task_status", args=[far_task.public_id]), {"status": "done"})
    assert response.status_code == 404
    tasks = client.get(reverse("release:tasks")).content.decode()
    assert "Bērziņš" in tasks
    assert "Tālais" not in tasks


def test_marking_the_task_of_another_organization_is_forbidden(world, held):
    generate(world)
    task = task_of(Slot.PROBATION_UNIT, -90)
    before = snapshot()
    response = world.client("prison_officer").post(
        reverse("release:task_status", args=[task.public_id]), {"status": "done"}
    )
    assert response.status_code == 403
    assert snapshot() == before


def test_changing_the_status_with_htmx_swaps_the_row(world, held):
    generate(world)
    task = task_of(Slot.PRISON, -90, "health")
    client = world.client("prison_officer")
    url = reverse("release:task_status", args=[task.public_id])
    response = client.post(url, {"status": "not_needed", "note": ""}, headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert "Say why the task is not needed." in response.content.decode()
    response = client.post(url, {"status": "done"}, headers={"HX-Request": "true"})
    html = response.content.decode()
    assert html.startswith(f'<tr id="task-{task.public_id}"')
    task.refresh_from_db()
    assert task.status == TaskStatus.DONE


def test_tasks_of_my_organization_overdue_first_with_filters(world, held):
    generate(world, municipality=org("jelgava-social"))
    client = world.client("social_worker")
    response = client.get(reverse("release:tasks"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Bērziņš" in html
    titles = [t.label for t in ReleaseTask.objects.filter(assigned_organization=org("jelgava-social"))]
    positions = sorted(html.index(title) for title in titles)
    assert positions == [
        html.index(t.label)
        for t in ReleaseTask.objects.filter(assigned_organization=org("jelgava-social")).order_by("due_on")
    ]
    assert "task-overdue" not in html  # the municipality's first step is 90 days before: not yet due
    within = client.get(
        reverse("release:tasks"), {"due_within": "30"}, HTTP_ACCEPT_LANGUAGE="lv"
    ).content.decode()
    assert "Izvērtēt vajadzību pēc pagaidu" in within  # due in 10 days (the Latvian title)
    assert "Apstiprināt dzīvesvietu" not in within  # due in 70 days
    by_area = client.get(reverse("release:tasks"), {"area": "employment"}).content.decode()
    assert "Your organization has no open release tasks." in by_area


@pytest.mark.parametrize("persona", ["mentor", "analyst", "other_prison_officer"])
def test_others_see_no_tasks(world, held, persona):
    generate(world, municipality=org("jelgava-social"), ngo=world.ngo)
    html = world.client(persona).get(reverse("release:tasks")).content.decode()
    assert "Bērziņš" not in html


def test_the_tasks_page_needs_a_fixed_number_of_queries(world, django_assert_max_num_queries):
    many_persons(world, 2)
    client = world.client("prison_officer")
    client.get(reverse("release:tasks"))  # warm the session and the membership caches
    with django_assert_max_num_queries(14) as small:
        client.get(reverse("release:tasks"))
    many_persons(world, 5)
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(reverse("release:tasks"))
    assert response.status_code == 200


def test_meetings_to_hold(world, held, django_assert_max_num_queries):
    others = many_persons(world, 3)
    for person in [world.person, *others[:2]]:
        services.indicator_record(
            acting=world.acting("prison_officer"),
            person=person,
            kind="sexual_offence",
            source="Spriedums",
            noted_on=days(0),
        )
    services.indicator_record(
        acting=world.acting("prison_officer"),
        person=others[2],
        kind="mental_health",
        source="Ārsts",
        noted_on=days(0),
    )
    services.meeting_record(
        acting=world.acting("prison_officer"),
        person=others[0],
        held_on=days(-2),
        place="Jelgava",
        reasons=["sexual_offence"],
        participants=["jelgavas-cietums", "vpd-zemgale"],
    )
    client = world.client("prison_officer")
    client.get(reverse("release:meetings_required"))
    with django_assert_max_num_queries(23) as small:
        client.get(reverse("release:meetings_required"))
    for person in many_persons(world, 4):
        services.indicator_record(
            acting=world.acting("prison_officer"),
            person=person,
            kind="radicalisation",
            source="X",
            noted_on=days(0),
        )
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(reverse("release:meetings_required"))
    html = response.content.decode()
    assert "Bērziņš" in html
    assert others[1].family_name in html
    assert others[0].family_name not in html  # a meeting was held in the window
    possible = html.split('id="possible-heading"')[1]
    assert others[2].family_name in possible


@pytest.mark.parametrize("persona", ["mentor", "analyst", "social_worker", "ngo_coordinator"])
def test_meetings_to_hold_is_for_officers(world, persona):
    assert world.client(persona).get(reverse("release:meetings_required")).status_code == 403


def test_recording_a_meeting_from_the_page(world, held):
    client = world.client("prison_officer")
    url = reverse("release:meeting_new", args=[world.person.public_id])
    assert client.get(url).status_code == 200
    data = {
        "meeting-held_on": days(3).isoformat(),
        "meeting-place": "Jelgavas cietums",
        "meeting-reasons": ["radicalisation"],
        "meeting-participants": ["jelgavas-cietums", "vpd-zemgale"],
        "meeting-decisions": "Jau nolemts",
        "follow_ups-TOTAL_FORMS": "0",
        "follow_ups-INITIAL_FORMS": "0",
    }
    before = snapshot()
    response = client.post(url, data)
    assert response.status_code == 422
    assert "has not taken place yet" in response.content.decode()
    assert snapshot() == before
    response = client.post(url, {**data, "meeting-participants": ["jelgavas-cietums", "nav-tadas"]})
    assert response.status_code == 422
    assert snapshot() == before
    data["meeting-decisions"] = ""
    data.update(
        {
            "follow_ups-TOTAL_FORMS": "1",
            "follow_ups-INITIAL_FORMS": "0",
            "follow_ups-0-title": "Sagatavot riska pārvaldības plānu",
            "follow_ups-0-area": "probation_handover",
            "follow_ups-0-due_on": days(10).isoformat(),
            "follow_ups-0-organization": "vpd-zemgale",
            "follow_ups-0-role": "probation_officer",
        }
    )
    response = client.post(url, data)
    assert response.status_code == 302
    assert ReleaseTask.objects.filter(meeting__isnull=False).count() == 1
    assert world.client("other_prison_officer").get(url).status_code == 404
    assert world.client("facilitator").post(url, data).status_code == 404


def test_the_case_file_section_context_and_template(world, held):
    generate(world)
    acting = world.acting("prison_officer")
    data = section_context("sentence", acting, world.person)
    assert data["release_timeline"].open == len(ReleaseTask.objects.all())
    html = render_to_string("release/_section.html", {"section": {"data": data}, "person": world.person})
    assert "Expected release" in html
    assert "task-overdue" in html
