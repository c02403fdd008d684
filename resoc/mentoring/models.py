"""Peer mentoring (MENTOR's Elements of Effective Practice): who asks for a mentor and what matching
needs to know of them, matches from proposal to closure with their history, and the meetings.

A match binds a person to one volunteer of an organization. While it is initiated, active or closing
it keeps a ``people.Relationship`` of kind "mentoring" for the volunteer's user, which is what lets
the access policy show the mentor his mentee (and then only what the person consented to share).
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from resoc.organizations.models import Region
from resoc.people.models import Person, plain_text_validator

TEXT_MAX = 2000


class SexPreference(models.TextChoices):
    NONE = "", _("No preference")
    FEMALE = "female", _("A woman")
    MALE = "male", _("A man")


class MenteeProfile(models.Model):
    """What matching needs that the person record lacks, as the person told the coordinator."""

    person = models.OneToOneField(Person, on_delete=models.CASCADE, related_name="mentee_profile")
    # Asked for only when nothing in the sentence journey names where the person will live.
    region = models.CharField(_("region of return"), max_length=20, choices=Region.choices, blank=True)
    mentor_sex = models.CharField(
        _("mentor's sex the person prefers"), max_length=10, choices=SexPreference.choices, blank=True
    )
    interests = models.CharField(
        _("interests"),
        max_length=300,
        blank=True,
        validators=[plain_text_validator],
        help_text=_("Separated by commas, e.g. fishing, football, woodwork."),
    )
    wants_lived_experience = models.BooleanField(
        _("wants a mentor with lived experience of prison"), default=False
    )
    # A coordinator may put a person forward without a plan measure (e.g. on probation, no plan).
    referred_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    referred_organization = models.ForeignKey(
        "organizations.Organization", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    referred_on = models.DateField(_("put forward on"), null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("mentee profile")
        verbose_name_plural = _("mentee profiles")
        indexes = [models.Index(fields=["referred_organization"], name="mentee_referred_org")]

    def __str__(self) -> str:
        return f"{self.person_id}"


class MatchStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    INITIATED = "initiated", _("Initiated")
    ACTIVE = "active", _("Active")
    CLOSING = "closing", _("Closing")
    CLOSED = "closed", _("Closed")


# Statuses that take one of the mentor's places: a proposal holds the place until it is decided.
OPEN_STATUSES = (MatchStatus.PROPOSED, MatchStatus.INITIATED, MatchStatus.ACTIVE, MatchStatus.CLOSING)
# Statuses in which the mentor meets the mentee and reads his data (the relationship exists).
RELATED_STATUSES = (MatchStatus.INITIATED, MatchStatus.ACTIVE, MatchStatus.CLOSING)


class ClosureReason(models.TextChoices):
    GOALS_REACHED = "goals_reached", _("The goals were reached")
    PLANNED_END = "planned_end", _("The agreed period ended")
    MENTEE_DECISION = "mentee_decision", _("The mentee decided to end")
    MENTOR_DECISION = "mentor_decision", _("The mentor decided to end")
    UNREACHABLE = "unreachable", _("The mentee could not be reached")
    SAFETY = "safety", _("A safety concern")
    PROPOSAL_DECLINED = "declined", _("The proposal was declined")
    OTHER = "other", _("Other reason")


class Match(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="mentoring_matches")
    mentor = models.ForeignKey(
        "volunteers.Volunteer", on_delete=models.PROTECT, related_name="matches", verbose_name=_("mentor")
    )
    organization = models.ForeignKey(
        "organizations.Organization",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("organization"),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=MatchStatus.choices, default=MatchStatus.PROPOSED
    )
    # The score and its reasons as the coordinator saw them when proposing (reason keys and params).
    score = models.SmallIntegerField(_("score"), default=0)
    score_reasons = models.JSONField(default=list)
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    proposed_at = models.DateTimeField(default=timezone.now, editable=False)
    started_on = models.DateField(_("started on"), null=True, blank=True)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    closure_reason = models.CharField(
        _("reason for closing"), max_length=20, choices=ClosureReason.choices, blank=True
    )
    closure_note = models.CharField(
        _("note on closing"), max_length=500, blank=True, validators=[plain_text_validator]
    )
    rematch = models.BooleanField(_("look for another mentor"), null=True, blank=True)
    relationship = models.OneToOneField(
        "people.Relationship", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    status_changed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("mentoring match")
        verbose_name_plural = _("mentoring matches")
        ordering = ["-proposed_at", "-pk"]
        constraints = [
            # One open match per person, even when two coordinators propose at once.
            models.UniqueConstraint(
                fields=["person"],
                condition=~models.Q(status="closed"),
                name="match_one_open_per_person",
                violation_error_message=_("This person already has an open mentoring match."),
            ),
        ]
        indexes = [
            models.Index(fields=["mentor", "status"], name="match_mentor_status"),
            models.Index(fields=["organization", "status"], name="match_org_status"),
        ]

    def __str__(self) -> str:
        return f"{self.person_id} ↔ {self.mentor_id} ({self.status})"

    @property
    def is_open(self) -> bool:
        return self.status != MatchStatus.CLOSED


class MatchTransition(models.Model):
    """One step of a match's history: who moved it from which status to which, when and why."""

    match = models.ForeignKey(Match, on_delete=models.CASCADE, related_name="transitions")
    from_status = models.CharField(max_length=20, choices=MatchStatus.choices, blank=True)
    to_status = models.CharField(max_length=20, choices=MatchStatus.choices)
    note = models.CharField(max_length=500, blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.match_id}: {self.from_status} → {self.to_status}"


class Meeting(models.Model):
    """A meeting the mentor logs; a concern in it can be flagged to the coordinator."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    match = models.ForeignKey(Match, on_delete=models.CASCADE, related_name="meetings")
    held_on = models.DateField(_("date"))
    place = models.CharField(_("place"), max_length=200, validators=[plain_text_validator])
    minutes = models.PositiveSmallIntegerField(_("duration in minutes"))
    topics = models.TextField(_("topics"), max_length=TEXT_MAX, validators=[plain_text_validator])
    concerns = models.TextField(
        _("concerns"), max_length=TEXT_MAX, blank=True, validators=[plain_text_validator]
    )
    concern_flagged = models.BooleanField(_("tell the coordinator about the concern"), default=False)
    concern_resolved_at = models.DateTimeField(null=True, blank=True)
    concern_resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    concern_resolution = models.CharField(max_length=500, blank=True, validators=[plain_text_validator])
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("mentoring meeting")
        verbose_name_plural = _("mentoring meetings")
        ordering = ["-held_on", "-pk"]
        indexes = [models.Index(fields=["match", "held_on"], name="meeting_match_day")]

    def __str__(self) -> str:
        return f"{self.match_id} {self.held_on}"

    @property
    def concern_open(self) -> bool:
        return self.concern_flagged and self.concern_resolved_at is None
