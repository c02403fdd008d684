"""Every change of an assessment goes through these functions: web UI and API alike.

Each one checks who acts, validates everything before writing, and writes the change, the timeline
event and the audit entry in one transaction, so that a refusal leaves nothing stored.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from resoc.access import policy
from resoc.access.context import Acting
from resoc.access.roles import Role
from resoc.assessments import events
from resoc.assessments.models import (
    Assessment,
    AssessmentScore,
    Instrument,
    Item,
    MotivationStage,
    Status,
)
from resoc.assessments.outcome import DomainScore, evaluate
from resoc.audit.models import AuditAction
from resoc.audit.services import audit_person
from resoc.people.models import Person, plain_text_validator

# Roles that carry out assessments; signing also needs the membership's qualification.
ASSESSOR_ROLES = frozenset({Role.RESOCIALIZATION_OFFICER, Role.PROBATION_OFFICER})
RECORD_TYPE = "assessment"
RATIONALE_MAX = 2000


@dataclass(frozen=True)
class ScoreInput:
    item: str  # the item's key
    score: int
    rationale: str = ""


def can_assess(acting: Acting, person: Person) -> bool:
    """May ``acting`` start and edit assessments of ``person``?"""
    return acting.role in ASSESSOR_ROLES and bool(policy.can_read(acting, person, policy.ASSESSMENT.key))


def can_sign(acting: Acting) -> bool:
    return acting.membership is not None and acting.membership.can_sign_assessments


def _audit(acting: Acting, action: AuditAction, assessment: Assessment, **detail: object) -> None:
    audit_person(
        actor=acting.actor,
        action=action,
        person_id=assessment.person.public_id,
        category=policy.ASSESSMENT.key,
        record_type=RECORD_TYPE,
        detail={"assessment": str(assessment.public_id), **detail},
    )


def _ensure_editable(assessment: Assessment) -> None:
    if assessment.status != Status.DRAFT:
        raise ValidationError(
            _(
                "This assessment has been signed and can no longer be changed. Start a new assessment instead."
            ),
            code="not_draft",
        )


def _open_draft_error() -> ValidationError:
    return ValidationError(
        _("This person already has an assessment in progress. Continue it instead of starting another."),
        code="draft_exists",
    )


def assessment_start(*, acting: Acting, person: Person) -> Assessment:
    if not can_assess(acting, person):
        raise PermissionDenied
    instrument = Instrument.objects.current()
    if instrument is None:
        raise ValidationError(_("No assessment instrument is in use."), code="no_instrument")
    if Assessment.objects.filter(person=person, status=Status.DRAFT).exists():
        raise _open_draft_error()
    try:
        with transaction.atomic():
            assessment = Assessment.objects.create(
                person=person,
                instrument=instrument,
                assessor=acting.user,
                organization=acting.membership.organization,  # type: ignore[union-attr]  # checked above
            )
            events.assessment_started_event(assessment=assessment, acting=acting)
            _audit(acting, AuditAction.CREATE, assessment)
    except IntegrityError:
        # A concurrent request opened a draft first (the one-draft constraint).
        raise _open_draft_error() from None
    return assessment


def _validated_scores(assessment: Assessment, scores: Iterable[ScoreInput]) -> list[tuple[Item, ScoreInput]]:
    items = {item.key: item for item in Item.objects.filter(domain__instrument_id=assessment.instrument_id)}
    errors: dict[str, list[ValidationError]] = {}
    checked: list[tuple[Item, ScoreInput]] = []
    for entry in scores:
        item = items.get(entry.item)
        problems = errors.setdefault(entry.item, [])
        if item is None:
            problems.append(ValidationError(_("This instrument has no such item."), code="unknown_item"))
            continue
        if not 0 <= entry.score <= item.max_score:
            problems.append(
                ValidationError(
                    _("The score must be between 0 and %(max)s.") % {"max": item.max_score},
                    code="out_of_range",
                )
            )
        rationale = entry.rationale.strip()
        if entry.score > 0 and not rationale:
            problems.append(
                ValidationError(_("Explain why this item scores above 0."), code="rationale_required")
            )
        if len(rationale) > RATIONALE_MAX:
            problems.append(
                ValidationError(
                    _("The rationale may be at most %(max)s characters long.") % {"max": RATIONALE_MAX},
                    code="too_long",
                )
            )
        try:
            plain_text_validator(rationale)
        except ValidationError as error:
            problems.extend(error.error_list)
        if not problems:
            checked.append((item, ScoreInput(item=entry.item, score=entry.score, rationale=rationale)))
    errors = {key: problems for key, problems in errors.items() if problems}
    if errors:
        raise ValidationError(errors)
    return checked


def assessment_score_set(
    *,
    acting: Acting,
    assessment: Assessment,
    scores: Iterable[ScoreInput] = (),
    motivation_stage: str | None = None,
) -> Assessment:
    """Record scores (and the motivation stage) of a draft. Items not sent keep their scores."""
    if not can_assess(acting, assessment.person):
        raise PermissionDenied
    _ensure_editable(assessment)
    checked = _validated_scores(assessment, scores)
    if motivation_stage is not None and motivation_stage not in MotivationStage.values:
        raise ValidationError(
            {"motivation_stage": _("Select one of the stages of change.")}, code="invalid_choice"
        )
    with transaction.atomic():
        # Re-read under lock: a concurrent signing must not be overtaken by a late edit.
        locked = Assessment.objects.select_for_update().get(pk=assessment.pk)
        _ensure_editable(locked)
        for item, entry in checked:
            AssessmentScore.objects.update_or_create(
                assessment=assessment,
                item=item,
                defaults={"score": entry.score, "rationale": entry.rationale},
            )
        if motivation_stage is not None:
            assessment.motivation_stage = motivation_stage
        assessment.save(update_fields=["motivation_stage", "updated_at"])
        _audit(
            acting,
            AuditAction.UPDATE,
            assessment,
            items=sorted(item.key for item, _ in checked),
            **({"motivation_stage": motivation_stage} if motivation_stage is not None else {}),
        )
    return assessment


def _outcome_of(assessment: Assessment) -> tuple[list[DomainScore], list[str]]:
    """Domain sums of the draft, and what is missing before it can be signed."""
    scores = {s.item_id: s for s in assessment.scores.all()}
    domains: list[DomainScore] = []
    missing: list[str] = []
    for domain in assessment.instrument.domains.prefetch_related("items"):
        total = 0
        maximum = 0
        for item in domain.items.all():
            maximum += item.max_score
            score = scores.get(item.pk)
            if score is None or (score.score > 0 and not score.rationale.strip()):
                missing.append(item.key)
            else:
                total += score.score
        domains.append(DomainScore(domain.key, domain.name, domain.name_en, total, maximum))
    return domains, missing


def assessment_sign(*, acting: Acting, assessment: Assessment) -> Assessment:
    """Sign a complete draft: compute and store its outcome; the person's previous one is superseded."""
    if not can_assess(acting, assessment.person):
        raise PermissionDenied
    if not can_sign(acting):
        raise ValidationError(
            _("Only a trained assessor may sign an assessment: your membership is not qualified to sign."),
            code="not_qualified",
        )
    _ensure_editable(assessment)
    domains, missing = _outcome_of(assessment)
    if missing:
        raise ValidationError(
            _("Score every item (and explain every score above 0) before signing: %(count)s missing.")
            % {"count": len(missing)},
            code="incomplete",
        )
    if not assessment.motivation_stage:
        raise ValidationError(_("Choose the motivation stage before signing."), code="incomplete")
    outcome = evaluate(assessment.instrument.rules, domains)
    with transaction.atomic():
        locked = Assessment.objects.select_for_update().get(pk=assessment.pk)
        _ensure_editable(locked)
        previous = (
            Assessment.objects.select_for_update()
            .filter(person_id=assessment.person_id, status=Status.SIGNED)
            .first()
        )
        if previous is not None:
            previous.status = Status.SUPERSEDED
            previous.save(update_fields=["status", "updated_at"])
        assessment.status = Status.SIGNED
        assessment.signed_by = acting.user
        assessment.signed_at = timezone.now()
        assessment.total_score = outcome.total_score
        assessment.risk_level = outcome.risk_level
        assessment.domain_results = outcome.domain_results
        assessment.ranked_needs = outcome.ranked_needs
        assessment.save()
        events.assessment_signed_event(assessment=assessment, acting=acting, superseded=previous)
        _audit(
            acting,
            AuditAction.UPDATE,
            assessment,
            signed=True,
            risk_level=outcome.risk_level,
            superseded=str(previous.public_id) if previous else None,
        )
    return assessment
