"""A match from proposal to closure through the one service: history, refusals, the mentor's access."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone, translation

from resoc.access import policy
from resoc.audit.models import AuditEntry
from resoc.mentoring import services
from resoc.mentoring.models import Match, MatchStatus, MatchTransition
from resoc.mentoring.tests.conftest import (
    candidate,
    consent_to_mentor,
    make_mentor,
    new_person,
    running_match,
)
from resoc.people.models import PersonEvent, Relationship

pytestmark = pytest.mark.django_db


def test_a_match_goes_from_proposal_to_closure_with_its_history(world) -> None:
    mentor = make_mentor(world)
    person = candidate(world)
    coordinator = world.acting("ngo_coordinator")
    match = services.match_propose(acting=coordinator, person=person, mentor=mentor, note="Abi no Jelgavas")
    assert match.status == MatchStatus.PROPOSED
    assert match.score > 0
    assert not Relationship.objects.filter(kind="mentoring").exists()  # a proposal opens nothing yet

    services.match_transition(acting=coordinator, match=match, to_status=MatchStatus.INITIATED)
    relationship = Relationship.objects.get(kind="mentoring", person=person)
    assert relationship.mentor == world.users["mentor"]
    assert relationship.organization == world.ngo
    assert relationship.ends_on is None
    services.match_transition(acting=coordinator, match=match, to_status=MatchStatus.ACTIVE)
    services.match_transition(acting=coordinator, match=match, to_status=MatchStatus.CLOSING)
    services.match_transition(
        acting=coordinator,
        match=match,
        to_status=MatchStatus.CLOSED,
        closure_reason="goals_reached",
        rematch=False,
        note="Atrada darbu",
    )
    match.refresh_from_db()
    assert match.closure_reason == "goals_reached"
    assert match.rematch is False
    assert [(t.from_status, t.to_status) for t in MatchTransition.objects.filter(match=match)] == [
        ("", "proposed"),
        ("proposed", "initiated"),
        ("initiated", "active"),
        ("active", "closing"),
        ("closing", "closed"),
    ]
    assert PersonEvent.objects.filter(person=person, type__startswith="mentoring_").count() == 5
    assert (
        AuditEntry.objects.filter(record_type="mentoring_match", person_public_id=person.public_id).count()
        == 5
    )
    # Opened and closed the same day: the mentoring relationship is gone, nothing grants access.
    assert not Relationship.objects.filter(kind="mentoring", person=person).exists()


def test_closing_ends_the_mentors_access_at_once(world) -> None:
    mentor = make_mentor(world)
    match = running_match(world, mentor)
    consent_to_mentor(world, match.person)
    Relationship.objects.filter(kind="mentoring").update(
        starts_on=timezone.localdate() - dt.timedelta(days=40)
    )
    assert policy.can_read(world.acting("mentor"), match.person, "family")
    services.match_transition(
        acting=world.acting("ngo_coordinator"), match=match, to_status=MatchStatus.CLOSING
    )
    assert policy.can_read(world.acting("mentor"), match.person, "family")  # closing: still meeting
    services.match_transition(
        acting=world.acting("ngo_coordinator"),
        match=match,
        to_status=MatchStatus.CLOSED,
        closure_reason="mentee_decision",
        rematch=True,
    )
    relationship = Relationship.objects.get(kind="mentoring")
    assert relationship.ends_on == timezone.localdate() - dt.timedelta(days=1)
    assert not policy.can_read(world.acting("mentor"), match.person, "identity")


def test_out_of_order_moves_are_refused_in_words_and_change_nothing(world) -> None:
    mentor = make_mentor(world)
    coordinator = world.acting("ngo_coordinator")
    match = services.match_propose(acting=coordinator, person=candidate(world), mentor=mentor)
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        services.match_transition(acting=coordinator, match=match, to_status=MatchStatus.ACTIVE)
    assert refused.value.messages == ["A match that is “Proposed” cannot become “Active”."]
    with translation.override("lv"), pytest.raises(ValidationError) as refused_lv:
        services.match_transition(acting=coordinator, match=match, to_status=MatchStatus.CLOSING)
    assert "Proposed" not in refused_lv.value.messages[0]
    match.refresh_from_db()
    assert match.status == MatchStatus.PROPOSED
    assert MatchTransition.objects.filter(match=match).count() == 1


def test_closing_needs_a_reason_and_a_rematch_answer(world) -> None:
    match = running_match(world, make_mentor(world), status=MatchStatus.CLOSING)
    with pytest.raises(ValidationError) as refused:
        services.match_transition(
            acting=world.acting("ngo_coordinator"), match=match, to_status=MatchStatus.CLOSED
        )
    assert set(refused.value.message_dict) == {"closure_reason", "rematch"}
    match.refresh_from_db()
    assert match.status == MatchStatus.CLOSING
    assert Relationship.objects.get(kind="mentoring").ends_on is None


def test_a_declined_proposal_closes_and_the_person_waits_again_only_if_rematch(world) -> None:
    from resoc.mentoring.selectors import candidate_persons

    coordinator = world.acting("ngo_coordinator")
    person = candidate(world)
    match = services.match_propose(acting=coordinator, person=person, mentor=make_mentor(world))
    assert person not in candidate_persons(coordinator)
    services.match_transition(
        acting=coordinator, match=match, to_status=MatchStatus.CLOSED, closure_reason="declined", rematch=True
    )
    assert person in candidate_persons(coordinator)
    second = services.match_propose(
        acting=coordinator, person=person, mentor=make_mentor(world, "other_mentor")
    )
    services.match_transition(
        acting=coordinator,
        match=second,
        to_status=MatchStatus.CLOSED,
        closure_reason="declined",
        rematch=False,
    )
    assert person not in candidate_persons(coordinator)


def test_the_mentors_capacity_is_enforced(world) -> None:
    mentor = make_mentor(world, capacity=1)
    coordinator = world.acting("ngo_coordinator")
    services.match_propose(acting=coordinator, person=candidate(world), mentor=mentor)
    other = candidate(world, new_person("Pēteris"))
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        services.match_propose(acting=coordinator, person=other, mentor=mentor)
    assert "has no free place" in refused.value.messages[0]
    assert Match.objects.filter(person=other).count() == 0


def test_one_open_match_per_person(world) -> None:
    coordinator = world.acting("ngo_coordinator")
    person = candidate(world)
    services.match_propose(acting=coordinator, person=person, mentor=make_mentor(world))
    with pytest.raises(ValidationError):
        services.match_propose(acting=coordinator, person=person, mentor=make_mentor(world, "other_mentor"))
    assert Match.objects.filter(person=person).count() == 1


def test_only_a_coordinator_of_the_mentors_organization_proposes(world) -> None:
    mentor = make_mentor(world)
    person = candidate(world)
    for persona in ["mentor", "prison_officer", "analyst", "social_worker"]:
        with pytest.raises(PermissionDenied):
            services.match_propose(acting=world.acting(persona), person=person, mentor=mentor)
    assert not Match.objects.exists()


def test_a_person_who_has_not_asked_for_a_mentor_is_refused(world) -> None:
    from resoc.mentoring.tests.conftest import readable_by_ngo

    person = readable_by_ngo(world.person, world)
    with pytest.raises(ValidationError) as refused:
        services.match_propose(
            acting=world.acting("ngo_coordinator"), person=person, mentor=make_mentor(world)
        )
    assert refused.value.code == "not_candidate"


def test_a_mentor_may_only_ask_to_close_his_own_match(world) -> None:
    mentor = make_mentor(world)
    match = running_match(world, mentor)
    with pytest.raises(PermissionDenied):
        services.match_transition(
            acting=world.acting("mentor"),
            match=match,
            to_status=MatchStatus.CLOSED,
            closure_reason="other",
            rematch=False,
        )
    with pytest.raises(PermissionDenied):
        services.match_transition(
            acting=world.acting("other_mentor"), match=match, to_status=MatchStatus.CLOSING
        )
    services.match_transition(acting=world.acting("mentor"), match=match, to_status=MatchStatus.CLOSING)
    match.refresh_from_db()
    assert match.status == MatchStatus.CLOSING
