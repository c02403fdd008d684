from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MentoringConfig(AppConfig):
    name = "resoc.mentoring"
    label = "mentoring"
    verbose_name = _("Peer mentoring")

    def ready(self) -> None:
        from resoc.mentoring.events import EVENT_LABELS
        from resoc.mentoring.merging import merge_mentoring
        from resoc.people.events import register_event_labels
        from resoc.people.merging import register_merge_handler

        register_event_labels(EVENT_LABELS)
        register_merge_handler("mentoring", merge_mentoring)
