from __future__ import annotations

import hashlib
import secrets
import uuid

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from resoc.access.roles import Role
from resoc.organizations.models import Organization


class User(AbstractUser):
    """A person who uses Resoc (staff, volunteer, analyst); never a client of resocialization."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.get_full_name() or self.username


class Membership(models.Model):
    """A user's place in one organization with one role. A user acts through one membership at a time."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="memberships")
    role = models.CharField(_("role"), max_length=40, choices=Role.choices)
    is_active = models.BooleanField(_("active"), default=True)
    # Until dated qualifications exist (workforce), signing a risk and needs assessment is allowed by
    # this flag, set by the organization administrator for trained resocialization officers.
    can_sign_assessments = models.BooleanField(_("qualified to sign assessments"), default=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(fields=["user", "organization", "role"], name="membership_unique_role"),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.organization} · {self.get_role_display()}"


def _hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode("ascii")).hexdigest()


class ApiTokenQuerySet(models.QuerySet["ApiToken"]):
    def find_active(self, raw: str) -> ApiToken | None:
        token = (
            self.select_related("membership__user", "membership__organization")
            .filter(key_hash=_hash_token(raw), revoked_at__isnull=True)
            .first()
        )
        if token is None or not token.membership.is_active or not token.membership.user.is_active:
            return None
        return token


class ApiToken(models.Model):
    """A bearer token for another system. It acts as one membership and is stored only as a hash."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    membership = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(max_length=8)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.name})"

    @classmethod
    def issue(cls, *, membership: Membership, name: str) -> tuple[ApiToken, str]:
        """Create a token and return it with the only copy of its secret."""
        raw = "rsc_" + secrets.token_urlsafe(32)
        token = cls.objects.create(
            membership=membership, name=name, prefix=raw[:8], key_hash=_hash_token(raw)
        )
        return token, raw
