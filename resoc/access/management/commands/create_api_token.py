"""Issue an API token for one membership of a user and print its secret once."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from resoc.access.models import ApiToken, Membership, User


class Command(BaseCommand):
    help = (
        "Create an API token that acts as the user's only active membership (or their active membership "
        "in --organization) and print the token. It is stored only as a hash: it cannot be shown again."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--organization", metavar="CODE", help="Code of the membership's organization.")
        parser.add_argument("--name", default="", help="What the token is for, e.g. the calling system.")

    def handle(self, *args: Any, **options: Any) -> None:
        username: str = options["username"]
        code: str | None = options["organization"]
        user = User.objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(_("No active user %(username)s.") % {"username": username})
        memberships = Membership.objects.select_related("organization").filter(
            user=user, is_active=True, organization__is_active=True
        )
        if code:
            memberships = memberships.filter(organization__code=code)
        found = list(memberships.order_by("organization__code", "role"))
        if not found:
            if code:
                message = _("%(username)s has no active membership in the organization %(code)s.")
            else:
                message = _("%(username)s has no active membership.")
            raise CommandError(message % {"username": username, "code": code})
        if len(found) > 1:
            choices = ", ".join(f"{m.organization.code} ({m.role})" for m in found)
            if code:
                message = _(
                    "%(username)s has several active memberships in %(code)s (%(choices)s); "
                    "a token acts as one: deactivate the others or issue the token to another user."
                )
            else:
                message = _(
                    "%(username)s has several active memberships (%(choices)s): choose one with --organization."
                )
            raise CommandError(message % {"username": username, "code": code, "choices": choices})
        membership = found[0]
        name = options["name"] or f"{membership.organization.code}/{membership.role}"
        name = name[: ApiToken._meta.get_field("name").max_length or 100]
        token, raw = ApiToken.issue(membership=membership, name=name)
        self.stderr.write(
            _("Token %(prefix)s… for %(membership)s. Store it now: it will not be shown again.")
            % {"prefix": token.prefix, "membership": membership}
        )
        self.stdout.write(raw)
