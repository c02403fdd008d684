"""Thin views of waiting lists and of filling a group from its list.

The overview names no one: it counts the people waiting on each list. A list (one programme at one
prison) is shown to those who may keep it (``waiting.can_manage_waiting``), limited to people they
may read, and each shown name is an audited read. Filling a group is a preview first (GET) and a
confirmation (POST) that carries the preview's outcome, so nothing is given that nobody saw.
"""

from __future__ import annotations

import uuid

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from resoc.access import policy
from resoc.access.http import ResocRequest, acting_or_403
from resoc.audit.services import audit_record_listing
from resoc.organizations.models import Organization
from resoc.plans.models import Measure
from resoc.programmes import allocation, measure_waiting, selectors, waiting
from resoc.programmes.models import ACTIVE_GROUP_STATUSES, Programme, WaitingEntry, WaitingOverride


class ListForm(forms.Form):
    programme = forms.ModelChoiceField(
        label=gettext_lazy("Programme"), queryset=Programme.objects.active(), to_field_name="public_id"
    )
    organization = forms.ModelChoiceField(
        label=gettext_lazy("Prison or organization"),
        queryset=Organization.objects.filter(is_active=True).order_by("name"),
        to_field_name="code",
    )


class ApplicationForm(forms.Form):
    personal_code = forms.CharField(label=gettext_lazy("Personal code"), max_length=20)
    note = forms.CharField(
        label=gettext_lazy("How the person applied"),
        max_length=4000,
        help_text=gettext_lazy("For example: written request of 1 June, asked at the interview."),
    )


def _list_url(programme: Programme, organization: Organization) -> str:
    query = urlencode({"programme": str(programme.public_id), "organization": organization.code})
    return f"{reverse('programmes:waiting')}?{query}"


@login_required
@require_GET
def waiting_list(request: ResocRequest) -> HttpResponse:
    acting = acting_or_403(request)
    form = ListForm(request.GET or None)
    context: dict[str, object] = {"form": form, "summaries": waiting.waiting_summaries()}
    if request.GET and form.is_valid():
        programme: Programme = form.cleaned_data["programme"]
        organization: Organization = form.cleaned_data["organization"]
        if not waiting.can_manage_waiting(acting, programme=programme, organization_id=organization.pk):
            raise PermissionDenied
        visible = policy.visible_persons(acting)
        entries = list(
            waiting.waiting_entries(programme=programme, organization_id=organization.pk).filter(
                person__in=visible
            )
        )
        ranked = waiting.ranked_list(entries)
        candidates = waiting.plan_candidates(acting=acting, programme=programme, organization=organization)
        audit_record_listing(
            actor=acting.actor,
            person_ids=[r.entry.person.public_id for r in ranked]
            + [m.goal.plan.person.public_id for m in candidates],
            category=policy.IDENTITY.key,
            detail={"programme": programme.code, "purpose": "waiting list"},
        )
        context.update(
            {
                "programme": programme,
                "organization": organization,
                "ranked": ranked,
                "candidates": candidates,
                "application_form": ApplicationForm(),
                "overrides": WaitingOverride.choices,
                "groups": [
                    group
                    for group in selectors.groups(
                        selectors.GroupFilters(organization=organization.code, programme=programme.code)
                    )
                    if group.status in ACTIVE_GROUP_STATUSES
                    and group.room.location.organization_id == organization.pk
                ],
            }
        )
    return render(request, "programmes/waiting/list.html", context)


def _list_from_post(request: ResocRequest) -> tuple[Programme, Organization]:
    form = ListForm(request.POST)
    if not form.is_valid():
        raise Http404
    return form.cleaned_data["programme"], form.cleaned_data["organization"]


@login_required
@require_POST
def waiting_apply(request: ResocRequest) -> HttpResponse:
    acting = acting_or_403(request)
    programme, organization = _list_from_post(request)
    form = ApplicationForm(request.POST)
    person = None
    if form.is_valid():
        # An unknown and an unreadable personal code look alike.
        person = (
            policy.visible_persons(acting).filter(personal_code=form.cleaned_data["personal_code"]).first()
        )
    if person is None:
        messages.error(request, _("No person you may read has this personal code."))
        return redirect(_list_url(programme, organization))
    try:
        waiting.waiting_entry_add_application(
            acting=acting,
            person=person,
            programme=programme,
            organization=organization,
            note=form.cleaned_data["note"],
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("%(name)s is on the waiting list.") % {"name": person})
    return redirect(_list_url(programme, organization))


@login_required
@require_POST
def waiting_from_measure(request: ResocRequest, public_id: uuid.UUID) -> HttpResponse:
    acting = acting_or_403(request)
    programme, organization = _list_from_post(request)
    measure = Measure.objects.select_related("goal__plan__person").filter(public_id=public_id).first()
    if measure is None:
        raise Http404
    try:
        waiting.waiting_entry_add_from_measure(
            acting=acting, measure=measure, programme=programme, organization=organization
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("%(name)s is on the waiting list.") % {"name": measure.goal.plan.person})
    return redirect(_list_url(programme, organization))


@login_required
@require_POST
def measure_waiting_add(request: ResocRequest, public_id: uuid.UUID) -> HttpResponse:
    """Put the person of a plan measure on a waiting list chosen on the plan (htmx: the measure's
    waiting part is answered; without JavaScript, back to the plan)."""
    acting = acting_or_403(request)
    measure = Measure.objects.select_related("goal__plan__person").filter(public_id=public_id).first()
    # A measure of a person one may not read looks like one that does not exist.
    if measure is None or not policy.can_read(acting, measure.goal.plan.person, policy.IDENTITY.key):
        raise Http404
    person = measure.goal.plan.person
    state = measure_waiting.measures_waiting(acting, [measure], offer_waiting=True).get(measure.pk)
    options = {option.value: option for option in (state.options if state else [])}
    if not options:
        # Not a programme measure, closed, or no list this user keeps: nothing to add here.
        raise PermissionDenied
    chosen = options.get(request.POST.get("list", ""))
    errors: list[str] = []
    if chosen is None:
        errors = [_("Choose one of the listed waiting lists.")]
    else:
        try:
            waiting.waiting_entry_add_from_measure(
                acting=acting, measure=measure, programme=chosen.programme, organization=chosen.organization
            )
        except ValidationError as error:
            errors = error.messages
    if request.htmx:
        # 200 even with errors: htmx swaps only successful responses, and the errors must be shown.
        return render(
            request,
            "programmes/waiting/_measure.html",
            {
                "measure": measure,
                "waiting": measure_waiting.measures_waiting(acting, [measure]).get(measure.pk),
                "waiting_errors": errors,
            },
        )
    if errors:
        for message in errors:
            messages.error(request, message)
    else:
        messages.success(request, _("%(name)s is on the waiting list.") % {"name": person})
    return redirect(reverse("plans:detail", args=[person.public_id]) + f"#measure-{measure.public_id}")


def _entry_or_404(public_id: uuid.UUID) -> WaitingEntry:
    entry = (
        WaitingEntry.objects.select_related("person", "programme", "organization")
        .filter(public_id=public_id)
        .first()
    )
    if entry is None:
        raise Http404
    return entry


@login_required
@require_POST
def waiting_change(request: ResocRequest, public_id: uuid.UUID) -> HttpResponse:
    """Override the order (``action=override``) or take the person off the list (``action=withdraw``)."""
    acting = acting_or_403(request)
    entry = _entry_or_404(public_id)
    reason = request.POST.get("reason", "")
    try:
        if request.POST.get("action") == "withdraw":
            waiting.waiting_entry_withdraw(acting=acting, entry=entry, reason=reason)
            messages.success(request, _("%(name)s left the waiting list.") % {"name": entry.person})
        else:
            waiting.waiting_entry_override(
                acting=acting, entry=entry, override=request.POST.get("override", ""), reason=reason
            )
            messages.success(request, _("The order of the list was changed."))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect(_list_url(entry.programme, entry.organization))


@login_required
@require_http_methods(["GET", "POST"])
def group_allocate(request: ResocRequest, public_id: uuid.UUID) -> HttpResponse:
    acting = acting_or_403(request)
    group = selectors.group_by_public_id(public_id)
    if group is None:
        raise Http404
    if request.method == "POST":
        try:
            expected = [uuid.UUID(value) for value in request.POST.getlist("expected")]
        except ValueError:
            raise Http404 from None
        try:
            result = allocation.group_allocate(acting=acting, group=group, confirm=True, expected=expected)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("programmes:group_allocate", public_id=group.public_id)
        messages.success(
            request,
            _("Places given: %(given)d; skipped: %(skipped)d.")
            % {"given": len(result.allocated), "skipped": len(result.skipped)},
        )
        return redirect("programmes:group_detail", public_id=group.public_id)
    try:
        preview = allocation.group_allocate(acting=acting, group=group, confirm=False)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("programmes:group_detail", public_id=group.public_id)
    return render(
        request,
        "programmes/waiting/allocate.html",
        {
            "group": group,
            "preview": preview,
            "list_url": _list_url(group.offer.programme, group.room.location.organization),
        },
    )
