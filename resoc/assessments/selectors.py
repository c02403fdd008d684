from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Prefetch

from resoc.access.context import Acting
from resoc.assessments.models import (
    Assessment,
    AssessmentScore,
    Domain,
    Item,
    NeedPriority,
    RiskLevel,
    Status,
    localized,
)
from resoc.assessments.services import can_assess, can_sign
from resoc.people.models import Person


def person_assessments(*, person: Person) -> list[Assessment]:
    """The person's assessments, newest first."""
    return list(
        Assessment.objects.filter(person=person).select_related(
            "instrument", "assessor", "signed_by", "organization"
        )
    )


def assessment_with_instrument(*, assessment: Assessment) -> list[dict[str, Any]]:
    """The instrument's domains, each with its items and the assessment's scores of them."""
    scores = {s.item_id: s for s in AssessmentScore.objects.filter(assessment=assessment)}
    domains = Domain.objects.filter(instrument_id=assessment.instrument_id).prefetch_related(
        Prefetch("items", queryset=Item.objects.order_by("order", "pk"))
    )
    rows = []
    for domain in domains:
        items = list(domain.items.all())
        found = [scores[item.pk] for item in items if item.pk in scores]
        rows.append(
            {
                "domain": domain,
                "items": [{"item": item, "score": scores.get(item.pk)} for item in items],
                "scored": len(found),
                "total": sum(score.score for score in found),
                "max_score": sum(item.max_score for item in items),
            }
        )
    return rows


@dataclass(frozen=True)
class DomainChange:
    key: str
    name: str
    previous: int | None
    previous_max: int | None
    current: int
    current_max: int
    change: str  # "improved", "worsened", "unchanged" or "new"


@dataclass(frozen=True)
class Comparison:
    previous: Assessment
    risk_change: str
    domains: list[DomainChange]


def _direction(previous_share: float, current_share: float) -> str:
    # A lower share of the domain's maximum means less need: that is an improvement.
    if current_share < previous_share:
        return "improved"
    if current_share > previous_share:
        return "worsened"
    return "unchanged"


RISK_ORDER = {level: rank for rank, level in enumerate(RiskLevel.values)}


def assessment_previous(*, assessment: Assessment) -> Assessment | None:
    """The person's signed assessment before this one (now superseded, or the current one for a draft)."""
    earlier = Assessment.objects.filter(
        person_id=assessment.person_id, status__in=[Status.SIGNED, Status.SUPERSEDED]
    ).exclude(pk=assessment.pk)
    if assessment.signed_at is not None:
        earlier = earlier.filter(signed_at__lt=assessment.signed_at)
    return earlier.order_by("-signed_at", "-pk").first()


def assessment_comparison(*, assessment: Assessment) -> Comparison | None:
    """What improved and what worsened per domain against the previous signed assessment."""
    if assessment.status == Status.DRAFT:
        return None
    previous = assessment_previous(assessment=assessment)
    if previous is None:
        return None
    before = {result["key"]: result for result in previous.domain_results}
    changes = []
    for result in assessment.domain_results:
        old = before.get(result["key"])
        if old is None:
            change = "new"
        else:
            change = _direction(
                old["score"] / max(old["max_score"], 1), result["score"] / max(result["max_score"], 1)
            )
        changes.append(
            DomainChange(
                key=result["key"],
                name=localized(result["name"], result.get("name_en", "")),
                previous=old["score"] if old else None,
                previous_max=old["max_score"] if old else None,
                current=result["score"],
                current_max=result["max_score"],
                change=change,
            )
        )
    risk_change = _direction(RISK_ORDER.get(previous.risk_level, 0), RISK_ORDER.get(assessment.risk_level, 0))
    return Comparison(previous=previous, risk_change=risk_change, domains=changes)


def needs_display(assessment: Assessment, count: int | None = None) -> list[dict[str, Any]]:
    """Ranked needs with localized names and priority labels, for templates and the API."""
    by_key = {result["key"]: result for result in assessment.domain_results}
    keys = assessment.ranked_needs if count is None else assessment.ranked_needs[:count]
    labels = dict(NeedPriority.choices)
    return [
        {
            "key": key,
            "name": localized(by_key[key]["name"], by_key[key].get("name_en", "")),
            "priority": by_key[key]["priority"],
            "priority_label": labels.get(by_key[key]["priority"], by_key[key]["priority"]),
            "score": by_key[key]["score"],
            "max_score": by_key[key]["max_score"],
        }
        for key in keys
        if key in by_key
    ]


def assessment_section(acting: Acting, person: Person) -> dict[str, Any]:
    """The case file's assessment section (registered in ``AssessmentsConfig.ready``)."""
    # No audit entry of its own: the case-file page records the view (and the purpose, if one is required).
    assessments = person_assessments(person=person)
    latest = next((a for a in assessments if a.status == Status.SIGNED), None)
    return {
        "assessments": assessments,
        "latest": latest,
        "top_needs": needs_display(latest, 3) if latest else [],
        "has_draft": any(a.status == Status.DRAFT for a in assessments),
        "can_start": can_assess(acting, person),
        "can_sign": can_sign(acting),
    }
