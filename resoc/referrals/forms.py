from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from resoc.access import policy
from resoc.organizations.models import Organization
from resoc.plans.models import FINAL_STATUSES, Measure, PlanStatus
from resoc.referrals import rules
from resoc.referrals.models import TEXT_MAX, State, Urgency, Visibility
from resoc.referrals.selectors import Due


def receiving_organizations() -> QuerySet[Organization]:
    return Organization.objects.filter(is_active=True, type__in=list(rules.RECEIVER_ROLES)).order_by("name")


class ReferralForm(forms.Form):
    receiver = forms.ModelChoiceField(
        label=_("Receiving organization"), queryset=Organization.objects.none(), to_field_name="public_id"
    )
    reason = forms.CharField(
        label=_("Reason for the referral"), widget=forms.Textarea(attrs={"rows": 4}), max_length=TEXT_MAX
    )
    urgency = forms.ChoiceField(label=_("Urgency"), choices=Urgency.choices, initial=Urgency.ROUTINE)
    categories = forms.MultipleChoiceField(
        label=_("Data shared with the receiver"),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("An NGO receives only what the person has consented to share with it."),
    )
    measure = forms.ModelChoiceField(
        label=_("Plan measure"),
        queryset=Measure.objects.none(),
        required=False,
        to_field_name="public_id",
        help_text=_("The outcome of the referral updates this measure."),
    )

    def __init__(self, *args: Any, person_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["receiver"].queryset = receiving_organizations()  # type: ignore[attr-defined]
        self.fields["categories"].choices = [(c.key, c.label) for c in policy.categories()]  # type: ignore[attr-defined]
        self.fields["measure"].queryset = (  # type: ignore[attr-defined]
            Measure.objects.filter(goal__plan__person_id=person_id, goal__plan__status=PlanStatus.ACTIVE)
            .exclude(status__in=FINAL_STATUSES)
            .order_by("due_on", "pk")
        )
        self.fields["measure"].label_from_instance = lambda m: f"{m.get_kind_display()}: {m.description[:80]}"  # type: ignore[attr-defined]
        self.initial.setdefault("categories", [policy.IDENTITY.key])


class TransitionForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"), required=False, widget=forms.Textarea(attrs={"rows": 2}), max_length=TEXT_MAX
    )


class RerouteForm(forms.Form):
    receiver = forms.ModelChoiceField(
        label=_("Send it to"), queryset=Organization.objects.none(), to_field_name="public_id"
    )
    reason = forms.CharField(
        label=_("Reason"), required=False, widget=forms.Textarea(attrs={"rows": 2}), max_length=TEXT_MAX
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["receiver"].queryset = receiving_organizations()  # type: ignore[attr-defined]


class NoteForm(forms.Form):
    text = forms.CharField(label=_("Note"), widget=forms.Textarea(attrs={"rows": 3}), max_length=TEXT_MAX)
    visibility = forms.ChoiceField(
        label=_("Visible to"), choices=Visibility.choices, initial=Visibility.SHARED, widget=forms.RadioSelect
    )


class BoxFilterForm(forms.Form):
    state = forms.ChoiceField(label=_("State"), required=False, choices=[("", _("Any")), *State.choices])
    urgency = forms.ChoiceField(
        label=_("Urgency"), required=False, choices=[("", _("Any")), *Urgency.choices]
    )
    due = forms.ChoiceField(
        label=_("Answer due"),
        required=False,
        choices=[("", _("Any")), (Due.OVERDUE, _("Overdue")), (Due.EXPIRING, _("Due within days"))],
    )


class ReportForm(forms.Form):
    starts_on = forms.DateField(label=_("From"), required=False)
    ends_on = forms.DateField(label=_("Until"), required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        today = timezone.localdate()
        data["starts_on"] = data.get("starts_on") or today - dt.timedelta(days=365)
        data["ends_on"] = data.get("ends_on") or today
        if data["ends_on"] < data["starts_on"]:
            self.add_error("ends_on", _("The period ends before it starts."))
        return data
