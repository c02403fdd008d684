"""Readable names for the codes an audit entry keeps (role, data category)."""

from __future__ import annotations

from resoc.access import policy
from resoc.access.roles import Role


def role_label(key: str) -> str:
    """The role's name in the active language; an unknown (retired) role keeps its code."""
    try:
        return str(Role(key).label)
    except ValueError:
        return key


def category_label(key: str) -> str:
    """The data category's name in the active language; an unknown category keeps its key."""
    try:
        return str(policy.category(key).label)
    except KeyError:
        return key
