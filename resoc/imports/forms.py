from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from resoc.imports.models import ImportMode, RowStatus
from resoc.imports.reader import FileRefused, check_size


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("Register file"),
        help_text=_("CSV (UTF-8 or Windows-1257) or Excel workbook (.xlsx), up to the size limit below."),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.txt,.xlsx"}),
    )
    mode = forms.ChoiceField(
        label=_("If some rows are not valid"),
        choices=ImportMode.choices,
        initial=ImportMode.ALL_OR_NOTHING,
        widget=forms.RadioSelect,
    )

    def clean_file(self) -> object:
        upload = self.cleaned_data["file"]
        try:
            check_size(upload.size or 0)
        except FileRefused as refused:
            raise forms.ValidationError(refused.message, code=refused.code) from None
        return upload


class RowFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Show rows"),
        choices=[("", _("All rows")), *RowStatus.choices],
        required=False,
    )
