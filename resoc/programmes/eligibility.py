"""May a person take part in a programme? A pure function of facts about the person and the rules.

``check(facts, programme, on)`` returns one :class:`Finding` per rule that is not met: either the
rule fails (``failed``) or a fact it needs is not recorded (``unknown``). Unknown facts are reported
as such and never count as met: a facilitator must see that the person *might* be eligible once the
missing fact is recorded. An empty list means eligible.

Where each fact comes from (``selectors.person_facts``):

* age and sex — the person record;
* risk level — the current signed risk and needs assessment (none signed: unknown);
* regime level — the current custody period (not in custody: failed; in custody without a recorded
  level: unknown);
* Latvian language level — the CEFR level recorded on the person record. The assessment's
  "Latvian language" domain scores a *need* (limited speaking, literacy), not a level, so it is not
  converted into one: a programme that serves that need lists the domain among its needs instead.
  No level recorded: unknown;
* time left to serve — from the court-ordered end of the current sentence (no current sentence:
  unknown, as the record may simply be missing).
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol

from django.utils.translation import gettext as _

from resoc.assessments.models import RiskLevel
from resoc.people.models import LatvianLevel, Sex


class Outcome(StrEnum):
    FAILED = "failed"
    UNKNOWN = "unknown"


class Rule(StrEnum):
    AGE = "age"
    SEX = "sex"
    RISK_LEVEL = "risk_level"
    REGIME_LEVEL = "regime_level"
    LATVIAN_LEVEL = "latvian_level"
    TIME_LEFT = "time_left"


class Status(StrEnum):
    ELIGIBLE = "eligible"
    NOT_ELIGIBLE = "not_eligible"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class Finding:
    rule: Rule
    outcome: Outcome
    message: str


@dataclass(frozen=True)
class PersonFacts:
    date_of_birth: dt.date | None
    sex: str
    risk_level: str | None
    in_custody: bool
    regime_level: str | None
    regime_level_label: str
    latvian_level: str
    sentence_ends_on: dt.date | None


class Rules(Protocol):
    """The eligibility columns of ``models.Programme`` (a protocol so that tests may pass plain objects)."""

    min_age: int | None
    max_age: int | None
    sexes: list[str]
    risk_levels: list[str]
    regime_levels: list[str]
    min_latvian_level: str
    max_latvian_level: str
    min_months_left: int | None
    max_months_left: int | None


LATVIAN_ORDER: list[str] = [choice.value for choice in LatvianLevel]


def age_on(date_of_birth: dt.date, on: dt.date) -> int:
    """Full years on ``on``; a person born on 29 February turns a year older on 1 March in other years."""
    return on.year - date_of_birth.year - ((on.month, on.day) < (date_of_birth.month, date_of_birth.day))


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` later, or the month's last day when it is shorter (31 Jan + 1 = 28/29 Feb)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    last = calendar.monthrange(year, month)[1]
    return dt.date(year, month, min(day.day, last))


def _labels(values: list[str], choices: type[RiskLevel] | type[Sex] | type[LatvianLevel]) -> str:
    names = dict(choices.choices)
    return ", ".join(str(names.get(v, v)) for v in values)


def _age(facts: PersonFacts, rules: Rules, on: dt.date) -> Finding | None:
    if rules.min_age is None and rules.max_age is None:
        return None
    if facts.date_of_birth is None:
        return Finding(Rule.AGE, Outcome.UNKNOWN, _("The date of birth is not recorded."))
    age = age_on(facts.date_of_birth, on)
    if rules.min_age is not None and age < rules.min_age:
        return Finding(
            Rule.AGE,
            Outcome.FAILED,
            _("Age %(age)s is below the minimum of %(limit)s.") % {"age": age, "limit": rules.min_age},
        )
    if rules.max_age is not None and age > rules.max_age:
        return Finding(
            Rule.AGE,
            Outcome.FAILED,
            _("Age %(age)s is above the maximum of %(limit)s.") % {"age": age, "limit": rules.max_age},
        )
    return None


def _sex(facts: PersonFacts, rules: Rules) -> Finding | None:
    if not rules.sexes:
        return None
    if not facts.sex:
        return Finding(Rule.SEX, Outcome.UNKNOWN, _("The sex is not recorded."))
    if facts.sex not in rules.sexes:
        return Finding(
            Rule.SEX, Outcome.FAILED, _("Only for: %(allowed)s.") % {"allowed": _labels(rules.sexes, Sex)}
        )
    return None


def _risk(facts: PersonFacts, rules: Rules) -> Finding | None:
    if not rules.risk_levels:
        return None
    if not facts.risk_level:
        return Finding(Rule.RISK_LEVEL, Outcome.UNKNOWN, _("No signed risk and needs assessment."))
    if facts.risk_level not in rules.risk_levels:
        return Finding(
            Rule.RISK_LEVEL,
            Outcome.FAILED,
            _("Risk level %(level)s; the programme is for: %(allowed)s.")
            % {
                "level": _labels([facts.risk_level], RiskLevel),
                "allowed": _labels(rules.risk_levels, RiskLevel),
            },
        )
    return None


def _regime(facts: PersonFacts, rules: Rules, regime_labels: dict[str, str]) -> Finding | None:
    if not rules.regime_levels:
        return None
    if not facts.in_custody:
        return Finding(
            Rule.REGIME_LEVEL, Outcome.FAILED, _("Not in custody: the programme is run in prison.")
        )
    if not facts.regime_level:
        return Finding(Rule.REGIME_LEVEL, Outcome.UNKNOWN, _("The regime level is not recorded."))
    if facts.regime_level not in rules.regime_levels:
        allowed = ", ".join(regime_labels.get(code, code) for code in rules.regime_levels)
        return Finding(
            Rule.REGIME_LEVEL,
            Outcome.FAILED,
            _("Regime level %(level)s; the programme is for: %(allowed)s.")
            % {"level": facts.regime_level_label or facts.regime_level, "allowed": allowed},
        )
    return None


def _latvian(facts: PersonFacts, rules: Rules) -> Finding | None:
    if not rules.min_latvian_level and not rules.max_latvian_level:
        return None
    if facts.latvian_level not in LATVIAN_ORDER:
        return Finding(Rule.LATVIAN_LEVEL, Outcome.UNKNOWN, _("The Latvian language level is not recorded."))
    position = LATVIAN_ORDER.index(facts.latvian_level)
    level = _labels([facts.latvian_level], LatvianLevel)
    if rules.min_latvian_level and position < LATVIAN_ORDER.index(rules.min_latvian_level):
        return Finding(
            Rule.LATVIAN_LEVEL,
            Outcome.FAILED,
            _("Latvian level %(level)s; at least %(limit)s is needed.")
            % {"level": level, "limit": _labels([rules.min_latvian_level], LatvianLevel)},
        )
    if rules.max_latvian_level and position > LATVIAN_ORDER.index(rules.max_latvian_level):
        return Finding(
            Rule.LATVIAN_LEVEL,
            Outcome.FAILED,
            _("Latvian level %(level)s; the programme is for levels up to %(limit)s.")
            % {"level": level, "limit": _labels([rules.max_latvian_level], LatvianLevel)},
        )
    return None


def _time_left(facts: PersonFacts, rules: Rules, on: dt.date) -> Finding | None:
    if rules.min_months_left is None and rules.max_months_left is None:
        return None
    if facts.sentence_ends_on is None:
        return Finding(
            Rule.TIME_LEFT, Outcome.UNKNOWN, _("No current sentence with an end date is recorded.")
        )
    ends = facts.sentence_ends_on.strftime("%d.%m.%Y")
    # "At least N months left" holds when the sentence ends on or after the same day N months on.
    if rules.min_months_left is not None and facts.sentence_ends_on < add_months(on, rules.min_months_left):
        return Finding(
            Rule.TIME_LEFT,
            Outcome.FAILED,
            _(
                "The sentence ends on %(date)s: less than %(months)s months left, the programme needs that long."
            )
            % {"date": ends, "months": rules.min_months_left},
        )
    if rules.max_months_left is not None and facts.sentence_ends_on > add_months(on, rules.max_months_left):
        return Finding(
            Rule.TIME_LEFT,
            Outcome.FAILED,
            _("The sentence ends on %(date)s: more than %(months)s months left.")
            % {"date": ends, "months": rules.max_months_left},
        )
    return None


def check(
    facts: PersonFacts, programme: Rules, on: dt.date, *, regime_labels: dict[str, str] | None = None
) -> list[Finding]:
    """Every rule of ``programme`` that ``facts`` do not meet on ``on``, failed ones first."""
    findings = [
        _age(facts, programme, on),
        _sex(facts, programme),
        _risk(facts, programme),
        _regime(facts, programme, regime_labels or {}),
        _latvian(facts, programme),
        _time_left(facts, programme, on),
    ]
    found = [f for f in findings if f is not None]
    return sorted(found, key=lambda f: f.outcome != Outcome.FAILED)


def status_of(findings: list[Finding]) -> Status:
    if not findings:
        return Status.ELIGIBLE
    if any(f.outcome == Outcome.FAILED for f in findings):
        return Status.NOT_ELIGIBLE
    return Status.UNKNOWN
