"""Referral rules as plain functions: the transition table, who acts on which side, who reads reports.

No database access here except through the ``Acting`` context's organization scope.
"""

from __future__ import annotations

from enum import StrEnum

from django.conf import settings

from resoc.access import policy
from resoc.access.context import Acting
from resoc.access.roles import Role
from resoc.organizations.models import Organization, OrganizationType
from resoc.referrals.models import Referral, State


class Side(StrEnum):
    SENDER = "sender"
    RECEIVER = "receiver"
    SYSTEM = "system"


class Action(StrEnum):
    SEND = "send"
    ACCEPT = "accept"
    DECLINE = "decline"
    START = "start"
    COMPLETE = "complete"
    CANCEL = "cancel"
    WITHDRAW = "withdraw"
    EXPIRE = "expire"
    REROUTE = "reroute"


# action: (states it may start from, state it leads to, side that may take it)
TRANSITIONS: dict[Action, tuple[frozenset[str], State, Side]] = {
    Action.SEND: (frozenset({State.DRAFT}), State.SENT, Side.SENDER),
    Action.ACCEPT: (frozenset({State.SENT}), State.ACCEPTED, Side.RECEIVER),
    Action.DECLINE: (frozenset({State.SENT}), State.DECLINED, Side.RECEIVER),
    Action.START: (frozenset({State.ACCEPTED}), State.IN_PROGRESS, Side.RECEIVER),
    Action.COMPLETE: (frozenset({State.IN_PROGRESS}), State.COMPLETED, Side.RECEIVER),
    # Cancelled: dropped before anyone took it up; withdrawn: taken back after it was accepted.
    Action.CANCEL: (frozenset({State.DRAFT, State.SENT}), State.CANCELLED, Side.SENDER),
    Action.WITHDRAW: (frozenset({State.ACCEPTED, State.IN_PROGRESS}), State.WITHDRAWN, Side.SENDER),
    Action.EXPIRE: (frozenset({State.SENT}), State.EXPIRED, Side.SYSTEM),
    # A referral still waiting (or declined, or expired) goes to another organization as a new
    # referral linked to this one; a waiting one closes as re-routed, a closed one keeps its state.
    Action.REROUTE: (frozenset({State.SENT, State.DECLINED, State.EXPIRED}), State.REROUTED, Side.SENDER),
}
# Actions that need a reason in words.
REASON_REQUIRED = frozenset({Action.DECLINE, Action.COMPLETE, Action.WITHDRAW})

# The staff who send and receive referrals: the roles that work with persons in each organization.
HANDLING_ROLES = frozenset(
    {
        Role.RESOCIALIZATION_OFFICER,
        Role.PROBATION_OFFICER,
        Role.CAREER_CONSULTANT,
        Role.SOCIAL_WORKER,
        Role.NGO_COORDINATOR,
    }
)
# Who receives a referral in each kind of organization (and its e-mail).
RECEIVER_ROLES: dict[str, frozenset[str]] = {
    OrganizationType.PRISON: frozenset({Role.RESOCIALIZATION_OFFICER}),
    OrganizationType.PRISON_ADMINISTRATION: frozenset({Role.RESOCIALIZATION_OFFICER}),
    OrganizationType.PROBATION_SERVICE: frozenset({Role.PROBATION_OFFICER}),
    OrganizationType.PROBATION_UNIT: frozenset({Role.PROBATION_OFFICER}),
    OrganizationType.EMPLOYMENT_AGENCY: frozenset({Role.CAREER_CONSULTANT}),
    OrganizationType.EMPLOYMENT_BRANCH: frozenset({Role.CAREER_CONSULTANT}),
    OrganizationType.SOCIAL_SERVICE: frozenset({Role.SOCIAL_WORKER}),
    OrganizationType.NGO: frozenset({Role.NGO_COORDINATOR}),
}
REPORT_ROLES = frozenset({Role.ANALYST, Role.PROJECT_MANAGER, Role.SYSTEM_ADMIN})


def receiver_roles(organization: Organization) -> frozenset[str]:
    return RECEIVER_ROLES.get(organization.type, frozenset())


def can_receive(organization: Organization) -> bool:
    return bool(receiver_roles(organization)) and organization.is_active


def works_under_consent(organization: Organization) -> bool:
    """The receiver's staff read the person only with consent (``policy.CONSENT_ROLES``)."""
    return bool(receiver_roles(organization) & policy.CONSENT_ROLES)


def can_send(acting: Acting) -> bool:
    return acting.membership is not None and acting.role in HANDLING_ROLES


def side_of(acting: Acting, referral: Referral) -> Side | None:
    """The side ``acting`` works on: its organization (or one above it) sent or received the referral."""
    if acting.membership is None or acting.role not in HANDLING_ROLES:
        return None
    scope = acting.scope_organization_ids
    if referral.sender_organization_id in scope:
        return Side.SENDER
    if referral.receiver_organization_id in scope and referral.state != State.DRAFT:
        return Side.RECEIVER
    return None


def allowed_actions(acting: Acting, referral: Referral) -> list[Action]:
    """The actions the page offers ``acting``: from the table, for its side, in the current state."""
    side = side_of(acting, referral)
    if side is None:
        return []
    return [
        action
        for action, (sources, _target, who) in TRANSITIONS.items()
        if who == side and referral.state in sources
    ]


def can_report(acting: Acting) -> bool:
    return acting.membership is not None and acting.role in REPORT_ROLES


def answer_days() -> int:
    return int(settings.REFERRAL_ANSWER_WORKING_DAYS)


def remind_days() -> int:
    return int(settings.REFERRAL_REMIND_WORKING_DAYS)
