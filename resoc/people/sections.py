"""How feature apps fill the case file's sections without the people app knowing them.

An app registers, for a data category, a function that returns the context its section template
(``people/sections/<category>.html``, shipped in the app's own templates folder) needs. The person
page calls it only when the policy allows the category (and any required purpose was stated).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from resoc.access.context import Acting
from resoc.people.models import Person

SectionContext = Callable[[Acting, Person], dict[str, Any]]

_PROVIDERS: dict[str, list[SectionContext]] = {}


def register_section_context(category_key: str, provider: SectionContext) -> SectionContext:
    _PROVIDERS.setdefault(category_key, []).append(provider)
    return provider


def section_context(category_key: str, acting: Acting, person: Person) -> dict[str, Any]:
    context: dict[str, Any] = {}
    for provider in _PROVIDERS.get(category_key, []):
        context.update(provider(acting, person))
    return context
