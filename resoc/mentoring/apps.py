from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MentoringConfig(AppConfig):
    name = "resoc.mentoring"
    label = "mentoring"
    verbose_name = _("Peer mentoring")

    def ready(self) -> None:
        from resoc.mentoring.events import EVENT_LABELS
        from resoc.people.events import register_event_labels

        register_event_labels(EVENT_LABELS)
