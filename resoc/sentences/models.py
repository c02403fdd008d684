"""Sentences, custody periods, absences, releases and probation periods of a person.

The periods are the facts; ``services.sync_relationships`` derives from them the relationship rows
the access policy reads. Institution types and regime levels are reference data (a data migration
seeds the progressive system of today; the admin edits it when the law changes).
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from resoc.organizations.models import OrganizationType


class _Named(models.Model):
    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    name_en = models.CharField(_("name in English"), max_length=200, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        """The name in the current language (Latvian unless English is chosen and known)."""
        if (get_language() or "").startswith("en") and self.name_en:
            return self.name_en
        return self.name


class InstitutionType(_Named):
    """Closed, partly closed or open prison (as data: a new Sentence Execution Law may change them)."""

    class Meta:
        ordering = ["order", "code"]
        verbose_name = _("institution type")
        verbose_name_plural = _("institution types")


class RegimeLevel(_Named):
    """A level of the progressive system within one institution type (lowest, medium, highest)."""

    institution_type = models.ForeignKey(
        InstitutionType, on_delete=models.PROTECT, related_name="levels", verbose_name=_("institution type")
    )

    class Meta:
        ordering = ["institution_type__order", "order", "code"]
        verbose_name = _("regime level")
        verbose_name_plural = _("regime levels")

    @property
    def label(self) -> str:
        return f"{self.institution_type.label}: {super().label}"


class Sentence(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="sentences")
    court = models.CharField(_("court"), max_length=200)
    starts_on = models.DateField(_("sentence start date"))
    ends_on = models.DateField(_("court-ordered end of sentence"))
    # The probation unit of the area the person will live in: it prepares the release with the prison.
    release_probation_unit = models.ForeignKey(
        "organizations.Organization",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"type": OrganizationType.PROBATION_UNIT},
        verbose_name=_("expected probation unit after release"),
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["-starts_on", "-id"]
        verbose_name = _("sentence")
        verbose_name_plural = _("sentences")

    def __str__(self) -> str:
        return f"{self.court} {self.starts_on:%d.%m.%Y}–{self.ends_on:%d.%m.%Y}"


class CustodyEnd(models.TextChoices):
    TRANSFER = "transfer", _("Transferred to another prison")
    RELEASE = "release", _("Released")


class CustodyPeriod(models.Model):
    """A stay in one prison; a transfer ends one period and opens the next on the same day."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="custody_periods")
    prison = models.ForeignKey(
        "organizations.Organization",
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"type": OrganizationType.PRISON},
        verbose_name=_("prison"),
    )
    admitted_on = models.DateField(_("admitted on"))
    left_on = models.DateField(_("left on"), null=True, blank=True)
    regime_level = models.ForeignKey(
        RegimeLevel,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("regime level"),
    )
    ended_by = models.CharField(_("ended by"), max_length=20, choices=CustodyEnd.choices, blank=True)

    class Meta:
        ordering = ["-admitted_on", "-id"]
        verbose_name = _("custody period")
        verbose_name_plural = _("custody periods")
        constraints = [
            # The database's last word on "already in custody" (two concurrent admissions).
            models.UniqueConstraint(
                fields=["person"], condition=models.Q(left_on__isnull=True), name="custody_one_open_period"
            )
        ]

    def __str__(self) -> str:
        return f"{self.prison_id} {self.admitted_on}–{self.left_on or ''}"


class AbsenceKind(models.TextChoices):
    SHORT_LEAVE = "short_leave", _("Short leave outside the prison")
    HOSPITAL = "hospital", _("Treatment in a hospital outside the prison")
    COURT = "court", _("Court hearing or procedural action")
    FAMILY = "family", _("Family visit or funeral")
    OTHER = "other", _("Other")


class TemporaryAbsence(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    custody_period = models.ForeignKey(CustodyPeriod, on_delete=models.CASCADE, related_name="absences")
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until"))
    kind = models.CharField(_("kind"), max_length=20, choices=AbsenceKind.choices)

    class Meta:
        ordering = ["-starts_on", "-id"]
        verbose_name = _("temporary absence")
        verbose_name_plural = _("temporary absences")

    def __str__(self) -> str:
        return f"{self.kind} {self.starts_on}–{self.ends_on}"


class ReleaseReason(models.TextChoices):
    END_OF_SENTENCE = "end_of_sentence", _("End of sentence")
    CONDITIONAL_EARLY = "conditional_early", _("Conditional early release")
    PARDON = "pardon", _("Pardon")
    DEATH = "death", _("Death")
    TRANSFER_ABROAD = "transfer_abroad", _("Transfer to another country")


class Release(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="releases")
    custody_period = models.OneToOneField(
        CustodyPeriod, on_delete=models.PROTECT, related_name="release", verbose_name=_("custody period")
    )
    released_on = models.DateField(_("released on"))
    reason = models.CharField(_("reason"), max_length=30, choices=ReleaseReason.choices)

    class Meta:
        ordering = ["-released_on", "-id"]
        verbose_name = _("release")
        verbose_name_plural = _("releases")

    def __str__(self) -> str:
        return f"{self.released_on} ({self.reason})"


class ProbationPeriod(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="probation_periods")
    probation_unit = models.ForeignKey(
        "organizations.Organization",
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"type": OrganizationType.PROBATION_UNIT},
        verbose_name=_("probation unit"),
    )
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("supervising officer"),
    )
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"), null=True, blank=True)

    class Meta:
        ordering = ["-starts_on", "-id"]
        verbose_name = _("probation period")
        verbose_name_plural = _("probation periods")

    def __str__(self) -> str:
        return f"{self.probation_unit_id} {self.starts_on}–{self.ends_on or ''}"
