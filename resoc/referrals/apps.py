from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReferralsConfig(AppConfig):
    name = "resoc.referrals"
    label = "referrals"
    verbose_name = _("Referrals")

    def ready(self) -> None:
        from resoc.people.events import register_event_labels
        from resoc.people.merging import register_merge_handler
        from resoc.referrals.events import EVENT_LABELS
        from resoc.referrals.merging import merge_referrals

        register_event_labels(EVENT_LABELS)
        register_merge_handler("referrals", merge_referrals)
