"""A user with several memberships chooses which one to act through; only their own ones."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from conftest import World
from resoc.access.middleware import MEMBERSHIP_SESSION_KEY
from resoc.access.models import Membership
from resoc.access.roles import Role
from resoc.organizations.models import Organization

SWITCH = reverse("access:switch_membership")


@pytest.fixture
def second(world: World) -> Membership:
    return Membership.objects.create(
        user=world.users["prison_officer"],
        organization=Organization.objects.get(code="vpd-zemgale"),
        role=Role.PROBATION_OFFICER,
    )


@pytest.fixture
def client(world: World) -> Client:
    client = Client(headers={"accept-language": "en"})
    client.force_login(world.users["prison_officer"])
    return client


def acting_role(client: Client) -> str:
    return str(client.get("/").context["acting"].role)


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def test_the_first_membership_is_used_until_another_is_chosen(client: Client, second: Membership) -> None:
    assert acting_role(client) == Role.RESOCIALIZATION_OFFICER
    html = client.get("/").content.decode()
    assert str(second.public_id) in html  # offered in the header's switcher


def test_switching_to_an_own_membership(client: Client, second: Membership) -> None:
    response = client.post(SWITCH, {"membership": str(second.public_id), "next": "/people/"})

    assert response.status_code == 302
    assert response["Location"] == "/people/"
    assert client.session[MEMBERSHIP_SESSION_KEY] == second.pk
    assert acting_role(client) == Role.PROBATION_OFFICER
    follow = client.post(SWITCH, {"membership": str(second.public_id)}, follow=True)
    assert any(m.startswith("You now act as") for m in messages_of(follow))


def test_another_users_membership_is_refused(world: World, client: Client, second: Membership) -> None:
    theirs = Membership.objects.get(user=world.users["auditor"])

    response = client.post(SWITCH, {"membership": str(theirs.public_id)}, follow=True)

    assert "That organization and role are not yours." in messages_of(response)
    assert MEMBERSHIP_SESSION_KEY not in client.session
    assert acting_role(client) == Role.RESOCIALIZATION_OFFICER


@pytest.mark.parametrize("value", ["", "not-a-uuid", "00000000-0000-0000-0000-000000000000"])
def test_nonsense_is_refused(client: Client, second: Membership, value: str) -> None:
    response = client.post(SWITCH, {"membership": value}, follow=True)
    assert "That organization and role are not yours." in messages_of(response)
    assert acting_role(client) == Role.RESOCIALIZATION_OFFICER


def test_an_inactive_own_membership_is_refused(client: Client, second: Membership) -> None:
    Membership.objects.filter(pk=second.pk).update(is_active=False)
    response = client.post(SWITCH, {"membership": str(second.public_id)}, follow=True)
    assert "That organization and role are not yours." in messages_of(response)
    assert acting_role(client) == Role.RESOCIALIZATION_OFFICER


def test_switching_needs_post_and_a_login(client: Client, second: Membership) -> None:
    assert client.get(SWITCH, {"membership": str(second.public_id)}).status_code == 405
    anonymous = Client().post(SWITCH, {"membership": str(second.public_id)})
    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith(reverse("access:login"))


def test_switching_does_not_redirect_off_site(client: Client, second: Membership) -> None:
    response = client.post(SWITCH, {"membership": str(second.public_id), "next": "https://evil.example/"})
    assert response["Location"] == "/"
