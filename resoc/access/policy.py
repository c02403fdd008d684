"""The one place that decides who may see which part of a person's data.

A decision depends on three things:

* the **role** of the membership the user acts through: which data categories it may ever read;
* the person's **relationship** to the membership's organization (or an organization below it):
  in its custody, supervised by it, referred to it, being prepared for release into it, or matched
  to the user as a mentor or as the facilitator of a programme group (``participant``, registered
  by ``resoc.programmes``). Each relationship kind names the roles it opens the file to;
* for NGO staff and volunteers, the person's **consent** to share that category with the
  organization (or with the mentor), which can be withdrawn at any time.

Features register their data categories and relationship kinds here instead of writing checks of
their own. A system administrator manages users and organizations but reads no case file by that role.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from django.db.models import Q
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from resoc.access.context import Acting
from resoc.access.roles import Role
from resoc.people.models import Consent, Person, PersonQuerySet, Relationship


@dataclass(frozen=True)
class DataCategory:
    key: str
    label: str | Promise
    # Special categories of GDPR Art. 9–10 (convictions, health): roles listed in
    # PURPOSE_REQUIRED_ROLES must state why before they read them.
    sensitive: bool = False


@dataclass(frozen=True)
class RelationKind:
    key: str
    label: str | Promise
    roles: frozenset[str]
    # Mentoring binds the person to one user, not to the user's whole organization.
    per_user: bool = False


_CATEGORIES: dict[str, DataCategory] = {}
_RELATIONS: dict[str, RelationKind] = {}


def register_category(category: DataCategory) -> DataCategory:
    _CATEGORIES[category.key] = category
    return category


def register_relation(kind: RelationKind) -> RelationKind:
    _RELATIONS[kind.key] = kind
    return kind


def categories() -> list[DataCategory]:
    return list(_CATEGORIES.values())


def category(key: str) -> DataCategory:
    return _CATEGORIES[key]


def relation_kinds() -> list[RelationKind]:
    return list(_RELATIONS.values())


IDENTITY = register_category(DataCategory("identity", _("Identity and contacts")))
SENTENCE = register_category(DataCategory("sentence", _("Sentence and offence"), sensitive=True))
ASSESSMENT = register_category(DataCategory("assessment", _("Risk and needs assessment"), sensitive=True))
HEALTH = register_category(DataCategory("health", _("Health and addiction"), sensitive=True))
EDUCATION_EMPLOYMENT = register_category(DataCategory("education_employment", _("Education and employment")))
FAMILY = register_category(DataCategory("family", _("Family")))
CASE_NOTES = register_category(DataCategory("case_notes", _("Case notes")))

R = Role
# Programme facilitators are in none of the organization-wide kinds: a facilitator, even one employed
# by the prison, reads only the participants of his own groups (issue #4), through ``participant``.
CUSTODY = register_relation(RelationKind("custody", _("In custody"), frozenset({R.RESOCIALIZATION_OFFICER})))
SUPERVISION = register_relation(
    RelationKind("supervision", _("Under supervision"), frozenset({R.PROBATION_OFFICER}))
)
RELEASE_PREPARATION = register_relation(
    RelationKind(
        "release_preparation",
        _("Preparing release into the area"),
        frozenset({R.PROBATION_OFFICER, R.SOCIAL_WORKER, R.CAREER_CONSULTANT}),
    )
)
REFERRAL = register_relation(
    RelationKind(
        "referral",
        _("Referred"),
        frozenset({R.CAREER_CONSULTANT, R.SOCIAL_WORKER, R.NGO_COORDINATOR}),
    )
)
CLIENT = register_relation(
    RelationKind("client", _("Client"), frozenset({R.CAREER_CONSULTANT, R.SOCIAL_WORKER, R.NGO_COORDINATOR}))
)
MENTORING = register_relation(RelationKind("mentoring", _("Mentee"), frozenset({R.VOLUNTEER}), per_user=True))

_ALL = frozenset(_CATEGORIES)
ROLE_CATEGORIES: dict[str, frozenset[str]] = {
    R.RESOCIALIZATION_OFFICER: _ALL,
    R.PROBATION_OFFICER: _ALL,
    # What a group needs: who the participant is, his schooling and work, and the assessed needs the
    # programme addresses (with a stated purpose). Never the sentence and offence.
    R.PROGRAMME_FACILITATOR: frozenset({"identity", "education_employment", "assessment"}),
    R.CAREER_CONSULTANT: frozenset({"identity", "education_employment"}),
    R.SOCIAL_WORKER: frozenset({"identity", "family", "education_employment", "health"}),
    R.NGO_COORDINATOR: frozenset({"identity", "family", "education_employment", "health"}),
    R.VOLUNTEER: frozenset({"identity", "family", "education_employment"}),
}
CONSENT_ROLES = frozenset({R.NGO_COORDINATOR, R.VOLUNTEER})
PURPOSE_REQUIRED_ROLES = frozenset(
    {R.PROGRAMME_FACILITATOR, R.SOCIAL_WORKER, R.NGO_COORDINATOR, R.CAREER_CONSULTANT}
)
# Roles that may create person records and correct their identity data.
REGISTRAR_ROLES = frozenset({R.RESOCIALIZATION_OFFICER, R.PROBATION_OFFICER})
# Roles that may merge two records of the same person.
MERGE_ROLES = frozenset({R.RESOCIALIZATION_OFFICER, R.PROBATION_OFFICER})


class Reason(StrEnum):
    ALLOWED = "allowed"
    NO_MEMBERSHIP = "no_membership"
    ROLE = "role_has_no_access_to_category"
    RELATIONSHIP = "no_current_relationship"
    CONSENT = "no_consent"


@dataclass(frozen=True)
class Decision:
    allowed: bool
    reason: Reason
    needs_purpose: bool = False

    def __bool__(self) -> bool:
        return self.allowed


def _today() -> dt.date:
    return timezone.localdate()


def _relationship_filter(acting: Acting, on: dt.date) -> Q:
    kinds = [k for k in _RELATIONS.values() if acting.role in k.roles]
    per_org = [k.key for k in kinds if not k.per_user]
    per_user = [k.key for k in kinds if k.per_user]
    active = Q(starts_on__lte=on) & (Q(ends_on__isnull=True) | Q(ends_on__gte=on))
    scope = Q(organization_id__in=acting.scope_organization_ids)
    return active & scope & (Q(kind__in=per_org) | Q(kind__in=per_user, mentor_id=acting.user.pk))


def _consent_scope(acting: Acting) -> Q:
    """Consents given to the acting organization (or, for a volunteer, to them personally) and not withdrawn."""
    scope = Q(organization_id__in=acting.scope_organization_ids, withdrawn_at__isnull=True)
    if acting.role == Role.VOLUNTEER:
        scope &= Q(mentor_id=acting.user.pk)
    return scope


def _consent_filter(acting: Acting, category_key: str) -> Q:
    return _consent_scope(acting) & Q(categories__contains=f" {category_key} ")


def _decide(acting: Acting, category_key: str, *, related: bool, consented: set[str]) -> Decision:
    if acting.membership is None:
        return Decision(False, Reason.NO_MEMBERSHIP)
    if category_key not in ROLE_CATEGORIES.get(acting.role, frozenset()):
        return Decision(False, Reason.ROLE)
    if not related:
        return Decision(False, Reason.RELATIONSHIP)
    if acting.role in CONSENT_ROLES and category_key not in consented:
        return Decision(False, Reason.CONSENT)
    needs_purpose = category(category_key).sensitive and acting.role in PURPOSE_REQUIRED_ROLES
    return Decision(True, Reason.ALLOWED, needs_purpose=needs_purpose)


def _facts(acting: Acting, person: Person, on: dt.date | None) -> tuple[bool, set[str]]:
    """Whether the person is related to ``acting`` now, and which categories they consented to share."""
    if acting.membership is None or not ROLE_CATEGORIES.get(acting.role):
        return False, set()
    related = Relationship.objects.filter(
        _relationship_filter(acting, on or _today()), person=person
    ).exists()
    consented: set[str] = set()
    if related and acting.role in CONSENT_ROLES:
        consents = Consent.objects.filter(_consent_scope(acting), person=person)
        for categories_text in consents.values_list("categories", flat=True):
            consented.update(categories_text.split())
    return related, consented


def can_read(acting: Acting, person: Person, category_key: str, *, on: dt.date | None = None) -> Decision:
    """May ``acting`` read ``category_key`` of ``person``? Purpose is reported, not enforced, here."""
    if acting.membership is None:
        return Decision(False, Reason.NO_MEMBERSHIP)
    if category_key not in ROLE_CATEGORIES.get(acting.role, frozenset()):
        return Decision(False, Reason.ROLE)
    related, consented = _facts(acting, person, on)
    return _decide(acting, category_key, related=related, consented=consented)


def readable_person_ids(
    acting: Acting, person_ids: Iterable[int], category_key: str, *, on: dt.date | None = None
) -> set[int]:
    """Those of ``person_ids`` for whom ``can_read`` allows ``category_key``: the same rule for many
    persons in at most two queries (relationships, then consents where the role needs them)."""
    if acting.membership is None or category_key not in ROLE_CATEGORIES.get(acting.role, frozenset()):
        return set()
    ids = set(person_ids)
    related = set(
        Relationship.objects.filter(_relationship_filter(acting, on or _today()), person_id__in=ids)
        .values_list("person_id", flat=True)
        .distinct()
    )
    if related and acting.role in CONSENT_ROLES:
        related &= set(
            Consent.objects.filter(_consent_filter(acting, category_key), person_id__in=related).values_list(
                "person_id", flat=True
            )
        )
    return related


def can_read_related(acting: Acting, category_key: str) -> Decision:
    """``can_read`` for a person the caller knows to be related to ``acting`` now and without consents:
    one it has just registered and admitted itself (the register import's bulk intake), so no query."""
    return _decide(acting, category_key, related=True, consented=set())


def readable_categories(acting: Acting, person: Person, *, on: dt.date | None = None) -> dict[str, Decision]:
    """Every category's decision for one person, from one look at relationships and consents."""
    related, consented = _facts(acting, person, on)
    return {c.key: _decide(acting, c.key, related=related, consented=consented) for c in categories()}


def can_register_persons(acting: Acting) -> bool:
    return acting.role in REGISTRAR_ROLES


def can_update(acting: Acting, person: Person) -> bool:
    """Identity data may be corrected by the registrar roles of an organization that holds the person."""
    return acting.role in REGISTRAR_ROLES and bool(can_read(acting, person, IDENTITY.key))


def can_merge(acting: Acting) -> bool:
    return acting.role in MERGE_ROLES


def visible_persons(acting: Acting, *, on: dt.date | None = None) -> PersonQuerySet:
    """Current person records whose identity ``acting`` may read: the base of every list and search."""
    if acting.membership is None or IDENTITY.key not in ROLE_CATEGORIES.get(acting.role, frozenset()):
        return Person.objects.none()
    on = on or _today()
    # Uncorrelated IN-subqueries: the database collects the organization's few thousand person ids
    # once (through the relationship index) instead of probing relationships for every person.
    related = Relationship.objects.filter(_relationship_filter(acting, on)).values("person_id")
    persons = Person.objects.current().filter(pk__in=related)
    if acting.role in CONSENT_ROLES:
        consented = Consent.objects.filter(_consent_filter(acting, IDENTITY.key)).values("person_id")
        persons = persons.filter(pk__in=consented)
    return persons
