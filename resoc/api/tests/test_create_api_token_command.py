"""python manage.py create_api_token <username> [--organization CODE] [--name NAME]"""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from resoc.access.models import ApiToken, Membership
from resoc.api.tests.conftest import ApiClient
from resoc.organizations.models import Organization


def _run(*args: str) -> str:
    out = StringIO()
    call_command("create_api_token", *args, stdout=out, stderr=StringIO())
    return out.getvalue().strip()


def test_it_issues_a_token_for_the_only_membership_and_prints_it_once(world):
    raw = _run("prison_officer", "--name", "Prison register")
    token = ApiToken.objects.get()
    assert token.name == "Prison register"
    assert token.membership == world.users["prison_officer"].memberships.get()
    assert ApiToken.objects.find_active(raw) == token
    assert raw not in {token.key_hash, token.prefix}
    assert ApiClient(raw).get("/persons").status_code == 200


def test_several_memberships_need_an_organization(world):
    Membership.objects.create(
        user=world.users["prison_officer"],
        organization=Organization.objects.get(code="vpd-zemgale"),
        role="probation_officer",
    )
    with pytest.raises(CommandError, match="--organization"):
        _run("prison_officer")
    _run("prison_officer", "--organization", "vpd-zemgale")
    assert ApiToken.objects.get().membership.organization.code == "vpd-zemgale"


@pytest.mark.parametrize(
    "args",
    [
        ("nobody",),
        ("prison_officer", "--organization", "vpd-zemgale"),
        ("prison_officer", "--organization", "no-such-org"),
    ],
)
def test_it_refuses_clearly(world, args):
    with pytest.raises(CommandError):
        _run(*args)
    assert not ApiToken.objects.exists()


def test_inactive_memberships_and_users_get_no_token(world):
    world.users["prison_officer"].memberships.update(is_active=False)
    with pytest.raises(CommandError, match="prison_officer"):
        _run("prison_officer")
    world.users["analyst"].is_active = False
    world.users["analyst"].save()
    with pytest.raises(CommandError):
        _run("analyst")
    assert not ApiToken.objects.exists()
