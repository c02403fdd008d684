"""Volunteers and peer mentors (līdzgaitnieki) of an organization, from application to the end.

A volunteer is a member of the public who gives time through an NGO or the Probation Service; a
peer mentor is a volunteer with lived experience of prison. Both are screened, trained and approved
before they meet anyone, and their qualifications (background check, training, prison access)
expire. The person's user account (role ``volunteer``) is linked once they are approved.
"""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from typing import Any, NoReturn

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from resoc.organizations.models import Region
from resoc.people.models import Sex, plain_text_validator


class VolunteerKind(models.TextChoices):
    VOLUNTEER = "volunteer", _("Volunteer")
    PEER_MENTOR = "peer_mentor", _("Peer mentor")


class VolunteerStatus(models.TextChoices):
    APPLICATION = "application", _("Application")
    SCREENING = "screening", _("Screening")
    TRAINING = "training", _("Training")
    APPROVED = "approved", _("Approved")
    ACTIVE = "active", _("Active")
    SUSPENDED = "suspended", _("Suspended")
    ENDED = "ended", _("Ended")


class Volunteer(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organization = models.ForeignKey(
        "organizations.Organization",
        verbose_name=_("organization"),
        on_delete=models.PROTECT,
        related_name="volunteers",
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user account"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="volunteer",
    )
    kind = models.CharField(_("kind"), max_length=20, choices=VolunteerKind.choices)
    status = models.CharField(
        _("status"), max_length=20, choices=VolunteerStatus.choices, default=VolunteerStatus.APPLICATION
    )
    given_names = models.CharField(_("given names"), max_length=100, validators=[plain_text_validator])
    family_name = models.CharField(_("family name"), max_length=100, validators=[plain_text_validator])
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True, validators=[plain_text_validator])
    sex = models.CharField(_("sex"), max_length=10, choices=Sex.choices)
    year_of_birth = models.PositiveSmallIntegerField(_("year of birth"), null=True, blank=True)
    # What matching reads (mentoring): where, in which languages and about what they can support.
    region = models.CharField(_("region"), max_length=20, choices=Region.choices, blank=True)
    languages = models.CharField(
        _("languages"), max_length=200, blank=True, validators=[plain_text_validator]
    )
    interests = models.CharField(
        _("interests"), max_length=300, blank=True, validators=[plain_text_validator]
    )
    lived_experience = models.BooleanField(_("lived experience of prison"), default=False)
    capacity = models.PositiveSmallIntegerField(
        _("mentees at a time"), default=1, help_text=_("How many people the mentor can support at once.")
    )
    applied_on = models.DateField(_("applied on"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["family_name", "given_names"]
        verbose_name = _("volunteer")
        verbose_name_plural = _("volunteers")
        indexes = [models.Index(fields=["organization", "status"], name="volunteer_org_status")]

    def __str__(self) -> str:
        return f"{self.given_names} {self.family_name}"


class StatusChange(models.Model):
    """One move in a volunteer's lifecycle: who moved it, when and why. Never changed afterwards."""

    volunteer = models.ForeignKey(Volunteer, on_delete=models.CASCADE, related_name="status_changes")
    from_status = models.CharField(_("from"), max_length=20, choices=VolunteerStatus.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=20, choices=VolunteerStatus.choices)
    reason = models.TextField(_("reason"), max_length=2000, blank=True, validators=[plain_text_validator])
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    changed_at = models.DateTimeField(_("changed at"), default=timezone.now)

    class Meta:
        ordering = ["changed_at", "pk"]
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")

    def __str__(self) -> str:
        return f"{self.from_status} → {self.to_status}"


class ScreeningStep(models.TextChoices):
    INTERVIEW = "interview", _("Interview")
    REFERENCES = "references", _("References")
    CRIMINAL_RECORD = "criminal_record", _("Criminal record check")


class ScreeningOutcome(models.TextChoices):
    SUITABLE = "suitable", _("Suitable")
    NOT_SUITABLE = "not_suitable", _("Not suitable")


class ScreeningDecision(models.Model):
    """A recorded judgement on one screening step. A conviction on the record does not decide by itself:
    a peer mentor may have one; the coordinator weighs it and writes down why."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    volunteer = models.ForeignKey(Volunteer, on_delete=models.CASCADE, related_name="screening")
    step = models.CharField(_("step"), max_length=20, choices=ScreeningStep.choices)
    outcome = models.CharField(_("decision"), max_length=20, choices=ScreeningOutcome.choices)
    has_convictions = models.BooleanField(_("the record shows convictions"), default=False)
    justification = models.TextField(
        _("justification"), max_length=4000, blank=True, validators=[plain_text_validator]
    )
    done_on = models.DateField(_("date"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["decided_at", "pk"]
        verbose_name = _("screening decision")
        verbose_name_plural = _("screening decisions")

    def __str__(self) -> str:
        return f"{self.step}: {self.outcome}"


class QualificationKind(models.TextChoices):
    BACKGROUND_CHECK = "background_check", _("Background (criminal record) check")
    TRAINING = "training", _("Training")
    PRISON_ACCESS = "prison_access", _("Prison access approval")


class Qualification(models.Model):
    """A dated qualification (ephios' grant): in force from ``valid_from`` to ``valid_until`` inclusive.

    A renewal is a new row; the old one stays as history. Prison access is granted per prison."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    volunteer = models.ForeignKey(Volunteer, on_delete=models.CASCADE, related_name="qualifications")
    kind = models.CharField(_("qualification"), max_length=20, choices=QualificationKind.choices)
    prison = models.ForeignKey(
        "organizations.Organization",
        verbose_name=_("prison"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True, validators=[plain_text_validator])
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    granted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["kind", "-valid_from", "pk"]
        verbose_name = _("qualification")
        verbose_name_plural = _("qualifications")
        indexes = [models.Index(fields=["kind", "valid_until"], name="qualification_kind_until")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(valid_until__isnull=True)
                | models.Q(valid_until__gte=models.F("valid_from")),
                name="qualification_ends_after_start",
            ),
            models.CheckConstraint(
                condition=models.Q(kind="prison_access", prison__isnull=False)
                | (~models.Q(kind="prison_access") & models.Q(prison__isnull=True)),
                name="qualification_prison_only_for_access",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.valid_from}–{self.valid_until or ''}"

    def in_force(self, on: dt.date) -> bool:
        return self.valid_from <= on and (self.valid_until is None or on <= self.valid_until)


class ActivitySetting(models.TextChoices):
    PRISON = "prison", _("In a prison")
    COMMUNITY = "community", _("In the community")


class Activity(models.Model):
    """A planned session volunteers give: in a prison (entry needs approvals) or at a place outside."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organization = models.ForeignKey(
        "organizations.Organization",
        verbose_name=_("organization"),
        on_delete=models.PROTECT,
        related_name="volunteer_activities",
    )
    title = models.CharField(_("title"), max_length=200, validators=[plain_text_validator])
    setting = models.CharField(_("where"), max_length=20, choices=ActivitySetting.choices)
    prison = models.ForeignKey(
        "organizations.Organization",
        verbose_name=_("prison"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    place = models.CharField(_("place"), max_length=200, blank=True, validators=[plain_text_validator])
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    description = models.TextField(
        _("description"), max_length=2000, blank=True, validators=[plain_text_validator]
    )
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)
    cancel_reason = models.CharField(
        _("reason for cancelling"), max_length=300, blank=True, validators=[plain_text_validator]
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["starts_at", "pk"]
        verbose_name = _("volunteer activity")
        verbose_name_plural = _("volunteer activities")
        indexes = [models.Index(fields=["organization", "starts_at"], name="activity_org_starts")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")), name="activity_ends_after_start"
            ),
            models.CheckConstraint(
                condition=models.Q(setting="prison", prison__isnull=False)
                | models.Q(setting="community", prison__isnull=True),
                name="activity_prison_only_in_prison",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class Participation(models.Model):
    """A volunteer taking part in an activity, with the times they checked in and out."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    activity = models.ForeignKey(Activity, on_delete=models.PROTECT, related_name="participations")
    volunteer = models.ForeignKey(Volunteer, on_delete=models.PROTECT, related_name="participations")
    checked_in_at = models.DateTimeField(_("checked in"), null=True, blank=True)
    checked_out_at = models.DateTimeField(_("checked out"), null=True, blank=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["activity__starts_at", "pk"]
        verbose_name = _("participation")
        verbose_name_plural = _("participations")
        constraints = [
            models.UniqueConstraint(fields=["activity", "volunteer"], name="participation_unique"),
            models.CheckConstraint(
                condition=models.Q(checked_out_at__isnull=True)
                | models.Q(checked_in_at__isnull=False, checked_out_at__gte=models.F("checked_in_at")),
                name="participation_out_after_in",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.volunteer_id} @ {self.activity_id}"


class HoursStatus(models.TextChoices):
    CLAIMED = "claimed", _("Waiting for approval")
    APPROVED = "approved", _("Approved")
    DECLINED = "declined", _("Declined")


class HoursDeleteError(Exception):
    """Hours are declined with a reason, never deleted: the record of work given must stay."""


class HoursClaimQuerySet(models.QuerySet["HoursClaim"]):
    def delete(self) -> NoReturn:
        raise HoursDeleteError("volunteer hours cannot be deleted; decline them")


class HoursClaim(models.Model):
    """Hours a volunteer claims for one participation, approved or declined by the coordinator."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    participation = models.ForeignKey(Participation, on_delete=models.PROTECT, related_name="claims")
    hours = models.DecimalField(
        _("hours"),
        max_digits=4,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.25")), MaxValueValidator(Decimal("24"))],
    )
    status = models.CharField(
        _("status"), max_length=20, choices=HoursStatus.choices, default=HoursStatus.CLAIMED
    )
    claimed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    claimed_at = models.DateTimeField(default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decline_reason = models.TextField(
        _("reason for declining"), max_length=2000, blank=True, validators=[plain_text_validator]
    )

    objects = HoursClaimQuerySet.as_manager()

    class Meta:
        ordering = ["claimed_at", "pk"]
        verbose_name = _("hours")
        verbose_name_plural = _("hours")
        indexes = [models.Index(fields=["status"], name="hours_status")]
        constraints = [
            # One open or approved claim per participation; declined ones stay beside it as history.
            models.UniqueConstraint(
                fields=["participation"],
                condition=~models.Q(status="declined"),
                name="hours_one_live_claim",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="declined") | ~models.Q(decline_reason=""),
                name="hours_declined_with_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.hours} h ({self.status})"

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise HoursDeleteError("volunteer hours cannot be deleted; decline them")


class ReminderSent(models.Model):
    """The day an organization's coordinators were e-mailed about expiring qualifications: once a day."""

    organization = models.ForeignKey("organizations.Organization", on_delete=models.CASCADE, related_name="+")
    sent_on = models.DateField()
    recipients = models.PositiveIntegerField(default=0)
    qualifications = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organization", "sent_on"], name="reminder_once_a_day")
        ]

    def __str__(self) -> str:
        return f"{self.organization_id} {self.sent_on}"
