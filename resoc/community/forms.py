from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from resoc.access import policy
from resoc.access.context import Acting
from resoc.access.models import User
from resoc.access.roles import Role
from resoc.community.models import AreaOfWork, NgoProfile
from resoc.community.rules import STATE_INSTITUTION_TYPES, is_system_admin
from resoc.organizations.models import Organization, OrganizationType, Region
from resoc.people.models import ConsentMethod, plain_text_validator

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class DirectoryForm(forms.Form):
    q = forms.CharField(
        label=_("Name"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )
    area = forms.ChoiceField(
        label=_("Area of work"), required=False, choices=[("", _("Any")), *list(AreaOfWork.choices)]
    )
    region = forms.ChoiceField(
        label=_("Region served"), required=False, choices=[("", _("Any")), *list(Region.choices)]
    )


class ProfileForm(forms.ModelForm):  # type: ignore[type-arg]
    areas = forms.MultipleChoiceField(
        label=_("Areas of work"),
        required=False,
        choices=AreaOfWork.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    regions = forms.MultipleChoiceField(
        label=_("Regions served"),
        required=False,
        choices=Region.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    website = forms.URLField(label=_("Website"), required=False, assume_scheme="https", max_length=200)
    field_order = ["description", "areas", "regions", "address", "phone", "email", "website"]

    class Meta:
        model = NgoProfile
        # Areas and regions are lists here, keys in a text column on the model: the service encodes them.
        fields = ["description", "address", "phone", "email", "website"]
        widgets = {
            "phone": forms.TextInput(attrs={"type": "tel"}),
            "description": forms.Textarea(attrs={"rows": 5}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk and not self.is_bound:
            self.initial["areas"] = self.instance.area_keys
            self.initial["regions"] = self.instance.region_keys


class ContactForm(forms.Form):
    public_id = forms.UUIDField(required=False, widget=forms.HiddenInput)
    name = forms.CharField(label=_("Name"), max_length=150, validators=[plain_text_validator])
    position = forms.CharField(label=_("Position"), max_length=150, required=False)
    phone = forms.CharField(
        label=_("Phone"), max_length=30, required=False, widget=forms.TextInput(attrs={"type": "tel"})
    )
    email = forms.EmailField(label=_("E-mail"), required=False)


ContactFormSet = forms.formset_factory(ContactForm, extra=1, can_delete=True, max_num=20, validate_max=True)


def institution_choices(acting: Acting) -> QuerySet[Organization]:
    institutions = Organization.objects.filter(type__in=STATE_INSTITUTION_TYPES, is_active=True)
    if not is_system_admin(acting):
        institutions = institutions.filter(pk__in=acting.scope_organization_ids)
    return institutions.order_by("name")


class AgreementForm(forms.Form):
    organization = forms.ModelChoiceField(
        label=_("NGO"), queryset=Organization.objects.filter(type=OrganizationType.NGO, is_active=True)
    )
    institution = forms.ModelChoiceField(label=_("Institution"), queryset=Organization.objects.none())
    number = forms.CharField(label=_("Agreement number"), max_length=60)
    scope = forms.CharField(
        label=_("Scope of cooperation"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
    valid_from = forms.DateField(label=_("Valid from"), widget=DATE_INPUT)
    valid_until = forms.DateField(
        label=_("Valid until"),
        required=False,
        widget=DATE_INPUT,
        help_text=_("Leave empty for an agreement until further notice."),
    )
    prisons = forms.ModelMultipleChoiceField(
        label=_("Prisons covered"),
        required=False,
        queryset=Organization.objects.filter(type=OrganizationType.PRISON, is_active=True).order_by("name"),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Prisons the NGO's people may enter. They must be under the institution."),
    )

    def __init__(self, *args: Any, acting: Acting, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["institution"].queryset = institution_choices(acting)  # type: ignore[attr-defined]


class ExtendForm(forms.Form):
    valid_until = forms.DateField(label=_("New end of validity"), widget=DATE_INPUT)


class EndForm(forms.Form):
    ends_on = forms.DateField(label=_("Last day of the agreement"), widget=DATE_INPUT)
    reason = forms.CharField(label=_("Reason for ending early"), max_length=300)


class ConsentForm(forms.Form):
    organization = forms.ModelChoiceField(
        label=_("Shared with (NGO)"),
        queryset=Organization.objects.filter(type=OrganizationType.NGO, is_active=True).order_by("name"),
    )
    mentor = forms.ModelChoiceField(
        label=_("Named mentor (optional)"),
        required=False,
        queryset=User.objects.none(),
        help_text=_("For a peer mentor's access: the volunteer of that NGO the person agrees to."),
    )
    categories = forms.MultipleChoiceField(
        label=_("Data categories to share"), widget=forms.CheckboxSelectMultiple, choices=()
    )
    purpose = forms.CharField(label=_("Purpose"), max_length=200)
    given_on = forms.DateField(label=_("Given on"), widget=DATE_INPUT)
    method = forms.ChoiceField(
        label=_("How it was given"), choices=ConsentMethod.choices, widget=forms.RadioSelect
    )
    signed_form = forms.FileField(
        label=_("Signed form"),
        required=False,
        help_text=_("PDF, JPEG or PNG, at most 10 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,image/jpeg,image/png"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Any known category may be consented to, even one a role cannot read: the consent is the person's.
        self.fields["categories"].choices = [(c.key, c.label) for c in policy.categories()]  # type: ignore[attr-defined]
        self.fields["mentor"].queryset = (  # type: ignore[attr-defined]
            User.objects.filter(
                memberships__role=Role.VOLUNTEER,
                memberships__is_active=True,
                memberships__organization__type=OrganizationType.NGO,
                is_active=True,
            )
            .distinct()
            .order_by("last_name", "first_name", "username")
        )
        self.fields["mentor"].label_from_instance = lambda user: user.get_full_name() or user.get_username()  # type: ignore[attr-defined]


class WithdrawForm(forms.Form):
    reason = forms.CharField(label=_("Reason for the withdrawal"), max_length=300, min_length=3)
