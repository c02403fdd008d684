"""Preparing a release and handing the case over (Cabinet Regulation No. 191 of 2013, part on release).

Shaped after a CiviCase *case type*: a :class:`ReleaseTemplate` is configuration (data, edited in the
admin) whose :class:`TemplateStep` rows place activities by day offsets from the expected release
date and name the organization slot and role that does them. Generating a person's timeline turns
the steps into :class:`ReleaseTask` rows of one :class:`ReleasePreparation`. Inter-institutional
meetings, the indicators that make them required, and the handover at release live here too.
"""

from __future__ import annotations

import datetime as dt
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from resoc.access.roles import Role
from resoc.assessments.models import localized
from resoc.people.models import Person, plain_text_validator

TEXT_MAX = 2000
NOTE_MAX = 500


class Area(models.TextChoices):
    DOCUMENTS = "documents", _("Documents")
    ACCOMMODATION = "accommodation", _("Accommodation")
    EMPLOYMENT = "employment", _("Employment")
    HEALTH = "health", _("Health")
    FAMILY = "family", _("Family")
    PROBATION_HANDOVER = "probation_handover", _("Probation handover")
    NGO_MENTOR = "ngo_mentor", _("NGO and peer mentor contact")


class Slot(models.TextChoices):
    """Which organization of the person's preparation does a step (CiviCase's role slots)."""

    PRISON = "prison", _("The prison holding the person")
    PROBATION_UNIT = "probation_unit", _("The receiving probation unit")
    MUNICIPALITY = "municipality", _("The social service of the municipality of return")
    NGO = "ngo", _("The supporting NGO")


class ReleaseTemplate(models.Model):
    """A configurable release-preparation timeline (one is the default for new preparations)."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    name_en = models.CharField(_("name in English"), max_length=200, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    is_default = models.BooleanField(
        _("default"), default=False, help_text=_("Used when an officer generates a timeline.")
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("release preparation template")
        verbose_name_plural = _("release preparation templates")
        constraints = [
            models.UniqueConstraint(
                fields=["is_default"],
                condition=models.Q(is_default=True),
                name="release_one_default_template",
            )
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        return localized(self.name, self.name_en)

    def clean(self) -> None:
        if self.is_default and not self.is_active:
            raise ValidationError({"is_active": _("The default template must be active.")})


class TemplateStep(models.Model):
    """One activity of a template, placed ``offset_days`` from the expected release date.

    Titles are data in both languages (as the regime levels and assessment instruments are), not
    message ids: an administrator edits steps in the admin, and a new step must not wait for a
    translation catalogue to be rebuilt and deployed.
    """

    template = models.ForeignKey(ReleaseTemplate, on_delete=models.CASCADE, related_name="steps")
    offset_days = models.SmallIntegerField(
        _("days from the release"), help_text=_("Negative before the release, e.g. -180; positive after it.")
    )
    area = models.CharField(_("area"), max_length=30, choices=Area.choices)
    title = models.CharField(_("title"), max_length=200, validators=[plain_text_validator])
    title_en = models.CharField(
        _("title in English"), max_length=200, blank=True, validators=[plain_text_validator]
    )
    slot = models.CharField(_("responsible organization"), max_length=20, choices=Slot.choices)
    role = models.CharField(_("responsible role"), max_length=40, choices=Role.choices)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["offset_days", "order", "pk"]
        verbose_name = _("template step")
        verbose_name_plural = _("template steps")

    def __str__(self) -> str:
        return f"{self.offset_days:+d} {self.label}"

    @property
    def label(self) -> str:
        return localized(self.title, self.title_en)


class ReleasePreparation(models.Model):
    """The release preparation of one sentence: the date the timeline is placed on and who takes part."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="release_preparations")
    sentence = models.OneToOneField(
        "sentences.Sentence", on_delete=models.CASCADE, related_name="release_preparation"
    )
    template = models.ForeignKey(
        ReleaseTemplate, on_delete=models.PROTECT, related_name="+", verbose_name=_("template")
    )
    release_on = models.DateField(_("expected release date"))
    prison = models.ForeignKey(
        "organizations.Organization", on_delete=models.PROTECT, related_name="+", verbose_name=_("prison")
    )
    probation_unit = models.ForeignKey(
        "organizations.Organization",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("receiving probation unit"),
    )
    municipality = models.ForeignKey(
        "organizations.Organization",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("social service of the municipality of return"),
    )
    ngo = models.ForeignKey(
        "organizations.Organization",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("supporting NGO"),
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-release_on", "-pk"]
        verbose_name = _("release preparation")
        verbose_name_plural = _("release preparations")

    def __str__(self) -> str:
        return f"{self.person_id} → {self.release_on}"


class TaskStatus(models.TextChoices):
    # "Open" alone is the catalogue's verb (open a section): the status needs its own message.
    OPEN = "open", pgettext_lazy("release task status", "Open")
    DONE = "done", _("Done")
    NOT_NEEDED = "not_needed", _("Not needed")


class ReleaseTask(models.Model):
    """One activity of a person's release preparation, or a follow-up decided at a meeting."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="release_tasks")
    preparation = models.ForeignKey(
        ReleasePreparation, null=True, blank=True, on_delete=models.CASCADE, related_name="tasks"
    )
    # The step it was generated from; kept NULL for meeting follow-ups (and if a step is deleted).
    step = models.ForeignKey(TemplateStep, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    meeting = models.ForeignKey(
        "InterInstitutionalMeeting",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="follow_up_tasks",
        verbose_name=_("meeting"),
    )
    area = models.CharField(_("area"), max_length=30, choices=Area.choices)
    # Copied from the step, so that editing a template later does not rewrite what was done.
    title = models.CharField(_("task"), max_length=200, validators=[plain_text_validator])
    title_en = models.CharField(max_length=200, blank=True)
    offset_days = models.SmallIntegerField(_("days from the release"), null=True, blank=True)
    due_on = models.DateField(_("due date"))
    slot = models.CharField(max_length=20, choices=Slot.choices, blank=True)
    assigned_organization = models.ForeignKey(
        "organizations.Organization",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("responsible organization"),
    )
    assigned_role = models.CharField(_("responsible role"), max_length=40, choices=Role.choices)
    assigned_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("responsible person"),
    )
    status = models.CharField(_("status"), max_length=20, choices=TaskStatus.choices, default=TaskStatus.OPEN)
    note = models.CharField(_("note"), max_length=NOTE_MAX, blank=True, validators=[plain_text_validator])
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    completed_at = models.DateTimeField(_("completed"), null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["due_on", "pk"]
        verbose_name = _("release task")
        verbose_name_plural = _("release tasks")
        constraints = [
            # Regenerating a timeline updates the task of a step instead of adding a second one.
            models.UniqueConstraint(
                fields=["preparation", "step"],
                condition=models.Q(step__isnull=False),
                name="release_task_one_per_step",
            )
        ]
        indexes = [
            models.Index(fields=["assigned_organization", "status", "due_on"], name="release_task_org_open"),
            models.Index(fields=["person", "status"], name="release_task_person"),
        ]

    def __str__(self) -> str:
        return f"{self.due_on} {self.title}"

    @property
    def label(self) -> str:
        return localized(self.title, self.title_en)

    @property
    def is_open(self) -> bool:
        return self.status == TaskStatus.OPEN

    def is_overdue(self, on: dt.date | None = None) -> bool:
        return self.is_open and self.due_on < (on or timezone.localdate())


class IndicatorKind(models.TextChoices):
    """Facts an officer records because the sentence data does not carry them."""

    SERIOUS_VIOLENT_OFFENCE = "serious_violent_offence", _("Serious violent offence")
    SEXUAL_OFFENCE = "sexual_offence", _("Sexual offence")
    RADICALISATION = "radicalisation", _("Signs of radicalisation")
    MENTAL_HEALTH = "mental_health", _("Mental health disorder")


class MeetingIndicator(models.Model):
    """An indicator for an inter-institutional meeting, with its source and date (who said so, when)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="meeting_indicators")
    kind = models.CharField(_("indicator"), max_length=30, choices=IndicatorKind.choices)
    source = models.CharField(
        _("source"),
        max_length=300,
        validators=[plain_text_validator],
        help_text=_("E.g. the court judgment and its date, or the report of the prison's security unit."),
    )
    noted_on = models.DateField(_("noted on"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    organization = models.ForeignKey("organizations.Organization", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    # A withdrawn indicator stays in the history (who, when, why) but no longer calls for a meeting.
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    withdrawn_by_organization = models.ForeignKey(
        "organizations.Organization", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    withdrawal_reason = models.CharField(
        _("reason for the withdrawal"), max_length=300, blank=True, validators=[plain_text_validator]
    )

    class Meta:
        ordering = ["-noted_on", "-pk"]
        verbose_name = _("meeting indicator")
        verbose_name_plural = _("meeting indicators")
        indexes = [models.Index(fields=["person", "kind"], name="release_indicator_person")]

    def __str__(self) -> str:
        return f"{self.person_id} {self.kind}"

    @property
    def is_withdrawn(self) -> bool:
        return self.withdrawn_at is not None


class MeetingReason(models.TextChoices):
    """Why an inter-institutional meeting (VPD, IeVP, State Police) is held (see DOMAIN.md)."""

    SERIOUS_VIOLENT_OFFENCE = "serious_violent_offence", _("Serious violent offence")
    SEXUAL_OFFENCE = "sexual_offence", _("Sexual offence")
    RADICALISATION = "radicalisation", _("Signs of radicalisation")
    JUVENILE_PROBATION = "juvenile_probation", _("Juvenile probation client")
    MENTAL_HEALTH = "mental_health", _("Mental health disorder")
    VERY_HIGH_RISK = "very_high_risk", _("Very high risk")


# A meeting is required for these; for the others it is possible (the officers decide).
REQUIRED_REASONS = frozenset(
    {
        MeetingReason.SERIOUS_VIOLENT_OFFENCE,
        MeetingReason.SEXUAL_OFFENCE,
        MeetingReason.RADICALISATION,
        MeetingReason.JUVENILE_PROBATION,
    }
)


class InterInstitutionalMeeting(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="release_meetings")
    held_on = models.DateField(_("date"))
    place = models.CharField(_("place"), max_length=200, validators=[plain_text_validator])
    # MeetingReason values: the rule(s) the meeting answers.
    reasons = models.JSONField(_("reasons"), default=list)
    participants = models.ManyToManyField(
        "organizations.Organization", related_name="+", verbose_name=_("participating organizations")
    )
    participant_names = models.TextField(
        _("participants"),
        max_length=TEXT_MAX,
        blank=True,
        validators=[plain_text_validator],
        help_text=_("Names and roles of those present, one per line."),
    )
    decisions = models.TextField(
        _("decisions"), max_length=TEXT_MAX, blank=True, validators=[plain_text_validator]
    )
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    organization = models.ForeignKey("organizations.Organization", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["-held_on", "-pk"]
        verbose_name = _("inter-institutional meeting")
        verbose_name_plural = _("inter-institutional meetings")
        indexes = [models.Index(fields=["person", "held_on"], name="release_meeting_person")]

    def __str__(self) -> str:
        return f"{self.person_id} {self.held_on}"

    @property
    def reason_labels(self) -> list[str]:
        labels = dict(MeetingReason.choices)
        return [str(labels.get(reason, reason)) for reason in self.reasons]


class Handover(models.Model):
    """At release the case passes from the prison to probation and/or the municipality."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="handovers")
    release = models.OneToOneField("sentences.Release", on_delete=models.CASCADE, related_name="handover")
    preparation = models.ForeignKey(
        ReleasePreparation, null=True, blank=True, on_delete=models.SET_NULL, related_name="handovers"
    )
    from_prison = models.ForeignKey(
        "organizations.Organization", on_delete=models.PROTECT, related_name="+", verbose_name=_("from")
    )
    to_probation_unit = models.ForeignKey(
        "organizations.Organization",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("to the probation unit"),
    )
    to_municipality = models.ForeignKey(
        "organizations.Organization",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("to the municipality"),
    )
    handed_over_on = models.DateField(_("handed over on"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["-handed_over_on", "-pk"]
        verbose_name = _("handover")
        verbose_name_plural = _("handovers")

    def __str__(self) -> str:
        return f"{self.person_id} {self.handed_over_on}"


class HandoverItemKind(models.TextChoices):
    PLAN_MEASURE = "plan_measure", _("Open measure of the resocialization plan")
    RELEASE_TASK = "release_task", _("Open release task")


class HandoverItem(models.Model):
    """An open item carried over, with who held it before and who holds it now."""

    handover = models.ForeignKey(Handover, on_delete=models.CASCADE, related_name="items")
    kind = models.CharField(_("kind"), max_length=20, choices=HandoverItemKind.choices)
    measure = models.ForeignKey(
        "plans.Measure", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    task = models.ForeignKey(ReleaseTask, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    text = models.CharField(_("item"), max_length=300)
    due_on = models.DateField(_("due date"), null=True, blank=True)
    previous_organization = models.ForeignKey(
        "organizations.Organization", on_delete=models.PROTECT, related_name="+", verbose_name=_("held by")
    )
    organization = models.ForeignKey(
        "organizations.Organization",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("now held by"),
    )

    class Meta:
        ordering = ["kind", "due_on", "pk"]
        verbose_name = _("handover item")
        verbose_name_plural = _("handover items")

    def __str__(self) -> str:
        return self.text


class HandoverChoice(models.Model):
    """Who takes over an open plan measure at release, chosen by the prison beforehand.

    Without a choice the handover falls back to the default (the receiving probation unit, else the
    municipality); a choice of an organization that is no longer a receiver is ignored the same way.
    """

    preparation = models.ForeignKey(ReleasePreparation, on_delete=models.CASCADE, related_name="choices")
    measure = models.ForeignKey("plans.Measure", on_delete=models.CASCADE, related_name="+")
    organization = models.ForeignKey(
        "organizations.Organization",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("taken over by"),
    )
    chosen_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    chosen_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("handover choice")
        verbose_name_plural = _("handover choices")
        constraints = [
            models.UniqueConstraint(fields=["preparation", "measure"], name="release_one_choice_per_measure")
        ]

    def __str__(self) -> str:
        return f"{self.measure_id} → {self.organization_id}"
