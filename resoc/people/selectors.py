from __future__ import annotations

import datetime as dt
import re

from django.db.models import Q

from resoc.access import policy
from resoc.access.context import Acting
from resoc.people.models import Person, PersonEvent, PersonQuerySet
from resoc.text import fold

MAX_QUERY_WORDS = 5


def person_search(*, acting: Acting, query: str) -> PersonQuerySet:
    """Persons visible to ``acting`` whose names or code start with every word of ``query``.

    Case and diacritics are ignored (``berzins`` finds ``Bērziņš``); results are in Latvian order.
    """
    persons = policy.visible_persons(acting)
    for word in fold(query).split()[:MAX_QUERY_WORDS]:
        word = re.sub(r"[^\w\-]", "", word)
        if word:
            persons = persons.filter(search_text__contains=" " + word)
    return persons.order_by("sort_key", "pk")


def person_possible_duplicates(
    *,
    family_name: str,
    given_names: str,
    date_of_birth: dt.date | None,
    personal_code: str | None,
    exclude: Person | None = None,
) -> PersonQuerySet:
    """Current records that look like the same person: same code, or same names and birth date."""
    match = Q(pk__in=[])
    if personal_code:
        match |= Q(personal_code=personal_code)
    if date_of_birth:
        # Folded names, so that "Berzins Janis" typed without diacritics still warns about "Bērziņš Jānis".
        names = f" {fold(family_name)} {fold(given_names)} "
        match |= Q(date_of_birth=date_of_birth, search_text__startswith=names)
    found = Person.objects.current().filter(match)
    if exclude is not None:
        found = found.exclude(pk=exclude.pk)
    return found


def person_timeline(
    *, acting: Acting, person: Person, decisions: dict[str, policy.Decision] | None = None, limit: int = 100
) -> list[PersonEvent]:
    """The person's events in the categories ``acting`` may read, newest first.

    ``decisions`` may pass the policy's answers the caller already has for this person.
    """
    decisions = decisions or policy.readable_categories(acting, person)
    readable = [key for key, decision in decisions.items() if decision]
    return list(
        PersonEvent.objects.filter(person=person, category__in=readable).select_related(
            "actor", "organization"
        )[:limit]
    )
