"""Who is acting: a user through one membership (organization + role)."""

from __future__ import annotations

from dataclasses import dataclass, field

from resoc.access.models import Membership, User
from resoc.audit.services import Actor
from resoc.organizations.selectors import organization_subtree_ids


@dataclass
class Acting:
    user: User
    membership: Membership | None
    ip_address: str | None = None
    channel: str = "web"
    _scope: frozenset[int] | None = field(default=None, repr=False)

    @property
    def role(self) -> str:
        return self.membership.role if self.membership else ""

    @property
    def organization_id(self) -> int | None:
        return self.membership.organization_id if self.membership else None

    @property
    def scope_organization_ids(self) -> frozenset[int]:
        """The membership's organization and every organization below it."""
        if self._scope is None:
            roots = [self.membership.organization_id] if self.membership else []
            self._scope = frozenset(organization_subtree_ids(roots=roots))
        return self._scope

    @property
    def actor(self) -> Actor:
        return Actor(
            user_id=self.user.pk,
            username=self.user.get_username(),
            organization_id=self.organization_id,
            role=self.role,
            ip_address=self.ip_address,
            channel=self.channel,
        )


def acting_for(user: User, *, membership_id: int | None = None, **kwargs: object) -> Acting:
    """The acting context for ``user``: the chosen active membership, else the first active one."""
    memberships = Membership.objects.select_related("organization").filter(
        user=user, is_active=True, organization__is_active=True
    )
    chosen = None
    if membership_id is not None:
        chosen = memberships.filter(pk=membership_id).first()
    if chosen is None:
        chosen = memberships.order_by("created_at", "pk").first()
    return Acting(user=user, membership=chosen, **kwargs)  # type: ignore[arg-type]
