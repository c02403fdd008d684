"""The coordinator's and the mentor's pages: what each sees, what each is refused, query counts."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from resoc.audit.models import AuditAction, AuditEntry
from resoc.mentoring import services
from resoc.mentoring.models import Match, MatchStatus, Meeting
from resoc.mentoring.tests.conftest import (
    candidate,
    consent_to_mentor,
    make_mentor,
    new_person,
    running_match,
)

pytestmark = pytest.mark.django_db


def test_the_coordinator_sees_who_waits_with_the_best_suggestion(world) -> None:
    make_mentor(world, given_names="Roberts")
    candidate(world)
    page = world.client("ngo_coordinator").get(reverse("mentoring:home"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Jānis Bērziņš" in html
    assert "Roberts Mentors" in html
    assert AuditEntry.objects.filter(
        action=AuditAction.LIST, person_public_id=world.person.public_id
    ).exists()


def test_the_waiting_list_costs_the_same_queries_for_more_people(
    world, django_assert_max_num_queries
) -> None:
    make_mentor(world)
    make_mentor(world, "other_mentor")
    candidate(world)
    client = world.client("ngo_coordinator")
    client.get(reverse("mentoring:home"))
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        client.get(reverse("mentoring:home"))
    for n in range(6):
        candidate(world, new_person(f"Persona{'abcdef'[n]}", family="Liepa"))
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get(reverse("mentoring:home"))
    assert page.content.decode().count("Liepa") == 6


def test_suggestions_show_reasons_and_proposing_creates_the_match(world) -> None:
    mentor = make_mentor(world)
    candidate(world, interests="futbols")
    client = world.client("ngo_coordinator")
    page = client.get(
        reverse("mentoring:suggestions", args=[world.person.public_id]), HTTP_ACCEPT_LANGUAGE="en"
    )
    html = page.content.decode()
    assert "Shared interests: futbols." in html
    response = client.post(
        reverse("mentoring:propose", args=[world.person.public_id]), {"mentor": str(mentor.public_id)}
    )
    match = Match.objects.get()
    assert response.url == reverse("mentoring:match", args=[match.public_id])
    moved = client.post(reverse("mentoring:match_move", args=[match.public_id]), {"to_status": "active"})
    assert moved.status_code == 302
    match.refresh_from_db()
    assert match.status == MatchStatus.PROPOSED  # out of order: refused, nothing changed


def test_a_coordinator_may_not_open_a_person_he_may_not_read(world) -> None:
    page = world.client("ngo_coordinator").get(
        reverse("mentoring:suggestions", args=[world.person.public_id])
    )
    assert page.status_code == 404
    assert AuditEntry.objects.filter(
        action=AuditAction.DENIED, person_public_id=world.person.public_id
    ).exists()
    for persona in ["mentor", "prison_officer", "analyst"]:
        assert world.client(persona).get(reverse("mentoring:matches")).status_code == 403


def test_the_mentor_sees_his_mentee_with_consent_only(world) -> None:
    match = running_match(world, make_mentor(world))
    client = world.client("mentor")
    listing = client.get(reverse("mentoring:my_mentees")).content.decode()
    assert "Bērziņš" not in listing  # no consent yet: listed without a name or link
    assert client.get(reverse("mentoring:my_mentee", args=[match.public_id])).status_code == 404
    consent_to_mentor(world, match.person)
    assert "Bērziņš" in client.get(reverse("mentoring:my_mentees")).content.decode()
    page = client.get(reverse("mentoring:my_mentee", args=[match.public_id]))
    assert page.status_code == 200
    assert AuditEntry.objects.filter(
        action=AuditAction.VIEW, category="family", actor_username="mentor"
    ).exists()


def test_another_mentor_and_a_closed_match_are_refused(world) -> None:
    match = running_match(world, make_mentor(world))
    consent_to_mentor(world, match.person)
    make_mentor(world, "other_mentor")
    consent_to_mentor(world, match.person, persona="other_mentor")  # consent alone opens nothing
    other = world.client("other_mentor")
    assert other.get(reverse("mentoring:my_mentee", args=[match.public_id])).status_code == 404
    assert other.post(reverse("mentoring:meeting_new", args=[match.public_id]), {}).status_code == 404
    assert AuditEntry.objects.filter(action=AuditAction.DENIED, actor_username="other_mentor").exists()

    coordinator = world.acting("ngo_coordinator")
    services.match_transition(acting=coordinator, match=match, to_status=MatchStatus.CLOSING)
    services.match_transition(
        acting=coordinator,
        match=match,
        to_status=MatchStatus.CLOSED,
        closure_reason="planned_end",
        rematch=False,
    )
    mentor = world.client("mentor")
    assert mentor.get(reverse("mentoring:my_mentee", args=[match.public_id])).status_code == 404
    assert mentor.get(reverse("mentoring:meeting_new", args=[match.public_id])).status_code == 404
    assert "Bērziņš" not in mentor.get(reverse("mentoring:my_mentees")).content.decode()


def test_the_mentor_logs_a_meeting_and_flags_a_concern(world) -> None:
    match = running_match(world, make_mentor(world))
    consent_to_mentor(world, match.person)
    client = world.client("mentor")
    today = timezone.localdate()
    refused = client.post(
        reverse("mentoring:meeting_new", args=[match.public_id]),
        {
            "held_on": (today + dt.timedelta(days=2)).isoformat(),
            "place": "Kafejnīca",
            "minutes": "60",
            "topics": "Darbs",
        },
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert "A meeting cannot be logged before it takes place." in refused.content.decode()
    assert not Meeting.objects.exists()
    saved = client.post(
        reverse("mentoring:meeting_new", args=[match.public_id]),
        {
            "held_on": today.isoformat(),
            "place": "Kafejnīca",
            "minutes": "60",
            "topics": "Darba meklēšana",
            "concerns": "Runā par atgriešanos pie vecajiem draugiem",
            "flag_concern": "on",
        },
    )
    assert saved.status_code == 302
    meeting = Meeting.objects.get()
    assert meeting.concern_open
    coordinator = world.client("ngo_coordinator")
    monitoring = coordinator.get(reverse("mentoring:monitoring")).content.decode()
    assert "Runā par atgriešanos" in monitoring
    coordinator.post(
        reverse("mentoring:concern_resolve", args=[meeting.public_id]), {"resolution": "Sazvanījāmies"}
    )
    meeting.refresh_from_db()
    assert not meeting.concern_open


def test_monitoring_lists_matches_without_a_meeting_for_30_days(world) -> None:
    mentor = make_mentor(world)
    quiet = running_match(world, mentor)
    Match.objects.filter(pk=quiet.pk).update(started_on=timezone.localdate() - dt.timedelta(days=45))
    met = running_match(world, mentor, new_person("Pēteris", family="Kļava"))
    Match.objects.filter(pk=met.pk).update(started_on=timezone.localdate() - dt.timedelta(days=45))
    Meeting.objects.create(
        match=met,
        held_on=timezone.localdate() - dt.timedelta(days=3),
        place="Parks",
        minutes=30,
        topics="Sports",
        recorded_by=world.users["mentor"],
    )
    html = world.client("ngo_coordinator").get(reverse("mentoring:monitoring")).content.decode()
    assert "Bērziņš" in html
    assert "Kļava" not in html


def test_the_mentors_best_mentees(world) -> None:
    mentor = make_mentor(world)
    candidate(world)
    html = (
        world.client("ngo_coordinator")
        .get(reverse("mentoring:mentor", args=[mentor.public_id]))
        .content.decode()
    )
    assert "Jānis Bērziņš" in html


def test_suggestions_cost_the_same_queries_for_more_mentors(world, django_assert_max_num_queries) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    make_mentor(world)
    candidate(world)
    client = world.client("ngo_coordinator")
    url = reverse("mentoring:suggestions", args=[world.person.public_id])
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    make_mentor(world, "other_mentor")
    from resoc.access.models import User

    for n in range(8):
        make_mentor(
            world, "", user=User.objects.create_user(username=f"m{n}"), given_names=f"M{'abcdefgh'[n]}"
        )
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get(url)
    assert len(page.context["rows"]) == 10


def test_the_coordinator_finds_a_person_to_put_forward(world) -> None:
    from resoc.mentoring.tests.conftest import readable_by_ngo

    readable_by_ngo(world.person, world)
    client = world.client("ngo_coordinator")
    html = client.get(reverse("mentoring:home"), {"q": "berzins"}).content.decode()
    assert reverse("mentoring:suggestions", args=[world.person.public_id]) in html
    response = client.post(
        reverse("mentoring:profile_save", args=[world.person.public_id]), {"refer": "on", "interests": "šahs"}
    )
    assert response.status_code == 302
    assert "Jānis Bērziņš" in client.get(reverse("mentoring:home")).content.decode()
    hidden = new_person("Ēriks", family="Bērziņš")
    assert hidden.full_name not in client.get(reverse("mentoring:home"), {"q": "berzins"}).content.decode()


def test_matches_export_as_csv_and_the_export_is_audited(world) -> None:
    running_match(world, make_mentor(world))
    response = world.client("ngo_coordinator").get(reverse("mentoring:matches"), {"format": "csv"})
    assert response["Content-Type"].startswith("text/csv")
    text = response.content.decode("utf-8-sig")
    assert "Jānis Bērziņš" in text
    assert len(text.strip().splitlines()) == 2
    assert AuditEntry.objects.filter(action=AuditAction.EXPORT, record_type="mentoring_match").exists()
