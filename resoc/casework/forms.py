"""Forms of the caseload and case notes: input shapes only; rules live in services and the policy."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from resoc.access import policy
from resoc.assessments.models import RiskLevel
from resoc.casework.caseload import RELEASE_WINDOWS, Columns, Filters, Sort
from resoc.casework.models import TEXT_MAX, CaseNote, NoteKind

SORT_LABELS = {
    Sort.NAME: _("Name"),
    Sort.NEXT_ACTION: _("Next action due"),
    Sort.RELEASE: _("Expected release"),
    Sort.RISK: _("Risk level, highest first"),
}


class CaseloadFilterForm(forms.Form):
    """GET parameters of "My people"; fields of columns the role may not see are left out."""

    q = forms.CharField(
        label=_("Name or personal code"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )
    relation = forms.ChoiceField(label=_("Relation"), required=False)
    release_within = forms.TypedChoiceField(
        label=_("Release within"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", _("Any time"))]
        + [(str(days), _("%(days)s days") % {"days": days}) for days in RELEASE_WINDOWS],
    )
    risk = forms.ChoiceField(label=_("Risk level"), required=False)
    overdue = forms.BooleanField(label=_("Overdue actions only"), required=False)
    without_assessment = forms.BooleanField(label=_("Without a current assessment"), required=False)
    without_plan = forms.BooleanField(label=_("Without a plan"), required=False)
    sort = forms.ChoiceField(label=_("Sort by"), required=False)

    def __init__(self, *args: Any, columns: Columns, relations: dict[str, str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.columns = columns
        self.fields["relation"].choices = [("", _("Any relation")), *relations.items()]  # type: ignore[attr-defined]
        self.fields["risk"].choices = [("", _("Any level")), *RiskLevel.choices]  # type: ignore[attr-defined]
        self.fields["sort"].choices = [(key, SORT_LABELS[key]) for key in columns.sorts()]  # type: ignore[attr-defined]
        if not columns.release:
            del self.fields["release_within"]
        if not columns.assessment:
            for name in ("risk", "without_assessment", "without_plan"):
                del self.fields[name]

    def filters(self) -> Filters:
        """The valid filters (call after ``is_valid()``); an invalid value counts as not given."""
        data = self.cleaned_data if hasattr(self, "cleaned_data") else {}
        return Filters(
            q=data.get("q") or "",
            relation=data.get("relation") or "",
            release_within=data.get("release_within"),
            overdue=bool(data.get("overdue")),
            without_assessment=bool(data.get("without_assessment")),
            without_plan=bool(data.get("without_plan")),
            risk=data.get("risk") or "",
            sort=data.get("sort") or Sort.NAME,
        ).within(self.columns)


class _DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self) -> None:
        super().__init__(format="%Y-%m-%dT%H:%M")


def _now_minute() -> dt.datetime:
    return timezone.localtime().replace(second=0, microsecond=0)


class CaseNoteForm(forms.Form):
    """A new note or the author's change; the categories offered are those the writer may write."""

    category = forms.ChoiceField(label=_("Data category"))
    kind = forms.ChoiceField(label=_("Kind of contact"), choices=NoteKind.choices)
    occurred_at = forms.DateTimeField(
        label=_("When it happened"),
        widget=_DateTimeInput(),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"],
    )
    text = forms.CharField(
        label=_("Note"),
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Who may read the note depends on its data category."),
    )

    def __init__(
        self, *args: Any, categories: list[policy.DataCategory], note: CaseNote | None = None, **kwargs: Any
    ) -> None:
        kwargs.setdefault("prefix", "note")
        if note is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "category": note.category,
                "kind": note.kind,
                "occurred_at": timezone.localtime(note.occurred_at).replace(second=0, microsecond=0),
                "text": note.text,
            }
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [(c.key, c.label) for c in categories]  # type: ignore[attr-defined]
        if policy.CASE_NOTES.key in {c.key for c in categories}:
            self.fields["category"].initial = policy.CASE_NOTES.key
        self.fields["occurred_at"].initial = _now_minute
        if note is not None and note.corrects_id:
            self.fields["category"].disabled = True
