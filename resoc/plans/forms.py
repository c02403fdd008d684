"""Forms of the plan page: input shapes only; the rules are in ``plans.services``."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from resoc.access.models import User
from resoc.assessments.models import localized
from resoc.organizations.models import Organization
from resoc.plans.models import TARGET_MAX, TEXT_MAX, Goal, MeasureKind, MeasureStatus, Plan


class _DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self) -> None:
        super().__init__(format="%Y-%m-%d")


def _date(label: Any, help_text: Any = "") -> forms.DateField:
    return forms.DateField(label=label, help_text=help_text, widget=_DateInput())


class GoalForm(forms.Form):
    need_key = forms.ChoiceField(label=_("Need"))
    text = forms.CharField(label=_("Goal"), max_length=TEXT_MAX, widget=forms.Textarea(attrs={"rows": 2}))
    target = forms.CharField(
        label=_("Measurable target"),
        max_length=TARGET_MAX,
        required=False,
        help_text=_("How you will know the goal is reached, e.g. “completes the welding course”."),
    )
    due_on = _date(_("Due date"))

    def __init__(self, *args: Any, plan: Plan, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "goal")
        super().__init__(*args, **kwargs)
        self.fields["need_key"].choices = [  # type: ignore[attr-defined]
            (r["key"], localized(r["name"], r.get("name_en", ""))) for r in plan.assessment.domain_results
        ]


class _UserChoice(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return obj.get_full_name() or obj.get_username()  # type: ignore[no-any-return]


class MeasureForm(forms.Form):
    goal = forms.ChoiceField(label=_("Goal"))
    kind = forms.ChoiceField(label=_("Kind"), choices=MeasureKind.choices)
    description = forms.CharField(
        label=_("Description"), max_length=TEXT_MAX, widget=forms.Textarea(attrs={"rows": 2})
    )
    responsible_organization = forms.ModelChoiceField(
        label=_("Responsible organization"),
        queryset=Organization.objects.filter(is_active=True),
        to_field_name="code",
    )
    responsible_user = _UserChoice(
        label=_("Responsible person"),
        help_text=_("Optional: a colleague, if your organization is the responsible one."),
        queryset=User.objects.none(),
        required=False,
    )
    due_on = _date(_("Due date"))

    def __init__(self, *args: Any, goals: list[Goal], organization: Organization, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "measure")
        super().__init__(*args, **kwargs)
        # One select of goals (already loaded) instead of one form per goal: the page's queries stay constant.
        self.fields["goal"].choices = [(str(g.public_id), g.text) for g in goals]  # type: ignore[attr-defined]
        self.fields["responsible_organization"].initial = organization.code
        # Colleagues of the acting organization: other organizations' staff are not listed to everyone.
        self.fields["responsible_user"].queryset = (  # type: ignore[attr-defined]
            User.objects.filter(
                memberships__organization=organization, memberships__is_active=True, is_active=True
            )
            .distinct()
            .order_by("last_name", "first_name", "username")
        )


class MeasureStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=MeasureStatus.choices)


class ReviewForm(forms.Form):
    reviewed_on = _date(_("Reviewed on"))
    notes = forms.CharField(
        label=_("Notes"),
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What was achieved, what changes in the plan, and why."),
    )
    next_review_due = _date(_("Next review due"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "review")
        super().__init__(*args, **kwargs)
        self.fields["reviewed_on"].initial = timezone.localdate
