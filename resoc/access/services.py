from __future__ import annotations

from django.contrib.auth.models import Permission
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from resoc.access.context import Acting
from resoc.access.models import Membership, User
from resoc.access.roles import Role
from resoc.audit.models import AuditAction
from resoc.audit.services import audit_record
from resoc.organizations.models import Organization

ADMINISTERED_MODELS = (
    ("access", "user"),
    ("access", "membership"),
    ("access", "apitoken"),
    ("organizations", "organization"),
)


def administrator_rights_grant(*, user: User) -> None:
    """Let ``user`` manage accounts and organizations in /admin/ — and nothing else there."""
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    permissions = Permission.objects.filter(
        content_type__app_label__in={app for app, _ in ADMINISTERED_MODELS},
        content_type__model__in={model for _, model in ADMINISTERED_MODELS},
    )
    user.user_permissions.add(*permissions)


# Roles an organization administrator may hand out: everything but system-wide administration.
ASSIGNABLE_BY_ORG_ADMIN = frozenset(role for role in Role if role != Role.SYSTEM_ADMIN)


def _require_org_admin(acting: Acting, organization: Organization) -> None:
    if acting.role != Role.ORG_ADMIN or organization.pk not in acting.scope_organization_ids:
        raise PermissionDenied


def membership_add(
    *,
    acting: Acting,
    organization: Organization,
    role: str,
    username: str,
    first_name: str = "",
    last_name: str = "",
    email: str = "",
    password: str = "",
) -> Membership:
    """Give a user (new, or existing by username) a role in ``organization``."""
    _require_org_admin(acting, organization)
    if role not in ASSIGNABLE_BY_ORG_ADMIN:
        raise ValidationError({"role": _("An organization administrator cannot give this role.")})
    with transaction.atomic():
        user = User.objects.filter(username=username).first()
        if user is None:
            if not password:
                raise ValidationError({"password": _("A new user needs an initial password.")})
            user = User(username=username, first_name=first_name, last_name=last_name, email=email)
            user.full_clean(exclude=["password"])
            validate_password(password, user)
            user.set_password(password)
            user.save()
        if Membership.objects.filter(user=user, organization=organization, role=role).exists():
            raise ValidationError(_("This user already has this role in this organization."))
        membership = Membership.objects.create(user=user, organization=organization, role=role)
        audit_record(
            actor=acting.actor,
            action=AuditAction.CREATE,
            record_type="membership",
            record_id=str(membership.public_id),
            detail={"username": user.username, "organization": organization.code, "role": role},
        )
    return membership


def membership_set_active(*, acting: Acting, membership: Membership, active: bool) -> Membership:
    _require_org_admin(acting, membership.organization)
    if acting.membership is not None and membership.pk == acting.membership.pk:
        raise ValidationError(_("You cannot deactivate the membership you are acting through."))
    with transaction.atomic():
        membership.is_active = active
        membership.save(update_fields=["is_active"])
        audit_record(
            actor=acting.actor,
            action=AuditAction.UPDATE,
            record_type="membership",
            record_id=str(membership.public_id),
            detail={"is_active": active},
        )
    return membership
