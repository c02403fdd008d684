from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SentencesConfig(AppConfig):
    name = "resoc.sentences"
    label = "sentences"
    verbose_name = _("Sentences, custody and probation")
