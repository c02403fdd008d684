"""The case file's sentence section and the forms: who sees what, 404 versus 403, query counts."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from resoc.audit.models import AuditEntry
from resoc.people.events import event_label
from resoc.sentences import services
from resoc.sentences.models import CustodyEnd, CustodyPeriod, ProbationPeriod, TemporaryAbsence
from resoc.sentences.tests.conftest import days, org


def _detail(world, persona):
    return world.client(persona).get(reverse("people:detail", args=[world.person.public_id]))


def test_section_shows_the_custody_history_and_the_allowed_actions(world, held):
    services.temporary_absence_record(
        acting=world.acting("prison_officer"),
        custody_period=held,
        starts_on=days(-9),
        ends_on=days(-8),
        kind="court",
    )
    page = _detail(world, "prison_officer").content.decode()
    section = page.split('id="section-sentence"')[1]
    assert "Jelgavas c." in section
    assert reverse("sentences:transfer", args=[world.person.public_id]) in section
    assert reverse("sentences:release", args=[world.person.public_id]) in section
    assert reverse("sentences:admit", args=[world.person.public_id]) not in section  # already held
    assert reverse("sentences:probation_start", args=[world.person.public_id]) not in section


def test_probation_officer_in_the_window_sees_no_custody_actions(world, held):
    services.sentence_record(
        acting=world.acting("prison_officer"),
        person=world.person,
        court="Tiesa",
        starts_on=days(-400),
        ends_on=days(30),
        release_probation_unit=org("vpd-zemgale"),
    )
    section = _detail(world, "probation_officer").content.decode().split('id="section-sentence"')[1]
    assert "Jelgavas c." in section
    assert reverse("sentences:transfer", args=[world.person.public_id]) not in section
    assert reverse("sentences:probation_start", args=[world.person.public_id]) in section
    response = world.client("probation_officer").get(
        reverse("sentences:transfer", args=[world.person.public_id])
    )
    assert response.status_code == 403


def test_unreadable_person_is_404_and_not_allowed_action_is_403(world, held):
    url = reverse("sentences:release", args=[world.person.public_id])
    assert world.client("other_prison_officer").get(url).status_code == 404
    assert world.client("career_consultant").get(url).status_code == 404
    assert world.client("prison_officer").get(url).status_code == 200
    probation_url = reverse("sentences:probation_start", args=[world.person.public_id])
    assert world.client("prison_officer").get(probation_url).status_code == 403
    assert AuditEntry.objects.filter(action="denied", category="sentence").count() == 2


def test_admission_form_admits_and_returns_to_the_case_file(world):
    client = world.client("prison_officer")
    url = reverse("sentences:admit", args=[world.person.public_id])
    form = client.get(url).content.decode()
    assert '<label for="id_prison"' in form
    assert "Jēkabpils" not in form  # only the officer's own prison is offered
    response = client.post(
        url, {"prison": org("jelgavas-cietums").pk, "admitted_on": days(-3).isoformat(), "regime_level": ""}
    )
    assert response.status_code == 302
    assert response["Location"].endswith("#section-sentence")
    assert CustodyPeriod.objects.get(person=world.person).admitted_on == days(-3)


def test_refusal_is_shown_on_the_form_and_nothing_is_stored(world, held):
    response = world.client("prison_officer").post(
        reverse("sentences:transfer", args=[world.person.public_id]),
        {"to_prison": org("jelgavas-cietums").pk, "transferred_on": days(-1).isoformat()},
    )
    assert response.status_code == 422
    assert 'role="alert"' in response.content.decode()
    assert CustodyPeriod.objects.count() == 1


def test_htmx_post_answers_with_a_redirect_header(world, held):
    response = world.client("prison_officer").post(
        reverse("sentences:release", args=[world.person.public_id]),
        {"released_on": days(0).isoformat(), "reason": "end_of_sentence"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 204
    assert response["HX-Redirect"].endswith("#section-sentence")


def _add_history(person, prison, numbers):
    """A closed custody period with one absence, and a probation period, for each number (100 days apart)."""
    for n in numbers:
        start = days(-3000 + n * 100)
        period = CustodyPeriod.objects.create(
            person=person,
            prison=prison,
            admitted_on=start,
            left_on=days(-2950 + n * 100),
            ended_by=CustodyEnd.RELEASE,
        )
        TemporaryAbsence.objects.create(custody_period=period, starts_on=start, ends_on=start, kind="court")
        ProbationPeriod.objects.create(
            person=person,
            probation_unit=org("vpd-zemgale"),
            starts_on=days(-2940 + n * 100),
            ends_on=days(-2910 + n * 100),
        )
    services.sync_relationships(person=person)


def test_section_query_count_does_not_grow_with_periods(world, held):
    client = world.client("prison_officer")
    url = reverse("people:detail", args=[world.person.public_id])
    _add_history(world.person, org("valmieras-cietums"), range(1))
    client.get(url)  # warm caches (session, flags)
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    _add_history(world.person, org("valmieras-cietums"), range(1, 10))
    with CaptureQueriesContext(connection) as ten:
        page = client.get(url).content.decode()
    assert page.count("Valmieras c.") == 10
    assert len(ten) == len(one)


def test_htmx_post_with_errors_gets_the_form_back_as_200(world, held):
    response = world.client("prison_officer").post(
        reverse("sentences:release", args=[world.person.public_id]),
        {"released_on": days(5).isoformat(), "reason": "end_of_sentence"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert 'role="alert"' in response.content.decode()
    assert not CustodyPeriod.objects.filter(left_on__isnull=False).exists()


def test_timeline_names_the_sentence_events(world, held):
    page = world.client("prison_officer").get(reverse("people:detail", args=[world.person.public_id]))
    assert "custody_admitted" not in page.content.decode()  # a label, not the raw type
    with translation.override("en"):
        assert str(event_label("custody_admitted")) == "Admitted to prison"
