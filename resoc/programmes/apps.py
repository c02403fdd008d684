from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProgrammesConfig(AppConfig):
    name = "resoc.programmes"
    label = "programmes"
    verbose_name = _("Programmes and education")

    def ready(self) -> None:
        from resoc.access import policy
        from resoc.people.sections import register_section_context
        from resoc.programmes import enrolment_services  # noqa: F401  # registers the "participant" relation
        from resoc.programmes.views import eligibility_section

        # Eligibility reads the assessment and the sentence: its link sits in the assessment section.
        register_section_context(policy.ASSESSMENT.key, eligibility_section)
