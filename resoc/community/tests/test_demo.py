"""The demo data: NGO profiles, agreements in each state, consents signed on a form and withdrawn."""

from __future__ import annotations

import datetime as dt

import pytest

from resoc.community import selectors
from resoc.community.models import CooperationAgreement, NgoProfile
from resoc.demo import services
from resoc.organizations.models import Organization
from resoc.people.models import Consent, ConsentMethod

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 12, 4)


def test_seeding_gives_profiles_agreements_and_consents_once():
    services.seed_demo(persons=400, seed=3, today=TODAY)
    assert NgoProfile.objects.count() == 3
    states = {
        a.organization.code: selectors.agreement_state(a, TODAY)
        for a in CooperationAgreement.objects.select_related("organization")
    }
    assert states == {
        "demo-nvo-cels": "in_force",
        "demo-nvo-otra-iespeja": "expiring",
        "demo-nvo-krasts": "expired",
    }
    krasts = Organization.objects.get(code="demo-nvo-krasts")
    assert selectors.ngo_suspended(organization=krasts, on=TODAY)
    signed = Consent.objects.get(method=ConsentMethod.SIGNED_FORM)
    assert signed.signed_form.read().startswith(b"%PDF-")
    assert Consent.objects.filter(withdrawal_reason__contains="(demo)").count() == 1
    consents = Consent.objects.count()
    from resoc.demo.community import seed_community
    from resoc.demo.services import ensure_demo_organizations

    seed_community(orgs=ensure_demo_organizations(), officer=signed.recorded_by, today=TODAY)  # type: ignore[arg-type]
    assert Consent.objects.count() == consents
    assert CooperationAgreement.objects.count() == 3
