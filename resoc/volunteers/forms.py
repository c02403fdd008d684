"""Forms of the volunteer pages. They parse input; the services decide."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from resoc.organizations.models import Organization, OrganizationType
from resoc.volunteers import rules
from resoc.volunteers.models import (
    ActivitySetting,
    QualificationKind,
    ScreeningOutcome,
    ScreeningStep,
    Volunteer,
    VolunteerKind,
    VolunteerStatus,
)

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class FilterForm(forms.Form):
    q = forms.CharField(label=_("Name"), required=False, max_length=100)
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("All")), *list(VolunteerStatus.choices)]
    )
    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=[("", _("All")), *list(VolunteerKind.choices)]
    )
    expiring = forms.BooleanField(label=_("A qualification expires within 30 days"), required=False)


class VolunteerForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = Volunteer
        fields = [
            "kind",
            "given_names",
            "family_name",
            "sex",
            "year_of_birth",
            "email",
            "phone",
            "region",
            "languages",
            "interests",
            "lived_experience",
            "capacity",
            "applied_on",
        ]
        widgets = {"applied_on": DATE}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["applied_on"].required = False
        self.fields["applied_on"].help_text = _("Empty: today.")


class TransitionForm(forms.Form):
    to_status = forms.ChoiceField(label=_("New status"))
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required to suspend or end."),
    )
    username = forms.CharField(
        label=_("User account"),
        required=False,
        max_length=150,
        help_text=_("On approval: an existing username to link, or a new one to create."),
    )
    password = forms.CharField(
        label=_("Initial password of a new account"),
        required=False,
        max_length=200,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args: Any, volunteer: Volunteer, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        allowed = rules.ALLOWED_MOVES[volunteer.status]
        field = self.fields["to_status"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(v, label) for v, label in VolunteerStatus.choices if v in allowed]
        if volunteer.user_id is not None or VolunteerStatus.APPROVED not in allowed:
            del self.fields["username"]
            del self.fields["password"]


class ScreeningForm(forms.Form):
    step = forms.ChoiceField(label=_("Step"), choices=ScreeningStep.choices)
    outcome = forms.ChoiceField(label=_("Decision"), choices=ScreeningOutcome.choices)
    has_convictions = forms.BooleanField(
        label=_("The record shows convictions"),
        required=False,
        help_text=_("A conviction does not refuse by itself: weigh it and explain the decision."),
    )
    done_on = forms.DateField(label=_("Date"), widget=DATE, initial=timezone.localdate)
    justification = forms.CharField(
        label=_("Justification"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required for the criminal record check and for every “not suitable”."),
    )


def prisons() -> Any:
    return Organization.objects.filter(type=OrganizationType.PRISON, is_active=True).order_by("name")


class QualificationForm(forms.Form):
    kind = forms.ChoiceField(label=_("Qualification"), choices=QualificationKind.choices)
    prison = forms.ModelChoiceField(
        label=_("Prison"),
        queryset=Organization.objects.none(),
        required=False,
        help_text=_("For prison access."),
    )
    valid_from = forms.DateField(label=_("Valid from"), widget=DATE, initial=timezone.localdate)
    valid_until = forms.DateField(label=_("Valid until"), widget=DATE, required=False)
    note = forms.CharField(label=_("Note"), required=False, max_length=300)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["prison"].queryset = prisons()  # type: ignore[attr-defined]


class ActivityForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    setting = forms.ChoiceField(label=_("Where"), choices=ActivitySetting.choices, widget=forms.RadioSelect)
    prison = forms.ModelChoiceField(label=_("Prison"), queryset=Organization.objects.none(), required=False)
    place = forms.CharField(
        label=_("Place"), required=False, max_length=200, help_text=_("For the community.")
    )
    starts_at = forms.DateTimeField(label=_("Starts"), widget=DATETIME)
    ends_at = forms.DateTimeField(label=_("Ends"), widget=DATETIME)
    description = forms.CharField(
        label=_("Description"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["prison"].queryset = prisons()  # type: ignore[attr-defined]
        self.fields["starts_at"].input_formats = ["%Y-%m-%dT%H:%M", "%d.%m.%Y %H:%M"]  # type: ignore[attr-defined]
        self.fields["ends_at"].input_formats = ["%Y-%m-%dT%H:%M", "%d.%m.%Y %H:%M"]  # type: ignore[attr-defined]


class ParticipantForm(forms.Form):
    volunteer = forms.ModelChoiceField(label=_("Volunteer"), queryset=Volunteer.objects.none())

    def __init__(self, *args: Any, organization: Organization, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["volunteer"].queryset = Volunteer.objects.filter(  # type: ignore[attr-defined]
            organization=organization, status__in=rules.WORKING_STATUSES
        ).order_by("family_name", "given_names")
        self.fields["volunteer"].to_field_name = "public_id"  # type: ignore[attr-defined]


class DeclineForm(forms.Form):
    reason = forms.CharField(label=_("Reason for declining"), max_length=2000)


class ClaimForm(forms.Form):
    hours = forms.DecimalField(
        label=_("Hours"), min_value=Decimal("0.25"), max_value=Decimal(24), decimal_places=2, max_digits=4
    )


def local_input(value: dt.datetime) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%dT%H:%M")


class PeriodForm(forms.Form):
    since = forms.DateField(label=_("From"), widget=DATE)
    until = forms.DateField(label=_("To"), widget=DATE)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        since, until = data.get("since"), data.get("until")
        if since and until and until < since:
            raise forms.ValidationError(_("The end must not be before the start."))
        if since and until and (until - since).days > 366 * 5:
            raise forms.ValidationError(_("Choose a period of at most five years."))
        return data
