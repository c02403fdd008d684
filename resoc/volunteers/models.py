"""Volunteers and peer mentors (līdzgaitnieki) of an organization, from application to the end.

A volunteer is a member of the public who gives time through an NGO or the Probation Service; a
peer mentor is a volunteer with lived experience of prison. Both are screened, trained and approved
before they meet anyone, and their qualifications (background check, training, prison access)
expire. The person's user account (role ``volunteer``) is linked once they are approved.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
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
