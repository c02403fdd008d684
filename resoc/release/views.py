"""Thin views: access through ``access.policy``, rules in ``release.services``.

A person the user may not read answers 404 (whether or not it exists); an action the role may not do
answers 403. The timeline, meetings and handover are read under the "sentence" category; a task is
also shown to the organization it is assigned to while that organization may read the person.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from resoc.access import policy
from resoc.access.context import Acting
from resoc.access.http import ResocRequest, acting_or_403
from resoc.audit.models import AuditAction
from resoc.audit.services import audit_person, audit_record, audit_record_listing
from resoc.people.models import Person
from resoc.people.views import PURPOSES_SESSION_KEY
from resoc.release import handover, rules, selectors, services
from resoc.release.forms import (
    FOLLOW_UPS_PREFIX,
    MAX_FOLLOW_UPS,
    GenerateForm,
    IndicatorForm,
    IndicatorWithdrawForm,
    MeetingForm,
    TaskFilterForm,
    TaskStatusForm,
    follow_up_formset,
)
from resoc.release.models import MeetingIndicator, ReleaseTask, TaskStatus
from resoc.web.forms import add_validation_errors

CATEGORY = services.CATEGORY
PAGE_SIZE = 50


class _PurposeNeeded(Exception):
    pass


def _denied(acting: Acting, person_id: uuid.UUID) -> Http404:
    audit_person(actor=acting.actor, action=AuditAction.DENIED, person_id=person_id, category=CATEGORY)
    return Http404()


def _person_or_404(request: ResocRequest, acting: Acting, person_id: uuid.UUID) -> Person:
    person = Person.objects.current().filter(public_id=person_id).first()
    if person is None:
        raise _denied(acting, person_id)
    decision = policy.can_read(acting, person, CATEGORY)
    if not decision:
        raise _denied(acting, person.public_id)
    if decision.needs_purpose:
        stated = request.session.get(PURPOSES_SESSION_KEY, {}).get(str(person.public_id), {})
        if not stated.get(CATEGORY):
            raise _PurposeNeeded
    return person


def _writable_person(request: ResocRequest, acting: Acting, person_id: uuid.UUID) -> Person:
    try:
        return _person_or_404(request, acting, person_id)
    except _PurposeNeeded:
        raise PermissionDenied from None


def _page_url(person: Person, anchor: str = "") -> str:
    return reverse("release:timeline", args=[person.public_id]) + (f"#{anchor}" if anchor else "")


def _page(
    request: ResocRequest,
    acting: Acting,
    person: Person,
    *,
    status: int = 200,
    generate_form: GenerateForm | None = None,
    indicator_form: IndicatorForm | None = None,
) -> HttpResponse:
    context: dict[str, Any] = selectors.release_page(acting, person, on=timezone.localdate())
    preparation = context["timeline"].preparation
    initial = (
        {
            "release_on": preparation.release_on,
            "municipality": preparation.municipality,
            "ngo": preparation.ngo,
        }
        if preparation is not None
        else {}
    )
    context.update(
        person=person,
        generate_form=generate_form or GenerateForm(initial=initial),
        indicator_form=indicator_form or IndicatorForm(),
    )
    if context["may_generate"]:
        rows, options = handover.handover_rows(person)
        context.update(handover_rows=rows, handover_options=options)
    return render(request, "release/timeline.html", context, status=status)


@login_required
@require_GET
def timeline(request: ResocRequest, person_id: uuid.UUID) -> HttpResponse:
    acting = acting_or_403(request)
    try:
        person = _person_or_404(request, acting, person_id)
    except _PurposeNeeded:
        return redirect(reverse("people:detail", args=[person_id]) + f"#section-{CATEGORY}")
    audit_person(
        actor=acting.actor,
        action=AuditAction.VIEW,
        person_id=person.public_id,
        category=CATEGORY,
        record_type=services.RECORD_PREPARATION,
    )
    return _page(request, acting, person)


@login_required
@require_POST
def generate(request: ResocRequest, person_id: uuid.UUID) -> HttpResponse:
    acting = acting_or_403(request)
    person = _writable_person(request, acting, person_id)
    form = GenerateForm(request.POST)
    if form.is_valid():
        try:
            result = services.timeline_generate(acting=acting, person=person, **form.cleaned_data)
        except ValidationError as error:
            add_validation_errors(form, error)
        else:
            messages.success(
                request,
                _(
                    "The timeline has been placed on %(date)s: %(created)s tasks added, %(moved)s open tasks updated."
                )
                % {
                    "date": result.preparation.release_on.strftime("%d.%m.%Y"),
                    "created": result.created,
                    "moved": result.moved,
                },
            )
            return redirect(_page_url(person, "timeline"))
    return _page(request, acting, person, status=422, generate_form=form)


def _visible_task(acting: Acting, public_id: uuid.UUID) -> ReleaseTask:
    """The task, if ``acting`` reads the person's sentence or the task is theirs and they read the person."""
    task = (
        ReleaseTask.objects.select_related("person", "assigned_organization", "assigned_user", "meeting")
        .filter(public_id=public_id)
        .first()
    )
    if task is not None and (
        services.may_read(acting, task.person) or services.may_change_task(acting, task)
    ):
        return task
    audit_record(
        actor=acting.actor,
        action=AuditAction.DENIED,
        category=CATEGORY,
        record_type=services.RECORD_TASK,
        record_id=str(public_id),
    )
    raise Http404


@login_required
@require_POST
def task_status(request: ResocRequest, public_id: uuid.UUID) -> HttpResponse:
    acting = acting_or_403(request)
    task = _visible_task(acting, public_id)
    if not services.may_change_task(acting, task):
        raise PermissionDenied
    form = TaskStatusForm(request.POST)
    errors: list[str] = []
    if form.is_valid():
        try:
            task = services.task_status_set(acting=acting, task=task, **form.cleaned_data)
        except ValidationError as error:
            errors = error.messages
    else:
        errors = [str(e) for field_errors in form.errors.values() for e in field_errors]
    in_list = request.POST.get("from") == "list"
    if request.htmx:
        # 200 even with errors: htmx swaps only successful responses, and the errors must be shown.
        return render(
            request,
            "release/_task_row.html",
            {
                "task": task,
                "today": timezone.localdate(),
                "changeable": True,
                "show_person": in_list,
                "task_status_choices": TaskStatus.choices,
                "errors": errors,
            },
        )
    for message in errors:
        messages.error(request, message)
    if not errors:
        messages.success(request, _("The task has been updated."))
    if in_list:
        return redirect(reverse("release:tasks") + f"#task-{task.public_id}")
    return redirect(_page_url(task.person, f"task-{task.public_id}"))


@login_required
@require_GET
def tasks(request: ResocRequest) -> HttpResponse:
    """Open tasks of my organization's role, overdue first, for the persons it may read now."""
    acting = acting_or_403(request)
    on = timezone.localdate()
    form = TaskFilterForm(request.GET)
    area, due_within = "", None
    if form.is_valid():
        area = form.cleaned_data["area"] or ""
        due_within = form.cleaned_data["due_within"]
    found = selectors.organization_tasks(acting=acting, on=on, area=area, due_within=due_within)
    page = Paginator(found, PAGE_SIZE).get_page(request.GET.get("page"))
    shown = list(page.object_list)
    audit_record_listing(
        actor=acting.actor,
        person_ids=list(dict.fromkeys(task.person.public_id for task in shown)),
        category=policy.IDENTITY.key,
        detail={"list": "release_tasks"},
    )
    return render(
        request,
        "release/tasks.html",
        {
            "form": form,
            "page": page,
            "tasks": shown,
            "today": on,
            "task_status_choices": TaskStatus.choices,
            "show_person": True,
            "officer": selectors.reads_sentences_of_visible_persons(acting),
        },
    )


@login_required
@require_GET
def meetings_required(request: ResocRequest) -> HttpResponse:
    acting = acting_or_403(request)
    if not selectors.reads_sentences_of_visible_persons(acting):
        raise PermissionDenied
    on = timezone.localdate()
    needs = selectors.meetings_needed(acting=acting, on=on)
    audit_record_listing(
        actor=acting.actor,
        person_ids=[need.person.public_id for need in needs],
        category=CATEGORY,
        detail={"list": "meetings_required"},
    )
    return render(
        request,
        "release/meetings_required.html",
        {
            "required": [need for need in needs if need.required],
            "possible": [need for need in needs if not need.required],
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def meeting_new(request: ResocRequest, person_id: uuid.UUID) -> HttpResponse:
    """The meeting with any number of follow-up tasks, stored together or not at all."""
    acting = acting_or_403(request)
    person = _writable_person(request, acting, person_id)
    if not services.may_record_meeting(acting, person, readable=True):
        raise PermissionDenied
    reasons = [reason.value for reason in rules.meeting_required(person)]
    data = request.POST if request.method == "POST" else None
    form = MeetingForm(data, reasons=reasons)
    adding = data is not None and "add_follow_up" in data
    formset = follow_up_formset(data, extra_forms=1 if adding else 0)
    status = 200
    if data is not None and not adding:
        status = 422
        form_ok, formset_ok = form.is_valid(), formset.is_valid()
        if form_ok and formset_ok:
            cleaned = form.cleaned_data
            filled = [f for f in formset.forms if f.has_changed() and not f.cleaned_data.get("DELETE", False)]
            follow_ups = [
                services.FollowUp(
                    title=f.cleaned_data["title"],
                    area=f.cleaned_data["area"],
                    due_on=f.cleaned_data["due_on"],
                    organization=f.cleaned_data["organization"].code,
                    role=f.cleaned_data["role"],
                )
                for f in filled
            ]
            try:
                services.meeting_record(
                    acting=acting,
                    person=person,
                    held_on=cleaned["held_on"],
                    place=cleaned["place"],
                    reasons=cleaned["reasons"],
                    participants=[org.code for org in cleaned["participants"]],
                    participant_names=cleaned["participant_names"],
                    decisions=cleaned["decisions"],
                    follow_ups=follow_ups,
                )
            except ValidationError as error:
                _add_meeting_errors(form, filled, error)
            else:
                messages.success(
                    request,
                    ngettext(
                        "The meeting has been recorded with %(count)s follow-up task.",
                        "The meeting has been recorded with %(count)s follow-up tasks.",
                        len(follow_ups),
                    )
                    % {"count": len(follow_ups)},
                )
                return redirect(_page_url(person, "meetings"))
    return render(
        request,
        "release/meeting_form.html",
        {"person": person, "form": form, "formset": formset, "added": adding},
        status=status,
    )


@login_required
@require_GET
def follow_up_form(request: ResocRequest, person_id: uuid.UUID) -> HttpResponse:
    """One more empty follow-up form for the meeting page (htmx), numbered after the existing ones."""
    acting = acting_or_403(request)
    person = _writable_person(request, acting, person_id)
    if not services.may_record_meeting(acting, person, readable=True):
        raise PermissionDenied
    try:
        index = int(request.GET.get(f"{FOLLOW_UPS_PREFIX}-TOTAL_FORMS", "1"))
    except ValueError:
        index = 1
    index = max(0, min(index, MAX_FOLLOW_UPS))
    formset = follow_up_formset()
    return render(
        request,
        "release/_follow_up_added.html",
        {
            "follow_up": formset.empty_form if index >= MAX_FOLLOW_UPS else _numbered(formset, index),
            "index": index,
            "total": min(index + 1, MAX_FOLLOW_UPS),
            "full": index >= MAX_FOLLOW_UPS,
            "prefix": FOLLOW_UPS_PREFIX,
        },
    )


def _numbered(formset: Any, index: int) -> Any:
    form = formset.form(prefix=formset.add_prefix(index), empty_permitted=True, use_required_attribute=False)
    formset.add_fields(form, index)
    form.fields["title"].widget.attrs["autofocus"] = True  # htmx focuses it once swapped in
    return form


def _add_meeting_errors(form: MeetingForm, filled: list[Any], error: ValidationError) -> None:
    """Service errors of follow-up N belong to the N-th filled form of the formset."""
    if not hasattr(error, "error_dict"):
        add_validation_errors(form, error)
        return
    for field, problems in error.error_dict.items():
        target: Any = form
        name: str | None = field if field in form.fields else None
        if field.startswith("follow_ups."):
            index = int(field.split(".", 1)[1])
            target, name = (filled[index], None) if index < len(filled) else (form, None)
        for problem in problems:
            target.add_error(name, problem)


@login_required
@require_POST
def indicator_add(request: ResocRequest, person_id: uuid.UUID) -> HttpResponse:
    acting = acting_or_403(request)
    person = _writable_person(request, acting, person_id)
    if not services.may_record_meeting(acting, person, readable=True):
        raise PermissionDenied
    form = IndicatorForm(request.POST)
    if form.is_valid():
        try:
            services.indicator_record(acting=acting, person=person, **form.cleaned_data)
        except ValidationError as error:
            add_validation_errors(form, error)
        else:
            messages.success(request, _("The indicator has been recorded."))
            return redirect(_page_url(person, "meetings"))
    return _page(request, acting, person, status=422, indicator_form=form)


@login_required
@require_POST
def indicator_withdraw(request: ResocRequest, public_id: uuid.UUID) -> HttpResponse:
    acting = acting_or_403(request)
    indicator = MeetingIndicator.objects.select_related("person").filter(public_id=public_id).first()
    if indicator is None:
        audit_record(
            actor=acting.actor,
            action=AuditAction.DENIED,
            category=CATEGORY,
            record_type=services.RECORD_INDICATOR,
            record_id=str(public_id),
        )
        raise Http404
    person = _writable_person(request, acting, indicator.person.public_id)
    if not services.may_withdraw_indicator(acting, indicator):
        raise PermissionDenied
    form = IndicatorWithdrawForm(request.POST)
    if form.is_valid():
        try:
            services.indicator_withdraw(
                acting=acting, indicator=indicator, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("The indicator has been withdrawn."))
    else:
        for field_errors in form.errors.values():
            for problem in field_errors:
                messages.error(request, _("The indicator was not withdrawn: %(error)s") % {"error": problem})
    return redirect(_page_url(person, f"indicator-{indicator.public_id}"))


@login_required
@require_POST
def handover_choices(request: ResocRequest, person_id: uuid.UUID) -> HttpResponse:
    """Who takes over each open plan measure at release: one select per measure (``measure-<id>``)."""
    acting = acting_or_403(request)
    person = _writable_person(request, acting, person_id)
    prefix = "measure-"
    choices = {
        key[len(prefix) :]: request.POST.get(key, "") for key in request.POST if key.startswith(prefix)
    }
    try:
        count = handover.handover_choices_set(acting=acting, person=person, choices=choices)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(
            request,
            ngettext(
                "The receiver of %(count)s measure has been saved.",
                "The receivers of %(count)s measures have been saved.",
                count,
            )
            % {"count": count},
        )
    return redirect(_page_url(person, "handover-plan"))
