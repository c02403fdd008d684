"""A risk and needs assessment instrument is data (versioned rows seeded from JSON); an assessment
scores one person against one instrument version and, once signed, keeps its outcome forever."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from resoc.people.models import Person, plain_text_validator


def localized(lv: str, en: str) -> str:
    """The English text when the interface speaks English (and has one), the Latvian one otherwise."""
    return en if en and (get_language() or "").startswith("en") else lv


class RiskLevel(models.TextChoices):
    LOW = "low", _("Low")
    MEDIUM = "medium", _("Medium")
    HIGH = "high", _("High")
    VERY_HIGH = "very_high", _("Very high")


class NeedPriority(models.TextChoices):
    NONE = "none", _("No need")
    LOW = "low", _("Low priority")
    MEDIUM = "medium", _("Medium priority")
    HIGH = "high", _("High priority")


class MotivationStage(models.TextChoices):
    """Stages of change (Prochaska and DiClemente): how ready the person is to take part."""

    PRECONTEMPLATION = "precontemplation", _("Precontemplation — does not see a need to change")
    CONTEMPLATION = "contemplation", _("Contemplation — thinks about changing")
    PREPARATION = "preparation", _("Preparation — intends to take part soon")
    ACTION = "action", _("Action — takes part")
    MAINTENANCE = "maintenance", _("Maintenance — keeps up the change")


class InstrumentQuerySet(models.QuerySet["Instrument"]):
    def current(self) -> Instrument | None:
        """The newest active version: new assessments use it; older ones keep theirs."""
        return self.filter(is_active=True).order_by("-published_on", "-version").first()


class Instrument(models.Model):
    code = models.SlugField(_("code"), max_length=40)
    version = models.PositiveSmallIntegerField(_("version"))
    name = models.CharField(_("name"), max_length=200)
    name_en = models.CharField(_("name in English"), max_length=200, blank=True)
    published_on = models.DateField(_("published on"))
    is_active = models.BooleanField(_("active"), default=True)
    # Outcome rules (risk level thresholds, need priorities), evaluated by ``assessments.outcome``.
    rules = models.JSONField(default=dict)

    objects = InstrumentQuerySet.as_manager()

    class Meta:
        verbose_name = _("assessment instrument")
        verbose_name_plural = _("assessment instruments")
        constraints = [models.UniqueConstraint(fields=["code", "version"], name="instrument_unique_version")]

    def __str__(self) -> str:
        return f"{self.label} ({self.code} v{self.version})"

    @property
    def label(self) -> str:
        return localized(self.name, self.name_en)


class Domain(models.Model):
    instrument = models.ForeignKey(Instrument, on_delete=models.CASCADE, related_name="domains")
    key = models.SlugField(_("key"), max_length=40)
    name = models.CharField(_("name"), max_length=200)
    name_en = models.CharField(_("name in English"), max_length=200, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("domain")
        verbose_name_plural = _("domains")
        ordering = ["order", "pk"]
        constraints = [models.UniqueConstraint(fields=["instrument", "key"], name="domain_unique_key")]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        return localized(self.name, self.name_en)


class Item(models.Model):
    domain = models.ForeignKey(Domain, on_delete=models.CASCADE, related_name="items")
    # Unique within the instrument, so that a score names its item by key alone.
    key = models.SlugField(_("key"), max_length=40)
    text = models.CharField(_("text"), max_length=300)
    text_en = models.CharField(_("text in English"), max_length=300, blank=True)
    max_score = models.PositiveSmallIntegerField(_("maximum score"))
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("item")
        verbose_name_plural = _("items")
        ordering = ["order", "pk"]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        return localized(self.text, self.text_en)


class Status(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SIGNED = "signed", _("Signed")
    SUPERSEDED = "superseded", _("Superseded")


class Assessment(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="assessments")
    instrument = models.ForeignKey(Instrument, on_delete=models.PROTECT, related_name="assessments")
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.DRAFT)
    assessor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("assessor")
    )
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    organization = models.ForeignKey(
        "organizations.Organization",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("organization"),
    )
    motivation_stage = models.CharField(
        _("motivation to take part"), max_length=20, choices=MotivationStage.choices, blank=True
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)
    signed_at = models.DateTimeField(_("signed"), null=True, blank=True)

    # The outcome, computed when signed and never recomputed: history stays true when rules change.
    total_score = models.PositiveSmallIntegerField(_("total score"), null=True, blank=True)
    risk_level = models.CharField(_("risk level"), max_length=20, choices=RiskLevel.choices, blank=True)
    # [{"key", "name", "name_en", "score", "max_score", "priority"}] in the instrument's domain order.
    domain_results = models.JSONField(default=list, blank=True)
    # Domain keys with a need, highest priority first.
    ranked_needs = models.JSONField(default=list, blank=True)

    class Meta:
        verbose_name = _("risk and needs assessment")
        verbose_name_plural = _("risk and needs assessments")
        ordering = ["-created_at", "-pk"]
        constraints = [
            # One open draft and one valid (signed) assessment per person, even under concurrent requests.
            models.UniqueConstraint(
                fields=["person"], condition=models.Q(status="draft"), name="assessment_one_draft"
            ),
            models.UniqueConstraint(
                fields=["person"], condition=models.Q(status="signed"), name="assessment_one_signed"
            ),
        ]
        indexes = [models.Index(fields=["person", "status"], name="assessment_person_status")]

    def __str__(self) -> str:
        return f"{self.person_id} {self.get_status_display()} {self.created_at:%Y-%m-%d}"

    @property
    def is_draft(self) -> bool:
        return self.status == Status.DRAFT


class AssessmentScore(models.Model):
    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="scores")
    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="+")
    score = models.PositiveSmallIntegerField(_("score"))
    # Required for every score above zero: why the assessor scored the item so (services check it).
    rationale = models.TextField(_("rationale"), blank=True, validators=[plain_text_validator])

    class Meta:
        verbose_name = _("score")
        verbose_name_plural = _("scores")
        constraints = [models.UniqueConstraint(fields=["assessment", "item"], name="score_unique_item")]

    def __str__(self) -> str:
        return f"{self.item_id}: {self.score}"
