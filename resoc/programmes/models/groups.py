"""Groups (cohorts) of an offered programme, their sessions and the places people hold in them."""

from __future__ import annotations

import uuid

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from resoc.people.models import plain_text_validator
from resoc.programmes.models.catalogue import NAME_MAX, TEXT_MAX, Offer, Room


class GroupStatus(models.TextChoices):
    PLANNED = "planned", pgettext_lazy("group status", "Planned")
    RUNNING = "running", pgettext_lazy("group status", "Running")
    FINISHED = "finished", pgettext_lazy("group status", "Finished")
    CANCELLED = "cancelled", pgettext_lazy("group status", "Cancelled")


# Statuses whose sessions still take a room and a facilitator's time (conflicts are checked against them).
ACTIVE_GROUP_STATUSES = (GroupStatus.PLANNED, GroupStatus.RUNNING)


class Group(models.Model):
    """A cohort of a programme delivered by an offer's organization in one room, on a recurring schedule.

    The schedule is an RFC 5545 recurrence rule read in Europe/Riga local time from ``starts_on`` at
    ``session_start`` (see ``recurrence.py``); it is expanded into ``Session`` rows so that exceptions
    (a cancelled or moved session) and, later, attendance hang on concrete sessions.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    offer = models.ForeignKey(Offer, on_delete=models.PROTECT, related_name="groups", verbose_name=_("offer"))
    room = models.ForeignKey(Room, on_delete=models.PROTECT, related_name="groups", verbose_name=_("room"))
    facilitator = models.ForeignKey(
        "access.User",
        on_delete=models.PROTECT,
        related_name="facilitated_groups",
        verbose_name=_("facilitator"),
    )
    name = models.CharField(_("group name"), max_length=NAME_MAX, validators=[plain_text_validator])
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    capacity = models.PositiveSmallIntegerField(
        _("places"), validators=[MinValueValidator(1), MaxValueValidator(500)]
    )
    status = models.CharField(
        _("status"), max_length=20, choices=GroupStatus.choices, default=GroupStatus.PLANNED
    )
    recurrence = models.CharField(_("recurrence rule"), max_length=500)
    session_start = models.TimeField(_("sessions start at"))
    session_minutes = models.PositiveSmallIntegerField(
        _("session length in minutes"), validators=[MinValueValidator(15), MaxValueValidator(600)]
    )
    cancel_reason = models.TextField(
        _("reason for cancelling"), max_length=TEXT_MAX, blank=True, validators=[plain_text_validator]
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["starts_on", "name", "pk"]
        verbose_name = _("group")
        verbose_name_plural = _("groups")

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        errors: dict[str, list[str]] = {}
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            errors["ends_on"] = [str(_("The group ends before it starts."))]
        if self.capacity and self.room_id and self.capacity > self.room.capacity:
            errors["capacity"] = [str(_("The room seats only %(seats)d.") % {"seats": self.room.capacity})]
        if errors:
            raise ValidationError(errors)


class SessionStatus(models.TextChoices):
    SCHEDULED = "scheduled", pgettext_lazy("session status", "Scheduled")
    CANCELLED = "cancelled", pgettext_lazy("session status", "Cancelled")


class Session(models.Model):
    """One meeting of a group; ``occurrence`` is the recurrence instance it came from (stable key).

    A moved session keeps its occurrence and gets another time or room; a cancelled one stays listed.
    When the group's schedule changes, sessions whose occurrence is still produced by the rule are kept
    with their exceptions, the others are removed and new occurrences are added.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="sessions")
    occurrence = models.DateTimeField(_("planned start"))
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    room = models.ForeignKey(Room, on_delete=models.PROTECT, related_name="sessions", verbose_name=_("room"))
    status = models.CharField(
        _("status"), max_length=20, choices=SessionStatus.choices, default=SessionStatus.SCHEDULED
    )
    is_moved = models.BooleanField(_("moved"), default=False)
    note = models.CharField(_("note"), max_length=NAME_MAX, blank=True, validators=[plain_text_validator])

    class Meta:
        ordering = ["starts_at", "pk"]
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        constraints = [
            models.UniqueConstraint(fields=["group", "occurrence"], name="session_unique_occurrence")
        ]
        # Conflict checks look for sessions of a room (or of anyone) overlapping a span of time.
        indexes = [
            models.Index(fields=["room", "starts_at"], name="session_room_start"),
            models.Index(fields=["starts_at"], name="session_start"),
        ]

    def __str__(self) -> str:
        return f"{self.group_id} @ {self.starts_at:%Y-%m-%d %H:%M}"


class EnrolmentStatus(models.TextChoices):
    ENROLLED = "enrolled", pgettext_lazy("enrolment status", "Enrolled")
    WITHDRAWN = "withdrawn", pgettext_lazy("enrolment status", "Withdrawn")


class Enrolment(models.Model):
    """A person's place in a group. ``flags`` keep what could not be checked when enrolling (an
    eligibility fact not recorded), so that staff see it on the group's list of participants."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    group = models.ForeignKey(Group, on_delete=models.PROTECT, related_name="enrolments")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="programme_enrolments")
    status = models.CharField(
        _("status"), max_length=20, choices=EnrolmentStatus.choices, default=EnrolmentStatus.ENROLLED
    )
    flags = models.JSONField(_("flags"), default=list, blank=True)
    enrolled_at = models.DateTimeField(default=timezone.now, editable=False)
    enrolled_by = models.ForeignKey(
        "access.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    ended_at = models.DateTimeField(null=True, blank=True)
    end_reason = models.TextField(
        _("reason"), max_length=TEXT_MAX, blank=True, validators=[plain_text_validator]
    )

    class Meta:
        ordering = ["enrolled_at", "pk"]
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")
        constraints = [
            # The database, not only the service, refuses a second current place in the same group.
            models.UniqueConstraint(
                fields=["group", "person"],
                condition=models.Q(status="enrolled"),
                name="enrolment_unique_current",
            )
        ]

    def __str__(self) -> str:
        return f"{self.person_id} in {self.group_id}"
