"""Helpers for mentoring tests: mentors of the test NGO and persons who asked for one."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from conftest import World, add_consent, add_relationship
from resoc.api.tests.conftest import api_as  # noqa: F401  # fixture
from resoc.demo.mentoring import qualify_for_mentoring
from resoc.mentoring import services
from resoc.mentoring.models import Match, MatchStatus
from resoc.people.models import Person
from resoc.volunteers.models import Volunteer, VolunteerKind, VolunteerStatus


def make_mentor(world: World, persona: str = "mentor", **fields: Any) -> Volunteer:
    """An active peer mentor of the test NGO with the persona's user account."""
    defaults: dict[str, Any] = {
        "organization": world.ngo,
        "user": world.users[persona] if persona else None,
        "kind": VolunteerKind.PEER_MENTOR,
        "status": VolunteerStatus.ACTIVE,
        "given_names": persona.replace("_", " ").title() if persona else "Bez",
        "family_name": "Mentors",
        "sex": "male",
        "year_of_birth": 1978,
        "region": "zemgale",
        "languages": "latviešu, krievu",
        "interests": "makšķerēšana, futbols",
        "lived_experience": True,
        "capacity": 2,
        "applied_on": timezone.localdate() - dt.timedelta(days=200),
    }
    defaults.update(fields)
    volunteer = Volunteer.objects.create(**defaults)
    # available_mentors asks for a background check and a training in force.
    qualify_for_mentoring([volunteer], today=timezone.localdate())
    return volunteer


def readable_by_ngo(person: Person, world: World, categories: list[str] | None = None) -> Person:
    """The NGO works with the person (a referral) and may read ``categories`` (identity by default)."""
    add_relationship(person, "test-ngo", "referral")
    add_consent(person, world.ngo, categories or ["identity"])
    return person


def candidate(world: World, person: Person | None = None, **profile: Any) -> Person:
    """``person`` (Jānis by default), readable by the NGO and put forward for a mentor by its coordinator."""
    person = person or world.person
    readable_by_ngo(person, world)
    services.mentee_profile_save(acting=world.acting("ngo_coordinator"), person=person, refer=True, **profile)
    return person


def consent_to_mentor(
    world: World, person: Person, persona: str = "mentor", categories: list[str] | None = None
) -> None:
    add_consent(person, world.ngo, categories or ["identity", "family"], mentor=world.users[persona])


def running_match(
    world: World, mentor: Volunteer, person: Person | None = None, status: str = MatchStatus.ACTIVE
) -> Match:
    """A match of ``person`` (a fresh candidate) and ``mentor`` moved on to ``status``."""
    person = candidate(world, person)
    coordinator = world.acting("ngo_coordinator")
    match = services.match_propose(acting=coordinator, person=person, mentor=mentor)
    for step in [MatchStatus.INITIATED, MatchStatus.ACTIVE, MatchStatus.CLOSING]:
        if match.status == status:
            break
        match = services.match_transition(acting=coordinator, match=match, to_status=step)
    return match


def new_person(
    given: str, family: str = "Ozols", born: dt.date = dt.date(1985, 3, 3), sex: str = "male", **kw: Any
) -> Person:
    return Person.objects.create(given_names=given, family_name=family, date_of_birth=born, sex=sex, **kw)
