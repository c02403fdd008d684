"""The demo's release preparations are what the service would generate."""

from __future__ import annotations

import random

from resoc.demo.journeys import Journey
from resoc.demo.release import seed_release
from resoc.organizations.models import Organization
from resoc.release.models import ReleasePreparation, ReleaseTask
from resoc.release.tests.conftest import STEPS_IN_DEFAULT_TEMPLATE, days, generate, hold
from resoc.sentences.models import CustodyPeriod, Sentence


def _journey(person) -> Journey:
    return Journey(
        person=person,
        sentences=list(Sentence.objects.filter(person=person)),
        custody=list(CustodyPeriod.objects.filter(person=person)),
    )


def _shape(person) -> list[tuple[object, ...]]:
    return sorted(
        ReleaseTask.objects.filter(person=person).values_list(
            "step_id", "due_on", "assigned_organization_id", "assigned_role"
        )
    )


def test_demo_timelines_match_the_service(world):
    hold(world, world.person)
    far = world.person.__class__.objects.create(given_names="Ilgvars", family_name="Tālais", sex="male")
    hold(world, far, ends_in=400)  # outside the preparation window: no timeline
    orgs = {org.code: org for org in Organization.objects.all()}
    counts = seed_release(
        [_journey(world.person), _journey(far)],
        today=days(0),
        rng=random.Random(3),
        officer=world.users["prison_officer"],
        orgs=orgs,
    )
    assert (counts.preparations, counts.tasks) == (1, STEPS_IN_DEFAULT_TEMPLATE)
    seeded = _shape(world.person)
    assert not ReleaseTask.objects.filter(person=far).exists()
    # Generating through the service afterwards finds every step already placed.
    result = generate(world)
    assert result.created == 0
    assert ReleasePreparation.objects.count() == 1
    assert _shape(world.person) == seeded
