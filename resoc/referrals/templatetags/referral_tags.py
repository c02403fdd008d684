from __future__ import annotations

import datetime as dt

from django import template
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def timedelta_text(value: dt.timedelta) -> str:
    """A duration as days and hours ("2 d 5 h"), or minutes when under an hour."""
    seconds = int(value.total_seconds())
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    if days:
        return _("%(days)s d %(hours)s h") % {"days": days, "hours": hours}
    if hours:
        return _("%(hours)s h %(minutes)s min") % {"hours": hours, "minutes": rest // 60}
    return _("%(minutes)s min") % {"minutes": rest // 60}
