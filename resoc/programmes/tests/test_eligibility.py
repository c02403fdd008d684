"""The eligibility rules one by one: met, failed with a reason, unknown when the fact is missing."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from django.utils import translation

from resoc.programmes.eligibility import Outcome, Rule, Status, add_months, age_on, check, status_of
from resoc.programmes.models import Programme
from resoc.programmes.tests.conftest import ON, facts


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    # The messages are asserted in English; the last test checks the Latvian catalogue.
    with translation.override("en"):
        yield


def rules(**fields) -> Programme:
    # An unsaved programme: the rules are plain attributes, no database needed.
    return Programme(**fields)


def only(findings):
    assert len(findings) == 1, findings
    return findings[0]


def test_a_programme_without_rules_is_open_to_everyone_even_with_unknown_facts() -> None:
    unknown = facts(
        date_of_birth=None,
        sex="",
        risk_level=None,
        in_custody=False,
        regime_level=None,
        latvian_level="",
        sentence_ends_on=None,
    )
    assert check(unknown, rules(), ON) == []
    assert status_of([]) == Status.ELIGIBLE


def test_age_boundaries_count_full_years_on_the_day() -> None:
    programme = rules(min_age=18, max_age=29)
    assert check(facts(date_of_birth=dt.date(2008, 6, 15)), programme, ON) == []  # 18th birthday today
    finding = only(check(facts(date_of_birth=dt.date(2008, 6, 16)), programme, ON))
    assert (finding.rule, finding.outcome) == (Rule.AGE, Outcome.FAILED)
    assert "17" in finding.message
    assert "18" in finding.message
    assert check(facts(date_of_birth=dt.date(1996, 6, 16)), programme, ON) == []  # still 29
    finding = only(check(facts(date_of_birth=dt.date(1996, 6, 15)), programme, ON))  # 30 today
    assert finding.outcome == Outcome.FAILED
    assert "30" in finding.message


def test_leap_day_birthdays() -> None:
    assert age_on(dt.date(2008, 2, 29), dt.date(2026, 2, 28)) == 17
    assert age_on(dt.date(2008, 2, 29), dt.date(2026, 3, 1)) == 18


def test_unknown_date_of_birth_is_reported_not_passed() -> None:
    finding = only(check(facts(date_of_birth=None), rules(min_age=18), ON))
    assert (finding.rule, finding.outcome) == (Rule.AGE, Outcome.UNKNOWN)
    assert status_of([finding]) == Status.UNKNOWN


def test_sex() -> None:
    programme = rules(sexes=["female"])
    assert check(facts(sex="female"), programme, ON) == []
    finding = only(check(facts(sex="male"), programme, ON))
    assert finding.outcome == Outcome.FAILED
    assert "Female" in finding.message
    assert only(check(facts(sex=""), programme, ON)).outcome == Outcome.UNKNOWN


def test_risk_level_from_the_signed_assessment() -> None:
    programme = rules(risk_levels=["high", "very_high"])
    assert check(facts(risk_level="high"), programme, ON) == []
    finding = only(check(facts(risk_level="low"), programme, ON))
    assert finding.outcome == Outcome.FAILED
    assert "Low" in finding.message
    assert "Very high" in finding.message
    finding = only(check(facts(risk_level=None), programme, ON))
    assert (finding.rule, finding.outcome) == (Rule.RISK_LEVEL, Outcome.UNKNOWN)


def test_regime_level_needs_custody_and_a_recorded_level() -> None:
    programme = rules(regime_levels=["closed-medium", "closed-highest"])
    assert check(facts(), programme, ON) == []
    finding = only(check(facts(regime_level="closed-lowest", regime_level_label="zemākā"), programme, ON))
    assert finding.outcome == Outcome.FAILED
    assert "zemākā" in finding.message
    finding = only(check(facts(in_custody=False, regime_level=None), programme, ON))
    assert finding.outcome == Outcome.FAILED  # released: cannot join a prison programme
    assert only(check(facts(regime_level=None), programme, ON)).outcome == Outcome.UNKNOWN


def test_latvian_level_bounds_follow_the_cefr_order() -> None:
    course = rules(max_latvian_level="A2")  # a course for those who speak little Latvian
    assert check(facts(latvian_level="none"), course, ON) == []
    assert check(facts(latvian_level="A2"), course, ON) == []
    assert only(check(facts(latvian_level="B1"), course, ON)).outcome == Outcome.FAILED
    vocational = rules(min_latvian_level="B1")
    assert check(facts(latvian_level="native"), vocational, ON) == []
    finding = only(check(facts(latvian_level="A2"), vocational, ON))
    assert finding.outcome == Outcome.FAILED
    assert "B1" in finding.message
    finding = only(check(facts(latvian_level=""), vocational, ON))
    assert (finding.rule, finding.outcome) == (Rule.LATVIAN_LEVEL, Outcome.UNKNOWN)


def test_time_left_to_serve_boundaries() -> None:
    programme = rules(min_months_left=6)
    assert check(facts(sentence_ends_on=dt.date(2026, 12, 15)), programme, ON) == []  # exactly 6 months
    finding = only(check(facts(sentence_ends_on=dt.date(2026, 12, 14)), programme, ON))
    assert finding.outcome == Outcome.FAILED
    assert "14.12.2026" in finding.message
    release_course = rules(max_months_left=3)
    assert check(facts(sentence_ends_on=dt.date(2026, 9, 15)), release_course, ON) == []
    assert (
        only(check(facts(sentence_ends_on=dt.date(2026, 9, 16)), release_course, ON)).outcome
        == Outcome.FAILED
    )
    finding = only(check(facts(sentence_ends_on=None), programme, ON))
    assert (finding.rule, finding.outcome) == (Rule.TIME_LEFT, Outcome.UNKNOWN)


def test_months_are_calendar_months() -> None:
    assert add_months(dt.date(2026, 1, 31), 1) == dt.date(2026, 2, 28)
    assert add_months(dt.date(2027, 11, 30), 3) == dt.date(2028, 2, 29)
    assert add_months(dt.date(2026, 12, 1), 13) == dt.date(2028, 1, 1)


def test_failed_rules_come_before_unknown_ones_and_decide_the_status() -> None:
    programme = rules(min_age=18, risk_levels=["high"])
    findings = check(facts(date_of_birth=None, risk_level="low"), programme, ON)
    assert [(f.rule, f.outcome) for f in findings] == [
        (Rule.RISK_LEVEL, Outcome.FAILED),
        (Rule.AGE, Outcome.UNKNOWN),
    ]
    assert status_of(findings) == Status.NOT_ELIGIBLE


def test_reasons_are_translated() -> None:
    with translation.override("lv"):
        finding = only(check(facts(date_of_birth=None), rules(min_age=18), ON))
    assert "not recorded" not in finding.message
