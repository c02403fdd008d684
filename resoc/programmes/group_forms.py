"""Forms of the group pages: filters, a group with its schedule, cancelling a group or a session."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from resoc.access.models import User
from resoc.programmes import selectors
from resoc.programmes.models import NAME_MAX, TEXT_MAX, Group, GroupStatus, Offer, Room
from resoc.programmes.services import FACILITATOR_ROLES, GroupSpec


class _DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self) -> None:
        super().__init__(format="%Y-%m-%d")


class _TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self) -> None:
        super().__init__(format="%H:%M")


def _choices(form: forms.Form, name: str) -> forms.ChoiceField:
    return cast(forms.ChoiceField, form.fields[name])


class GroupFilterForm(forms.Form):
    organization = forms.ChoiceField(label=_("Organization or prison"), required=False)
    location = forms.ChoiceField(label=_("Place"), required=False)
    status = forms.ChoiceField(label=_("Status"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        anything = [("", _("Any"))]
        _choices(self, "organization").choices = anything + [
            (o.code, o.name) for o in selectors.group_organizations()
        ]
        _choices(self, "location").choices = anything + [
            (str(loc.public_id), loc.name) for loc in selectors.group_locations()
        ]
        _choices(self, "status").choices = anything + list(GroupStatus.choices)

    def filters(self) -> selectors.GroupFilters:
        data = self.cleaned_data if self.is_valid() else {}
        return selectors.GroupFilters(
            organization=data.get("organization", ""),
            location=data.get("location", ""),
            status=data.get("status", ""),
        )


class OfferChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.programme} — {obj.organization}"


class RoomChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return str(
            _("%(location)s — %(room)s (%(seats)d places)")
            % {"location": obj.location.name, "room": obj.name, "seats": obj.capacity}
        )


class FacilitatorChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.get_full_name() or obj.get_username())


class GroupForm(forms.Form):
    offer = OfferChoiceField(label=_("Programme"), queryset=Offer.objects.none())
    name = forms.CharField(
        label=_("Group name"),
        max_length=NAME_MAX,
        help_text=_("How staff tell the groups apart, e.g. “Welders, spring 2027”."),
    )
    room = RoomChoiceField(label=_("Room"), queryset=Room.objects.none())
    facilitator = FacilitatorChoiceField(label=_("Facilitator"), queryset=User.objects.none())
    capacity = forms.IntegerField(label=_("Places"), min_value=1, max_value=500)
    starts_on = forms.DateField(label=_("First day"), widget=_DateInput())
    ends_on = forms.DateField(label=_("Last day"), widget=_DateInput())
    recurrence = forms.CharField(
        label=_("Repeats (RFC 5545 rule)"),
        max_length=500,
        initial="FREQ=WEEKLY;BYDAY=MO,WE;COUNT=10",
        help_text=_(
            "E.g. FREQ=WEEKLY;BYDAY=MO,WE;UNTIL=20270301 — Mondays and Wednesdays up to 1 March 2027; "
            "COUNT=10 instead of UNTIL gives ten sessions. Days: MO TU WE TH FR SA SU."
        ),
    )
    session_start = forms.TimeField(label=_("Sessions start at"), widget=_TimeInput())
    session_minutes = forms.IntegerField(
        label=_("Session length in minutes"), min_value=15, max_value=600, initial=90
    )

    def __init__(
        self, *args: Any, offers: list[Offer], organization_ids: frozenset[int], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        offer_ids = [offer.pk for offer in offers]
        location_ids = {link.location_id for offer in offers for link in offer.offer_locations.all()}
        cast(OfferChoiceField, self.fields["offer"]).queryset = Offer.objects.filter(
            pk__in=offer_ids
        ).select_related("programme", "organization")
        cast(RoomChoiceField, self.fields["room"]).queryset = (
            Room.objects.filter(location_id__in=location_ids, is_active=True)
            .select_related("location")
            .order_by("location__name", "name")
        )
        cast(FacilitatorChoiceField, self.fields["facilitator"]).queryset = (
            User.objects.filter(
                Q(
                    memberships__organization_id__in=organization_ids,
                    memberships__is_active=True,
                    memberships__role__in=FACILITATOR_ROLES,
                ),
                is_active=True,
            )
            .distinct()
            .order_by("last_name", "first_name", "username")
        )

    @staticmethod
    def initial_from(group: Group) -> dict[str, Any]:
        return {
            "offer": group.offer_id,
            "name": group.name,
            "room": group.room_id,
            "facilitator": group.facilitator_id,
            "capacity": group.capacity,
            "starts_on": group.starts_on,
            "ends_on": group.ends_on,
            "recurrence": group.recurrence,
            "session_start": group.session_start,
            "session_minutes": group.session_minutes,
            "status": group.status,
        }

    def spec(self) -> GroupSpec:
        data = self.cleaned_data
        return GroupSpec(
            offer=data["offer"],
            room=data["room"],
            facilitator=data["facilitator"],
            name=data["name"],
            starts_on=data["starts_on"],
            ends_on=data["ends_on"],
            capacity=data["capacity"],
            recurrence=data["recurrence"],
            session_start=data["session_start"],
            session_minutes=data["session_minutes"],
        )


class GroupEditForm(GroupForm):
    status = forms.ChoiceField(
        label=_("Status"),
        choices=[(s.value, s.label) for s in GroupStatus if s != GroupStatus.CANCELLED],
    )


class CancelForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=TEXT_MAX, widget=forms.Textarea(attrs={"rows": 2}))


class EnrolForm(forms.Form):
    personal_code = forms.CharField(label=_("Personal code"), max_length=20)
    accept_conflicts = forms.BooleanField(
        label=_("Enrol even if the person's other group meets at the same time"), required=False
    )


class _DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self) -> None:
        super().__init__(format="%Y-%m-%dT%H:%M")


class SessionMoveForm(forms.Form):
    starts_at = forms.DateTimeField(
        label=_("New start"),
        widget=_DateTimeInput(),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%d.%m.%Y %H:%M"],
        help_text=_("Local time in Latvia; the session keeps its length."),
    )
    room = forms.ModelChoiceField(label=_("Room"), queryset=Room.objects.none())
    reason = forms.CharField(label=_("Reason"), max_length=NAME_MAX, required=False)
    accept_conflicts = forms.BooleanField(label=_("Save despite the conflicts"), required=False)

    def __init__(self, *args: Any, location_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast(forms.ModelChoiceField, self.fields["room"])  # type: ignore[type-arg]
        field.queryset = Room.objects.filter(location_id=location_id, is_active=True).order_by("name")
