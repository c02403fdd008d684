"""Who waits for a mentor (plan measures, a coordinator's referral) and the facts matching reads."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from resoc.mentoring.selectors import candidate_persons, mentee_facts
from resoc.mentoring.tests.conftest import candidate, new_person, readable_by_ngo
from resoc.organizations.models import Organization
from resoc.plans import services as plan_services
from resoc.sentences.models import CustodyPeriod, ProbationPeriod

pytestmark = pytest.mark.django_db


def test_a_plan_measure_asking_for_a_peer_mentor_makes_a_candidate(world) -> None:
    from resoc.plans.tests.conftest import make_plan as draw_up

    plan = draw_up(world)
    readable_by_ngo(world.person, world)
    coordinator = world.acting("ngo_coordinator")
    assert world.person not in candidate_persons(coordinator)
    measure = plan_services.measure_add(
        acting=world.acting("prison_officer"),
        goal=plan.goals.all()[0],
        kind="referral",
        description="Līdzgaitnieka (mentora) atbalsts pēc atbrīvošanas",
        responsible_organization=world.ngo,
        due_on=timezone.localdate() + dt.timedelta(days=60),
    )
    assert measure.kind == "referral"
    assert world.person in candidate_persons(coordinator)


def test_only_persons_the_coordinator_may_read_are_candidates(world) -> None:
    candidate(world)
    hidden = new_person("Rūdolfs")
    from resoc.mentoring.models import MenteeProfile

    MenteeProfile.objects.create(person=hidden, referred_organization=world.ngo)
    found = list(candidate_persons(world.acting("ngo_coordinator")))
    assert found == [world.person]
    assert list(candidate_persons(world.acting("prison_officer"))) == []


def test_region_of_return_prefers_probation_then_prison_then_what_the_person_said(world) -> None:
    today = timezone.localdate()
    in_prison = new_person("Andris")
    CustodyPeriod.objects.create(
        person=in_prison,
        prison=Organization.objects.get(code="liepajas-cietums"),
        admitted_on=today - dt.timedelta(days=9),
    )
    supervised = new_person("Juris")
    ProbationPeriod.objects.create(
        person=supervised,
        probation_unit=Organization.objects.get(code="vpd-latgale"),
        starts_on=today - dt.timedelta(days=9),
    )
    CustodyPeriod.objects.create(
        person=supervised,
        prison=Organization.objects.get(code="liepajas-cietums"),
        admitted_on=today - dt.timedelta(days=9),
    )
    told = candidate(world, new_person("Ivars"), region="vidzeme")
    facts = mentee_facts([in_prison.pk, supervised.pk, told.pk])
    assert facts[in_prison.pk].region == "kurzeme"
    assert facts[supervised.pk].region == "latgale"
    assert facts[told.pk].region == "vidzeme"


def test_facts_load_in_a_fixed_number_of_queries(world) -> None:
    few = [new_person(f"P{'abc'[n]}") for n in range(3)]
    many = few + [new_person(f"Q{'abcdefghij'[n]}") for n in range(10)]
    with CaptureQueriesContext(connection) as small:
        mentee_facts([p.pk for p in few])
    with CaptureQueriesContext(connection) as large:
        facts = mentee_facts([p.pk for p in many])
    assert len(large.captured_queries) == len(small.captured_queries) <= 6
    assert len(facts) == 13
