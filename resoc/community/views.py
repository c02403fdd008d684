"""The NGO directory, an NGO's profile page and its editing."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from resoc.access.http import ResocRequest, acting_or_403
from resoc.community import selectors
from resoc.community.forms import ContactFormSet, DirectoryForm, ProfileForm
from resoc.community.profiles import profile_of, profile_update
from resoc.community.rules import can_edit_profile, can_manage_agreements, can_manage_any_agreements
from resoc.organizations.models import Organization
from resoc.web.forms import add_validation_errors

PAGE_SIZE = 25


@login_required
def directory(request: ResocRequest) -> HttpResponse:
    acting_or_403(request)
    form = DirectoryForm(request.GET)
    filters = form.cleaned_data if form.is_valid() else {"q": "", "area": "", "region": ""}
    ngos = selectors.ngo_directory(query=filters["q"], area=filters["area"], region=filters["region"])
    page = Paginator(ngos, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "ngos": list(page.object_list),
        "filtered": any(filters.values()),
        "query": query.urlencode(),
    }
    template = "community/_directory_results.html" if request.htmx else "community/directory.html"
    return render(request, template, context)


def _ngo_or_404(public_id: uuid.UUID) -> Organization:
    ngo = selectors.ngo_or_none(public_id)
    if ngo is None:
        raise Http404
    return ngo


@login_required
def profile(request: ResocRequest, public_id: uuid.UUID) -> HttpResponse:
    acting = acting_or_403(request)
    ngo = _ngo_or_404(public_id)
    today = timezone.localdate()
    agreements = [
        {"agreement": a, "state": state, "may_change": can_manage_agreements(acting, a.institution)}
        for a, state in selectors.agreement_list(acting=acting, organization=ngo, today=today)
    ]
    context: dict[str, Any] = {
        "ngo": ngo,
        "profile": profile_of(ngo),
        "contacts": selectors.profile_contacts(ngo),
        "services": selectors.ngo_services(ngo),
        "agreements": agreements,
        "suspended": selectors.ngo_suspended(organization=ngo, on=today),
        "can_edit": can_edit_profile(acting, ngo),
        "can_manage": any(row["may_change"] for row in agreements),
        "may_record_agreement": can_manage_any_agreements(acting),
    }
    return render(request, "community/profile.html", context)


@login_required
def profile_edit(request: ResocRequest, public_id: uuid.UUID) -> HttpResponse:
    acting = acting_or_403(request)
    ngo = _ngo_or_404(public_id)
    if not can_edit_profile(acting, ngo):
        raise PermissionDenied
    current = profile_of(ngo)
    initial_contacts = [
        {"public_id": c.public_id, "name": c.name, "position": c.position, "phone": c.phone, "email": c.email}
        for c in selectors.profile_contacts(ngo)
    ]
    form = ProfileForm(request.POST or None, instance=current)
    contacts = ContactFormSet(request.POST or None, initial=initial_contacts, prefix="contacts")
    if request.method == "POST" and form.is_valid() and contacts.is_valid():
        # The empty extra form has no cleaned data; ticked "Delete" removes the contact.
        sent = [c.cleaned_data for c in contacts.forms if c.cleaned_data and not c.cleaned_data.get("DELETE")]
        data = {
            name: form.cleaned_data.get(name, "")
            for name in ("description", "address", "phone", "email", "website")
        }
        try:
            profile_update(
                acting=acting,
                organization=ngo,
                data=data,
                areas=form.cleaned_data["areas"],
                regions=form.cleaned_data["regions"],
                contacts=sent,
            )
        except ValidationError as error:
            add_validation_errors(form, error)
        else:
            messages.success(request, _("The profile has been saved."))
            return redirect("community:profile", public_id=ngo.public_id)
    status = 422 if request.method == "POST" else 200
    return render(
        request,
        "community/profile_edit.html",
        {"ngo": ngo, "form": form, "contacts": contacts},
        status=status,
    )
