from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssessmentsConfig(AppConfig):
    name = "resoc.assessments"
    label = "assessments"
    verbose_name = _("Risk and needs assessment")

    def ready(self) -> None:
        from resoc.access import policy
        from resoc.assessments.events import EVENT_LABELS
        from resoc.assessments.merging import merge_assessments
        from resoc.assessments.selectors import assessment_section
        from resoc.people.events import register_event_labels
        from resoc.people.merging import register_merge_handler
        from resoc.people.sections import register_section_context

        register_section_context(policy.ASSESSMENT.key, assessment_section)
        register_event_labels(EVENT_LABELS)
        register_merge_handler("assessments", merge_assessments)
