from __future__ import annotations

from collections.abc import Iterable

from resoc.organizations.models import Organization


def organization_subtree_ids(*, roots: Iterable[int]) -> set[int]:
    """Ids of the given organizations and all their descendants (one query per tree level)."""
    found = set(roots)
    frontier = set(found)
    while frontier:
        children = (
            set(Organization.objects.filter(parent_id__in=frontier).values_list("id", flat=True)) - found
        )
        found |= children
        frontier = children
    return found
