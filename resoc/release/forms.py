"""Forms of the release pages: input shapes only; the rules are in ``release.services``."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from resoc.access.roles import Role
from resoc.organizations.models import Organization, OrganizationType
from resoc.release.models import NOTE_MAX, TEXT_MAX, Area, IndicatorKind, MeetingReason, TaskStatus
from resoc.release.selectors import DUE_WITHIN_CHOICES
from resoc.release.services import PLACE_MAX, SOURCE_MAX, TITLE_MAX


class _DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self) -> None:
        super().__init__(format="%Y-%m-%d")


def _date(label: Any, *, required: bool = True, help_text: Any = "") -> forms.DateField:
    return forms.DateField(label=label, required=required, help_text=help_text, widget=_DateInput())


def _organizations(kind: str) -> Any:
    return Organization.objects.filter(type=kind, is_active=True).order_by("name")


class GenerateForm(forms.Form):
    release_on = _date(
        _("Expected release date"),
        required=False,
        help_text=_(
            "Leave empty for the court-ordered end of the sentence; give a date for an expected early release."
        ),
    )
    municipality = forms.ModelChoiceField(
        label=_("Social service of the municipality of return"),
        queryset=_organizations(OrganizationType.SOCIAL_SERVICE),
        required=False,
    )
    ngo = forms.ModelChoiceField(
        label=_("Supporting NGO"), queryset=_organizations(OrganizationType.NGO), required=False
    )


class TaskStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=TaskStatus.choices)
    note = forms.CharField(
        label=_("Note"),
        max_length=NOTE_MAX,
        required=False,
        help_text=_("Required when the task is not needed: say why."),
    )


class TaskFilterForm(forms.Form):
    area = forms.ChoiceField(label=_("Area"), choices=[("", _("All areas")), *Area.choices], required=False)
    due_within = forms.TypedChoiceField(
        label=_("Due within"),
        choices=[
            ("", _("Any time")),
            *[(str(days), _("%(days)s days") % {"days": days}) for days in DUE_WITHIN_CHOICES],
        ],
        coerce=int,
        empty_value=None,
        required=False,
    )


class IndicatorForm(forms.Form):
    kind = forms.ChoiceField(label=_("Indicator"), choices=IndicatorKind.choices)
    source = forms.CharField(
        label=_("Source"),
        max_length=SOURCE_MAX,
        help_text=_("E.g. the court judgment and its date, or the report of the prison's security unit."),
    )
    noted_on = _date(_("Noted on"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "indicator")
        kwargs.setdefault("initial", {"noted_on": timezone.localdate()})
        super().__init__(*args, **kwargs)


class IndicatorWithdrawForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for the withdrawal"),
        max_length=SOURCE_MAX,
        help_text=_("E.g. the judgment was amended on appeal, or the report was found mistaken."),
    )


class MeetingForm(forms.Form):
    held_on = _date(
        _("Date"), help_text=_("A meeting in the future is planned: record its decisions after it.")
    )
    place = forms.CharField(label=_("Place"), max_length=PLACE_MAX)
    reasons = forms.MultipleChoiceField(
        label=_("Reasons"), choices=MeetingReason.choices, widget=forms.CheckboxSelectMultiple
    )
    participants = forms.ModelMultipleChoiceField(
        label=_("Participating organizations"),
        queryset=Organization.objects.filter(is_active=True).order_by("name"),
        to_field_name="code",
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )
    participant_names = forms.CharField(
        label=_("Participants"),
        max_length=TEXT_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Names and roles of those present, one per line (e.g. the State Police inspector)."),
    )
    decisions = forms.CharField(
        label=_("Decisions"), max_length=TEXT_MAX, required=False, widget=forms.Textarea(attrs={"rows": 4})
    )

    def __init__(self, *args: Any, reasons: list[str] | None = None, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "meeting")
        kwargs.setdefault("initial", {"held_on": timezone.localdate(), "reasons": reasons or []})
        super().__init__(*args, **kwargs)


FOLLOW_UP_ROLES = (
    Role.RESOCIALIZATION_OFFICER,
    Role.PROBATION_OFFICER,
    Role.SOCIAL_WORKER,
    Role.CAREER_CONSULTANT,
    Role.NGO_COORDINATOR,
)
FOLLOW_UPS_PREFIX = "follow_ups"
MAX_FOLLOW_UPS = 20


class FollowUpForm(forms.Form):
    """One follow-up task decided at a meeting; a form left empty is skipped."""

    title = forms.CharField(label=_("Task"), max_length=TITLE_MAX)
    area = forms.ChoiceField(label=_("Area"), choices=[("", "---------"), *Area.choices])
    due_on = _date(_("Due date"))
    organization = forms.ModelChoiceField(
        label=_("Organization"),
        queryset=Organization.objects.filter(is_active=True).order_by("name"),
        to_field_name="code",
    )
    role = forms.ChoiceField(
        label=_("Role"), choices=[("", "---------"), *[(role.value, role.label) for role in FOLLOW_UP_ROLES]]
    )


class _FollowUpFormSet(forms.BaseFormSet):  # type: ignore[type-arg]
    def add_fields(self, form: forms.Form, index: int | None) -> None:
        super().add_fields(form, index)
        if "DELETE" in form.fields:
            form.fields["DELETE"].label = _("Remove this task")


FollowUpFormSet = forms.formset_factory(
    FollowUpForm,
    formset=_FollowUpFormSet,
    extra=1,
    can_delete=True,
    max_num=MAX_FOLLOW_UPS,
    validate_max=True,
)


def follow_up_formset(data: Any = None, *, extra_forms: int = 0) -> Any:
    """The meeting's follow-up tasks; ``extra_forms`` adds empty forms (the no-script "add" button)."""
    formset = FollowUpFormSet(data, prefix=FOLLOW_UPS_PREFIX)
    if extra_forms and data is not None:
        total = formset.total_form_count() + extra_forms
        copy = data.copy()
        copy[f"{FOLLOW_UPS_PREFIX}-TOTAL_FORMS"] = str(min(total, MAX_FOLLOW_UPS))
        formset = FollowUpFormSet(copy, prefix=FOLLOW_UPS_PREFIX)
    return formset
