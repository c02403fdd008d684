"""The one way to write the audit log."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from django.http import HttpRequest

from resoc.audit.models import AuditAction, AuditEntry


@dataclass(frozen=True)
class Actor:
    """Who acts and through which membership, whatever the channel (web, API, command)."""

    user_id: int | None
    username: str
    organization_id: int | None = None
    role: str = ""
    ip_address: str | None = None
    channel: str = "web"


def client_address(request: HttpRequest) -> str | None:
    # REMOTE_ADDR only: X-Forwarded-For is trusted by the proxy in front, which sets REMOTE_ADDR.
    return request.META.get("REMOTE_ADDR") or None


def audit_entry(
    *,
    actor: Actor,
    action: AuditAction,
    person_id: UUID | None = None,
    category: str = "",
    record_type: str = "",
    record_id: str = "",
    purpose: str = "",
    detail: dict[str, Any] | None = None,
) -> AuditEntry:
    """The entry ``audit_record`` writes, unsaved: for writers that store many entries at once."""
    return AuditEntry(
        actor_id=actor.user_id,
        actor_username=actor.username,
        organization_id=actor.organization_id,
        role=actor.role,
        ip_address=actor.ip_address,
        channel=actor.channel,
        action=action,
        person_public_id=person_id,
        category=category,
        record_type=record_type,
        record_id=record_id,
        purpose=purpose,
        detail=detail or {},
    )


def audit_record(
    *,
    actor: Actor,
    action: AuditAction,
    person_id: UUID | None = None,
    category: str = "",
    record_type: str = "",
    record_id: str = "",
    purpose: str = "",
    detail: dict[str, Any] | None = None,
) -> AuditEntry:
    entry = audit_entry(
        actor=actor,
        action=action,
        person_id=person_id,
        category=category,
        record_type=record_type,
        record_id=record_id,
        purpose=purpose,
        detail=detail,
    )
    entry.save()
    return entry


def audit_record_listing(
    *, actor: Actor, person_ids: Iterable[UUID], category: str, detail: dict[str, Any] | None = None
) -> None:
    """One entry per person shown in a list or search result: seeing a name is a read too."""
    AuditEntry.objects.bulk_create(
        AuditEntry(
            actor_id=actor.user_id,
            actor_username=actor.username,
            organization_id=actor.organization_id,
            role=actor.role,
            ip_address=actor.ip_address,
            channel=actor.channel,
            action=AuditAction.LIST,
            person_public_id=person_id,
            category=category,
            detail=detail or {},
        )
        for person_id in person_ids
    )


def audit_person_entry(
    *,
    actor: Actor,
    action: AuditAction,
    person_id: UUID,
    category: str = "identity",
    record_type: str = "person",
    purpose: str = "",
    detail: dict[str, Any] | None = None,
) -> AuditEntry:
    """The entry ``audit_person`` writes, unsaved."""
    return audit_entry(
        actor=actor,
        action=action,
        person_id=person_id,
        category=category,
        record_type=record_type,
        record_id=str(person_id),
        purpose=purpose,
        detail=detail,
    )


def audit_person(
    *,
    actor: Actor,
    action: AuditAction,
    person_id: UUID,
    category: str = "identity",
    record_type: str = "person",
    purpose: str = "",
    detail: dict[str, Any] | None = None,
) -> AuditEntry:
    """An entry about one person's record (the person is the record unless ``record_type`` says otherwise)."""
    entry = audit_person_entry(
        actor=actor,
        action=action,
        person_id=person_id,
        category=category,
        record_type=record_type,
        purpose=purpose,
        detail=detail,
    )
    entry.save()
    return entry
