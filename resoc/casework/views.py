"""Thin views of "My people" and case notes: access through ``access.policy``, rules in services.

Only roles with a caseload open these pages (403 otherwise); a person the user may not read answers
404 whether or not the person exists.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, HttpResponseBase, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from resoc.access import policy
from resoc.access.context import Acting
from resoc.access.http import ResocRequest, acting_or_403
from resoc.audit.models import AuditAction
from resoc.audit.services import audit_person, audit_record, audit_record_listing
from resoc.casework import caseload, export, rules, selectors, services
from resoc.casework.forms import CaseloadFilterForm, CaseNoteForm
from resoc.casework.models import CaseNote
from resoc.people.models import Person
from resoc.people.views import PURPOSES_SESSION_KEY
from resoc.web.forms import add_validation_errors


def _caseload_acting(request: ResocRequest) -> Acting:
    acting = acting_or_403(request)
    if not rules.has_caseload(acting):
        raise PermissionDenied
    return acting


def _filter_form(request: ResocRequest, acting: Acting, columns: caseload.Columns) -> CaseloadFilterForm:
    form = CaseloadFilterForm(
        request.GET or None, columns=columns, relations=caseload.relation_labels(acting)
    )
    form.is_valid()
    return form


def _query_without(request: ResocRequest, *names: str) -> str:
    query = request.GET.copy()
    for name in names:
        query.pop(name, None)
    return query.urlencode()


@login_required
@require_GET
def my_people(request: ResocRequest) -> HttpResponse:
    acting = _caseload_acting(request)
    on = timezone.localdate()
    columns = caseload.Columns.for_acting(acting)
    form = _filter_form(request, acting, columns)
    filters = form.filters()
    persons = caseload.caseload(acting, filters, on=on, columns=columns)
    page = Paginator(persons, caseload.PAGE_SIZE).get_page(request.GET.get("page"))
    shown = caseload.rows(acting, list(page.object_list), on=on, columns=columns)
    if filters.q:
        audit_record(
            actor=acting.actor,
            action=AuditAction.SEARCH,
            record_type="caseload",
            detail={"query": filters.q, "results": page.paginator.count},
        )
    # Each listed person is a read of every category the row shows.
    for category in columns.categories():
        audit_record_listing(
            actor=acting.actor, person_ids=[row.person.public_id for row in shown], category=category
        )
    context: dict[str, Any] = {
        "form": form,
        "filters": filters,
        "columns": columns,
        "page": page,
        "rows": shown,
        "today": on,
        "query": _query_without(request, "page"),
        "sort_query": _query_without(request, "page", "sort"),
        "export_query": _query_without(request, "page"),
    }
    if request.htmx and not request.htmx.boosted:
        return render(request, "casework/_caseload_results.html", context)
    # The tiles count the whole caseload (the page's slowest query at a prison's size): the page
    # loads them with a request of its own (``caseload_tiles``), so the list is shown without waiting.
    return render(request, "casework/my_people.html", context)


@login_required
@require_GET
def caseload_tiles(request: ResocRequest) -> HttpResponse:
    """The summary tiles of "My people": a fragment for htmx, a page of its own without JavaScript."""
    acting = _caseload_acting(request)
    columns = caseload.Columns.for_acting(acting)
    context: dict[str, Any] = {
        "columns": columns,
        "summary": caseload.caseload_summary(acting, on=timezone.localdate(), columns=columns),
    }
    if request.htmx and not request.htmx.boosted:
        return render(request, "casework/_caseload_tiles.html", context)
    return render(request, "casework/caseload_tiles.html", context)


@login_required
@never_cache
@require_GET
def export_caseload(request: ResocRequest, file_format: str) -> HttpResponseBase:
    """The filtered list (every page) as CSV or XLSX; logged with its filters before a row is written."""
    acting = _caseload_acting(request)
    on = timezone.localdate()
    columns = caseload.Columns.for_acting(acting)
    form = _filter_form(request, acting, columns)
    if form.is_bound and not form.is_valid():
        context = {
            "form": form,
            "columns": columns,
            "summary": caseload.caseload_summary(acting, on=on, columns=columns),
            "rows": [],
            "page": None,
            "export_error": True,
        }
        return render(request, "casework/my_people.html", context, status=400)
    filters = form.filters()
    persons = caseload.caseload(acting, filters, on=on, columns=columns)
    person_ids = list(persons.values_list("public_id", flat=True))
    entry = audit_record(
        actor=acting.actor,
        action=AuditAction.EXPORT,
        record_type="caseload",
        detail={"filters": filters.for_log(), "rows": len(person_ids), "format": file_format},
    )
    for category in columns.categories():
        audit_record_listing(
            actor=acting.actor, person_ids=person_ids, category=category, detail={"export": entry.pk}
        )
    stamp = f"{timezone.localtime():%Y%m%d-%H%M}"
    all_rows = caseload.all_rows(acting, persons, on=on, columns=columns)
    response: HttpResponseBase
    if file_format == "xlsx":
        response = HttpResponse(export.xlsx_bytes(all_rows, columns), content_type=export.XLSX_CONTENT_TYPE)
    else:
        language = translation.get_language() or "lv"

        def lines() -> Any:
            # A streamed response is written after the view has returned: keep the page's language.
            with translation.override(language):
                yield from export.csv_lines(all_rows, columns)

        response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="resoc-my-people-{stamp}.{file_format}"'
    return response


# --- case notes ------------------------------------------------------------------------------------


def _readable_person(acting: Acting, person_id: uuid.UUID) -> Person:
    """The person, if their identity may be read; 404 otherwise, whether or not the person exists."""
    person = Person.objects.current().filter(public_id=person_id).first()
    if person is None or not policy.can_read(acting, person, policy.IDENTITY.key):
        audit_person(
            actor=acting.actor, action=AuditAction.DENIED, person_id=person_id, category=policy.CASE_NOTES.key
        )
        raise Http404
    return person


def _stated(request: ResocRequest, person: Person) -> dict[str, str]:
    stated: dict[str, str] = request.session.get(PURPOSES_SESSION_KEY, {}).get(str(person.public_id), {})
    return stated


def _notes_page(
    request: ResocRequest,
    acting: Acting,
    person: Person,
    *,
    form: CaseNoteForm | None = None,
    status: int = 200,
) -> HttpResponse:
    stated = _stated(request, person)
    view = selectors.notes_for_reader(acting, person, stated=stated)
    selectors.audit_note_reads(acting, person, view, stated=stated)
    if form is None and view.writable:
        form = CaseNoteForm(categories=view.writable)
    now = timezone.now()
    return render(
        request,
        "casework/notes.html",
        {
            "person": person,
            "notes": view.notes,
            "waiting": view.waiting,
            "note_form": form,
            "editable": {note.pk for note in view.notes if note.is_editable_by(acting.user.pk, now=now)},
            "correctable": {
                note.pk
                for note in view.notes
                if view.writable and note.organization_id == acting.organization_id
            },
        },
        status=status,
    )


def _section_block(
    request: ResocRequest, acting: Acting, person: Person, *, form: CaseNoteForm | None, status: int = 200
) -> HttpResponse:
    """The case-file section's content after an htmx post: the newest notes and the form."""
    data = selectors.case_notes_section(acting, person)
    if policy.can_read(acting, person, policy.CASE_NOTES.key):
        audit_person(
            actor=acting.actor,
            action=AuditAction.VIEW,
            person_id=person.public_id,
            category=policy.CASE_NOTES.key,
            record_type=services.RECORD_TYPE,
        )
    if form is not None:
        data["note_form"] = form
    return render(request, "casework/_notes_block.html", {"person": person, "data": data}, status=status)


def _write(request: ResocRequest, acting: Acting, person: Person, corrects: CaseNote | None) -> HttpResponse:
    writable = (
        rules.note_categories(policy.readable_categories(acting, person))
        if rules.has_caseload(acting)
        else []
    )
    if not writable:
        raise PermissionDenied
    form = CaseNoteForm(request.POST, categories=writable)
    if corrects is not None:
        form.fields["category"].choices = [(corrects.category, policy.category(corrects.category).label)]  # type: ignore[attr-defined]
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.case_note_write(
                acting=acting,
                person=person,
                category=data["category"],
                kind=data["kind"],
                text=data["text"],
                occurred_at=data["occurred_at"],
                corrects=corrects,
            )
        except ValidationError as error:
            add_validation_errors(form, error)
        else:
            if request.htmx and corrects is None:
                messages.success(request, _("The note has been saved."))
                return _section_block(request, acting, person, form=None)
            messages.success(request, _("The note has been saved."))
            return redirect(reverse("casework:notes", args=[person.public_id]))
    if request.htmx and corrects is None:
        return _section_block(request, acting, person, form=form, status=422)
    if corrects is not None:
        return render(
            request,
            "casework/note_form.html",
            {"person": person, "form": form, "note": corrects, "correcting": True},
            status=422,
        )
    return _notes_page(request, acting, person, form=form, status=422)


@login_required
@require_http_methods(["GET", "POST"])
def notes(request: ResocRequest, person_id: uuid.UUID) -> HttpResponse:
    acting = _caseload_acting(request)
    person = _readable_person(acting, person_id)
    if request.method == "POST":
        return _write(request, acting, person, corrects=None)
    return _notes_page(request, acting, person)


def _note_or_404(acting: Acting, public_id: uuid.UUID) -> CaseNote:
    note = CaseNote.objects.select_related("person", "corrects").filter(public_id=public_id).first()
    if note is None or not policy.can_read(acting, note.person, note.category):
        audit_person(
            actor=acting.actor,
            action=AuditAction.DENIED,
            person_id=note.person.public_id if note else public_id,
            category=note.category if note else policy.CASE_NOTES.key,
            record_type=services.RECORD_TYPE,
            detail={"note": str(public_id)},
        )
        raise Http404
    return note


def _audit_note_read(acting: Acting, note: CaseNote) -> None:
    audit_person(
        actor=acting.actor,
        action=AuditAction.VIEW,
        person_id=note.person.public_id,
        category=note.category,
        record_type=services.RECORD_TYPE,
        detail={"note": str(note.public_id)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def edit_note(request: ResocRequest, public_id: uuid.UUID) -> HttpResponse:
    acting = _caseload_acting(request)
    note = _note_or_404(acting, public_id)
    if not note.is_editable_by(acting.user.pk):
        raise PermissionDenied
    writable = rules.note_categories(policy.readable_categories(acting, note.person))
    form = CaseNoteForm(request.POST or None, categories=writable, note=note)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.case_note_edit(
                acting=acting,
                note=note,
                category=data["category"],
                kind=data["kind"],
                text=data["text"],
                occurred_at=data["occurred_at"],
            )
        except ValidationError as error:
            add_validation_errors(form, error)
        else:
            messages.success(request, _("The note has been changed."))
            return redirect(
                reverse("casework:notes", args=[note.person.public_id]) + f"#note-{note.public_id}"
            )
    if request.method == "GET":
        _audit_note_read(acting, note)
    status = 422 if request.method == "POST" else 200
    return render(
        request, "casework/note_form.html", {"person": note.person, "form": form, "note": note}, status=status
    )


@login_required
@require_http_methods(["GET", "POST"])
def correct_note(request: ResocRequest, public_id: uuid.UUID) -> HttpResponse:
    acting = _caseload_acting(request)
    note = _note_or_404(acting, public_id)
    if note.organization_id != acting.organization_id:
        raise PermissionDenied
    if request.method == "POST":
        return _write(request, acting, note.person, corrects=note)
    _audit_note_read(acting, note)
    category = policy.category(note.category)
    form = CaseNoteForm(
        categories=[category], initial={"category": note.category, "kind": note.kind, "text": note.text}
    )
    return render(
        request,
        "casework/note_form.html",
        {"person": note.person, "form": form, "note": note, "correcting": True},
    )
