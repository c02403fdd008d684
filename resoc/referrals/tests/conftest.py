"""Referral fixtures on top of the root ``world``: Jānis in Jelgava prison, the test NGO with an
agreement with the Prison Administration, Jānis's consent to share identity and family with it."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from conftest import World, add_consent
from resoc.community.models import CooperationAgreement
from resoc.organizations.models import Organization
from resoc.referrals import services
from resoc.referrals.models import Referral


def org(code: str) -> Organization:
    return Organization.objects.get(code=code)


@pytest.fixture
def agreement(world: World) -> CooperationAgreement:
    return CooperationAgreement.objects.create(
        organization=world.ngo,
        institution=org("ievp"),
        number="2026/7",
        scope="Atbalsts pēc atbrīvošanas",
        valid_from=timezone.localdate() - dt.timedelta(days=300),
    )


@pytest.fixture
def consent(world: World):
    return add_consent(world.person, world.ngo, ["identity", "family"])


@pytest.fixture
def ready(world: World, agreement: CooperationAgreement, consent) -> World:
    """Everything a prison officer needs to refer Jānis to the NGO."""
    return world


def refer(
    world: World, *, persona: str = "prison_officer", receiver: Organization | None = None, **kwargs
) -> Referral:
    return services.referral_create(
        acting=world.acting(persona),
        person=kwargs.pop("person", world.person),
        receiver=receiver or world.ngo,
        reason=kwargs.pop("reason", "Atbalsts dzīvesvietas meklēšanā pēc atbrīvošanas"),
        categories=kwargs.pop("categories", ["identity", "family"]),
        **kwargs,
    )


@pytest.fixture(autouse=True)
def _pages_in_english(settings) -> None:
    """Pages in English unless a test asks for Latvian, so that assertions read the msgids."""
    settings.LANGUAGE_CODE = "en"
