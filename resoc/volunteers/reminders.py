"""The daily reminder: coordinators are e-mailed about qualifications that expire within 30 days.

One e-mail a day per organization (``ReminderSent``), so a second run the same day, by the queue or
by cron, sends nothing again. Sent in the organization's language (Latvian) through Django's mail
backend.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from resoc.access.models import Membership
from resoc.access.roles import Role
from resoc.organizations.models import Organization
from resoc.volunteers.models import Qualification, ReminderSent
from resoc.volunteers.selectors import expiring_qualifications

COORDINATOR_ROLES = (Role.NGO_COORDINATOR, Role.ORG_ADMIN)


@dataclass(frozen=True)
class ReminderCounts:
    organizations: int
    emails: int
    qualifications: int


def _coordinator_addresses(organization_ids: list[int]) -> dict[int, list[str]]:
    found: dict[int, list[str]] = defaultdict(list)
    memberships = (
        Membership.objects.filter(
            organization_id__in=organization_ids,
            role__in=COORDINATOR_ROLES,
            is_active=True,
            user__is_active=True,
        )
        .exclude(user__email="")
        .values_list("organization_id", "user__email")
        .order_by("user__email")
    )
    for organization_id, email in memberships:
        if email not in found[organization_id]:
            found[organization_id].append(email)
    return found


def send_expiry_reminders(*, on: dt.date | None = None) -> ReminderCounts:
    on = on or timezone.localdate()
    by_org: dict[int, list[Qualification]] = defaultdict(list)
    all_org_ids = (
        Organization.objects.filter(volunteers__isnull=False).values_list("pk", flat=True).distinct()
    )
    for qualification in expiring_qualifications(organization_ids=all_org_ids, on=on):
        by_org[qualification.volunteer.organization_id].append(qualification)
    already = set(ReminderSent.objects.filter(sent_on=on).values_list("organization_id", flat=True))
    addresses = _coordinator_addresses([pk for pk in by_org if pk not in already])
    emails = sent_qualifications = 0
    for organization_id, qualifications in by_org.items():
        recipients = addresses.get(organization_id, [])
        if organization_id in already or not recipients:
            continue
        organization = qualifications[0].volunteer.organization
        try:
            with transaction.atomic():
                ReminderSent.objects.create(
                    organization=organization,
                    sent_on=on,
                    recipients=len(recipients),
                    qualifications=len(qualifications),
                )
                with translation.override(settings.LANGUAGE_CODE):
                    subject = _("Volunteer qualifications expiring within 30 days: %(count)s") % {
                        "count": len(qualifications)
                    }
                    body = render_to_string(
                        "volunteers/email/expiring.txt",
                        {"organization": organization, "qualifications": qualifications, "on": on},
                    )
                send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, recipients)
        except IntegrityError:
            continue  # another worker sent today's reminder meanwhile
        emails += 1
        sent_qualifications += len(qualifications)
    return ReminderCounts(organizations=len(by_org), emails=emails, qualifications=sent_qualifications)
