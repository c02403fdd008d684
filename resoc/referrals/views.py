"""Thin views: sides and states from ``referrals.rules``, reads from selectors, writes from services.

A referral the user works on neither side of answers 404 like an unknown one; an action of the
wrong side or role answers 403.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from resoc.access import policy
from resoc.access.context import Acting
from resoc.access.http import ResocRequest, acting_or_403
from resoc.audit.models import AuditAction
from resoc.audit.services import audit_person, audit_record, audit_record_listing
from resoc.people.models import Person
from resoc.people.selectors import person_search
from resoc.referrals import notifications, rules, selectors, services
from resoc.referrals.forms import BoxFilterForm, NoteForm, ReferralForm, RerouteForm, TransitionForm
from resoc.referrals.models import Notification, Referral
from resoc.referrals.selectors import Box, Filters
from resoc.web.forms import add_validation_errors

ACTION_LABELS = {
    rules.Action.SEND: gettext_lazy("Send"),
    rules.Action.ACCEPT: gettext_lazy("Accept"),
    rules.Action.DECLINE: gettext_lazy("Decline"),
    rules.Action.START: gettext_lazy("Start the work"),
    rules.Action.COMPLETE: gettext_lazy("Complete"),
    rules.Action.CANCEL: gettext_lazy("Cancel"),
    rules.Action.WITHDRAW: gettext_lazy("Withdraw"),
}


def _handler(request: ResocRequest) -> Acting:
    acting = acting_or_403(request)
    if not rules.can_send(acting):
        raise PermissionDenied
    return acting


def _box(request: ResocRequest, which: Box) -> HttpResponse:
    acting = _handler(request)
    form = BoxFilterForm(request.GET or None)
    filters = Filters()
    if form.is_valid():
        filters = Filters(**{k: v or "" for k, v in form.cleaned_data.items()})
    page, rows = selectors.page_of(acting, selectors.box(acting, which, filters), request.GET.get("page"))
    shown = [row.referral.person.public_id for row in rows if row.name_visible]
    if shown:
        audit_record_listing(
            actor=acting.actor,
            person_ids=shown,
            category=policy.IDENTITY.key,
            detail={"list": f"referrals_{which}"},
        )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "referrals/box.html",
        {"box": which, "form": form, "page": page, "rows": rows, "query": query.urlencode()},
    )


@login_required
@require_GET
def inbox(request: ResocRequest) -> HttpResponse:
    return _box(request, Box.INBOX)


@login_required
@require_GET
def outbox(request: ResocRequest) -> HttpResponse:
    return _box(request, Box.OUTBOX)


@login_required
@require_GET
def choose_person(request: ResocRequest) -> HttpResponse:
    """Find the person to refer among those the user may read."""
    acting = _handler(request)
    query = request.GET.get("q", "").strip()[:100]
    found: list[Person] = []
    if query:
        found = list(person_search(acting=acting, query=query)[:25])
        if found:
            audit_record_listing(
                actor=acting.actor, person_ids=[p.public_id for p in found], category=policy.IDENTITY.key
            )
    return render(request, "referrals/choose_person.html", {"query": query, "found": found})


@login_required
@require_http_methods(["GET", "POST"])
def create(request: ResocRequest, person_id: uuid.UUID) -> HttpResponse:
    acting = _handler(request)
    person = Person.objects.current().filter(public_id=person_id).first()
    if person is None or not policy.can_read(acting, person, policy.IDENTITY.key):
        audit_person(actor=acting.actor, action=AuditAction.DENIED, person_id=person_id)
        raise Http404
    form = ReferralForm(request.POST or None, person_id=person.pk)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            referral = services.referral_create(
                acting=acting,
                person=person,
                receiver=data["receiver"],
                reason=data["reason"],
                categories=data["categories"],
                urgency=data["urgency"],
                measure=data["measure"],
                send="draft" not in request.POST,
            )
        except ValidationError as error:
            add_validation_errors(form, error)
        else:
            messages.success(
                request,
                _("The referral has been sent.") if referral.sent_at else _("The draft has been saved."),
            )
            return redirect("referrals:detail", referral.public_id)
    status = 422 if request.method == "POST" else 200
    return render(request, "referrals/create.html", {"form": form, "person": person}, status=status)


def _referral_or_404(acting: Acting, public_id: uuid.UUID) -> Referral:
    referral = selectors.referral_for(acting, public_id)
    if referral is None:
        audit_record(
            actor=acting.actor,
            action=AuditAction.DENIED,
            record_type=services.RECORD_TYPE,
            record_id=str(public_id),
        )
        raise Http404
    return referral


def _context(acting: Acting, referral: Referral, **extra: Any) -> dict[str, Any]:
    steps = selectors.timeline(referral)
    side = rules.side_of(acting, referral)
    name_visible = bool(policy.can_read(acting, referral.person, policy.IDENTITY.key))
    actions = [
        (a.value, ACTION_LABELS[a], a in rules.REASON_REQUIRED)
        for a in rules.allowed_actions(acting, referral)
        if a in ACTION_LABELS
    ]
    can_reroute = side == rules.Side.SENDER and referral.state in rules.TRANSITIONS[rules.Action.REROUTE][0]
    return {
        "referral": referral,
        "side": side,
        "name_visible": name_visible,
        "categories": [policy.category(k) for k in referral.category_keys],
        "steps": steps,
        "durations": selectors.time_in_states(steps),
        "notes": selectors.notes_for(acting, referral),
        "chain": selectors.chain(referral),
        "actions": actions,
        "transition_form": extra.pop("transition_form", TransitionForm()),
        "note_form": extra.pop("note_form", NoteForm()),
        "reroute_form": extra.pop("reroute_form", RerouteForm()) if can_reroute else None,
        **extra,
    }


@login_required
@require_GET
def detail(request: ResocRequest, public_id: uuid.UUID) -> HttpResponse:
    acting = _handler(request)
    referral = _referral_or_404(acting, public_id)
    audit_person(
        actor=acting.actor,
        action=AuditAction.VIEW,
        person_id=referral.person.public_id,
        record_type=services.RECORD_TYPE,
        detail={"referral": str(referral.public_id)},
    )
    return render(request, "referrals/detail.html", _context(acting, referral))


def _after(
    request: ResocRequest, acting: Acting, referral: Referral, error: ValidationError | None, **forms: Any
) -> HttpResponse:
    """htmx swaps the refreshed referral in place; without script the page is loaded again."""
    if error is not None and not request.htmx:
        for message in error.messages:
            messages.error(request, message)
    if request.htmx:
        fresh = selectors.referral_for(acting, referral.public_id) or referral
        errors = error.messages if error is not None else []
        return render(request, "referrals/_referral.html", _context(acting, fresh, errors=errors, **forms))
    return redirect("referrals:detail", referral.public_id)


@login_required
@require_POST
def act(request: ResocRequest, public_id: uuid.UUID, action: str) -> HttpResponse:
    acting = _handler(request)
    referral = _referral_or_404(acting, public_id)
    form = TransitionForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    error = None
    try:
        services.referral_transition(acting=acting, referral=referral, action=action, reason=reason)
    except ValidationError as raised:
        error = raised
    else:
        messages.success(
            request, _("Done: the referral is now “%(state)s”.") % {"state": referral.get_state_display()}
        )
    return _after(request, acting, referral, error)


@login_required
@require_POST
def reroute(request: ResocRequest, public_id: uuid.UUID) -> HttpResponse:
    acting = _handler(request)
    referral = _referral_or_404(acting, public_id)
    form = RerouteForm(request.POST)
    if not form.is_valid():
        return _after(
            request,
            acting,
            referral,
            ValidationError(_("Choose the organization to send it to.")),
            reroute_form=form,
        )
    try:
        new = services.referral_reroute(
            acting=acting,
            referral=referral,
            receiver=form.cleaned_data["receiver"],
            reason=form.cleaned_data["reason"],
        )
    except ValidationError as error:
        return _after(request, acting, referral, error, reroute_form=form)
    messages.success(request, _("The referral has been re-routed."))
    target = reverse("referrals:detail", args=[new.public_id])
    if request.htmx:
        response = HttpResponse(status=204)
        response["HX-Redirect"] = target
        return response
    return redirect(target)


@login_required
@require_POST
def add_note(request: ResocRequest, public_id: uuid.UUID) -> HttpResponse:
    acting = _handler(request)
    referral = _referral_or_404(acting, public_id)
    form = NoteForm(request.POST)
    error = None
    if form.is_valid():
        try:
            services.note_add(acting=acting, referral=referral, **form.cleaned_data)
        except ValidationError as raised:
            error = raised
        else:
            form = NoteForm()
    else:
        error = ValidationError(_("Write the note and choose who may read it."))
    return _after(request, acting, referral, error, note_form=form)


@login_required
@require_GET
def notification_list(request: ResocRequest) -> HttpResponse:
    acting_or_403(request)
    items = list(Notification.objects.filter(user=request.user).select_related("referral")[:100])
    return render(request, "referrals/notifications.html", {"items": items})


@login_required
@require_POST
def notifications_read(request: ResocRequest) -> HttpResponse:
    notifications.mark_read(user=request.user)
    return redirect("referrals:notifications")


@login_required
@require_GET
def unread_badge(request: ResocRequest) -> HttpResponse:
    """The header's unread count, loaded by htmx after the page so that pages pay no query for it."""
    count = notifications.unread_count(request.user)
    return render(request, "referrals/_unread.html", {"count": count})
