import datetime as dt

import pytest

from resoc.community import selectors
from resoc.community.models import CooperationAgreement
from resoc.organizations.models import Organization

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 12, 4)


def org(code: str) -> Organization:
    return Organization.objects.get(code=code)


def agreement(world, institution: str, *, prisons=(), valid_from=dt.date(2026, 1, 1), valid_until=None):
    made = CooperationAgreement.objects.create(
        organization=world.ngo,
        institution=org(institution),
        number="2026/1",
        scope="Atkarību mazināšanas grupas",
        valid_from=valid_from,
        valid_until=valid_until,
    )
    made.prisons.set([org(code) for code in prisons])
    return made


def test_an_agreement_with_the_administration_covers_each_prison(world):
    agreement(world, "ievp")
    assert selectors.agreement_in_force(organization=world.ngo, institution=org("jelgavas-cietums"), on=TODAY)
    assert not selectors.agreement_in_force(organization=world.ngo, institution=org("vpd-zemgale"), on=TODAY)


def test_an_agreement_with_one_prison_does_not_cover_another(world):
    agreement(world, "jelgavas-cietums")
    assert selectors.agreement_in_force(organization=world.ngo, institution=org("jelgavas-cietums"), on=TODAY)
    assert not selectors.agreement_in_force(
        organization=world.ngo, institution=org("liepajas-cietums"), on=TODAY
    )
    assert not selectors.agreement_in_force(organization=world.ngo, institution=org("ievp"), on=TODAY)


def test_an_expired_agreement_is_not_in_force_from_the_next_day(world):
    agreement(world, "ievp", prisons=["jelgavas-cietums"], valid_until=TODAY)
    prison = org("jelgavas-cietums")
    assert selectors.agreement_in_force(organization=world.ngo, institution=prison, on=TODAY)
    assert selectors.prison_access_in_force(organization=world.ngo, prison=prison, on=TODAY)
    tomorrow = TODAY + dt.timedelta(days=1)
    assert not selectors.agreement_in_force(organization=world.ngo, institution=prison, on=tomorrow)
    assert not selectors.prison_access_in_force(organization=world.ngo, prison=prison, on=tomorrow)


def test_an_agreement_not_yet_in_force_grants_nothing(world):
    agreement(world, "ievp", prisons=["jelgavas-cietums"], valid_from=TODAY + dt.timedelta(days=1))
    assert not selectors.agreement_in_force(organization=world.ngo, institution=org("ievp"), on=TODAY)


def test_prison_access_only_to_the_prisons_named(world):
    agreement(world, "ievp", prisons=["jelgavas-cietums"])
    assert selectors.prison_access_in_force(organization=world.ngo, prison=org("jelgavas-cietums"), on=TODAY)
    assert not selectors.prison_access_in_force(
        organization=world.ngo, prison=org("liepajas-cietums"), on=TODAY
    )


def test_only_ngos_need_agreements(world):
    assert selectors.needs_agreement(world.ngo)
    assert not selectors.needs_agreement(org("nva-riga"))
