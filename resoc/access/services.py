from __future__ import annotations

from django.contrib.auth.models import Permission

from resoc.access.models import User

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
