"""The programme catalogue (what can be offered), the places where it is offered and their rooms.

A programme is delivered by organizations (IeVP, VPD, NVA, an NGO); an *offer* is one organization's
delivery of one programme, available at one or more locations — the service directory that is exported
as Open Referral HSDS 3 (offer = service, location = location, offer location = service_at_location).
Groups, sessions, enrolments and attendance build on these models in later parts of issue #4.
"""

from __future__ import annotations

import uuid

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from resoc.assessments.models import RiskLevel, localized
from resoc.people.models import LatvianLevel, Sex, plain_text_validator

TEXT_MAX = 4000
NAME_MAX = 200
# CEFR order of the Latvian levels a person record can hold: a rule "at least B1" compares positions.
LATVIAN_ORDER: list[str] = [choice.value for choice in LatvianLevel]


class ProgrammeType(models.Model):
    """Correction, motivation, vocational education, ... (reference data, see ``reference.py``)."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=NAME_MAX)
    name_en = models.CharField(_("name in English"), max_length=NAME_MAX, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["order", "code"]
        verbose_name = _("programme type")
        verbose_name_plural = _("programme types")

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        return localized(self.name, self.name_en)


class ProgrammeQuerySet(models.QuerySet["Programme"]):
    def active(self) -> ProgrammeQuerySet:
        return self.filter(is_active=True)


class Programme(models.Model):
    """One programme of the catalogue with its aims, the needs it addresses and who may take part.

    Eligibility rules are columns rather than free text so that ``eligibility.check`` can evaluate
    them; an empty rule (no bound, empty list) means "no restriction".
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    code = models.SlugField(_("code"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=NAME_MAX, validators=[plain_text_validator])
    name_en = models.CharField(
        _("name in English"), max_length=NAME_MAX, blank=True, validators=[plain_text_validator]
    )
    type = models.ForeignKey(
        ProgrammeType, on_delete=models.PROTECT, related_name="programmes", verbose_name=_("type")
    )
    aims = models.TextField(_("aims"), max_length=TEXT_MAX, validators=[plain_text_validator])
    aims_en = models.TextField(
        _("aims in English"), max_length=TEXT_MAX, blank=True, validators=[plain_text_validator]
    )
    # Keys of assessment domains (``assessments/instruments/*.json``): keys are stable across versions.
    needs = models.JSONField(_("needs addressed"), default=list, blank=True)
    sessions = models.PositiveSmallIntegerField(
        _("number of sessions"), null=True, blank=True, validators=[MaxValueValidator(2000)]
    )
    hours = models.PositiveSmallIntegerField(
        _("hours in total"), null=True, blank=True, validators=[MaxValueValidator(5000)]
    )
    certificate = models.CharField(
        _("certificate or qualification awarded"),
        max_length=NAME_MAX,
        blank=True,
        validators=[plain_text_validator],
    )
    certificate_en = models.CharField(
        _("certificate in English"), max_length=NAME_MAX, blank=True, validators=[plain_text_validator]
    )
    organizations = models.ManyToManyField(
        "organizations.Organization",
        related_name="programmes",
        verbose_name=_("organizations allowed to deliver it"),
    )

    # Eligibility. Ages in full years on the day checked; time left in months to the sentence end.
    min_age = models.PositiveSmallIntegerField(
        _("minimum age"), null=True, blank=True, validators=[MaxValueValidator(120)]
    )
    max_age = models.PositiveSmallIntegerField(
        _("maximum age"), null=True, blank=True, validators=[MaxValueValidator(120)]
    )
    sexes = models.JSONField(_("for sexes"), default=list, blank=True)
    risk_levels = models.JSONField(_("for risk levels"), default=list, blank=True)
    # Codes of ``sentences.RegimeLevel``; a rule on regime levels also means "in custody".
    regime_levels = models.JSONField(_("for regime levels"), default=list, blank=True)
    min_latvian_level = models.CharField(
        _("Latvian at least"), max_length=10, choices=LatvianLevel.choices, blank=True
    )
    max_latvian_level = models.CharField(
        _("Latvian at most"), max_length=10, choices=LatvianLevel.choices, blank=True
    )
    min_months_left = models.PositiveSmallIntegerField(
        _("at least months left to serve"), null=True, blank=True, validators=[MaxValueValidator(600)]
    )
    max_months_left = models.PositiveSmallIntegerField(
        _("at most months left to serve"), null=True, blank=True, validators=[MaxValueValidator(600)]
    )

    is_active = models.BooleanField(
        _("offered"),
        default=True,
        help_text=_("A retired programme stays in the catalogue for the records that refer to it."),
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ProgrammeQuerySet.as_manager()

    class Meta:
        ordering = ["type__order", "name", "pk"]
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        return localized(self.name, self.name_en)

    @property
    def aims_label(self) -> str:
        return localized(self.aims, self.aims_en)

    @property
    def certificate_label(self) -> str:
        return localized(self.certificate, self.certificate_en)

    def clean(self) -> None:
        errors: dict[str, list[str]] = {}

        def bad(field: str, message: str) -> None:
            errors.setdefault(field, []).append(message)

        if self.min_age is not None and self.max_age is not None and self.min_age > self.max_age:
            bad("max_age", str(_("The maximum age is below the minimum age.")))
        if (
            self.min_months_left is not None
            and self.max_months_left is not None
            and self.min_months_left > self.max_months_left
        ):
            bad("max_months_left", str(_("The upper bound of the time left is below the lower bound.")))
        if (
            self.min_latvian_level
            and self.max_latvian_level
            and LATVIAN_ORDER.index(self.min_latvian_level) > LATVIAN_ORDER.index(self.max_latvian_level)
        ):
            bad("max_latvian_level", str(_("The highest Latvian level is below the lowest one.")))
        for field, allowed in (
            ("sexes", {s.value for s in Sex}),
            ("risk_levels", {r.value for r in RiskLevel}),
        ):
            value = getattr(self, field)
            if not isinstance(value, list) or any(v not in allowed for v in value):
                bad(field, str(_("Choose from the listed values.")))
        for field in ("needs", "regime_levels"):
            value = getattr(self, field)
            if not isinstance(value, list) or any(not isinstance(v, str) for v in value):
                bad(field, str(_("Choose from the listed values.")))
        if errors:
            raise ValidationError(errors)


class Location(models.Model):
    """A place where an organization works: a prison, a probation office, an NGO's centre (HSDS location)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organization = models.ForeignKey(
        "organizations.Organization",
        on_delete=models.PROTECT,
        related_name="locations",
        verbose_name=_("organization"),
    )
    name = models.CharField(_("name"), max_length=NAME_MAX, validators=[plain_text_validator])
    address = models.CharField(
        _("street address"), max_length=NAME_MAX, blank=True, validators=[plain_text_validator]
    )
    city = models.CharField(_("city"), max_length=100, blank=True, validators=[plain_text_validator])
    postal_code = models.CharField(
        _("postal code"), max_length=20, blank=True, validators=[plain_text_validator]
    )
    is_active = models.BooleanField(_("in use"), default=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("location")
        verbose_name_plural = _("locations")

    def __str__(self) -> str:
        return self.name


class RoomKind(models.TextChoices):
    CLASSROOM = "classroom", _("Classroom")
    WORKSHOP = "workshop", _("Workshop")
    HALL = "hall", _("Hall")
    COUNSELLING = "counselling", _("Consultation room")
    SPORTS = "sports", _("Sports hall or ground")
    OTHER = "other", _("Other")


class Room(models.Model):
    """A classroom, workshop or hall at a location, with the number of participants it seats."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    location = models.ForeignKey(Location, on_delete=models.PROTECT, related_name="rooms")
    name = models.CharField(_("name"), max_length=100, validators=[plain_text_validator])
    kind = models.CharField(_("kind"), max_length=20, choices=RoomKind.choices, default=RoomKind.CLASSROOM)
    capacity = models.PositiveSmallIntegerField(
        _("places"), validators=[MinValueValidator(1), MaxValueValidator(500)]
    )
    is_active = models.BooleanField(_("in use"), default=True)

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("room")
        verbose_name_plural = _("rooms")
        constraints = [models.UniqueConstraint(fields=["location", "name"], name="room_unique_name")]

    def __str__(self) -> str:
        return self.name


class Offer(models.Model):
    """One organization delivers one programme (an HSDS service), at one or more locations."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="offers")
    organization = models.ForeignKey(
        "organizations.Organization",
        on_delete=models.PROTECT,
        related_name="programme_offers",
        verbose_name=_("delivering organization"),
    )
    description = models.TextField(
        _("description"), max_length=TEXT_MAX, blank=True, validators=[plain_text_validator]
    )
    is_active = models.BooleanField(_("offered"), default=True)
    locations = models.ManyToManyField(Location, through="OfferLocation", related_name="offers")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("programme offer")
        verbose_name_plural = _("programme offers")
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "organization"], name="offer_unique_per_organization"
            )
        ]

    def __str__(self) -> str:
        return f"{self.programme} — {self.organization}"


class OfferLocation(models.Model):
    """An offer at one location (HSDS service_at_location)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    offer = models.ForeignKey(Offer, on_delete=models.CASCADE, related_name="offer_locations")
    location = models.ForeignKey(Location, on_delete=models.PROTECT, related_name="offer_locations")
    description = models.TextField(
        _("description"), max_length=TEXT_MAX, blank=True, validators=[plain_text_validator]
    )

    class Meta:
        ordering = ["pk"]
        verbose_name = _("offer at a location")
        verbose_name_plural = _("offers at locations")
        constraints = [models.UniqueConstraint(fields=["offer", "location"], name="offer_location_unique")]

    def __str__(self) -> str:
        return f"{self.offer_id} @ {self.location_id}"
