"""Recording, extending and ending agreements: who may, validation, audit, and the effect on access."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from resoc.access.models import Membership, User
from resoc.access.roles import Role
from resoc.audit.models import AuditEntry
from resoc.community import selectors
from resoc.community.agreements import AgreementSpec, agreement_end, agreement_extend, agreement_record
from resoc.community.models import CooperationAgreement
from resoc.community.tests.conftest import org, today

pytestmark = pytest.mark.django_db


def _spec(world, **overrides) -> AgreementSpec:
    values = {
        "organization": world.ngo,
        "institution": org("jelgavas-cietums"),
        "number": "JC-2026/7",
        "scope": "Atkarību mazināšanas grupas un līdzgaitnieki",
        "valid_from": today() - dt.timedelta(days=10),
        "valid_until": today() + dt.timedelta(days=300),
        "prisons": [org("jelgavas-cietums")],
    }
    values.update(overrides)
    return AgreementSpec(**values)


def _admin_of(code: str) -> User:
    user = User.objects.create_user(username=f"admin-{code}", password="a-long-test-password-1")
    Membership.objects.create(user=user, organization=org(code), role=Role.ORG_ADMIN)
    return user


def test_the_institutions_administrator_records_an_agreement(world):
    agreement = agreement_record(acting=world.acting("org_admin"), spec=_spec(world))
    assert list(agreement.prisons.all()) == [org("jelgavas-cietums")]
    assert selectors.prison_access_in_force(
        organization=world.ngo, prison=org("jelgavas-cietums"), on=today()
    )
    entry = AuditEntry.objects.get(record_type="cooperation_agreement")
    assert entry.action == "create"
    assert entry.person_public_id is None
    assert entry.detail["after"]["prisons"] == ["jelgavas-cietums"]


def test_an_administrator_above_the_institution_may_too(world):
    from resoc.access.context import acting_for

    admin = _admin_of("ievp")
    agreement_record(acting=acting_for(admin), spec=_spec(world))
    assert CooperationAgreement.objects.count() == 1


@pytest.mark.parametrize("persona", ["ngo_coordinator", "prison_officer", "other_prison_officer", "analyst"])
def test_others_may_not_record(world, persona):
    with pytest.raises(PermissionDenied):
        agreement_record(acting=world.acting(persona), spec=_spec(world))
    assert not CooperationAgreement.objects.exists()


def test_an_administrator_of_another_prison_may_not_record_for_this_one(world):
    from resoc.access.context import acting_for

    with pytest.raises(PermissionDenied):
        agreement_record(acting=acting_for(_admin_of("liepajas-cietums")), spec=_spec(world))


def test_a_system_administrator_may(world):
    agreement_record(acting=world.acting("system_admin"), spec=_spec(world, institution=org("ievp")))
    assert CooperationAgreement.objects.count() == 1


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"organization": "nva-jelgava"}, "organization"),
        ({"institution": "test-ngo"}, "institution"),
        ({"prisons": ["liepajas-cietums"]}, "prisons"),
        ({"prisons": ["vpd-zemgale"]}, "prisons"),
        ({"valid_until": -20}, "valid_until"),
        ({"number": ""}, "number"),
    ],
)
def test_bad_agreements_are_refused_with_nothing_written(world, overrides, field):
    values = {}
    for key, value in overrides.items():
        if key in {"organization", "institution"}:
            value = org(value)
        elif key == "prisons":
            value = [org(code) for code in value]
        elif key == "valid_until":
            value = today() + dt.timedelta(days=value)
        values[key] = value
    with pytest.raises(ValidationError) as raised:
        agreement_record(acting=world.acting("system_admin"), spec=_spec(world, **values))
    assert field in raised.value.message_dict
    assert not CooperationAgreement.objects.exists()
    assert not AuditEntry.objects.exists()


def test_prisons_of_the_administration_are_under_it(world):
    agreement = agreement_record(
        acting=world.acting("system_admin"),
        spec=_spec(
            world, institution=org("ievp"), prisons=[org("liepajas-cietums"), org("jelgavas-cietums")]
        ),
    )
    assert agreement.prisons.count() == 2


def test_extend_and_end_early(world):
    agreement = agreement_record(acting=world.acting("org_admin"), spec=_spec(world))
    later = today() + dt.timedelta(days=700)
    agreement = agreement_extend(acting=world.acting("org_admin"), agreement=agreement, valid_until=later)
    assert agreement.valid_until == later
    with pytest.raises(ValidationError):
        agreement_extend(acting=world.acting("org_admin"), agreement=agreement, valid_until=today())
    agreement = agreement_end(
        acting=world.acting("org_admin"),
        agreement=agreement,
        ends_on=today() - dt.timedelta(days=1),
        reason="Pārkāpumi",
    )
    assert not selectors.agreement_in_force(
        organization=world.ngo, institution=org("jelgavas-cietums"), on=today()
    )
    assert selectors.ngo_suspended(organization=world.ngo, on=today())
    changes = list(
        AuditEntry.objects.filter(record_type="cooperation_agreement", action="update").order_by("pk")
    )
    assert [c.detail["change"] for c in changes] == ["extended", "ended"]
    assert changes[1].detail["before"]["valid_until"] == later.isoformat()


def test_ending_needs_a_reason_and_a_day_not_before_the_start(world):
    agreement = agreement_record(acting=world.acting("org_admin"), spec=_spec(world))
    with pytest.raises(ValidationError) as raised:
        agreement_end(
            acting=world.acting("org_admin"),
            agreement=agreement,
            ends_on=today() - dt.timedelta(days=90),
            reason="",
        )
    assert set(raised.value.message_dict) == {"ends_on", "reason"}
    agreement.refresh_from_db()
    assert agreement.valid_until == today() + dt.timedelta(days=300)


def test_the_ngo_may_not_extend_its_own_agreement(world):
    agreement = agreement_record(acting=world.acting("org_admin"), spec=_spec(world))
    with pytest.raises(PermissionDenied):
        agreement_extend(
            acting=world.acting("ngo_coordinator"),
            agreement=agreement,
            valid_until=today() + dt.timedelta(days=999),
        )


def test_states_for_the_list(world):
    agreement = agreement_record(
        acting=world.acting("org_admin"), spec=_spec(world, valid_until=today() + dt.timedelta(days=30))
    )
    assert selectors.agreement_state(agreement, today()) == "expiring"
    assert selectors.agreement_state(agreement, today() + dt.timedelta(days=31)) == "expired"
    assert selectors.agreement_state(agreement, today() - dt.timedelta(days=5)) == "in_force"
    assert selectors.agreement_state(agreement, today() - dt.timedelta(days=11)) == "not_yet"
