from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    SYSTEM_ADMIN = "system_admin", _("System administrator")
    ORG_ADMIN = "org_admin", _("Organization administrator")
    RESOCIALIZATION_OFFICER = "resocialization_officer", _("Resocialization officer")
    PROGRAMME_FACILITATOR = "programme_facilitator", _("Programme facilitator / teacher")
    PROBATION_OFFICER = "probation_officer", _("Probation officer")
    CAREER_CONSULTANT = "career_consultant", _("Career consultant")
    SOCIAL_WORKER = "social_worker", _("Municipal social worker")
    NGO_COORDINATOR = "ngo_coordinator", _("NGO coordinator")
    VOLUNTEER = "volunteer", _("Volunteer / peer mentor")
    ANALYST = "analyst", _("Analyst")
    PROJECT_MANAGER = "project_manager", _("Project manager")
    AUDITOR = "auditor", _("Data protection officer / auditor")
