"""Closed-loop referrals of a person from one organization to another, their history and notes.

A referral's state changes only through ``referrals.services``, which writes a ``Transition`` for
every change; the time spent in each state is read from those rows. The moments reports need
(sent, accepted, closed) are kept on the referral too, so that a report over 50,000 referrals does
not read the transition table.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from resoc.people.models import Person, plain_text_validator

TEXT_MAX = 2000


class State(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("referral state", "Draft")
    SENT = "sent", pgettext_lazy("referral state", "Sent")
    ACCEPTED = "accepted", pgettext_lazy("referral state", "Accepted")
    DECLINED = "declined", pgettext_lazy("referral state", "Declined")
    IN_PROGRESS = "in_progress", pgettext_lazy("referral state", "In progress")
    COMPLETED = "completed", pgettext_lazy("referral state", "Completed")
    CANCELLED = "cancelled", pgettext_lazy("referral state", "Cancelled")
    WITHDRAWN = "withdrawn", pgettext_lazy("referral state", "Withdrawn")
    EXPIRED = "expired", pgettext_lazy("referral state", "Expired")
    REROUTED = "rerouted", pgettext_lazy("referral state", "Re-routed")


# While a referral is in one of these, the receiver works with the person (a "referral" relationship).
OPEN_STATES = frozenset({State.SENT, State.ACCEPTED, State.IN_PROGRESS})
FINAL_STATES = frozenset(
    {State.DECLINED, State.COMPLETED, State.CANCELLED, State.WITHDRAWN, State.EXPIRED, State.REROUTED}
)


class Urgency(models.TextChoices):
    ROUTINE = "routine", _("Routine")
    SOON = "soon", _("Soon")
    URGENT = "urgent", _("Urgent")


class Referral(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="referrals")
    sender_organization = models.ForeignKey(
        "organizations.Organization",
        verbose_name=_("referring organization"),
        on_delete=models.PROTECT,
        related_name="referrals_sent",
    )
    sender = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("referred by"), on_delete=models.PROTECT, related_name="+"
    )
    receiver_organization = models.ForeignKey(
        "organizations.Organization",
        verbose_name=_("receiving organization"),
        on_delete=models.PROTECT,
        related_name="referrals_received",
    )
    measure = models.ForeignKey(
        "plans.Measure",
        verbose_name=_("plan measure"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="referrals",
    )
    reason = models.TextField(_("reason"), max_length=TEXT_MAX, validators=[plain_text_validator])
    urgency = models.CharField(_("urgency"), max_length=10, choices=Urgency.choices, default=Urgency.ROUTINE)
    # Space-delimited keys (" identity family "), as in people.Consent.
    categories = models.CharField(_("shared data categories"), max_length=300)
    state = models.CharField(_("state"), max_length=20, choices=State.choices, default=State.DRAFT)
    previous = models.ForeignKey(
        "self",
        verbose_name=_("re-routed from"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reroutes",
    )
    respond_by = models.DateField(_("answer due by"), null=True, blank=True)
    reminded_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    sent_at = models.DateTimeField(null=True, blank=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    closed_at = models.DateTimeField(null=True, blank=True)
    state_changed_at = models.DateTimeField(default=timezone.now)
    decline_reason = models.TextField(_("reason for declining"), max_length=TEXT_MAX, blank=True)
    outcome = models.TextField(_("outcome"), max_length=TEXT_MAX, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")
        indexes = [
            # The unfiltered inbox and outbox read in this order; a state filter uses the second pair.
            models.Index(fields=["receiver_organization", "-created_at", "-id"], name="referral_inbox"),
            models.Index(fields=["sender_organization", "-created_at", "-id"], name="referral_outbox"),
            models.Index(
                fields=["receiver_organization", "state", "-created_at"], name="referral_inbox_state"
            ),
            models.Index(
                fields=["sender_organization", "state", "-created_at"], name="referral_outbox_state"
            ),
            models.Index(fields=["state", "respond_by"], name="referral_due"),
            models.Index(fields=["sent_at"], name="referral_sent_at"),
        ]

    def __str__(self) -> str:
        return f"{self.public_id} ({self.state})"

    @property
    def category_keys(self) -> list[str]:
        return self.categories.split()

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES


class Transition(models.Model):
    """One change of a referral's state: kept for ever, the referral's history and timeline."""

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="transitions")
    from_state = models.CharField(max_length=20, choices=State.choices, blank=True)
    to_state = models.CharField(max_length=20, choices=State.choices)
    at = models.DateTimeField(default=timezone.now)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    by_organization = models.ForeignKey(
        "organizations.Organization", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reason = models.TextField(max_length=TEXT_MAX, blank=True)

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["referral", "at"], name="referral_transition")]

    def __str__(self) -> str:
        return f"{self.from_state or '∅'} → {self.to_state}"


class Visibility(models.TextChoices):
    SHARED = "shared", _("Both organizations")
    INTERNAL = "internal", _("Only my organization")


class Note(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    organization = models.ForeignKey("organizations.Organization", on_delete=models.PROTECT, related_name="+")
    text = models.TextField(_("note"), max_length=TEXT_MAX, validators=[plain_text_validator])
    visibility = models.CharField(
        _("visible to"), max_length=10, choices=Visibility.choices, default=Visibility.SHARED
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.referral_id}: {self.visibility}"


class NotificationKind(models.TextChoices):
    RECEIVED = "received", _("A referral arrived")
    ACCEPTED = "accepted", _("A referral was accepted")
    DECLINED = "declined", _("A referral was declined")
    COMPLETED = "completed", _("A referral was completed")
    EXPIRED = "expired", _("A referral expired without an answer")
    WITHDRAWN = "withdrawn", _("A referral was withdrawn")
    EXPIRING = "expiring", _("A referral is waiting for an answer")


class Notification(models.Model):
    """An in-app notice to one user; the text is the kind's label, so it follows the user's language."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=20, choices=NotificationKind.choices)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "read_at"], name="notification_unread")]

    def __str__(self) -> str:
        return f"{self.user_id}: {self.kind}"
