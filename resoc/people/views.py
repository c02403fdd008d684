from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import select_template
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from resoc.access import policy
from resoc.access.context import Acting
from resoc.access.http import ResocRequest, acting_or_403
from resoc.audit.models import AuditAction
from resoc.audit.services import audit_person, audit_record, audit_record_listing
from resoc.people import selectors, services
from resoc.people.events import event_label
from resoc.people.forms import MergeForm, PersonForm, PhotoForm, PurposeForm, SearchForm
from resoc.people.models import Person
from resoc.people.sections import section_context
from resoc.web.forms import add_validation_errors

PAGE_SIZE = 25
PURPOSES_SESSION_KEY = "resoc_stated_purposes"


def _person_or_404(
    request: ResocRequest, public_id: uuid.UUID, category: str = policy.IDENTITY.key
) -> Person:
    """The person, if ``category`` may be read; otherwise 404 whether or not the person exists."""
    acting = acting_or_403(request)
    person = Person.objects.filter(public_id=public_id).first()
    if person is not None and person.merged_into_id is not None:
        raise _MergedRedirect(person)
    if person is None or not policy.can_read(acting, person, category):
        audit_person(actor=acting.actor, action=AuditAction.DENIED, person_id=public_id, category=category)
        raise Http404
    return person


class _MergedRedirect(Exception):
    def __init__(self, person: Person) -> None:
        self.person = person


@login_required
def search(request: ResocRequest) -> HttpResponse:
    acting = acting_or_403(request)
    form = SearchForm(request.GET)
    query = form.cleaned_data["q"] if form.is_valid() else ""
    persons = selectors.person_search(acting=acting, query=query)
    page = Paginator(persons, PAGE_SIZE).get_page(request.GET.get("page"))
    shown = list(page.object_list)
    if query:
        audit_record(
            actor=acting.actor,
            action=AuditAction.SEARCH,
            detail={"query": query, "results": page.paginator.count},
        )
    audit_record_listing(
        actor=acting.actor, person_ids=[p.public_id for p in shown], category=policy.IDENTITY.key
    )
    context = {
        "form": form,
        "page": page,
        "persons": shown,
        "query": query,
        "can_register": policy.can_register_persons(acting),
    }
    template = "people/_results.html" if request.htmx else "people/search.html"
    return render(request, template, context)


@login_required
def register(request: ResocRequest) -> HttpResponse:
    acting = acting_or_403(request)
    if not policy.can_register_persons(acting):
        raise PermissionDenied
    form = PersonForm(request.POST or None)
    duplicates: list[dict[str, Any]] = []
    if request.method == "POST" and form.is_valid():
        try:
            person = services.person_register(
                acting=acting,
                data=form.cleaned_data,
                confirm_possible_duplicate=request.POST.get("confirm_duplicate") == "1",
            )
        except services.PossibleDuplicateError as error:
            visible = set(
                policy.visible_persons(acting)
                .filter(pk__in=[p.pk for p in error.duplicates])
                .values_list("pk", flat=True)
            )
            duplicates = [{"person": p, "visible": p.pk in visible} for p in error.duplicates]
        except ValidationError as error:
            add_validation_errors(form, error)
        else:
            messages.success(request, _("%(name)s has been registered.") % {"name": person.full_name})
            return redirect("people:detail", public_id=person.public_id)
    return render(request, "people/register.html", {"form": form, "duplicates": duplicates})


@login_required
def detail(request: ResocRequest, public_id: uuid.UUID) -> HttpResponse:
    acting = acting_or_403(request)
    try:
        person = _person_or_404(request, public_id)
    except _MergedRedirect as merged:
        return redirect("people:detail", public_id=merged.person.merged_into.public_id)  # type: ignore[union-attr]
    audit_person(
        actor=acting.actor, action=AuditAction.VIEW, person_id=person.public_id, category=policy.IDENTITY.key
    )
    decisions = policy.readable_categories(acting, person)
    stated = request.session.get(PURPOSES_SESSION_KEY, {}).get(str(person.public_id), {})
    sections = [
        _section(acting, person, category, decisions[category.key], stated.get(category.key))
        for category in policy.categories()
        if category.key != policy.IDENTITY.key and decisions[category.key]
    ]
    # Every section whose content is shown is a read of that category, with the purpose given for it.
    for section in sections:
        if not section["locked"]:
            audit_person(
                actor=acting.actor,
                action=AuditAction.VIEW,
                person_id=person.public_id,
                category=section["category"].key,
                purpose=section["purpose"] or "",
            )
    timeline = selectors.person_timeline(acting=acting, person=person, decisions=decisions)
    return render(
        request,
        "people/detail.html",
        {
            "person": person,
            "sections": sections,
            "timeline": [{"event": e, "label": event_label(e.type)} for e in timeline],
            "can_update": policy.can_update(acting, person),
            "can_merge": policy.can_merge(acting),
        },
    )


def _section(
    acting: Acting,
    person: Person,
    category: policy.DataCategory,
    decision: policy.Decision,
    purpose: str | None,
) -> dict[str, Any]:
    template = select_template([f"people/sections/{category.key}.html", "people/sections/empty.html"])
    locked = decision.needs_purpose and not purpose
    return {
        "category": category,
        "locked": locked,
        "purpose": purpose,
        "template": template.template.name,
        "purpose_form": PurposeForm(auto_id=f"id_{category.key}_%s"),
        # Filled by the feature apps (people.sections); nothing is read while the section is locked.
        "data": {} if locked else section_context(category.key, acting, person),
    }


@login_required
@require_POST
def state_purpose(request: ResocRequest, public_id: uuid.UUID, category_key: str) -> HttpResponse:
    """Record why a sensitive category is opened, then show it (htmx swaps the section in place)."""
    acting = acting_or_403(request)
    if category_key not in {c.key for c in policy.categories()}:
        raise Http404
    try:
        person = _person_or_404(request, public_id, category_key)
    except _MergedRedirect:
        raise Http404 from None
    category = policy.category(category_key)
    form = PurposeForm(request.POST, auto_id=f"id_{category_key}_%s")
    if not form.is_valid():
        section = {
            "category": category,
            "locked": True,
            "purpose_form": form,
            "template": "people/sections/empty.html",
        }
        return render(request, "people/_section.html", {"person": person, "section": section}, status=422)
    purpose = form.cleaned_data["purpose"]
    audit_person(
        actor=acting.actor,
        action=AuditAction.VIEW,
        person_id=person.public_id,
        category=category_key,
        purpose=purpose,
    )
    purposes = request.session.get(PURPOSES_SESSION_KEY, {})
    purposes.setdefault(str(person.public_id), {})[category_key] = purpose
    request.session[PURPOSES_SESSION_KEY] = purposes
    section = _section(acting, person, category, policy.can_read(acting, person, category_key), purpose)
    if request.htmx:
        return render(request, "people/_section.html", {"person": person, "section": section})
    return redirect("people:detail", public_id=person.public_id)


@login_required
def edit(request: ResocRequest, public_id: uuid.UUID) -> HttpResponse:
    acting = acting_or_403(request)
    try:
        person = _person_or_404(request, public_id)
    except _MergedRedirect as merged:
        return redirect("people:edit", public_id=merged.person.merged_into.public_id)  # type: ignore[union-attr]
    if not policy.can_update(acting, person):
        raise PermissionDenied
    form = PersonForm(request.POST or None, instance=Person.objects.get(pk=person.pk))
    if request.method == "POST" and form.is_valid():
        try:
            services.person_update(acting=acting, person=person, data=form.cleaned_data)
        except ValidationError as error:
            add_validation_errors(form, error)
        else:
            messages.success(request, _("The changes have been saved."))
            return redirect("people:detail", public_id=person.public_id)
    return render(request, "people/edit.html", {"form": form, "person": person, "photo_form": PhotoForm()})


@login_required
def photo(request: ResocRequest, public_id: uuid.UUID) -> HttpResponse | FileResponse:
    """GET shows the photo (a read of identity data, audited); POST replaces or removes it."""
    acting = acting_or_403(request)
    try:
        person = _person_or_404(request, public_id)
    except _MergedRedirect:
        raise Http404 from None
    if request.method == "POST":
        return _change_photo(request, acting, person)
    if not person.photo:
        raise Http404
    audit_person(
        actor=acting.actor,
        action=AuditAction.VIEW,
        person_id=person.public_id,
        category=policy.IDENTITY.key,
        record_type="photo",
    )
    response = FileResponse(person.photo.open("rb"), content_type="image/jpeg")
    response["Cache-Control"] = "private, no-store"
    return response


def _change_photo(request: ResocRequest, acting: Acting, person: Person) -> HttpResponse:
    if not policy.can_update(acting, person):
        raise PermissionDenied
    if request.POST.get("remove") == "1":
        services.person_photo_remove(acting=acting, person=person)
        messages.success(request, _("The photo has been removed."))
        return redirect("people:detail", public_id=person.public_id)
    photo_form = PhotoForm(request.POST, request.FILES)
    if photo_form.is_valid():
        try:
            services.person_photo_set(acting=acting, person=person, upload=photo_form.cleaned_data["photo"])
        except ValidationError as error:
            photo_form.add_error("photo", error)
        else:
            messages.success(request, _("The photo has been saved."))
            return redirect("people:detail", public_id=person.public_id)
    form = PersonForm(instance=Person.objects.get(pk=person.pk))
    return render(
        request, "people/edit.html", {"form": form, "person": person, "photo_form": photo_form}, status=422
    )


@login_required
def merge(request: ResocRequest, public_id: uuid.UUID) -> HttpResponse:
    acting = acting_or_403(request)
    try:
        survivor = _person_or_404(request, public_id)
    except _MergedRedirect:
        raise Http404 from None
    if not policy.can_merge(acting):
        raise PermissionDenied
    form = MergeForm(request.POST or request.GET or None)
    duplicate = None
    if form.is_bound and form.is_valid():
        duplicate = _find_duplicate(acting, form.cleaned_data["duplicate"])
        if duplicate is None or duplicate.pk == survivor.pk:
            form.add_error("duplicate", _("No other record you may see has this code or identifier."))
            duplicate = None
        elif request.method == "POST" and request.POST.get("confirm") == "1":
            try:
                services.person_merge(acting=acting, survivor=survivor, duplicate=duplicate)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("The records have been merged."))
                return redirect("people:detail", public_id=survivor.public_id)
    return render(request, "people/merge.html", {"form": form, "person": survivor, "duplicate": duplicate})


def _find_duplicate(acting: Acting, reference: str) -> Person | None:
    visible = policy.visible_persons(acting)
    try:
        return visible.filter(public_id=uuid.UUID(reference.strip())).first()
    except ValueError:
        pass
    from resoc.people.identity import normalize_personal_code

    try:
        code = normalize_personal_code(reference)
    except ValidationError:
        return None
    return visible.filter(personal_code=code).first()
