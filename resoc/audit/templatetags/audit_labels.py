from __future__ import annotations

from django import template

from resoc.audit import labels

register = template.Library()


@register.filter
def role_label(key: str) -> str:
    return labels.role_label(key)


@register.filter
def category_label(key: str) -> str:
    return labels.category_label(key)
