from __future__ import annotations

from typing import Any

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver
from django.http import HttpRequest

from resoc.access.models import User
from resoc.audit.models import AuditAction
from resoc.audit.services import Actor, audit_record, client_address


def _address(request: HttpRequest | None) -> str | None:
    return client_address(request) if request is not None else None


@receiver(user_logged_in)
def audit_login(sender: Any, request: HttpRequest | None, user: User, **kwargs: Any) -> None:
    audit_record(
        actor=Actor(user_id=user.pk, username=user.get_username(), ip_address=_address(request)),
        action=AuditAction.LOGIN,
    )


@receiver(user_logged_out)
def audit_logout(sender: Any, request: HttpRequest | None, user: User | None, **kwargs: Any) -> None:
    if user is not None:
        audit_record(
            actor=Actor(user_id=user.pk, username=user.get_username(), ip_address=_address(request)),
            action=AuditAction.LOGOUT,
        )


@receiver(user_login_failed)
def audit_login_failed(
    sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    audit_record(
        actor=Actor(
            user_id=None, username=str(credentials.get("username", ""))[:150], ip_address=_address(request)
        ),
        action=AuditAction.LOGIN_FAILED,
    )
