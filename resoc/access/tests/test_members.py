"""The organization administrator manages who works for the organization — and only that."""

import pytest
from django.urls import reverse

from resoc.access.models import Membership, User
from resoc.audit.models import AuditAction, AuditEntry
from resoc.organizations.models import Organization

MEMBERS = reverse("access:members")


def _new_member(**changes):
    data = {
        "username": "ilze.kalnina",
        "first_name": "Ilze",
        "last_name": "Kalniņa",
        "email": "",
        "organization": Organization.objects.get(code="jelgavas-cietums").pk,
        "role": "resocialization_officer",
        "password": "Garš-un-drošs-2026",
    }
    data.update(changes)
    return data


def test_org_admin_sees_the_members_of_their_organization_only(world):
    page = world.client("org_admin").get(MEMBERS).content.decode()
    assert "prison_officer" in page  # Jelgava prison
    assert "other_prison_officer" not in page  # Jēkabpils prison


def test_org_admin_adds_a_new_user_who_can_log_in(world):
    response = world.client("org_admin").post(MEMBERS, _new_member())
    assert response.status_code == 302
    user = User.objects.get(username="ilze.kalnina")
    assert user.check_password("Garš-un-drošs-2026")
    assert user.memberships.get().role == "resocialization_officer"
    entry = AuditEntry.objects.get(action=AuditAction.CREATE, record_type="membership")
    assert entry.detail["username"] == "ilze.kalnina"


def test_a_weak_initial_password_is_refused_and_nothing_is_created(world):
    response = world.client("org_admin").post(MEMBERS, _new_member(password="parole"))
    assert response.status_code == 200
    assert not User.objects.filter(username="ilze.kalnina").exists()


def test_an_existing_user_gets_another_role(world):
    world.client("org_admin").post(
        MEMBERS, _new_member(username="prison_officer", role="programme_facilitator", password="")
    )
    assert set(world.users["prison_officer"].memberships.values_list("role", flat=True)) == {
        "resocialization_officer",
        "programme_facilitator",
    }


@pytest.mark.parametrize(
    ("changes", "error_field"),
    [
        ({"role": "system_admin"}, "role"),
        ({"organization": "999999"}, "organization"),
    ],
)
def test_org_admin_cannot_give_system_roles_or_reach_other_organizations(world, changes, error_field):
    other = Organization.objects.get(code="jekabpils-cietums").pk
    if error_field == "organization":
        changes = {"organization": other}
    response = world.client("org_admin").post(MEMBERS, _new_member(**changes))
    assert response.status_code == 200
    assert not User.objects.filter(username="ilze.kalnina").exists()


def test_deactivating_a_membership_ends_its_access(world):
    membership = world.users["prison_officer"].memberships.get()
    client = world.client("org_admin")
    client.post(reverse("access:member_active", args=[membership.public_id]), {"active": "0"})
    membership.refresh_from_db()
    assert not membership.is_active
    assert (
        world.client("prison_officer")
        .get(reverse("people:detail", args=[world.person.public_id]))
        .status_code
        == 403
    )


def test_another_organizations_membership_cannot_be_touched(world):
    membership = world.users["other_prison_officer"].memberships.get()
    response = world.client("org_admin").post(
        reverse("access:member_active", args=[membership.public_id]), {"active": "0"}
    )
    assert response.status_code == 404
    membership.refresh_from_db()
    assert membership.is_active


@pytest.mark.parametrize("persona", ["prison_officer", "system_admin", "auditor", "mentor"])
def test_other_roles_cannot_manage_members(world, persona):
    assert world.client(persona).get(MEMBERS).status_code == 403
    assert world.client(persona).post(MEMBERS, _new_member()).status_code == 403
    assert not Membership.objects.filter(user__username="ilze.kalnina").exists()


def test_markup_in_a_new_members_name_is_refused(world):
    response = world.client("org_admin").post(MEMBERS, _new_member(first_name="<b>Ilze</b>"))
    assert response.status_code == 200
    assert not User.objects.filter(username="ilze.kalnina").exists()
