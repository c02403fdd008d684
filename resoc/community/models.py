"""NGOs' cooperation with the state institutions whose people they support.

An NGO works with prisoners and probation clients only under a cooperation agreement with the
institution (the Prison Administration or one prison, the Probation Service or one unit). The
agreement is what lets the NGO receive referrals and its volunteers enter the prisons it covers;
when it expires, both stop until a new one is in force.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from resoc.people.models import plain_text_validator

PHONE_VALIDATOR = RegexValidator(
    r"^\+?[0-9 ()\-]{5,30}$", _("Enter a phone number of digits, e.g. +371 20000000.")
)


class AreaOfWork(models.TextChoices):
    ADDICTION = "addiction", _("Addiction")
    HIV_AIDS = "hiv_aids", _("HIV/AIDS education")
    HOUSING = "housing", _("Housing")
    EMPLOYMENT = "employment", _("Employment")
    FAMILY = "family", _("Family")
    LEISURE = "leisure", _("Leisure")
    FAITH = "faith", _("Faith")
    PEER_SUPPORT = "peer_support", _("Peer support")


def encode_keys(keys: list[str]) -> str:
    """Space-delimited keys (" a b "), so that "has key X" is a plain substring filter on every database."""
    return " " + " ".join(sorted(set(keys))) + " " if keys else ""


class NgoProfile(models.Model):
    """What an NGO does, where, and how to reach it: the directory entry of one NGO."""

    organization = models.OneToOneField(
        "organizations.Organization", on_delete=models.CASCADE, related_name="ngo_profile"
    )
    description = models.TextField(
        _("description"), max_length=3000, blank=True, validators=[plain_text_validator]
    )
    # Space-delimited keys, like consent categories.
    areas = models.CharField(_("areas of work"), max_length=200, blank=True)
    regions = models.CharField(_("regions served"), max_length=100, blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True, validators=[plain_text_validator])
    phone = models.CharField(_("phone"), max_length=30, blank=True, validators=[PHONE_VALIDATOR])
    email = models.EmailField(_("e-mail"), blank=True)
    website = models.URLField(_("website"), blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("NGO profile")
        verbose_name_plural = _("NGO profiles")

    def __str__(self) -> str:
        return str(self.organization)

    @property
    def area_keys(self) -> list[str]:
        return self.areas.split()

    @property
    def region_keys(self) -> list[str]:
        return self.regions.split()

    def area_labels(self) -> list[str]:
        labels = dict(AreaOfWork.choices)
        return [str(labels.get(key, key)) for key in self.area_keys]

    def region_labels(self) -> list[str]:
        from resoc.organizations.models import Region

        labels = dict(Region.choices)
        return [str(labels.get(key, key)) for key in self.region_keys]


class ContactPerson(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    profile = models.ForeignKey(NgoProfile, on_delete=models.CASCADE, related_name="contacts")
    name = models.CharField(_("name"), max_length=150, validators=[plain_text_validator])
    position = models.CharField(_("position"), max_length=150, blank=True, validators=[plain_text_validator])
    phone = models.CharField(_("phone"), max_length=30, blank=True, validators=[PHONE_VALIDATOR])
    email = models.EmailField(_("e-mail"), blank=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("contact person")
        verbose_name_plural = _("contact persons")

    def __str__(self) -> str:
        return self.name


class CooperationAgreement(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organization = models.ForeignKey(
        "organizations.Organization",
        verbose_name=_("organization"),
        on_delete=models.PROTECT,
        related_name="cooperation_agreements",
    )
    institution = models.ForeignKey(
        "organizations.Organization",
        verbose_name=_("institution"),
        on_delete=models.PROTECT,
        related_name="agreements_as_institution",
        help_text=_("The state institution the agreement is made with; it covers its units too."),
    )
    number = models.CharField(_("agreement number"), max_length=60, validators=[plain_text_validator])
    scope = models.TextField(_("scope of cooperation"), max_length=2000, validators=[plain_text_validator])
    prisons = models.ManyToManyField(
        "organizations.Organization",
        verbose_name=_("prisons covered"),
        blank=True,
        related_name="+",
        help_text=_("Prisons the NGO's people may enter. None: no prison access."),
    )
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    end_reason = models.CharField(
        _("reason for ending early"), max_length=300, blank=True, validators=[plain_text_validator]
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-valid_from"]
        verbose_name = _("cooperation agreement")
        verbose_name_plural = _("cooperation agreements")
        indexes = [models.Index(fields=["organization", "valid_until"], name="agreement_org_valid")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(valid_until__isnull=True)
                | models.Q(valid_until__gte=models.F("valid_from")),
                name="agreement_ends_after_start",
            )
        ]

    def __str__(self) -> str:
        return f"{self.number} ({self.organization_id} ↔ {self.institution_id})"
