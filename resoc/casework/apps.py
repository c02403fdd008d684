from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CaseworkConfig(AppConfig):
    name = "resoc.casework"
    label = "casework"
    verbose_name = _("Casework")

    def ready(self) -> None:
        from resoc.access import policy
        from resoc.casework.events import EVENT_LABELS
        from resoc.casework.merging import merge_case_notes
        from resoc.casework.selectors import case_notes_section
        from resoc.people.events import register_event_labels
        from resoc.people.merging import register_merge_handler
        from resoc.people.sections import register_section_context

        register_section_context(policy.CASE_NOTES.key, case_notes_section)
        register_event_labels(EVENT_LABELS)
        register_merge_handler("casework", merge_case_notes)
