from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from resoc.fields import BinaryOrderedCharField
from resoc.people.identity import birth_date_from_code, normalize_personal_code
from resoc.text import fold, latvian_sort_key

# Letters of any alphabet, spaces, hyphens, apostrophes and dots: names, never markup.
name_validator = RegexValidator(
    r"^[^\W\d_]+(?:[ \-'’.]+[^\W\d_]+)*\.?$",
    _("A name may contain only letters, spaces, hyphens, apostrophes and dots."),
    code="name",
)
plain_text_validator = RegexValidator(
    r"[<>]", _("This field may not contain the characters < or >."), code="markup", inverse_match=True
)


class Sex(models.TextChoices):
    FEMALE = "female", _("Female")
    MALE = "male", _("Male")
    OTHER = "other", _("Other / not stated")


class CitizenshipStatus(models.TextChoices):
    CITIZEN = "citizen", _("Citizen of Latvia")
    NON_CITIZEN = "non_citizen", _("Non-citizen of Latvia")
    FOREIGN = "foreign", _("Foreign citizen")
    STATELESS = "stateless", _("Stateless person")
    UNKNOWN = "unknown", _("Not known")


class LatvianLevel(models.TextChoices):
    NONE = "none", _("No knowledge")
    A1 = "A1", "A1"
    A2 = "A2", "A2"
    B1 = "B1", "B1"
    B2 = "B2", "B2"
    C1 = "C1", "C1"
    C2 = "C2", "C2"
    NATIVE = "native", _("Native language")


class EducationLevel(models.TextChoices):
    """ISCED 2011 levels."""

    ISCED0 = "0", _("Less than primary education (ISCED 0)")
    ISCED1 = "1", _("Primary education (ISCED 1)")
    ISCED2 = "2", _("Basic education (ISCED 2)")
    ISCED3 = "3", _("Secondary education (ISCED 3)")
    ISCED4 = "4", _("Post-secondary non-tertiary education (ISCED 4)")
    ISCED5 = "5", _("Short-cycle tertiary education (ISCED 5)")
    ISCED6 = "6", _("Bachelor's or equivalent (ISCED 6)")
    ISCED7 = "7", _("Master's or equivalent (ISCED 7)")
    ISCED8 = "8", _("Doctoral or equivalent (ISCED 8)")


class PersonQuerySet(models.QuerySet["Person"]):
    def current(self) -> PersonQuerySet:
        """Records that have not been merged into another one."""
        return self.filter(merged_into__isnull=True)


class Person(models.Model):
    """A person in resocialization: a prisoner, a probation client or a former prisoner."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    given_names = models.CharField(_("given names"), max_length=100, validators=[name_validator])
    family_name = models.CharField(_("family name"), max_length=100, validators=[name_validator])
    # NULL, not "", for a missing code: the unique constraint must not treat all missing codes as equal.
    personal_code = models.CharField(_("personal code"), max_length=12, null=True, blank=True)  # noqa: DJ001
    date_of_birth = models.DateField(_("date of birth"), null=True, blank=True)
    sex = models.CharField(_("sex"), max_length=10, choices=Sex.choices)
    citizenship_status = models.CharField(
        _("citizenship status"),
        max_length=20,
        choices=CitizenshipStatus.choices,
        default=CitizenshipStatus.CITIZEN,
    )
    citizenship_country = models.CharField(
        _("country of citizenship"),
        max_length=2,
        blank=True,
        validators=[RegexValidator(r"^[A-Z]{2}$", _("Use the two-letter country code, e.g. LV, LT, UA."))],
    )
    languages = models.CharField(
        _("languages spoken"), max_length=200, blank=True, validators=[plain_text_validator]
    )
    latvian_level = models.CharField(
        _("Latvian language level"), max_length=10, choices=LatvianLevel.choices, blank=True
    )
    education_level = models.CharField(
        _("highest education level"), max_length=2, choices=EducationLevel.choices, blank=True
    )
    phone = models.CharField(
        _("phone"),
        max_length=30,
        blank=True,
        validators=[
            RegexValidator(r"^\+?[0-9 ()\-]{5,30}$", _("Enter a phone number of digits, e.g. +371 20000000."))
        ],
    )
    email = models.EmailField(_("e-mail"), blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True, validators=[plain_text_validator])
    # Served only through the person's page (policy check and audit entry), never from MEDIA_URL.
    photo = models.ImageField(_("photo"), upload_to="photos/", blank=True, editable=False)

    # Derived from the names and code on save: the diacritics-free words search looks in, and the
    # Latvian sort key lists are ordered by (indexed, so a page of 100,000 people sorts in the database).
    search_text = models.CharField(max_length=400, editable=False, default="")
    sort_key = BinaryOrderedCharField(max_length=600, editable=False, default="", db_index=True)

    merged_into = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="merged_records",
        verbose_name=_("merged into"),
    )
    is_synthetic = models.BooleanField(default=False, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    objects = PersonQuerySet.as_manager()

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("persons")
        ordering = ["sort_key"]
        constraints = [
            models.UniqueConstraint(
                fields=["personal_code"],
                condition=models.Q(merged_into__isnull=True, personal_code__isnull=False),
                name="person_unique_current_code",
                violation_error_message=_("A person with this personal code is already registered."),
            )
        ]
        indexes = [
            models.Index(fields=["family_name", "date_of_birth"], name="person_name_birth"),
            # The register import looks up the look-alikes of a batch's rows by date of birth alone.
            models.Index(fields=["date_of_birth"], name="person_birth"),
        ]

    def __str__(self) -> str:
        return self.full_name

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.refresh_derived_fields()
        super().save(*args, **kwargs)

    @property
    def full_name(self) -> str:
        return f"{self.given_names} {self.family_name}"

    def clean(self) -> None:
        errors: dict[str, list[ValidationError]] = {}
        if self.personal_code:
            try:
                self.personal_code = normalize_personal_code(self.personal_code)
            except ValidationError as error:
                errors.setdefault("personal_code", []).append(error)
        else:
            self.personal_code = None
        if self.date_of_birth:
            today = timezone.localdate()
            if self.date_of_birth > today:
                errors.setdefault("date_of_birth", []).append(
                    ValidationError(_("The date of birth cannot be in the future."), code="future")
                )
            elif self.date_of_birth.year < 1900:
                errors.setdefault("date_of_birth", []).append(
                    ValidationError(_("The date of birth is before 1900: please check it."), code="too_old")
                )
            coded = birth_date_from_code(self.personal_code or "")
            if coded and "personal_code" not in errors and coded != self.date_of_birth:
                errors.setdefault("date_of_birth", []).append(
                    ValidationError(
                        _("The date of birth does not match the personal code (%(date)s)."),
                        code="code_mismatch",
                        params={"date": coded.strftime("%d.%m.%Y")},
                    )
                )
        elif self.personal_code and "personal_code" not in errors:
            self.date_of_birth = birth_date_from_code(self.personal_code)
        if errors:
            raise ValidationError(errors)

    def refresh_derived_fields(self) -> None:
        code = self.personal_code or ""
        words = [fold(self.family_name), fold(self.given_names), code, code.replace("-", "")]
        self.search_text = " " + " ".join(w for w in words if w) + " "
        self.sort_key = latvian_sort_key(self.family_name, self.given_names)


class IdentifierKind(models.TextChoices):
    PASSPORT = "passport", _("Passport")
    ID_CARD = "id_card", _("Identity card")
    RESIDENCE_PERMIT = "residence_permit", _("Residence permit")
    FOREIGN_PERSONAL_CODE = "foreign_code", _("Personal code of another country")
    PRISON_NUMBER = "prison_number", _("Prison register number")
    OTHER = "other", _("Other")


class PersonIdentifier(models.Model):
    """An identifier other than the Latvian personal code (foreigners, stateless persons, registers)."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="identifiers")
    kind = models.CharField(_("kind"), max_length=20, choices=IdentifierKind.choices)
    value = models.CharField(_("number"), max_length=60, validators=[plain_text_validator])
    issuing_country = models.CharField(_("issuing country"), max_length=2, blank=True)

    class Meta:
        verbose_name = _("identifier")
        verbose_name_plural = _("identifiers")
        constraints = [
            models.UniqueConstraint(fields=["kind", "value", "issuing_country"], name="identifier_unique")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.value}"


class Relationship(models.Model):
    """A person's working relationship with an organization (or, for mentoring, one user).

    The access policy reads only this table. Later features keep it true: casework writes custody
    and supervision from the sentence periods, referrals write "referred", matching writes mentoring.
    """

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="relationships")
    organization = models.ForeignKey(
        "organizations.Organization", on_delete=models.PROTECT, related_name="relationships"
    )
    kind = models.CharField(_("kind"), max_length=30)
    mentor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="mentees"
    )
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until"), null=True, blank=True)
    source = models.CharField(max_length=60, blank=True)

    class Meta:
        verbose_name = _("relationship")
        verbose_name_plural = _("relationships")
        indexes = [
            models.Index(fields=["organization", "kind", "ends_on"], name="relationship_org_kind"),
            models.Index(fields=["person", "ends_on"], name="relationship_person"),
        ]

    def __str__(self) -> str:
        return f"{self.person_id} ↔ {self.organization_id} ({self.kind})"


class ConsentMethod(models.TextChoices):
    SIGNED_FORM = "signed_form", _("Signed form uploaded")
    RECORDED_BY_STAFF = "recorded_by_staff", _("Given orally, recorded by staff")


class Consent(models.Model):
    """The person's consent to share named data categories with an organization or a mentor.

    Recorded and withdrawn only through ``resoc.community.consents``; the access policy reads it.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="consents")
    organization = models.ForeignKey("organizations.Organization", on_delete=models.PROTECT, related_name="+")
    mentor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # Space-delimited category keys (" identity family "), so that "covers category X" is a plain
    # substring filter on every database.
    categories = models.CharField(_("data categories"), max_length=300)
    purpose = models.CharField(_("purpose"), max_length=200, validators=[plain_text_validator])
    given_on = models.DateField(_("given on"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)
    method = models.CharField(
        _("how it was given"),
        max_length=20,
        choices=ConsentMethod.choices,
        default=ConsentMethod.RECORDED_BY_STAFF,
    )
    # Served only through the consents page (policy check and audit entry), never from MEDIA_URL.
    signed_form = models.FileField(_("signed form"), upload_to="consents/", blank=True, editable=False)
    signed_form_type = models.CharField(max_length=40, blank=True, editable=False)
    recorded_at = models.DateTimeField(_("recorded"), default=timezone.now, editable=False)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    withdrawal_reason = models.CharField(
        _("reason for the withdrawal"), max_length=300, blank=True, validators=[plain_text_validator]
    )

    class Meta:
        verbose_name = _("consent")
        verbose_name_plural = _("consents")

    def __str__(self) -> str:
        return f"{self.person_id} → {self.organization_id}: {self.categories.strip()}"

    @property
    def category_keys(self) -> list[str]:
        return self.categories.split()

    @property
    def is_withdrawn(self) -> bool:
        return self.withdrawn_at is not None

    @staticmethod
    def encode_categories(keys: list[str]) -> str:
        return " " + " ".join(sorted(set(keys))) + " "


class PersonEvent(models.Model):
    """One entry of a person's timeline (see ``people.events`` for the typed constructors)."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="events")
    type = models.CharField(max_length=60)
    category = models.CharField(max_length=40)
    parameters = models.JSONField(default=dict)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    organization = models.ForeignKey(
        "organizations.Organization", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    occurred_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-occurred_at", "-id"]
        indexes = [models.Index(fields=["person", "occurred_at"], name="event_person_time")]

    def __str__(self) -> str:
        return f"{self.type} {self.occurred_at:%Y-%m-%d}"
