from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from resoc.access.roles import Role
from resoc.access.services import ASSIGNABLE_BY_ORG_ADMIN
from resoc.organizations.models import Organization
from resoc.people.models import name_validator


class MemberForm(forms.Form):
    username = forms.RegexField(
        label=_("Username"),
        max_length=150,
        regex=r"^[\w.@+-]+$",
        help_text=_("An existing user gets the new role; a new username creates an account."),
    )
    first_name = forms.CharField(
        label=_("First name"), max_length=150, required=False, validators=[name_validator]
    )
    last_name = forms.CharField(
        label=_("Last name"), max_length=150, required=False, validators=[name_validator]
    )
    email = forms.EmailField(label=_("E-mail"), required=False)
    organization = forms.ModelChoiceField(label=_("Organization"), queryset=Organization.objects.none())
    role = forms.ChoiceField(
        label=_("Role"), choices=[(r.value, r.label) for r in Role if r in ASSIGNABLE_BY_ORG_ADMIN]
    )
    password = forms.CharField(
        label=_("Initial password (new users only)"),
        required=False,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("At least 12 characters, not a common password. The user should change it."),
    )

    def __init__(self, *args: Any, organizations: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = organizations  # type: ignore[attr-defined]
