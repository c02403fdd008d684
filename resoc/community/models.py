"""NGOs' cooperation with the state institutions whose people they support.

An NGO works with prisoners and probation clients only under a cooperation agreement with the
institution (the Prison Administration or one prison, the Probation Service or one unit). The
agreement is what lets the NGO receive referrals and its volunteers enter the prisons it covers;
when it expires, both stop until a new one is in force.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from resoc.people.models import plain_text_validator


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
