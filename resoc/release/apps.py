from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReleaseConfig(AppConfig):
    name = "resoc.release"
    label = "release"
    verbose_name = _("Release preparation and handover")

    def ready(self) -> None:
        from resoc.access import policy
        from resoc.casework.actions import register_action_source
        from resoc.people.events import register_event_labels
        from resoc.people.merging import register_merge_handler
        from resoc.people.sections import register_section_context
        from resoc.release.events import EVENT_LABELS
        from resoc.release.merging import merge_release
        from resoc.release.selectors import (
            ACTION_SOURCE,
            release_section,
            release_task_actions,
            release_task_due_dates,
        )

        # The timeline is placed on the sentence's end and meetings answer to offence data (GDPR
        # Art. 10): it is read by exactly those who read the sentence.
        register_section_context(policy.SENTENCE.key, release_section)
        register_event_labels(EVENT_LABELS)
        register_action_source(ACTION_SOURCE, release_task_actions, due_dates=release_task_due_dates)
        register_merge_handler("release", merge_release)
