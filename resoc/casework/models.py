"""Case notes: what a worker saw, heard or did with a person, filed under one data category.

A note is read under its category (``access.policy.can_read``), so a health observation is seen only
by those who may read health data, whichever organization wrote it. Notes are a record: the author
may correct a slip within a day (``EDIT_WINDOW``); after that a note is never changed, and a
correction is a new note that names the one it corrects.
"""

from __future__ import annotations

import datetime as dt
import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from resoc.access import policy
from resoc.people.models import Person, plain_text_validator

TEXT_MAX = 5000
EDIT_WINDOW = dt.timedelta(hours=24)


class NoteKind(models.TextChoices):
    CONVERSATION = "conversation", _("Conversation")
    PHONE_CALL = "phone_call", _("Phone call")
    VISIT = "visit", _("Visit")
    MEETING = "meeting", _("Meeting")
    OBSERVATION = "observation", _("Observation")
    INCIDENT = "incident", _("Incident")


class CaseNote(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="case_notes")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("author")
    )
    organization = models.ForeignKey(
        "organizations.Organization",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("organization"),
    )
    # One of ``access.policy.categories()``: who may read the note.
    category = models.CharField(_("data category"), max_length=40)
    kind = models.CharField(_("kind"), max_length=20, choices=NoteKind.choices)
    text = models.TextField(_("note"), max_length=TEXT_MAX, validators=[plain_text_validator])
    occurred_at = models.DateTimeField(_("when it happened"))
    corrects = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="corrections",
        verbose_name=_("corrects the note"),
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("case note")
        verbose_name_plural = _("case notes")
        ordering = ["-occurred_at", "-pk"]
        indexes = [models.Index(fields=["person", "occurred_at"], name="case_note_person_time")]

    def __str__(self) -> str:
        return f"{self.person_id} {self.kind} {self.occurred_at:%Y-%m-%d}"

    @property
    def category_label(self) -> str:
        return str(policy.category(self.category).label)

    def editable_until(self) -> dt.datetime:
        return self.created_at + EDIT_WINDOW

    def is_editable_by(self, user_id: int | None, *, now: dt.datetime | None = None) -> bool:
        """Only the author, and only within the edit window after writing it."""
        return user_id == self.author_id and (now or timezone.now()) < self.editable_until()
