"""The programme catalogue (what can be offered), the places where it is offered and their rooms.

A programme is delivered by organizations (IeVP, VPD, NVA, an NGO); an *offer* is one organization's
delivery of one programme, available at one or more locations — the service directory that is exported
as Open Referral HSDS 3 (offer = service, location = location, offer location = service_at_location).
Groups, sessions, enrolments and attendance build on these models in later parts of issue #4.
"""

from __future__ import annotations

import uuid

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from resoc.assessments.models import RiskLevel, localized
from resoc.people.models import LatvianLevel, Sex, plain_text_validator

TEXT_MAX = 4000
NAME_MAX = 200
# CEFR order of the Latvian levels a person record can hold: a rule "at least B1" compares positions.
LATVIAN_ORDER: list[str] = [choice.value for choice in LatvianLevel]


class ProgrammeType(models.Model):
    """Correction, motivation, vocational education, ... (reference data, see ``reference.py``)."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=NAME_MAX)
    name_en = models.CharField(_("name in English"), max_length=NAME_MAX, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["order", "code"]
        verbose_name = _("programme type")
        verbose_name_plural = _("programme types")

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        return localized(self.name, self.name_en)


class ProgrammeQuerySet(models.QuerySet["Programme"]):
    def active(self) -> ProgrammeQuerySet:
        return self.filter(is_active=True)


class Programme(models.Model):
    """One programme of the catalogue with its aims, the needs it addresses and who may take part.

    Eligibility rules are columns rather than free text so that ``eligibility.check`` can evaluate
    them; an empty rule (no bound, empty list) means "no restriction".
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    code = models.SlugField(_("code"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=NAME_MAX, validators=[plain_text_validator])
    name_en = models.CharField(
        _("name in English"), max_length=NAME_MAX, blank=True, validators=[plain_text_validator]
    )
    type = models.ForeignKey(
        ProgrammeType, on_delete=models.PROTECT, related_name="programmes", verbose_name=_("type")
    )
    aims = models.TextField(_("aims"), max_length=TEXT_MAX, validators=[plain_text_validator])
    aims_en = models.TextField(
        _("aims in English"), max_length=TEXT_MAX, blank=True, validators=[plain_text_validator]
    )
    # Keys of assessment domains (``assessments/instruments/*.json``): keys are stable across versions.
    needs = models.JSONField(_("needs addressed"), default=list, blank=True)
    sessions = models.PositiveSmallIntegerField(
        _("number of sessions"), null=True, blank=True, validators=[MaxValueValidator(2000)]
    )
    hours = models.PositiveSmallIntegerField(
        _("hours in total"), null=True, blank=True, validators=[MaxValueValidator(5000)]
    )
    certificate = models.CharField(
        _("certificate or qualification awarded"),
        max_length=NAME_MAX,
        blank=True,
        validators=[plain_text_validator],
    )
    certificate_en = models.CharField(
        _("certificate in English"), max_length=NAME_MAX, blank=True, validators=[plain_text_validator]
    )
    organizations = models.ManyToManyField(
        "organizations.Organization",
        related_name="programmes",
        verbose_name=_("organizations allowed to deliver it"),
    )

    # Eligibility. Ages in full years on the day checked; time left in months to the sentence end.
    min_age = models.PositiveSmallIntegerField(
        _("minimum age"), null=True, blank=True, validators=[MaxValueValidator(120)]
    )
    max_age = models.PositiveSmallIntegerField(
        _("maximum age"), null=True, blank=True, validators=[MaxValueValidator(120)]
    )
    sexes = models.JSONField(_("for sexes"), default=list, blank=True)
    risk_levels = models.JSONField(_("for risk levels"), default=list, blank=True)
    # Codes of ``sentences.RegimeLevel``; a rule on regime levels also means "in custody".
    regime_levels = models.JSONField(_("for regime levels"), default=list, blank=True)
    min_latvian_level = models.CharField(
        _("Latvian at least"), max_length=10, choices=LatvianLevel.choices, blank=True
    )
    max_latvian_level = models.CharField(
        _("Latvian at most"), max_length=10, choices=LatvianLevel.choices, blank=True
    )
    min_months_left = models.PositiveSmallIntegerField(
        _("at least months left to serve"), null=True, blank=True, validators=[MaxValueValidator(600)]
    )
    max_months_left = models.PositiveSmallIntegerField(
        _("at most months left to serve"), null=True, blank=True, validators=[MaxValueValidator(600)]
    )

    is_active = models.BooleanField(
        _("offered"),
        default=True,
        help_text=_("A retired programme stays in the catalogue for the records that refer to it."),
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ProgrammeQuerySet.as_manager()

    class Meta:
        ordering = ["type__order", "name", "pk"]
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        return localized(self.name, self.name_en)

    @property
    def aims_label(self) -> str:
        return localized(self.aims, self.aims_en)

    @property
    def certificate_label(self) -> str:
        return localized(self.certificate, self.certificate_en)

    def clean(self) -> None:
        errors: dict[str, list[str]] = {}

        def bad(field: str, message: str) -> None:
            errors.setdefault(field, []).append(message)

        if self.min_age is not None and self.max_age is not None and self.min_age > self.max_age:
            bad("max_age", str(_("The maximum age is below the minimum age.")))
        if (
            self.min_months_left is not None
            and self.max_months_left is not None
            and self.min_months_left > self.max_months_left
        ):
            bad("max_months_left", str(_("The upper bound of the time left is below the lower bound.")))
        if (
            self.min_latvian_level
            and self.max_latvian_level
            and LATVIAN_ORDER.index(self.min_latvian_level) > LATVIAN_ORDER.index(self.max_latvian_level)
        ):
            bad("max_latvian_level", str(_("The highest Latvian level is below the lowest one.")))
        for field, allowed in (
            ("sexes", {s.value for s in Sex}),
            ("risk_levels", {r.value for r in RiskLevel}),
        ):
            value = getattr(self, field)
            if not isinstance(value, list) or any(v not in allowed for v in value):
                bad(field, str(_("Choose from the listed values.")))
        for field in ("needs", "regime_levels"):
            value = getattr(self, field)
            if not isinstance(value, list) or any(not isinstance(v, str) for v in value):
                bad(field, str(_("Choose from the listed values.")))
        if errors:
            raise ValidationError(errors)


class Location(models.Model):
    """A place where an organization works: a prison, a probation office, an NGO's centre (HSDS location)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organization = models.ForeignKey(
        "organizations.Organization",
        on_delete=models.PROTECT,
        related_name="locations",
        verbose_name=_("organization"),
    )
    name = models.CharField(_("name"), max_length=NAME_MAX, validators=[plain_text_validator])
    address = models.CharField(
        _("street address"), max_length=NAME_MAX, blank=True, validators=[plain_text_validator]
    )
    city = models.CharField(_("city"), max_length=100, blank=True, validators=[plain_text_validator])
    postal_code = models.CharField(
        _("postal code"), max_length=20, blank=True, validators=[plain_text_validator]
    )
    is_active = models.BooleanField(_("in use"), default=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("location")
        verbose_name_plural = _("locations")

    def __str__(self) -> str:
        return self.name


class RoomKind(models.TextChoices):
    CLASSROOM = "classroom", _("Classroom")
    WORKSHOP = "workshop", _("Workshop")
    HALL = "hall", _("Hall")
    COUNSELLING = "counselling", _("Consultation room")
    SPORTS = "sports", _("Sports hall or ground")
    OTHER = "other", _("Other")


class Room(models.Model):
    """A classroom, workshop or hall at a location, with the number of participants it seats."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    location = models.ForeignKey(Location, on_delete=models.PROTECT, related_name="rooms")
    name = models.CharField(_("name"), max_length=100, validators=[plain_text_validator])
    kind = models.CharField(_("kind"), max_length=20, choices=RoomKind.choices, default=RoomKind.CLASSROOM)
    capacity = models.PositiveSmallIntegerField(
        _("places"), validators=[MinValueValidator(1), MaxValueValidator(500)]
    )
    is_active = models.BooleanField(_("in use"), default=True)

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("room")
        verbose_name_plural = _("rooms")
        constraints = [models.UniqueConstraint(fields=["location", "name"], name="room_unique_name")]

    def __str__(self) -> str:
        return self.name


class Offer(models.Model):
    """One organization delivers one programme (an HSDS service), at one or more locations."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="offers")
    organization = models.ForeignKey(
        "organizations.Organization",
        on_delete=models.PROTECT,
        related_name="programme_offers",
        verbose_name=_("delivering organization"),
    )
    description = models.TextField(
        _("description"), max_length=TEXT_MAX, blank=True, validators=[plain_text_validator]
    )
    is_active = models.BooleanField(_("offered"), default=True)
    locations = models.ManyToManyField(Location, through="OfferLocation", related_name="offers")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("programme offer")
        verbose_name_plural = _("programme offers")
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "organization"], name="offer_unique_per_organization"
            )
        ]

    def __str__(self) -> str:
        return f"{self.programme} — {self.organization}"


class OfferLocation(models.Model):
    """An offer at one location (HSDS service_at_location)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    offer = models.ForeignKey(Offer, on_delete=models.CASCADE, related_name="offer_locations")
    location = models.ForeignKey(Location, on_delete=models.PROTECT, related_name="offer_locations")
    description = models.TextField(
        _("description"), max_length=TEXT_MAX, blank=True, validators=[plain_text_validator]
    )

    class Meta:
        ordering = ["pk"]
        verbose_name = _("offer at a location")
        verbose_name_plural = _("offers at locations")
        constraints = [models.UniqueConstraint(fields=["offer", "location"], name="offer_location_unique")]

    def __str__(self) -> str:
        return f"{self.offer_id} @ {self.location_id}"


class GroupStatus(models.TextChoices):
    PLANNED = "planned", pgettext_lazy("group status", "Planned")
    RUNNING = "running", pgettext_lazy("group status", "Running")
    FINISHED = "finished", pgettext_lazy("group status", "Finished")
    CANCELLED = "cancelled", pgettext_lazy("group status", "Cancelled")


# Statuses whose sessions still take a room and a facilitator's time (conflicts are checked against them).
ACTIVE_GROUP_STATUSES = (GroupStatus.PLANNED, GroupStatus.RUNNING)


class Group(models.Model):
    """A cohort of a programme delivered by an offer's organization in one room, on a recurring schedule.

    The schedule is an RFC 5545 recurrence rule read in Europe/Riga local time from ``starts_on`` at
    ``session_start`` (see ``recurrence.py``); it is expanded into ``Session`` rows so that exceptions
    (a cancelled or moved session) and, later, attendance hang on concrete sessions.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    offer = models.ForeignKey(Offer, on_delete=models.PROTECT, related_name="groups", verbose_name=_("offer"))
    room = models.ForeignKey(Room, on_delete=models.PROTECT, related_name="groups", verbose_name=_("room"))
    facilitator = models.ForeignKey(
        "access.User",
        on_delete=models.PROTECT,
        related_name="facilitated_groups",
        verbose_name=_("facilitator"),
    )
    name = models.CharField(_("group name"), max_length=NAME_MAX, validators=[plain_text_validator])
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    capacity = models.PositiveSmallIntegerField(
        _("places"), validators=[MinValueValidator(1), MaxValueValidator(500)]
    )
    status = models.CharField(
        _("status"), max_length=20, choices=GroupStatus.choices, default=GroupStatus.PLANNED
    )
    recurrence = models.CharField(_("recurrence rule"), max_length=500)
    session_start = models.TimeField(_("sessions start at"))
    session_minutes = models.PositiveSmallIntegerField(
        _("session length in minutes"), validators=[MinValueValidator(15), MaxValueValidator(600)]
    )
    cancel_reason = models.TextField(
        _("reason for cancelling"), max_length=TEXT_MAX, blank=True, validators=[plain_text_validator]
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["starts_on", "name", "pk"]
        verbose_name = _("group")
        verbose_name_plural = _("groups")

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        errors: dict[str, list[str]] = {}
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            errors["ends_on"] = [str(_("The group ends before it starts."))]
        if self.capacity and self.room_id and self.capacity > self.room.capacity:
            errors["capacity"] = [str(_("The room seats only %(seats)d.") % {"seats": self.room.capacity})]
        if errors:
            raise ValidationError(errors)


class SessionStatus(models.TextChoices):
    SCHEDULED = "scheduled", pgettext_lazy("session status", "Scheduled")
    CANCELLED = "cancelled", pgettext_lazy("session status", "Cancelled")


class Session(models.Model):
    """One meeting of a group; ``occurrence`` is the recurrence instance it came from (stable key).

    A moved session keeps its occurrence and gets another time or room; a cancelled one stays listed.
    When the group's schedule changes, sessions whose occurrence is still produced by the rule are kept
    with their exceptions, the others are removed and new occurrences are added.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="sessions")
    occurrence = models.DateTimeField(_("planned start"))
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    room = models.ForeignKey(Room, on_delete=models.PROTECT, related_name="sessions", verbose_name=_("room"))
    status = models.CharField(
        _("status"), max_length=20, choices=SessionStatus.choices, default=SessionStatus.SCHEDULED
    )
    is_moved = models.BooleanField(_("moved"), default=False)
    note = models.CharField(_("note"), max_length=NAME_MAX, blank=True, validators=[plain_text_validator])

    class Meta:
        ordering = ["starts_at", "pk"]
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        constraints = [
            models.UniqueConstraint(fields=["group", "occurrence"], name="session_unique_occurrence")
        ]
        # Conflict checks look for sessions of a room (or of anyone) overlapping a span of time.
        indexes = [
            models.Index(fields=["room", "starts_at"], name="session_room_start"),
            models.Index(fields=["starts_at"], name="session_start"),
        ]

    def __str__(self) -> str:
        return f"{self.group_id} @ {self.starts_at:%Y-%m-%d %H:%M}"


class EnrolmentStatus(models.TextChoices):
    ENROLLED = "enrolled", pgettext_lazy("enrolment status", "Enrolled")
    WITHDRAWN = "withdrawn", pgettext_lazy("enrolment status", "Withdrawn")


class Enrolment(models.Model):
    """A person's place in a group. ``flags`` keep what could not be checked when enrolling (an
    eligibility fact not recorded), so that staff see it on the group's list of participants."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    group = models.ForeignKey(Group, on_delete=models.PROTECT, related_name="enrolments")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="programme_enrolments")
    status = models.CharField(
        _("status"), max_length=20, choices=EnrolmentStatus.choices, default=EnrolmentStatus.ENROLLED
    )
    flags = models.JSONField(_("flags"), default=list, blank=True)
    enrolled_at = models.DateTimeField(default=timezone.now, editable=False)
    enrolled_by = models.ForeignKey(
        "access.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    ended_at = models.DateTimeField(null=True, blank=True)
    end_reason = models.TextField(
        _("reason"), max_length=TEXT_MAX, blank=True, validators=[plain_text_validator]
    )

    class Meta:
        ordering = ["enrolled_at", "pk"]
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")
        constraints = [
            # The database, not only the service, refuses a second current place in the same group.
            models.UniqueConstraint(
                fields=["group", "person"],
                condition=models.Q(status="enrolled"),
                name="enrolment_unique_current",
            )
        ]

    def __str__(self) -> str:
        return f"{self.person_id} in {self.group_id}"


# Attendance and outcomes (issue #4, part 4): see ``attendance.py`` for the write paths.


class AttendanceStatus(models.TextChoices):
    PRESENT = "present", pgettext_lazy("attendance", "Present")
    LATE = "late", pgettext_lazy("attendance", "Late")
    ABSENT = "absent", pgettext_lazy("attendance", "Absent")


class AbsenceReason(models.TextChoices):
    ILLNESS = "illness", _("Illness")
    TRANSFER = "transfer", _("Transfer")
    REFUSAL = "refusal", _("Refusal")
    SECURITY_REGIME = "security_regime", _("Security regime")
    COURT = "court", _("Court")
    OTHER = "other", _("Other reason")


class SessionRegister(models.Model):
    """The attendance register of one session: filled once, edited later (every edit is audited)."""

    session = models.OneToOneField(Session, on_delete=models.CASCADE, related_name="register")
    notes = models.TextField(
        _("session notes"), max_length=TEXT_MAX, blank=True, validators=[plain_text_validator]
    )
    filled_by = models.ForeignKey("access.User", on_delete=models.PROTECT, related_name="+")
    filled_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("attendance register")
        verbose_name_plural = _("attendance registers")

    def __str__(self) -> str:
        return f"register {self.session_id}"


class AttendanceMark(models.Model):
    """One participant's attendance of one session."""

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="marks")
    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="marks")
    status = models.CharField(_("attendance"), max_length=20, choices=AttendanceStatus.choices)
    reason = models.CharField(
        _("reason for absence"), max_length=20, choices=AbsenceReason.choices, blank=True
    )
    note = models.CharField(_("note"), max_length=NAME_MAX, blank=True, validators=[plain_text_validator])

    class Meta:
        ordering = ["session", "pk"]
        verbose_name = _("attendance mark")
        verbose_name_plural = _("attendance marks")
        constraints = [
            models.UniqueConstraint(fields=["session", "enrolment"], name="attendance_mark_unique"),
            # An absence always has a reason, and only an absence has one.
            models.CheckConstraint(
                condition=(models.Q(status="absent") & ~models.Q(reason=""))
                | (~models.Q(status="absent") & models.Q(reason="")),
                name="attendance_reason_iff_absent",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.enrolment_id} @ {self.session_id}: {self.status}"


class OutcomeKind(models.TextChoices):
    COMPLETED = "completed", _("Completed")
    DROPPED_OUT = "dropped_out", _("Dropped out")
    REMOVED = "removed", _("Removed")
    TRANSFERRED = "transferred", _("Transferred")


class EnrolmentOutcome(models.Model):
    """How a place ended. ``measure`` is the plan measure the place delivers (linked or found when the
    outcome is set); ``programme`` is copied from the group so the database keeps certificate numbers
    unique per programme."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    enrolment = models.OneToOneField(Enrolment, on_delete=models.CASCADE, related_name="outcome")
    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("outcome"), max_length=20, choices=OutcomeKind.choices)
    reason = models.TextField(_("reason"), max_length=TEXT_MAX, blank=True, validators=[plain_text_validator])
    certificate_number = models.CharField(
        _("certificate number"), max_length=60, blank=True, validators=[plain_text_validator]
    )
    decided_on = models.DateField(_("date"))
    measure = models.ForeignKey(
        "plans.Measure", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_by = models.ForeignKey("access.User", on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["decided_on", "pk"]
        verbose_name = _("outcome of a place")
        verbose_name_plural = _("outcomes of places")
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "certificate_number"],
                condition=~models.Q(certificate_number=""),
                name="outcome_certificate_unique",
            )
        ]

    def __str__(self) -> str:
        return f"{self.enrolment_id}: {self.kind}"


class WaitingStatus(models.TextChoices):
    WAITING = "waiting", pgettext_lazy("waiting list status", "Waiting")
    ALLOCATED = "allocated", pgettext_lazy("waiting list status", "Given a place")
    WITHDRAWN = "withdrawn", pgettext_lazy("waiting list status", "Withdrawn")
    RELEASED = "released", pgettext_lazy("waiting list status", "Removed: no longer held there")


class WaitingOverride(models.TextChoices):
    FIRST = "first", _("Placed first by staff")
    LAST = "last", _("Placed last by staff")


class WaitingEntry(models.Model):
    """A person waiting for a programme at one prison (or other organization where groups meet).

    An entry comes from a plan measure of kind programme (``measure`` set) or from the person's own
    application, recorded by staff (``note``). The list is ranked by ``waiting.rank`` from the plan
    priority of the need, the time left to release and the waiting time; an override moves one entry
    first or last, and its reason, author and time stay visible.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="programme_waiting")
    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="waiting")
    organization = models.ForeignKey(
        "organizations.Organization", on_delete=models.PROTECT, related_name="+", verbose_name=_("prison")
    )
    measure = models.ForeignKey(
        "plans.Measure", on_delete=models.PROTECT, null=True, blank=True, related_name="waiting_entries"
    )
    note = models.TextField(_("note"), max_length=TEXT_MAX, blank=True, validators=[plain_text_validator])
    added_at = models.DateTimeField(default=timezone.now, editable=False)
    added_by = models.ForeignKey("access.User", on_delete=models.PROTECT, related_name="+")
    status = models.CharField(
        _("status"), max_length=20, choices=WaitingStatus.choices, default=WaitingStatus.WAITING
    )
    enrolment = models.ForeignKey(
        Enrolment, on_delete=models.PROTECT, null=True, blank=True, related_name="waiting_entries"
    )
    status_reason = models.TextField(
        _("reason"), max_length=TEXT_MAX, blank=True, validators=[plain_text_validator]
    )
    status_changed_at = models.DateTimeField(null=True, blank=True)
    override = models.CharField(_("override"), max_length=10, choices=WaitingOverride.choices, blank=True)
    override_reason = models.TextField(
        _("reason for the override"), max_length=TEXT_MAX, blank=True, validators=[plain_text_validator]
    )
    override_by = models.ForeignKey(
        "access.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    override_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["added_at", "pk"]
        verbose_name = _("waiting list entry")
        verbose_name_plural = _("waiting list entries")
        constraints = [
            # One waiting entry per person, programme and prison: a second proposal is refused.
            models.UniqueConstraint(
                fields=["person", "programme", "organization"],
                condition=models.Q(status="waiting"),
                name="waiting_unique_current",
            )
        ]
        indexes = [models.Index(fields=["programme", "organization", "status"], name="waiting_list")]

    def __str__(self) -> str:
        return f"{self.person_id} waiting for {self.programme_id}"
