from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from resoc.people.models import Person, plain_text_validator
from resoc.people.services import EDITABLE_FIELDS


class PersonForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = Person
        fields = list(EDITABLE_FIELDS)
        widgets = {
            "date_of_birth": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "given_names": forms.TextInput(attrs={"autocomplete": "off"}),
            "family_name": forms.TextInput(attrs={"autocomplete": "off"}),
            "personal_code": forms.TextInput(attrs={"placeholder": "DDMMYY-CNNNN", "inputmode": "numeric"}),
            "phone": forms.TextInput(attrs={"type": "tel"}),
        }
        help_texts = {
            "personal_code": _("Optional: foreigners and stateless persons may have none."),
            "languages": _("For example: Latvian, Russian, English."),
            "citizenship_country": _("Two-letter code, for example LV, LT, UA."),
        }


class SearchForm(forms.Form):
    q = forms.CharField(
        label=_("Name or personal code"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )


class PurposeForm(forms.Form):
    purpose = forms.CharField(
        label=_("Why do you need this information?"),
        max_length=200,
        min_length=5,
        validators=[plain_text_validator],
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )


class MergeForm(forms.Form):
    duplicate = forms.CharField(
        label=_("Personal code or Resoc identifier of the duplicate record"), max_length=40
    )


class PhotoForm(forms.Form):
    photo = forms.FileField(
        label=_("Photo"),
        help_text=_("JPEG, PNG or WebP, at most 5 MB. It is stored without its metadata."),
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
    )
