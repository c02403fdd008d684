from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlansConfig(AppConfig):
    name = "resoc.plans"
    label = "plans"
    verbose_name = _("Individual resocialization plans")

    def ready(self) -> None:
        from resoc.access import policy
        from resoc.people.events import register_event_labels
        from resoc.people.sections import register_section_context
        from resoc.plans.events import EVENT_LABELS
        from resoc.plans.selectors import plan_section

        # Plans are built from assessment needs and read by the same people: the "assessment" category.
        register_section_context(policy.ASSESSMENT.key, plan_section)
        register_event_labels(EVENT_LABELS)
