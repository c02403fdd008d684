"""Evaluating an instrument's outcome rules (stored in its JSON) on a set of domain scores.

Pure functions: no database, so that rules can be checked on known score sets.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


class RulesError(ValueError):
    """The instrument's rules are malformed (raised when an instrument is loaded)."""


@dataclass(frozen=True)
class DomainScore:
    key: str
    name: str
    name_en: str
    score: int
    max_score: int


@dataclass(frozen=True)
class Outcome:
    total_score: int
    risk_level: str
    domain_results: list[dict[str, Any]]
    ranked_needs: list[str]


def _steps(rules: dict[str, Any], list_key: str, name_key: str, min_key: str) -> list[tuple[int, str]]:
    steps = rules.get(list_key)
    if not isinstance(steps, list) or not steps:
        raise RulesError(f"rules.{list_key} must be a non-empty list")
    parsed: list[tuple[int, str]] = []
    for step in steps:
        if not isinstance(step, dict) or not isinstance(step.get(min_key), int) or not step.get(name_key):
            raise RulesError(f"each of rules.{list_key} needs {name_key} and an integer {min_key}")
        parsed.append((step[min_key], str(step[name_key])))
    minimums = [minimum for minimum, _ in parsed]
    if minimums[0] != 0 or minimums != sorted(set(minimums)):
        raise RulesError(f"rules.{list_key} must start at 0 and rise strictly")
    return parsed


def validate_rules(rules: dict[str, Any], *, risk_levels: set[str], priorities: set[str]) -> None:
    for _minimum, level in _steps(rules, "risk_levels", "level", "min_total"):
        if level not in risk_levels:
            raise RulesError(f"unknown risk level {level!r}")
    for _minimum, priority in _steps(rules, "need_priorities", "priority", "min_percent"):
        if priority not in priorities:
            raise RulesError(f"unknown need priority {priority!r}")


def risk_level(rules: dict[str, Any], total: int) -> str:
    """The highest level whose ``min_total`` the total reaches."""
    found = ""
    for minimum, level in _steps(rules, "risk_levels", "level", "min_total"):
        if total >= minimum:
            found = level
    return found


def need_priority(rules: dict[str, Any], score: int, max_score: int) -> tuple[int, str]:
    """(rank, priority) of a domain: the highest priority whose ``min_percent`` its share reaches."""
    found = (0, "")
    for rank, (minimum, priority) in enumerate(_steps(rules, "need_priorities", "priority", "min_percent")):
        # Integer arithmetic: score / max_score >= minimum / 100, without rounding.
        if score * 100 >= minimum * max_score:
            found = (rank, priority)
    return found


def evaluate(rules: dict[str, Any], domains: list[DomainScore]) -> Outcome:
    total = sum(domain.score for domain in domains)
    results: list[dict[str, Any]] = []
    ranking: list[tuple[int, int, int, str]] = []
    for position, domain in enumerate(domains):
        rank, priority = need_priority(rules, domain.score, domain.max_score)
        results.append(
            {
                "key": domain.key,
                "name": domain.name,
                "name_en": domain.name_en,
                "score": domain.score,
                "max_score": domain.max_score,
                "priority": priority,
            }
        )
        if rank > 0:
            # Higher priority first, then the larger share of the domain's maximum, then domain order.
            share = domain.score * 10_000 // max(domain.max_score, 1)
            ranking.append((-rank, -share, position, domain.key))
    return Outcome(
        total_score=total,
        risk_level=risk_level(rules, total),
        domain_results=results,
        ranked_needs=[key for *_, key in sorted(ranking)],
    )
