"""The system administrator manages accounts and organizations, and reads no case file."""

from django.urls import reverse

from resoc.access.services import administrator_rights_grant


def _admin_client(world):
    administrator_rights_grant(user=world.users["system_admin"])
    return world.client("system_admin")


def test_system_admin_manages_users_memberships_and_organizations(world):
    client = _admin_client(world)
    for name in (
        "access_user_changelist",
        "access_membership_changelist",
        "organizations_organization_changelist",
    ):
        assert client.get(reverse(f"admin:{name}")).status_code == 200


def test_admin_site_offers_no_person_records_or_audit_entries(world):
    client = _admin_client(world)
    index = client.get(reverse("admin:index")).content.decode()
    assert "/admin/people/" not in index
    assert "/admin/audit/" not in index
    assert client.get("/admin/people/person/").status_code == 404
    assert client.get(reverse("people:detail", args=[world.person.public_id])).status_code == 404


def test_staff_pages_are_refused_to_case_workers(world):
    response = world.client("prison_officer").get(reverse("admin:access_user_changelist"))
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]
