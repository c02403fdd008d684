from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ImportsConfig(AppConfig):
    name = "resoc.imports"
    label = "imports"
    verbose_name = _("Register imports")

    def ready(self) -> None:
        from resoc.imports.services import merge_import_links
        from resoc.people.merging import register_merge_handler

        # Report rows link to the person they created or changed: the link follows a merge.
        register_merge_handler("imports", merge_import_links)
