from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommunityConfig(AppConfig):
    name = "resoc.community"
    label = "community"
    verbose_name = _("Community organizations")

    def ready(self) -> None:
        from resoc.community.events import EVENT_LABELS
        from resoc.people.events import register_event_labels

        register_event_labels(EVENT_LABELS)
