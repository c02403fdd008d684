"""The one write path of referrals: creating, each state change, re-routing, expiry and notes.

Every change locks the referral row, re-reads its state and refuses what the transition table does
not allow from it, so two coordinators answering at once cannot both win. The change, its
``Transition`` row, the receiver's ``referral`` relationship, the plan measure, the timeline event,
the audit entry and the in-app notifications are written in one transaction; e-mail follows the commit.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from resoc.access import policy
from resoc.access.context import Acting
from resoc.audit.models import AuditAction
from resoc.audit.services import Actor, audit_person, audit_record
from resoc.community.selectors import agreement_in_force, agreements_in_force, needs_agreement
from resoc.organizations.models import Organization, OrganizationType
from resoc.people.models import Consent, Person, Relationship
from resoc.plans import services as plan_services
from resoc.plans.models import FINAL_STATUSES as MEASURE_FINAL
from resoc.plans.models import Measure, MeasureStatus
from resoc.referrals import events, notifications, rules
from resoc.referrals.holidays import add_working_days
from resoc.referrals.models import (
    OPEN_STATES,
    TEXT_MAX,
    Note,
    NotificationKind,
    Referral,
    State,
    Transition,
    Urgency,
    Visibility,
)
from resoc.referrals.rules import Action, Side

RECORD_TYPE = "referral"
RELATION_KIND = "referral"
SYSTEM_ACTOR = Actor(user_id=None, username="system", channel="task")
# Organizations whose current relationship with a person makes them the institution holding him.
HOLDING_KINDS = ("custody", "supervision")


def _today() -> dt.date:
    return timezone.localdate()


def _audit(acting: Acting | None, referral: Referral, action: AuditAction, **detail: Any) -> None:
    audit_person(
        actor=acting.actor if acting else SYSTEM_ACTOR,
        action=action,
        person_id=referral.person.public_id,
        category=policy.IDENTITY.key,
        record_type=RECORD_TYPE,
        detail={"referral": str(referral.public_id), **detail},
    )


def _source(referral: Referral) -> str:
    return f"referral:{referral.public_id}"


def holding_institution(person: Person, on: dt.date) -> Organization | None:
    """The prison holding the person, else the probation unit supervising him, on ``on``."""
    rows = Relationship.objects.filter(person=person, kind__in=HOLDING_KINDS, starts_on__lte=on).exclude(
        ends_on__lt=on
    )
    found = {row.kind: row for row in rows.select_related("organization")}
    for kind in HOLDING_KINDS:
        if kind in found:
            return found[kind].organization
    return None


def agreement_institution(sender: Organization, person: Person, on: dt.date) -> Organization | None:
    """Whose agreement with the receiving NGO a referral needs (see docs/architecture.md, Referrals).

    A state institution refers under its own agreement (or one with an institution above it, which
    ``agreement_in_force`` follows). An NGO refers a person held or supervised by an institution, so
    the receiving NGO needs an agreement with that institution; ``None`` when nobody holds him.
    """
    if sender.type != OrganizationType.NGO:
        return sender
    return holding_institution(person, on)


def consented_categories(person: Person, organization: Organization) -> set[str]:
    """Categories the person's current consents (not withdrawn, to the organization itself) cover."""
    found: set[str] = set()
    consents = Consent.objects.filter(
        person=person, organization=organization, mentor__isnull=True, withdrawn_at__isnull=True
    )
    for text in consents.values_list("categories", flat=True):
        found.update(text.split())
    return found


def _category_label(key: str) -> str:
    return str(policy.category(key).label)


class _Errors:
    def __init__(self) -> None:
        self.found: dict[str, list[ValidationError]] = {}

    def add(self, field: str, message: str, code: str) -> None:
        self.found.setdefault(field, []).append(ValidationError(message, code=code))

    def text(self, field: str, value: str, *, required: bool) -> str:
        value = (value or "").strip()
        if required and not value:
            self.add(field, _("This field is required."), "required")
        elif len(value) > TEXT_MAX:
            self.add(field, _("Use at most %(limit)s characters.") % {"limit": TEXT_MAX}, "max_length")
        return value

    def raise_any(self) -> None:
        if self.found:
            raise ValidationError(self.found)


def _check_receiver(errors: _Errors, acting: Acting, person: Person, receiver: Organization) -> None:
    today = _today()
    if not rules.can_receive(receiver):
        errors.add("receiver", _("This organization does not take referrals."), "not_receiving")
        return
    if receiver.pk in acting.scope_organization_ids:
        errors.add("receiver", _("Refer the person to another organization, not your own."), "own")
        return
    if not needs_agreement(receiver):
        return
    institution = agreement_institution(acting.membership.organization, person, today)  # type: ignore[union-attr]
    if institution is None:
        in_force = agreements_in_force(organization=receiver, on=today).exists()
    else:
        in_force = agreement_in_force(organization=receiver, institution=institution, on=today)
    if not in_force:
        errors.add(
            "receiver",
            _(
                "%(ngo)s has no cooperation agreement in force with %(institution)s: it cannot receive referrals."
            )
            % {"ngo": receiver, "institution": institution or _("any institution")},
            "no_agreement",
        )


def _check_categories(
    errors: _Errors, acting: Acting, person: Person, receiver: Organization, keys: list[str]
) -> list[str]:
    known = {c.key for c in policy.categories()}
    chosen = sorted(set(keys))
    unknown = [key for key in chosen if key not in known]
    if unknown:
        errors.add(
            "categories", _("Unknown data category: %(keys)s.") % {"keys": ", ".join(unknown)}, "unknown"
        )
        return chosen
    if policy.IDENTITY.key not in chosen:
        errors.add(
            "categories",
            _("Share at least the identity: the receiver must know whom the referral is about."),
            "identity_required",
        )
    decisions = policy.readable_categories(acting, person)
    unreadable = [key for key in chosen if not decisions[key].allowed]
    if unreadable:
        errors.add(
            "categories",
            _("You cannot share what you may not read yourself: %(labels)s.")
            % {"labels": ", ".join(_category_label(k) for k in unreadable)},
            "not_readable",
        )
    if rules.can_receive(receiver) and rules.works_under_consent(receiver):
        missing = [key for key in chosen if key not in consented_categories(person, receiver)]
        if missing:
            errors.add(
                "categories",
                _("The person has not consented to share this with %(organization)s: %(labels)s.")
                % {"organization": receiver, "labels": ", ".join(_category_label(k) for k in missing)},
                "no_consent",
            )
    return chosen


def _check_measure(errors: _Errors, person: Person, measure: Measure | None) -> None:
    if measure is None:
        return
    plan = measure.goal.plan
    if plan.person_id != person.pk or not plan.is_active:
        errors.add("measure", _("Choose a measure of this person's active plan."), "other_plan")
    elif measure.status in MEASURE_FINAL:
        errors.add("measure", _("This measure is done or cancelled."), "measure_final")


def referral_create(
    *,
    acting: Acting,
    person: Person,
    receiver: Organization,
    reason: str,
    categories: list[str],
    urgency: str = Urgency.ROUTINE,
    measure: Measure | None = None,
    send: bool = True,
    previous: Referral | None = None,
) -> Referral:
    """A new referral (sent at once unless ``send`` is false, when it stays a draft).

    Refused with every reason at once: a receiver that takes no referrals, is the sender itself, or
    (an NGO) has no cooperation agreement in force; categories the sender may not read or the person
    has not consented to share with a receiver whose staff work under consent; a measure of another
    plan or a finished one. The sender must be able to read the person.
    """
    if not rules.can_send(acting) or not policy.can_read(acting, person, policy.IDENTITY.key):
        raise PermissionDenied
    errors = _Errors()
    reason = errors.text("reason", reason, required=True)
    if urgency not in Urgency.values:
        errors.add("urgency", _("Select one of the permitted values."), "invalid_choice")
    _check_receiver(errors, acting, person, receiver)
    keys = _check_categories(errors, acting, person, receiver, categories)
    _check_measure(errors, person, measure)
    errors.raise_any()
    with transaction.atomic():
        referral = Referral.objects.create(
            person=person,
            sender_organization=acting.membership.organization,  # type: ignore[union-attr]
            sender=acting.user,
            receiver_organization=receiver,
            measure=measure,
            reason=reason,
            urgency=urgency,
            categories=Consent.encode_categories(keys),
            previous=previous,
        )
        Transition.objects.create(
            referral=referral, to_state=State.DRAFT, by=acting.user, by_organization_id=acting.organization_id
        )
        _audit(acting, referral, AuditAction.CREATE, receiver=receiver.code, categories=keys)
        if send:
            _change(acting, referral, Action.SEND)
    return referral


def _out_of_order(referral: Referral, action: Action) -> ValidationError:
    if action == Action.ACCEPT and referral.accepted_by_id is not None:
        assert referral.accepted_at is not None
        by = referral.accepted_by
        return ValidationError(
            _("This referral was already accepted by %(name)s on %(date)s.")
            % {
                "name": (by.get_full_name() or by.get_username()) if by else "—",
                "date": date_format(timezone.localtime(referral.accepted_at), "SHORT_DATETIME_FORMAT"),
            },
            code="already_accepted",
        )
    return ValidationError(
        _("This cannot be done while the referral is “%(state)s”. Reload the page to see its current state.")
        % {"state": State(referral.state).label},
        code="out_of_order",
    )


def _sync_relationship(referral: Referral, today: dt.date) -> None:
    source = _source(referral)
    if referral.state in OPEN_STATES:
        if not Relationship.objects.filter(source=source, ends_on__isnull=True).exists():
            Relationship.objects.create(
                person_id=referral.person_id,
                organization_id=referral.receiver_organization_id,
                kind=RELATION_KIND,
                starts_on=today,
                source=source,
            )
    else:
        # Access ends with the referral, not at the end of the day.
        Relationship.objects.filter(source=source).exclude(ends_on__lt=today).update(
            ends_on=today - dt.timedelta(days=1)
        )


def _follow_measure(acting: Acting | None, referral: Referral, previous: str) -> None:
    measure = referral.measure
    if measure is None or acting is None:
        return
    if referral.state == State.ACCEPTED:
        status = MeasureStatus.IN_PROGRESS
    elif referral.state == State.COMPLETED:
        status = MeasureStatus.DONE
    elif previous in (State.ACCEPTED, State.IN_PROGRESS) and measure.status == MeasureStatus.IN_PROGRESS:
        status = MeasureStatus.PLANNED  # withdrawn after acceptance: the measure waits again
    else:
        return
    plan_services.measure_status_follow_referral(
        acting=acting, measure=measure, status=status, referral=str(referral.public_id)
    )


_NOTIFY_SENDER = {
    State.ACCEPTED: NotificationKind.ACCEPTED,
    State.DECLINED: NotificationKind.DECLINED,
    State.COMPLETED: NotificationKind.COMPLETED,
    State.EXPIRED: NotificationKind.EXPIRED,
}


def _change(acting: Acting | None, referral: Referral, action: Action, reason: str = "") -> Referral:
    """Apply ``action`` to the locked, re-read referral (inside the caller's transaction or its own)."""
    sources, target, side = rules.TRANSITIONS[action]
    if side != Side.SYSTEM and (acting is None or rules.side_of(acting, referral) != side):
        raise PermissionDenied
    now = timezone.now()
    today = timezone.localdate(now)
    with transaction.atomic():
        locked = (
            Referral.objects.select_for_update(of=("self",))
            .select_related("person", "sender", "receiver_organization", "accepted_by", "measure__goal__plan")
            .get(pk=referral.pk)
        )
        if locked.state not in sources:
            raise _out_of_order(locked, action)
        if action == Action.ACCEPT and rules.works_under_consent(locked.receiver_organization):
            missing = set(locked.category_keys) - consented_categories(
                locked.person, locked.receiver_organization
            )
            if missing:
                raise ValidationError(
                    _(
                        "The person has withdrawn consent to share %(labels)s: the referral cannot be accepted."
                    )
                    % {"labels": ", ".join(_category_label(k) for k in sorted(missing))},
                    code="consent_withdrawn",
                )
        previous = locked.state
        locked.state = target
        locked.state_changed_at = now
        fields = ["state", "state_changed_at"]
        if action == Action.SEND:
            locked.sent_at = now
            locked.respond_by = add_working_days(today, rules.answer_days())
            fields += ["sent_at", "respond_by"]
        elif action == Action.ACCEPT:
            locked.accepted_at, locked.accepted_by = now, acting.user if acting else None
            fields += ["accepted_at", "accepted_by"]
        elif action == Action.DECLINE:
            locked.decline_reason = reason
            fields.append("decline_reason")
        elif action == Action.COMPLETE:
            locked.outcome = reason
            fields.append("outcome")
        if target not in OPEN_STATES and target != State.DRAFT:
            locked.closed_at = now
            fields.append("closed_at")
        locked.save(update_fields=fields)
        Transition.objects.create(
            referral=locked,
            from_state=previous,
            to_state=target,
            at=now,
            by=acting.user if acting else None,
            by_organization_id=acting.organization_id if acting else None,
            reason=reason,
        )
        _sync_relationship(locked, today)
        _follow_measure(acting, locked, previous)
        if action == Action.SEND:
            events.referral_sent_event(referral=locked, acting=acting)  # type: ignore[arg-type]
            notifications.notify_receivers(referral=locked, kind=NotificationKind.RECEIVED)
        else:
            events.referral_state_changed_event(referral=locked, acting=acting, previous=previous)
        if target in _NOTIFY_SENDER:
            notifications.notify_sender(referral=locked, kind=_NOTIFY_SENDER[target])
        if action == Action.WITHDRAW:
            notifications.notify_receivers(referral=locked, kind=NotificationKind.WITHDRAWN)
        _audit(acting, locked, AuditAction.UPDATE, previous=previous, state=target, reason=reason)
    for name in [*fields, "closed_at"]:
        setattr(referral, name, getattr(locked, name))
    return referral


def referral_transition(*, acting: Acting, referral: Referral, action: str, reason: str = "") -> Referral:
    """Send, accept, decline, start, complete, cancel or withdraw. Decline, complete and withdraw need a reason."""
    try:
        chosen = Action(action)
    except ValueError:
        raise ValidationError(_("Unknown action."), code="unknown_action") from None
    if (
        chosen in (Action.EXPIRE, Action.REROUTE)
        or rules.side_of(acting, referral) != rules.TRANSITIONS[chosen][2]
    ):
        raise PermissionDenied
    errors = _Errors()
    reason = errors.text("reason", reason, required=chosen in rules.REASON_REQUIRED)
    errors.raise_any()
    return _change(acting, referral, chosen, reason)


def referral_reroute(
    *, acting: Acting, referral: Referral, receiver: Organization, reason: str = ""
) -> Referral:
    """Send the same referral to another organization; the new one links to this one.

    A waiting referral closes as re-routed; a declined or expired one keeps its state. Each referral
    is re-routed at most once (the chain keeps the history).
    """
    if rules.side_of(acting, referral) != Side.SENDER:
        raise PermissionDenied
    sources = rules.TRANSITIONS[Action.REROUTE][0]
    with transaction.atomic():
        locked = Referral.objects.select_for_update(of=("self",)).get(pk=referral.pk)
        if locked.state not in sources:
            raise _out_of_order(locked, Action.REROUTE)
        if locked.reroutes.exists():
            raise ValidationError(_("This referral has already been re-routed."), code="already_rerouted")
        if receiver.pk == locked.receiver_organization_id:
            raise ValidationError(
                {"receiver": ValidationError(_("Choose another organization."), code="same_receiver")}
            )
        if locked.state == State.SENT:
            _change(acting, locked, Action.REROUTE, reason or _("Re-routed to %(org)s") % {"org": receiver})
        return referral_create(
            acting=acting,
            person=referral.person,
            receiver=receiver,
            reason=reason or locked.reason,
            categories=locked.category_keys,
            urgency=locked.urgency,
            measure=locked.measure,
            previous=locked,
        )


def referrals_expire(*, today: dt.date | None = None) -> int:
    """Expire every sent referral whose answer was due before ``today``; returns how many expired."""
    today = today or _today()
    due = list(Referral.objects.filter(state=State.SENT, respond_by__lt=today).values_list("pk", flat=True))
    expired = 0
    for pk in due:
        try:
            _change(None, Referral(pk=pk), Action.EXPIRE)
        except ValidationError:
            continue  # answered meanwhile
        expired += 1
    return expired


def referrals_remind(*, today: dt.date | None = None) -> int:
    """Remind receivers once of referrals whose answer is due within the reminder window."""
    today = today or _today()
    until = add_working_days(today, rules.remind_days())
    due = Referral.objects.filter(
        state=State.SENT, respond_by__gte=today, respond_by__lte=until, reminded_on__isnull=True
    ).select_related("receiver_organization", "sender")
    reminded = 0
    for referral in due:
        with transaction.atomic():
            if Referral.objects.filter(pk=referral.pk, reminded_on__isnull=True).update(reminded_on=today):
                notifications.notify_receivers(referral=referral, kind=NotificationKind.EXPIRING)
                reminded += 1
    return reminded


def note_add(*, acting: Acting, referral: Referral, text: str, visibility: str = Visibility.SHARED) -> Note:
    """A note shared with both organizations or kept within the author's own."""
    if rules.side_of(acting, referral) is None:
        raise PermissionDenied
    errors = _Errors()
    text = errors.text("text", text, required=True)
    if visibility not in Visibility.values:
        errors.add("visibility", _("Select one of the permitted values."), "invalid_choice")
    errors.raise_any()
    with transaction.atomic():
        note = Note.objects.create(
            referral=referral,
            author=acting.user,
            organization=acting.membership.organization,  # type: ignore[union-attr]  # checked by side_of
            text=text,
            visibility=visibility,
        )
        audit_record(
            actor=acting.actor,
            action=AuditAction.CREATE,
            person_id=referral.person.public_id,
            category=policy.CASE_NOTES.key,
            record_type="referral_note",
            record_id=str(note.public_id),
            detail={"referral": str(referral.public_id), "visibility": visibility},
        )
    return note
