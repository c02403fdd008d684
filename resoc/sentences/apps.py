from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SentencesConfig(AppConfig):
    name = "resoc.sentences"
    label = "sentences"
    verbose_name = _("Sentences, custody and probation")

    def ready(self) -> None:
        from resoc.people.events import register_event_labels
        from resoc.people.merging import register_merge_handler
        from resoc.people.sections import register_section_context
        from resoc.sentences import events
        from resoc.sentences.merging import merge_sentence_journey
        from resoc.sentences.selectors import sentence_section

        register_section_context("sentence", sentence_section)
        register_event_labels(events.EVENT_LABELS)
        register_merge_handler("sentences", merge_sentence_journey)
