from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssessmentsConfig(AppConfig):
    name = "resoc.assessments"
    label = "assessments"
    verbose_name = _("Risk and needs assessment")
