from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from resoc.assessments.models import AssessmentScore, Item, MotivationStage
from resoc.assessments.services import RATIONALE_MAX, ScoreInput

# Service error codes that concern the rationale rather than the score.
RATIONALE_CODES = frozenset({"rationale_required", "markup", "too_long"})


class DomainScoresForm(forms.Form):
    """The scores of one domain: for each item, a score (a select, keyboard friendly) and a rationale."""

    def __init__(
        self,
        *args: Any,
        items: list[Item],
        scores: dict[int, AssessmentScore],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.items = items
        for item in items:
            current = scores.get(item.pk)
            self.fields[f"{item.key}-score"] = forms.TypedChoiceField(
                # The item's text is the legend of its fieldset; the label names the control.
                label=_("Score"),
                choices=[("", _("— not scored —")), *((n, str(n)) for n in range(item.max_score + 1))],
                coerce=int,
                empty_value=None,
                required=False,
                initial=current.score if current else "",
                help_text=_("0 = no problem, %(max)s = serious problem") % {"max": item.max_score},
            )
            self.fields[f"{item.key}-rationale"] = forms.CharField(
                label=_("Rationale"),
                required=False,
                max_length=RATIONALE_MAX,
                widget=forms.Textarea(attrs={"rows": 2}),
                initial=current.rationale if current else "",
                help_text=_("Required for every score above 0."),
            )

    def rows(self) -> list[dict[str, Any]]:
        return [
            {"item": item, "score": self[f"{item.key}-score"], "rationale": self[f"{item.key}-rationale"]}
            for item in self.items
        ]

    def score_inputs(self) -> list[ScoreInput]:
        return [
            ScoreInput(
                item=item.key,
                score=self.cleaned_data[f"{item.key}-score"],
                rationale=self.cleaned_data[f"{item.key}-rationale"],
            )
            for item in self.items
            if self.cleaned_data.get(f"{item.key}-score") is not None
        ]

    def add_service_errors(self, error: ValidationError) -> None:
        if not hasattr(error, "error_dict"):
            self.add_error(None, error)
            return
        for key, errors in error.error_dict.items():
            for e in errors:
                field = f"{key}-rationale" if e.code in RATIONALE_CODES else f"{key}-score"
                self.add_error(field if field in self.fields else None, e)


class MotivationForm(forms.Form):
    motivation_stage = forms.ChoiceField(
        label=_("Motivation to take part (stage of change)"),
        choices=MotivationStage.choices,
        widget=forms.RadioSelect,
    )
