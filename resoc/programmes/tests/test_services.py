"""Catalogue writes: only the owners, references checked against the assessment and the regime levels,
nothing half-written, every change audited."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from resoc.audit.models import AuditAction, AuditEntry
from resoc.programmes import services
from resoc.programmes.models import Programme, ProgrammeType, Room
from resoc.programmes.tests.conftest import make_location, org

pytestmark = pytest.mark.django_db


def arguments(**overrides):
    values = {
        "type": ProgrammeType.objects.get(code="leisure_sport"),
        "organizations": [org("jelgavas-cietums")],
        "code": "sahs",
        "name": "Šahs",
        "aims": "Brīvais laiks",
        "needs": ["leisure"],
        "regime_levels": ["closed-lowest"],
    }
    values.update(overrides)
    return values


def test_the_prison_administrator_creates_and_updates_with_audit(world) -> None:
    acting = world.acting("org_admin")
    programme = services.programme_create(acting=acting, **arguments())
    assert list(programme.organizations.values_list("code", flat=True)) == ["jelgavas-cietums"]
    services.programme_update(acting=acting, programme=programme, **arguments(name="Šahs un dambrete"))
    programme.refresh_from_db()
    assert programme.name == "Šahs un dambrete"
    actions = AuditEntry.objects.filter(record_type="programme", record_id=str(programme.public_id))
    assert sorted(actions.values_list("action", flat=True)) == [AuditAction.CREATE, AuditAction.UPDATE]


@pytest.mark.parametrize("persona", ["prison_officer", "facilitator", "ngo_coordinator", "system_admin"])
def test_other_roles_may_not_write_the_catalogue(world, persona) -> None:
    with pytest.raises(PermissionDenied):
        services.programme_create(acting=world.acting(persona), **arguments())
    assert not Programme.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"needs": ["astrology"]}, "needs"),
        ({"regime_levels": ["no-such-level"]}, "regime_levels"),
        ({"risk_levels": ["extreme"]}, "risk_levels"),
        ({"sexes": ["unknown"]}, "sexes"),
        ({"organizations": []}, "organizations"),
        ({"organizations": ["nva"]}, "organizations"),
        ({"min_latvian_level": "C1", "max_latvian_level": "A2"}, "max_latvian_level"),
        ({"min_months_left": 12, "max_months_left": 6}, "max_months_left"),
        ({"name": "<b>Šahs</b>"}, "name"),
    ],
)
def test_bad_input_is_refused_and_nothing_is_stored(world, overrides, field) -> None:
    if "organizations" in overrides:
        overrides = {"organizations": [org(code) for code in overrides["organizations"]]}
    with pytest.raises(ValidationError) as raised:
        services.programme_create(acting=world.acting("org_admin"), **arguments(**overrides))
    assert field in raised.value.message_dict
    assert not Programme.objects.exists()
    assert not AuditEntry.objects.filter(record_type="programme").exists()


def test_a_failed_update_leaves_the_programme_as_it_was(world) -> None:
    acting = world.acting("org_admin")
    programme = services.programme_create(acting=acting, **arguments())
    with pytest.raises(ValidationError):
        services.programme_update(
            acting=acting, programme=programme, **arguments(name="Cits", needs=["astrology"])
        )
    programme.refresh_from_db()
    assert programme.name == "Šahs"
    assert programme.needs == ["leisure"]


def test_rooms_only_at_own_locations_and_with_unique_names(world) -> None:
    jelgava = make_location()
    jekabpils = make_location("jekabpils-cietums", "Jēkabpils cietums")
    acting = world.acting("org_admin")
    services.room_create(acting=acting, location=jelgava, name="Klase 1", kind="classroom", capacity=12)
    with pytest.raises(ValidationError):
        services.room_create(acting=acting, location=jelgava, name="klase 1 ", kind="classroom", capacity=12)
    with pytest.raises(PermissionDenied):
        services.room_create(acting=acting, location=jekabpils, name="Klase 1", kind="classroom", capacity=12)
    with pytest.raises(ValidationError):
        services.room_create(acting=acting, location=jelgava, name="Zāle", kind="hall", capacity=0)
    assert Room.objects.count() == 1
