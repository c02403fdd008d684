"""Waiting lists for programmes: see ``waiting.py`` for the ranking rule and the write paths."""

from __future__ import annotations

import uuid

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from resoc.people.models import plain_text_validator
from resoc.programmes.models.catalogue import TEXT_MAX, Programme
from resoc.programmes.models.groups import Enrolment


class WaitingStatus(models.TextChoices):
    WAITING = "waiting", pgettext_lazy("waiting list status", "Waiting")
    ALLOCATED = "allocated", pgettext_lazy("waiting list status", "Given a place")
    WITHDRAWN = "withdrawn", pgettext_lazy("waiting list status", "Withdrawn")
    RELEASED = "released", pgettext_lazy("waiting list status", "Removed: no longer held there")


class WaitingOverride(models.TextChoices):
    FIRST = "first", _("Placed first by staff")
    LAST = "last", _("Placed last by staff")


class WaitingEntry(models.Model):
    """A person waiting for a programme at one prison (or other organization where groups meet).

    An entry comes from a plan measure of kind programme (``measure`` set) or from the person's own
    application, recorded by staff (``note``). The list is ranked by ``waiting.rank`` from the plan
    priority of the need, the time left to release and the waiting time; an override moves one entry
    first or last, and its reason, author and time stay visible.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="programme_waiting")
    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="waiting")
    organization = models.ForeignKey(
        "organizations.Organization", on_delete=models.PROTECT, related_name="+", verbose_name=_("prison")
    )
    measure = models.ForeignKey(
        "plans.Measure", on_delete=models.PROTECT, null=True, blank=True, related_name="waiting_entries"
    )
    note = models.TextField(_("note"), max_length=TEXT_MAX, blank=True, validators=[plain_text_validator])
    added_at = models.DateTimeField(default=timezone.now, editable=False)
    added_by = models.ForeignKey("access.User", on_delete=models.PROTECT, related_name="+")
    status = models.CharField(
        _("status"), max_length=20, choices=WaitingStatus.choices, default=WaitingStatus.WAITING
    )
    enrolment = models.ForeignKey(
        Enrolment, on_delete=models.PROTECT, null=True, blank=True, related_name="waiting_entries"
    )
    status_reason = models.TextField(
        _("reason"), max_length=TEXT_MAX, blank=True, validators=[plain_text_validator]
    )
    status_changed_at = models.DateTimeField(null=True, blank=True)
    override = models.CharField(_("override"), max_length=10, choices=WaitingOverride.choices, blank=True)
    override_reason = models.TextField(
        _("reason for the override"), max_length=TEXT_MAX, blank=True, validators=[plain_text_validator]
    )
    override_by = models.ForeignKey(
        "access.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    override_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["added_at", "pk"]
        verbose_name = _("waiting list entry")
        verbose_name_plural = _("waiting list entries")
        constraints = [
            # One waiting entry per person, programme and prison: a second proposal is refused.
            models.UniqueConstraint(
                fields=["person", "programme", "organization"],
                condition=models.Q(status="waiting"),
                name="waiting_unique_current",
            )
        ]
        indexes = [models.Index(fields=["programme", "organization", "status"], name="waiting_list")]

    def __str__(self) -> str:
        return f"{self.person_id} waiting for {self.programme_id}"
