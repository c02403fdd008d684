"""Who may do what with NGO profiles, agreements and consents: plain functions of the acting membership."""

from __future__ import annotations

from django.db.models import Q

from resoc.access import policy
from resoc.access.context import Acting
from resoc.access.roles import Role
from resoc.community.models import CooperationAgreement
from resoc.organizations.models import Organization, OrganizationType
from resoc.people.models import Consent, Person

PROFILE_EDITOR_ROLES = frozenset({Role.ORG_ADMIN, Role.NGO_COORDINATOR})
# The officers who hold the person (custody, supervision, release preparation) record consents: the
# person is with them, and the NGO sees nothing of the person before a consent exists.
CONSENT_RECORDER_ROLES = frozenset({Role.RESOCIALIZATION_OFFICER, Role.PROBATION_OFFICER})
STATE_INSTITUTION_TYPES = frozenset(
    {
        OrganizationType.MINISTRY,
        OrganizationType.PRISON_ADMINISTRATION,
        OrganizationType.PRISON,
        OrganizationType.PROBATION_SERVICE,
        OrganizationType.PROBATION_UNIT,
    }
)


def is_system_admin(acting: Acting) -> bool:
    return acting.role == Role.SYSTEM_ADMIN


def can_edit_profile(acting: Acting, organization: Organization) -> bool:
    """The NGO's own administrators and coordinators, and system administrators."""
    if organization.type != OrganizationType.NGO:
        return False
    if is_system_admin(acting):
        return True
    return acting.role in PROFILE_EDITOR_ROLES and organization.pk in acting.scope_organization_ids


def can_manage_agreements(acting: Acting, institution: Organization) -> bool:
    """The institution's administrators (or of an institution above it), and system administrators."""
    if is_system_admin(acting):
        return True
    return acting.role == Role.ORG_ADMIN and institution.pk in acting.scope_organization_ids


def can_manage_any_agreements(acting: Acting) -> bool:
    if is_system_admin(acting):
        return True
    if acting.role != Role.ORG_ADMIN or acting.membership is None:
        return False
    return acting.membership.organization.type in STATE_INSTITUTION_TYPES


def visible_agreements_filter(acting: Acting) -> Q:
    """Agreements ``acting`` may read: its own NGO's, its institution's (or one above or below it).

    Volunteers see none: an agreement is the organizations' business, not the mentor's.
    """
    if acting.membership is None or acting.role == Role.VOLUNTEER:
        return Q(pk__in=[])
    if is_system_admin(acting):
        return Q()
    scope = acting.scope_organization_ids
    above = acting.membership.organization.ancestor_ids()
    return Q(organization_id__in=scope) | Q(institution_id__in=scope) | Q(institution_id__in=above)


def can_see_agreement(acting: Acting, agreement: CooperationAgreement) -> bool:
    return CooperationAgreement.objects.filter(visible_agreements_filter(acting), pk=agreement.pk).exists()


def can_record_consent(acting: Acting, person: Person) -> bool:
    return acting.role in CONSENT_RECORDER_ROLES and bool(
        policy.can_read(acting, person, policy.IDENTITY.key)
    )


def can_withdraw_consent(acting: Acting, consent: Consent) -> bool:
    """The officers who hold the person, and the coordinators of the receiving NGO (the person may tell
    them). A withdrawal must never wait for the person's file to be readable again."""
    if acting.role == Role.NGO_COORDINATOR and consent.organization_id in acting.scope_organization_ids:
        return True
    return can_record_consent(acting, consent.person)


def withdrawable_consents(acting: Acting, person: Person, consents: list[Consent]) -> set[int]:
    """Ids of the person's current consents ``acting`` may withdraw: ``can_withdraw_consent`` for a
    list, asking the policy once."""
    recorder = can_record_consent(acting, person)
    return {
        c.pk
        for c in consents
        if not c.is_withdrawn
        and (
            recorder
            or (acting.role == Role.NGO_COORDINATOR and c.organization_id in acting.scope_organization_ids)
        )
    }


def can_see_consents(acting: Acting, person: Person) -> bool:
    """Recorders see every consent of a person they hold; a coordinator those given to his NGO."""
    if acting.role not in CONSENT_RECORDER_ROLES | {Role.NGO_COORDINATOR}:
        return False
    return bool(policy.can_read(acting, person, policy.IDENTITY.key))
