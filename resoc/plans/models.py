"""The individual resocialization plan (Cabinet Regulation No. 191 of 2013): a person's needs from
a signed risk and needs assessment become goals, goals get measures, and the plan is reviewed."""

from __future__ import annotations

import datetime as dt
import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from resoc.assessments.models import localized
from resoc.people.models import Person, plain_text_validator

TEXT_MAX = 2000
TARGET_MAX = 300


class PlanStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    CLOSED = "closed", _("Closed")


class Plan(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="plans")
    # The prison (or probation unit) that drew up the plan: the indicator is reported per organization.
    organization = models.ForeignKey(
        "organizations.Organization",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("organization"),
    )
    assessment = models.ForeignKey(
        "assessments.Assessment",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("based on the assessment"),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=PlanStatus.choices, default=PlanStatus.ACTIVE
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    next_review_due = models.DateField(_("next review due"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # Set by the last handover at release (history in PlanHandover): from the day after it, the plan
    # is kept by ``held_by`` (none: no planning organization took it over) instead of ``organization``.
    handed_over_on = models.DateField(_("handed over on"), null=True, blank=True)
    held_by = models.ForeignKey(
        "organizations.Organization",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("kept by"),
    )

    class Meta:
        verbose_name = _("individual resocialization plan")
        verbose_name_plural = _("individual resocialization plans")
        ordering = ["-created_at", "-pk"]
        constraints = [
            # One active plan per person, even under concurrent requests.
            models.UniqueConstraint(
                fields=["person"], condition=models.Q(status="active"), name="plan_one_active"
            ),
        ]
        indexes = [models.Index(fields=["organization", "created_at"], name="plan_org_created")]

    def __str__(self) -> str:
        return f"{self.person_id} {self.get_status_display()} {self.created_at:%Y-%m-%d}"

    @property
    def is_active(self) -> bool:
        return self.status == PlanStatus.ACTIVE

    def review_overdue(self, on: dt.date | None = None) -> bool:
        """An active plan whose next review date has passed."""
        on = on or timezone.localdate()
        return self.is_active and self.next_review_due is not None and self.next_review_due < on


class Goal(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="goals")
    # The assessment domain the goal addresses, with its name and priority as the assessment gave them.
    need_key = models.SlugField(_("need"), max_length=40)
    need_name = models.CharField(max_length=200, blank=True)
    need_name_en = models.CharField(max_length=200, blank=True)
    need_priority = models.CharField(max_length=20, blank=True)
    text = models.TextField(_("goal"), max_length=TEXT_MAX, validators=[plain_text_validator])
    target = models.CharField(
        _("measurable target"), max_length=TARGET_MAX, blank=True, validators=[plain_text_validator]
    )
    due_on = models.DateField(_("due date"), null=True, blank=True)
    order = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("goal")
        verbose_name_plural = _("goals")
        ordering = ["order", "pk"]

    def __str__(self) -> str:
        return self.text[:60]

    @property
    def need_label(self) -> str:
        return localized(self.need_name, self.need_name_en) or self.need_key


class MeasureKind(models.TextChoices):
    PROGRAMME = "programme", _("Programme")
    EDUCATION = "education", _("Education")
    WORK = "work", _("Work")
    CONSULTATION = "consultation", _("Consultation")
    REFERRAL = "referral", _("Referral to another organization")
    OWN_TASK = "own_task", _("Task of the person")


class MeasureStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")


# Done and cancelled are final: the date a measure reached them is what the indicator counts on.
FINAL_STATUSES = frozenset({MeasureStatus.DONE, MeasureStatus.CANCELLED})


class Measure(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="measures")
    kind = models.CharField(_("kind"), max_length=20, choices=MeasureKind.choices)
    description = models.TextField(_("description"), max_length=TEXT_MAX, validators=[plain_text_validator])
    responsible_organization = models.ForeignKey(
        "organizations.Organization",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("responsible organization"),
    )
    responsible_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("responsible person"),
    )
    due_on = models.DateField(_("due date"))
    status = models.CharField(
        _("status"), max_length=20, choices=MeasureStatus.choices, default=MeasureStatus.PLANNED
    )
    status_changed_on = models.DateField(_("status changed on"))
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("measure")
        verbose_name_plural = _("measures")
        ordering = ["due_on", "pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.description[:60]}"

    @property
    def is_final(self) -> bool:
        return self.status in FINAL_STATUSES


class PlanReview(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="reviews")
    reviewed_on = models.DateField(_("reviewed on"))
    notes = models.TextField(_("notes"), max_length=TEXT_MAX, validators=[plain_text_validator])
    next_review_due = models.DateField(_("next review due"))
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("plan review")
        verbose_name_plural = _("plan reviews")
        ordering = ["-reviewed_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.plan_id} {self.reviewed_on}"


class PlanHandover(models.Model):
    """The plan passed on at release: the keeper before and after, and the measures that moved."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="handovers")
    from_organization = models.ForeignKey(
        "organizations.Organization", on_delete=models.PROTECT, related_name="+", verbose_name=_("from")
    )
    # The probation unit that keeps the plan after release; none when only a municipality receives.
    to_organization = models.ForeignKey(
        "organizations.Organization",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("kept by"),
    )
    handed_over_on = models.DateField(_("handed over on"))
    # [{"measure": public id, "from": organization code, "to": organization code}, ...]
    measures = models.JSONField(default=list)
    reference = models.CharField(max_length=60, blank=True)  # the release handover's public id
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("plan handover")
        verbose_name_plural = _("plan handovers")
        ordering = ["handed_over_on", "pk"]

    def __str__(self) -> str:
        return f"{self.plan_id} {self.handed_over_on}"
