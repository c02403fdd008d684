"""In-app notifications and e-mail about referrals.

E-mails name no person: they say that something happened and link to the referral, which only
the people allowed to read it can open. They are sent after the transaction commits, so a refused
or rolled-back change sends nothing; in-app notifications are rows written in the same transaction.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.mail import send_mass_mail
from django.db import transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from resoc.access.models import User
from resoc.referrals import rules
from resoc.referrals.models import Notification, NotificationKind, Referral

logger = logging.getLogger(__name__)


def receiving_users(referral: Referral) -> QuerySet[User]:
    """Active members of the receiving organization in the roles that take its referrals."""
    organization = referral.receiver_organization
    return User.objects.filter(
        is_active=True,
        memberships__organization=organization,
        memberships__is_active=True,
        memberships__role__in=rules.receiver_roles(organization),
    ).distinct()


def _subject(kind: str) -> str:
    return {
        NotificationKind.RECEIVED: _("Resoc: a new referral has arrived"),
        NotificationKind.ACCEPTED: _("Resoc: your referral was accepted"),
        NotificationKind.DECLINED: _("Resoc: your referral was declined"),
        NotificationKind.COMPLETED: _("Resoc: your referral was completed"),
        NotificationKind.EXPIRED: _("Resoc: your referral expired without an answer"),
        NotificationKind.WITHDRAWN: _("Resoc: a referral was withdrawn"),
        NotificationKind.EXPIRING: _("Resoc: a referral is waiting for your answer"),
    }[NotificationKind(kind)]


def _body(referral: Referral) -> str:
    link = settings.SITE_URL + reverse("referrals:detail", args=[referral.public_id])
    return _(
        "Open the referral in Resoc to see it: %(link)s\n\n"
        "This message names no person on purpose. Do not reply to it."
    ) % {"link": link}


def notify(*, referral: Referral, kind: NotificationKind, users: list[User]) -> None:
    """One in-app notification per user now; one e-mail per user with an address after the commit."""
    if not users:
        return
    Notification.objects.bulk_create(Notification(user=user, referral=referral, kind=kind) for user in users)
    addresses = sorted({user.email for user in users if user.email})
    if not addresses:
        return
    with translation.override(settings.LANGUAGE_CODE):
        subject, body = _subject(kind), _body(referral)
    messages = [(subject, body, settings.DEFAULT_FROM_EMAIL, [address]) for address in addresses]

    def send() -> None:
        try:
            send_mass_mail(messages, fail_silently=False)
        except OSError:
            # The in-app notification is there; a mail server that is down must not undo the change.
            logger.exception("Referral e-mail could not be sent")

    transaction.on_commit(send)


def notify_receivers(*, referral: Referral, kind: NotificationKind) -> None:
    notify(referral=referral, kind=kind, users=list(receiving_users(referral)))


def notify_sender(*, referral: Referral, kind: NotificationKind) -> None:
    sender = referral.sender
    notify(referral=referral, kind=kind, users=[sender] if sender.is_active else [])


def unread_count(user: User) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


def mark_read(*, user: User, ids: list[int] | None = None) -> int:
    unread = Notification.objects.filter(user=user, read_at__isnull=True)
    if ids is not None:
        unread = unread.filter(pk__in=ids)
    return unread.update(read_at=timezone.now())
