from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlansConfig(AppConfig):
    name = "resoc.plans"
    label = "plans"
    verbose_name = _("Individual resocialization plans")

    def ready(self) -> None:
        from resoc.access import policy
        from resoc.casework.actions import register_action_source
        from resoc.people.events import register_event_labels
        from resoc.people.merging import register_merge_handler
        from resoc.people.sections import register_section_context
        from resoc.plans.events import EVENT_LABELS
        from resoc.plans.merging import merge_plans
        from resoc.plans.selectors import (
            ACTION_SOURCE,
            plan_action_due_dates,
            plan_next_actions,
            plan_section,
        )

        # Plans are built from assessment needs and read by the same people: the "assessment" category.
        register_section_context(policy.ASSESSMENT.key, plan_section)
        register_event_labels(EVENT_LABELS)
        # Open measures and due reviews appear as next actions on the caseload screens ("My people").
        register_action_source(ACTION_SOURCE, plan_next_actions, due_dates=plan_action_due_dates)
        register_merge_handler("plans", merge_plans)
