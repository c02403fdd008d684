from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccessConfig(AppConfig):
    name = "resoc.access"
    label = "access"
    verbose_name = _("Access")

    def ready(self) -> None:
        from resoc.access import signals  # noqa: F401  (login audit receivers)
