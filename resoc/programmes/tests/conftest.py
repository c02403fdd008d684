"""Catalogue fixtures: programmes, a location with rooms and offers, and a person's facts."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from resoc.assessments.tests.conftest import api_as, qualify  # noqa: F401  # fixtures
from resoc.organizations.models import Organization
from resoc.programmes.eligibility import PersonFacts
from resoc.programmes.models import Location, Offer, OfferLocation, Programme, ProgrammeType, Room

ON = dt.date(2026, 6, 15)


def facts(**overrides: Any) -> PersonFacts:
    values: dict[str, Any] = {
        "date_of_birth": dt.date(1990, 6, 15),
        "sex": "male",
        "risk_level": "medium",
        "in_custody": True,
        "regime_level": "closed-medium",
        "regime_level_label": "Slēgtais cietums: vidējā pakāpe",
        "latvian_level": "B1",
        "sentence_ends_on": dt.date(2027, 6, 15),
    }
    values.update(overrides)
    return PersonFacts(**values)


def org(code: str) -> Organization:
    return Organization.objects.get(code=code)


def make_programme(
    code: str = "metinatajs", *, type_code: str = "vocational_education", **fields: Any
) -> Programme:
    organizations = fields.pop("organizations", ["ievp"])
    values: dict[str, Any] = {
        "name": "Metinātājs",
        "name_en": "Welder",
        "aims": "Profesionālā kvalifikācija metināšanā",
        "needs": ["education_employment"],
        "sessions": 120,
        "hours": 480,
        "certificate": "Profesionālās kvalifikācijas apliecība",
    }
    values.update(fields)
    programme = Programme.objects.create(code=code, type=ProgrammeType.objects.get(code=type_code), **values)
    programme.organizations.set([org(c) for c in organizations])
    return programme


def make_location(org_code: str = "jelgavas-cietums", name: str = "Jelgavas cietums") -> Location:
    return Location.objects.create(
        organization=org(org_code),
        name=name,
        address="Brīvības bulvāris 1",
        city="Jelgava",
        postal_code="LV-3001",
    )


def make_offer(programme: Programme, location: Location, org_code: str = "jelgavas-cietums") -> Offer:
    offer = Offer.objects.create(programme=programme, organization=org(org_code))
    OfferLocation.objects.create(offer=offer, location=location)
    return offer


@pytest.fixture
def directory(world) -> dict[str, Any]:
    """Two programmes offered at Jelgava prison (one classroom, one workshop), one retired programme."""
    welder = make_programme()
    latvian = make_programme(
        "latviesu-valoda",
        type_code="state_language",
        name="Latviešu valodas kursi",
        name_en="Latvian language course",
        needs=["latvian_language"],
        max_latvian_level="A2",
        certificate="",
    )
    retired = make_programme("vecais-kurss", name="Vecais kurss", name_en="Old course", is_active=False)
    location = make_location()
    Room.objects.create(location=location, name="Klase 1", kind="classroom", capacity=12)
    Room.objects.create(location=location, name="Metināšanas darbnīca", kind="workshop", capacity=8)
    offers = [make_offer(welder, location), make_offer(latvian, location), make_offer(retired, location)]
    return {"welder": welder, "latvian": latvian, "retired": retired, "location": location, "offers": offers}


@pytest.fixture
def serving(world):
    """Jānis serving a sentence to about a year from now in Jelgava prison, closed prison medium level."""
    from django.utils import timezone

    from resoc.sentences import services as sentence_services
    from resoc.sentences.models import RegimeLevel

    today = timezone.localdate()
    acting = world.acting("prison_officer")
    sentence_services.sentence_record(
        acting=acting,
        person=world.person,
        court="Zemgales rajona tiesa",
        starts_on=today - dt.timedelta(days=400),
        ends_on=today + dt.timedelta(days=365),
    )
    sentence_services.custody_admit(
        acting=acting,
        person=world.person,
        prison=org("jelgavas-cietums"),
        admitted_on=today - dt.timedelta(days=100),
        regime_level=RegimeLevel.objects.get(code="closed-medium"),
    )
    return world.person
