"""Forms of the mentoring pages. They parse input; the rules live in ``services``."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from resoc.mentoring.models import ClosureReason, MatchStatus, SexPreference
from resoc.organizations.models import Region


class ProfileForm(forms.Form):
    region = forms.ChoiceField(
        label=_("Region of return, if nothing else records it"),
        choices=[("", _("Not known")), *list(Region.choices)],
        required=False,
    )
    mentor_sex = forms.ChoiceField(
        label=_("The person would like a mentor who is"), choices=SexPreference.choices, required=False
    )
    interests = forms.CharField(
        label=_("Interests"),
        max_length=300,
        required=False,
        help_text=_("Separated by commas, e.g. fishing, football, woodwork."),
    )
    wants_lived_experience = forms.BooleanField(
        label=_("Wants a mentor with lived experience of prison"), required=False
    )
    refer = forms.BooleanField(
        label=_("Put the person forward for a peer mentor"),
        required=False,
        help_text=_("For a person without a plan measure asking for one, e.g. on probation."),
    )


class MoveForm(forms.Form):
    to_status = forms.ChoiceField(label=_("New status"), choices=MatchStatus.choices)
    note = forms.CharField(label=_("Note"), max_length=500, required=False)
    closure_reason = forms.ChoiceField(
        label=_("Reason for closing"), choices=[("", "—"), *list(ClosureReason.choices)], required=False
    )
    rematch = forms.TypedChoiceField(
        label=_("Look for another mentor?"),
        choices=[("", "—"), ("yes", _("Yes")), ("no", _("No"))],
        coerce=lambda value: {"yes": True, "no": False}.get(value),
        empty_value=None,
        required=False,
    )


class MeetingForm(forms.Form):
    held_on = forms.DateField(
        label=_("Date"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        input_formats=["%Y-%m-%d", "%d.%m.%Y"],
    )
    place = forms.CharField(label=_("Place"), max_length=200)
    minutes = forms.IntegerField(
        label=_("Duration in minutes"),
        min_value=1,
        max_value=720,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    topics = forms.CharField(
        label=_("What you talked about"), max_length=2000, widget=forms.Textarea(attrs={"rows": 4})
    )
    concerns = forms.CharField(
        label=_("Concerns"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    flag_concern = forms.BooleanField(label=_("Tell the coordinator about this concern"), required=False)

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["held_on"].initial = timezone.localdate()


class ResolveForm(forms.Form):
    resolution = forms.CharField(label=_("How the concern was dealt with"), max_length=500)
