"""Matches and profiles follow a merged record; two open matches refuse the merge."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from resoc.mentoring import services
from resoc.mentoring.models import Match, MatchStatus, MenteeProfile
from resoc.mentoring.tests.conftest import candidate, make_mentor, running_match
from resoc.people import services as people_services
from resoc.plans.tests.conftest import prisoner

pytestmark = pytest.mark.django_db


def _merge(world, duplicate):
    return people_services.person_merge(
        acting=world.acting("prison_officer"), survivor=world.person, duplicate=duplicate
    )


def test_a_closed_match_and_the_profile_move_to_the_kept_record(world) -> None:
    duplicate = candidate(world, prisoner("Jānis", "Bērziņš"), interests="šahs", region="riga")
    match = services.match_propose(
        acting=world.acting("ngo_coordinator"), person=duplicate, mentor=make_mentor(world)
    )
    services.match_transition(
        acting=world.acting("ngo_coordinator"),
        match=match,
        to_status=MatchStatus.CLOSED,
        closure_reason="declined",
        rematch=True,
    )
    MenteeProfile.objects.create(person=world.person, mentor_sex="male")
    _merge(world, duplicate)
    assert Match.objects.get().person == world.person
    profile = MenteeProfile.objects.get()
    assert (profile.person, profile.mentor_sex, profile.interests, profile.region) == (
        world.person,
        "male",
        "šahs",
        "riga",
    )


def test_two_open_matches_refuse_the_merge(world) -> None:
    running_match(world, make_mentor(world))
    duplicate = prisoner("Jānis", "Bērziņš")
    running_match(world, make_mentor(world, "other_mentor"), duplicate)
    with pytest.raises(ValidationError) as refused:
        _merge(world, duplicate)
    assert [e.code for e in refused.value.error_list] == ["mentoring_open"]
    assert Match.objects.filter(person=duplicate).count() == 1
