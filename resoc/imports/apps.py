from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ImportsConfig(AppConfig):
    name = "resoc.imports"
    label = "imports"
    verbose_name = _("Register imports")
