"""Forms of the sentence journey: input shapes only; the rules are in ``sentences.services``."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from resoc.access.context import Acting
from resoc.access.models import User
from resoc.access.roles import Role
from resoc.organizations.models import Organization, OrganizationType
from resoc.sentences.models import AbsenceKind, RegimeLevel, ReleaseReason


class _DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self) -> None:
        super().__init__(format="%Y-%m-%d")


def _date(label: str | Any, *, today: bool = True) -> forms.DateField:
    return forms.DateField(label=label, widget=_DateInput(), initial=timezone.localdate if today else None)


class _RegimeChoice(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.label)


class _ActingForm(forms.Form):
    def __init__(self, *args: Any, acting: Acting, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.acting = acting


def _prisons() -> Any:
    return Organization.objects.filter(type=OrganizationType.PRISON, is_active=True).order_by("name")


def _regime_field(help_text: str | Any = "") -> _RegimeChoice:
    return _RegimeChoice(
        label=_("Regime level"),
        help_text=help_text,
        queryset=RegimeLevel.objects.filter(is_active=True).select_related("institution_type"),
        required=False,
    )


class SentenceForm(_ActingForm):
    court = forms.CharField(label=_("Court"), max_length=200)
    starts_on = _date(_("Sentence start date"), today=False)
    ends_on = _date(_("Court-ordered end of sentence"), today=False)
    release_probation_unit = forms.ModelChoiceField(
        label=_("Expected probation unit after release"),
        help_text=_("The probation unit of the area where the person will live; it prepares the release."),
        queryset=Organization.objects.filter(type=OrganizationType.PROBATION_UNIT, is_active=True),
        required=False,
    )


class AdmitForm(_ActingForm):
    prison = forms.ModelChoiceField(label=_("Prison"), queryset=Organization.objects.none())
    admitted_on = _date(_("Admitted on"))
    regime_level = _regime_field()

    def __init__(self, *args: Any, acting: Acting, **kwargs: Any) -> None:
        super().__init__(*args, acting=acting, **kwargs)
        # Only the prisons the officer works in: one admits into one's own prison.
        field = self.fields["prison"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = _prisons().filter(pk__in=acting.scope_organization_ids)


class TransferForm(_ActingForm):
    to_prison = forms.ModelChoiceField(label=_("New prison"), queryset=_prisons())
    transferred_on = _date(_("Transferred on"))
    regime_level = _regime_field(_("Leave empty to keep the current regime level."))


class AbsenceForm(_ActingForm):
    kind = forms.ChoiceField(label=_("Kind of absence"), choices=AbsenceKind.choices)
    starts_on = _date(_("From"))
    ends_on = _date(_("Until"))


class ReleaseForm(_ActingForm):
    released_on = _date(_("Released on"))
    reason = forms.ChoiceField(label=_("Reason"), choices=ReleaseReason.choices)


class _OfficerChoice(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return obj.get_full_name() or obj.get_username()  # type: ignore[no-any-return]


class ProbationStartForm(_ActingForm):
    probation_unit = forms.ModelChoiceField(label=_("Probation unit"), queryset=Organization.objects.none())
    starts_on = _date(_("Supervision starts on"))
    officer = _OfficerChoice(label=_("Supervising officer"), queryset=User.objects.none(), required=False)

    def __init__(self, *args: Any, acting: Acting, **kwargs: Any) -> None:
        super().__init__(*args, acting=acting, **kwargs)
        scope = acting.scope_organization_ids
        unit = self.fields["probation_unit"]
        officer = self.fields["officer"]
        assert isinstance(unit, forms.ModelChoiceField)
        assert isinstance(officer, forms.ModelChoiceField)
        unit.queryset = Organization.objects.filter(
            type=OrganizationType.PROBATION_UNIT, is_active=True, pk__in=scope
        )
        officer.queryset = User.objects.filter(
            memberships__organization_id__in=scope,
            memberships__role=Role.PROBATION_OFFICER,
            memberships__is_active=True,
        ).distinct()


class ProbationEndForm(_ActingForm):
    ends_on = _date(_("Supervision ends on"))


class IdentifyForm(forms.Form):
    """The identifier as written on the intake document: exact, never partial."""

    scheme = forms.ChoiceField(label=_("Kind of identifier"), choices=[])
    value = forms.CharField(
        label=_("Identifier"),
        max_length=60,
        help_text=_("The full personal code or document number, exactly as on the intake document."),
    )
    issuing_country = forms.CharField(
        label=_("Issuing country"),
        max_length=2,
        required=False,
        help_text=_("Two letters, e.g. LT; only for identifiers other than the Latvian personal code."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        from resoc.sentences.admission import SCHEMES

        super().__init__(*args, **kwargs)
        scheme = self.fields["scheme"]
        assert isinstance(scheme, forms.ChoiceField)
        scheme.choices = SCHEMES


class AdmitIdentifiedForm(AdmitForm):
    """The admission of an identified person; the identifier travels along and is checked again."""

    scheme = forms.CharField(widget=forms.HiddenInput)
    value = forms.CharField(widget=forms.HiddenInput, max_length=60)
    issuing_country = forms.CharField(widget=forms.HiddenInput, max_length=2, required=False)
