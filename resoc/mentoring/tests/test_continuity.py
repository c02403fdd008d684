"""Continuity across release: the match and the mentor's access go on after the person leaves prison."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from resoc.access import policy
from resoc.mentoring import services
from resoc.mentoring.models import Match, MatchStatus, Meeting
from resoc.mentoring.selectors import mentee_facts
from resoc.mentoring.tests.conftest import consent_to_mentor, make_mentor, new_person, running_match
from resoc.organizations.models import Organization
from resoc.sentences import services as sentence_services

pytestmark = pytest.mark.django_db


def test_the_match_goes_on_after_the_release(world) -> None:
    officer = world.acting("prison_officer")
    today = timezone.localdate()
    person = new_person("Edgars", family="Kalns")
    sentence_services.custody_admit(
        acting=officer,
        person=person,
        prison=Organization.objects.get(code="jelgavas-cietums"),
        admitted_on=today - dt.timedelta(days=300),
        identified=True,
    )
    assert mentee_facts([person.pk])[person.pk].region == "zemgale"  # the prison's region
    match = running_match(world, make_mentor(world), person)
    consent_to_mentor(world, person)
    sentence_services.person_release(
        acting=officer, person=person, released_on=today - dt.timedelta(days=1), reason="end_of_sentence"
    )
    assert not policy.can_read(officer, person, "identity")  # the prison's access ended
    match.refresh_from_db()
    assert match.status == MatchStatus.ACTIVE
    mentor = world.acting("mentor")
    assert policy.can_read(mentor, person, "identity")
    assert policy.can_read(mentor, person, "family")
    services.meeting_log(
        acting=mentor,
        match=match,
        held_on=today,
        place="Jelgava, kafejnīca",
        minutes=60,
        topics="Pirmā diena brīvībā",
    )
    assert Meeting.objects.filter(match=match).count() == 1
    assert Match.objects.get().status == MatchStatus.ACTIVE
