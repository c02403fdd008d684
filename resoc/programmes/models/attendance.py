"""Attendance and outcomes (issue #4, part 4): see ``attendance.py`` for the write paths."""

from __future__ import annotations

import uuid

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from resoc.people.models import plain_text_validator
from resoc.programmes.models.catalogue import NAME_MAX, TEXT_MAX, Programme
from resoc.programmes.models.groups import Enrolment, Session


class AttendanceStatus(models.TextChoices):
    PRESENT = "present", pgettext_lazy("attendance", "Present")
    LATE = "late", pgettext_lazy("attendance", "Late")
    ABSENT = "absent", pgettext_lazy("attendance", "Absent")


class AbsenceReason(models.TextChoices):
    ILLNESS = "illness", _("Illness")
    TRANSFER = "transfer", _("Transfer")
    REFUSAL = "refusal", _("Refusal")
    SECURITY_REGIME = "security_regime", _("Security regime")
    COURT = "court", _("Court")
    OTHER = "other", _("Other reason")


class SessionRegister(models.Model):
    """The attendance register of one session: filled once, edited later (every edit is audited)."""

    session = models.OneToOneField(Session, on_delete=models.CASCADE, related_name="register")
    notes = models.TextField(
        _("session notes"), max_length=TEXT_MAX, blank=True, validators=[plain_text_validator]
    )
    filled_by = models.ForeignKey("access.User", on_delete=models.PROTECT, related_name="+")
    filled_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("attendance register")
        verbose_name_plural = _("attendance registers")

    def __str__(self) -> str:
        return f"register {self.session_id}"


class AttendanceMark(models.Model):
    """One participant's attendance of one session."""

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="marks")
    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="marks")
    status = models.CharField(_("attendance"), max_length=20, choices=AttendanceStatus.choices)
    reason = models.CharField(
        _("reason for absence"), max_length=20, choices=AbsenceReason.choices, blank=True
    )
    note = models.CharField(_("note"), max_length=NAME_MAX, blank=True, validators=[plain_text_validator])

    class Meta:
        ordering = ["session", "pk"]
        verbose_name = _("attendance mark")
        verbose_name_plural = _("attendance marks")
        constraints = [
            models.UniqueConstraint(fields=["session", "enrolment"], name="attendance_mark_unique"),
            # An absence always has a reason, and only an absence has one.
            models.CheckConstraint(
                condition=(models.Q(status="absent") & ~models.Q(reason=""))
                | (~models.Q(status="absent") & models.Q(reason="")),
                name="attendance_reason_iff_absent",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.enrolment_id} @ {self.session_id}: {self.status}"


class OutcomeKind(models.TextChoices):
    COMPLETED = "completed", _("Completed")
    DROPPED_OUT = "dropped_out", _("Dropped out")
    REMOVED = "removed", _("Removed")
    TRANSFERRED = "transferred", _("Transferred")


class EnrolmentOutcome(models.Model):
    """How a place ended. ``measure`` is the plan measure the place delivers (linked or found when the
    outcome is set); ``programme`` is copied from the group so the database keeps certificate numbers
    unique per programme."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    enrolment = models.OneToOneField(Enrolment, on_delete=models.CASCADE, related_name="outcome")
    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("outcome"), max_length=20, choices=OutcomeKind.choices)
    reason = models.TextField(_("reason"), max_length=TEXT_MAX, blank=True, validators=[plain_text_validator])
    certificate_number = models.CharField(
        _("certificate number"), max_length=60, blank=True, validators=[plain_text_validator]
    )
    decided_on = models.DateField(_("date"))
    measure = models.ForeignKey(
        "plans.Measure", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_by = models.ForeignKey("access.User", on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["decided_on", "pk"]
        verbose_name = _("outcome of a place")
        verbose_name_plural = _("outcomes of places")
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "certificate_number"],
                condition=~models.Q(certificate_number=""),
                name="outcome_certificate_unique",
            )
        ]

    def __str__(self) -> str:
        return f"{self.enrolment_id}: {self.kind}"
