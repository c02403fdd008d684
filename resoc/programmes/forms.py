"""Forms of the catalogue pages: filters, a programme, a room."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from resoc.assessments.models import RiskLevel
from resoc.organizations.models import Organization
from resoc.people.models import LatvianLevel, Sex
from resoc.programmes import selectors, services
from resoc.programmes.models import NAME_MAX, TEXT_MAX, Location, Programme, ProgrammeType, RoomKind


def _choices(form: forms.Form, name: str) -> forms.ChoiceField:
    return cast(forms.ChoiceField, form.fields[name])


class CatalogueFilterForm(forms.Form):
    q = forms.CharField(label=pgettext_lazy("programme", "Name"), required=False, max_length=100)
    type = forms.ChoiceField(label=_("Type"), required=False)
    need = forms.ChoiceField(label=_("Need addressed"), required=False)
    organization = forms.ChoiceField(label=_("Delivered by"), required=False)
    include_retired = forms.BooleanField(label=_("Include retired programmes"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        anything = [("", _("Any"))]
        _choices(self, "type").choices = anything + [(t.code, t.label) for t in selectors.programme_types()]
        _choices(self, "need").choices = anything + [(n.key, n.label) for n in selectors.need_choices()]
        _choices(self, "organization").choices = anything + [
            (o.code, o.name) for o in selectors.delivering_organizations()
        ]

    def filters(self) -> selectors.CatalogueFilters:
        data = self.cleaned_data if self.is_valid() else {}
        return selectors.CatalogueFilters(
            q=data.get("q", ""),
            type=data.get("type", ""),
            need=data.get("need", ""),
            organization=data.get("organization", ""),
            include_retired=bool(data.get("include_retired")),
        )


def _level_choices() -> list[tuple[str, Any]]:
    return [("", _("No bound")), *list(LatvianLevel.choices)]


class ProgrammeForm(forms.Form):
    code = forms.SlugField(
        label=_("Code"), max_length=60, help_text=_("Short Latin letters, e.g. metinatajs.")
    )
    name = forms.CharField(label=pgettext_lazy("programme", "Name"), max_length=NAME_MAX)
    name_en = forms.CharField(label=_("Name in English"), max_length=NAME_MAX, required=False)
    type = forms.ModelChoiceField(label=_("Type"), queryset=ProgrammeType.objects.filter(is_active=True))
    aims = forms.CharField(label=_("Aims"), max_length=TEXT_MAX, widget=forms.Textarea(attrs={"rows": 4}))
    aims_en = forms.CharField(
        label=_("Aims in English"),
        max_length=TEXT_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    needs = forms.MultipleChoiceField(
        label=_("Needs addressed"), required=False, widget=forms.CheckboxSelectMultiple
    )
    organizations = forms.ModelMultipleChoiceField(
        label=_("Organizations allowed to deliver it"),
        queryset=Organization.objects.filter(is_active=True).order_by("name"),
        help_text=_("Hold Ctrl (or Cmd) to choose several."),
    )
    sessions = forms.IntegerField(label=_("Number of sessions"), required=False, min_value=1, max_value=2000)
    hours = forms.IntegerField(label=_("Hours in total"), required=False, min_value=1, max_value=5000)
    certificate = forms.CharField(
        label=_("Certificate or qualification awarded"), max_length=NAME_MAX, required=False
    )
    certificate_en = forms.CharField(label=_("Certificate in English"), max_length=NAME_MAX, required=False)
    min_age = forms.IntegerField(label=_("Minimum age"), required=False, min_value=0, max_value=120)
    max_age = forms.IntegerField(label=_("Maximum age"), required=False, min_value=0, max_value=120)
    sexes = forms.MultipleChoiceField(
        label=_("Only for"), required=False, choices=Sex.choices, widget=forms.CheckboxSelectMultiple
    )
    risk_levels = forms.MultipleChoiceField(
        label=_("For risk levels"),
        required=False,
        choices=RiskLevel.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    regime_levels = forms.MultipleChoiceField(
        label=_("For regime levels"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Choosing a regime level also means the programme is run in prison."),
    )
    min_latvian_level = forms.ChoiceField(label=_("Latvian at least"), required=False)
    max_latvian_level = forms.ChoiceField(label=_("Latvian at most"), required=False)
    min_months_left = forms.IntegerField(
        label=_("At least months left to serve"), required=False, min_value=0, max_value=600
    )
    max_months_left = forms.IntegerField(
        label=_("At most months left to serve"), required=False, min_value=0, max_value=600
    )
    is_active = forms.BooleanField(
        label=_("Offered"), required=False, initial=True, help_text=_("Untick to retire the programme.")
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choices(self, "needs").choices = [(n.key, n.label) for n in selectors.need_choices()]
        _choices(self, "regime_levels").choices = list(selectors.regime_level_labels().items())
        _choices(self, "min_latvian_level").choices = _level_choices()
        _choices(self, "max_latvian_level").choices = _level_choices()

    @staticmethod
    def initial_from(programme: Programme) -> dict[str, Any]:
        initial = {name: getattr(programme, name) for name in services.PROGRAMME_FIELDS}
        initial["type"] = programme.type_id
        initial["organizations"] = [org.pk for org in programme.organizations.all()]
        return initial

    def service_arguments(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["organizations"] = list(data["organizations"])
        return data


class LocationChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.organization} — {obj.name}"


class RoomForm(forms.Form):
    location = LocationChoiceField(label=_("Location"), queryset=Location.objects.none())
    name = forms.CharField(label=_("Room"), max_length=100)
    kind = forms.ChoiceField(label=_("Kind"), choices=RoomKind.choices)
    capacity = forms.IntegerField(label=_("Places"), min_value=1, max_value=500)

    def __init__(self, *args: Any, locations: list[Location], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast(LocationChoiceField, self.fields["location"])
        ids = [loc.pk for loc in locations]
        field.queryset = Location.objects.filter(pk__in=ids).select_related("organization")
