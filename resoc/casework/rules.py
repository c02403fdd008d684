"""Who has a caseload, and which columns and note categories the policy lets them see.

Nothing here grants access: every answer is read from ``access.policy`` (role categories, relation
kinds, per-person decisions). These helpers only narrow what the policy allows to what a list of many
persons can show without asking each person.
"""

from __future__ import annotations

from collections.abc import Mapping

from resoc.access import policy
from resoc.access.context import Acting
from resoc.people.models import Person


def has_caseload(acting: Acting) -> bool:
    """Roles that some relation kind opens persons to (custody, supervision, referral, mentoring, …)."""
    return acting.membership is not None and any(
        acting.role in kind.roles for kind in policy.relation_kinds()
    )


def relation_kinds_of(acting: Acting) -> list[policy.RelationKind]:
    return [kind for kind in policy.relation_kinds() if acting.role in kind.roles]


def reads_in_lists(acting: Acting, category_key: str) -> bool:
    """May a list show ``category_key`` for every person on it, without a per-person question?

    Only when the role may read the category at all (its relationship is given by the list itself),
    needs no stated purpose for it, and needs no per-person consent (NGO roles: identity only, which
    ``visible_persons`` already checks). Otherwise the column is left out, not shown empty.
    """
    if category_key == policy.IDENTITY.key:
        return True
    if category_key not in policy.ROLE_CATEGORIES.get(acting.role, frozenset()):
        return False
    if acting.role in policy.CONSENT_ROLES:
        return False
    return not (policy.category(category_key).sensitive and acting.role in policy.PURPOSE_REQUIRED_ROLES)


def note_categories(decisions: Mapping[str, policy.Decision]) -> list[policy.DataCategory]:
    """Categories a note may be written in: those the policy lets the writer read for the person."""
    return [c for c in policy.categories() if decisions.get(c.key)]


def readable_note_categories(
    decisions: Mapping[str, policy.Decision], stated: Mapping[str, str]
) -> tuple[list[str], list[policy.DataCategory]]:
    """Categories whose notes may be shown now, and those that wait for a stated purpose."""
    shown: list[str] = []
    waiting: list[policy.DataCategory] = []
    for category in policy.categories():
        decision = decisions.get(category.key)
        if not decision:
            continue
        if decision.needs_purpose and not stated.get(category.key):
            waiting.append(category)
        else:
            shown.append(category.key)
    return shown, waiting


def may_write_notes(acting: Acting, person: Person) -> bool:
    return has_caseload(acting) and bool(note_categories(policy.readable_categories(acting, person)))
