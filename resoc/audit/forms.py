from __future__ import annotations

import datetime as dt
from typing import Any
from uuid import UUID

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from resoc.audit import selectors
from resoc.audit.models import AuditAction
from resoc.people.identity import normalize_personal_code


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format="%Y-%m-%d")


class AuditSearchForm(forms.Form):
    """The auditor's filters. Every field is optional; all given ones must match."""

    person = forms.CharField(
        label=_("Person"),
        required=False,
        max_length=40,
        help_text=_("The person's public ID, or their personal code (DDMMYY-CNNNN)."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    username = forms.CharField(
        label=_("Username"),
        required=False,
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    action = forms.ChoiceField(
        label=_("Action"),
        required=False,
        choices=[("", _("Any action")), *AuditAction.choices],
    )
    date_from = forms.DateField(label=_("From"), required=False, widget=DateInput())
    date_to = forms.DateField(label=_("To"), required=False, widget=DateInput())

    def clean_person(self) -> list[UUID] | None:
        """The public ids the entered person is logged under; None when no person was entered."""
        raw: str = self.cleaned_data["person"].strip()
        if not raw:
            return None
        try:
            return selectors.person_public_ids(public_id=UUID(raw))
        except ValueError:
            pass
        try:
            code = normalize_personal_code(raw)
        except ValidationError:
            raise ValidationError(
                _("Enter a person's public ID or a valid personal code."), code="person"
            ) from None
        return selectors.person_public_ids(personal_code=code)

    def clean_username(self) -> str:
        return str(self.cleaned_data["username"]).strip()

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        date_from: dt.date | None = cleaned.get("date_from")
        date_to: dt.date | None = cleaned.get("date_to")
        if date_from and date_to and date_from > date_to:
            self.add_error("date_to", _("The end of the period is before its start."))
        return cleaned

    def is_filtered(self) -> bool:
        return any(value not in (None, "") for value in self.filters().values())

    def filters(self) -> dict[str, Any]:
        """The valid form's filters as the selector's keyword arguments.

        ``person`` stays an empty list when the entered code belongs to nobody: that matches no
        entry, where None would match all of them.
        """
        data = self.cleaned_data
        return {
            "person": data.get("person"),
            "username": data.get("username") or "",
            "action": data.get("action") or "",
            "date_from": data.get("date_from"),
            "date_to": data.get("date_to"),
        }

    def filters_for_log(self) -> dict[str, Any]:
        """The filters as JSON for an audit entry: a personal code is never logged, only public ids."""
        data = self.filters()
        return {
            "person": [str(pid) for pid in data["person"]] if data["person"] is not None else None,
            "username": data["username"],
            "action": data["action"],
            "date_from": data["date_from"].isoformat() if data["date_from"] else None,
            "date_to": data["date_to"].isoformat() if data["date_to"] else None,
        }
