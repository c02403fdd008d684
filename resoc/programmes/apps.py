from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProgrammesConfig(AppConfig):
    name = "resoc.programmes"
    label = "programmes"
    verbose_name = _("Programmes and education")

    def ready(self) -> None:
        from resoc.access import policy
        from resoc.people.merging import register_merge_handler
        from resoc.people.sections import register_section_context
        from resoc.programmes import enrolment_services  # registers the "participant" relation
        from resoc.programmes.views import eligibility_section

        # Eligibility reads the assessment and the sentence: its link sits in the assessment section.
        register_section_context(policy.ASSESSMENT.key, eligibility_section)
        register_merge_handler("programmes", enrolment_services.merge_enrolments)
        from resoc.people.events import register_event_labels
        from resoc.programmes.attendance import EVENT_LABELS as ATTENDANCE_EVENT_LABELS
        from resoc.programmes.waiting import EVENT_LABELS as WAITING_EVENT_LABELS
        from resoc.programmes.waiting import merge_waiting

        register_event_labels(ATTENDANCE_EVENT_LABELS)
        register_event_labels(WAITING_EVENT_LABELS)
        register_merge_handler("programme_waiting", merge_waiting)
