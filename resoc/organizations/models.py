from __future__ import annotations

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _


class OrganizationType(models.TextChoices):
    MINISTRY = "ministry", _("Ministry")
    PRISON_ADMINISTRATION = "prison_administration", _("Prison administration")
    PRISON = "prison", _("Prison")
    PROBATION_SERVICE = "probation_service", _("Probation service")
    PROBATION_UNIT = "probation_unit", _("Probation unit")
    EMPLOYMENT_AGENCY = "employment_agency", _("Employment agency")
    EMPLOYMENT_BRANCH = "employment_branch", _("Employment agency branch")
    SOCIAL_SERVICE = "social_service", _("Municipal social service")
    NGO = "ngo", _("Non-governmental organization")
    POLICE = "police", _("Police")


class Region(models.TextChoices):
    """Latvia's five planning regions: where a person returns to and where support is given."""

    RIGA = "riga", _("Riga")
    VIDZEME = "vidzeme", _("Vidzeme")
    KURZEME = "kurzeme", _("Kurzeme")
    ZEMGALE = "zemgale", _("Zemgale")
    LATGALE = "latgale", _("Latgale")


class Organization(models.Model):
    """An institution or NGO that takes part in resocialization.

    Organizations form a tree (a prison belongs to the prison administration, a probation unit to
    the probation service); a membership in a parent covers the work of its children.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    name_en = models.CharField(_("name in English"), max_length=200, blank=True)
    short_name = models.CharField(_("short name"), max_length=40, blank=True)
    type = models.CharField(_("type"), max_length=40, choices=OrganizationType.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent organization"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    is_active = models.BooleanField(_("active"), default=True)
    is_reference_data = models.BooleanField(
        _("reference data"),
        default=False,
        help_text=_("A real institution seeded with the application, not created by users."),
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("organization")
        verbose_name_plural = _("organizations")

    def __str__(self) -> str:
        return self.short_name or self.name

    def ancestor_ids(self) -> list[int]:
        """Ids of this organization and every organization above it, nearest first."""
        ids: list[int] = []
        node: Organization | None = self
        while node is not None:
            ids.append(node.pk)
            node = node.parent
        return ids
