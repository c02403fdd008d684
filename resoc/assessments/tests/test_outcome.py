"""The outcome rules of the instrument JSON, evaluated on known score sets."""

import pytest

from resoc.assessments.definitions import read_definition
from resoc.assessments.outcome import DomainScore, evaluate, need_priority, risk_level

RULES = read_definition("resoc-rna-1.json")["rules"]


@pytest.mark.parametrize(
    ("total", "level"),
    [
        (0, "low"),
        (19, "low"),
        (20, "medium"),
        (37, "medium"),
        (38, "high"),
        (56, "high"),
        (57, "very_high"),
        (76, "very_high"),
    ],
)
def test_risk_level_boundaries(total, level):
    assert risk_level(RULES, total) == level


@pytest.mark.parametrize(
    ("score", "maximum", "priority"),
    [
        (0, 7, "none"),
        (1, 7, "low"),
        (2, 7, "low"),
        (3, 7, "medium"),
        (4, 7, "medium"),
        (5, 7, "high"),
        (7, 7, "high"),
        (1, 3, "low"),
        (2, 3, "medium"),
    ],
)
def test_need_priority_from_the_share_of_the_maximum(score, maximum, priority):
    # 34 % and 67 % of the domain maximum: 3/7 = 42.9 %, 2/7 = 28.6 %, 5/7 = 71.4 %, 2/3 = 66.7 %.
    assert need_priority(RULES, score, maximum)[1] == priority


def test_needs_are_ranked_by_priority_then_share():
    outcome = evaluate(
        RULES,
        [
            DomainScore("a", "A", "A", 1, 7),  # low
            DomainScore("b", "B", "B", 5, 7),  # high, 71 %
            DomainScore("c", "C", "C", 0, 4),  # none
            DomainScore("d", "D", "D", 4, 4),  # high, 100 %
            DomainScore("e", "E", "E", 2, 5),  # medium
        ],
    )
    assert outcome.total_score == 12
    assert outcome.risk_level == "low"
    assert outcome.ranked_needs == ["d", "b", "e", "a"]
    assert [r["priority"] for r in outcome.domain_results] == ["low", "high", "none", "high", "medium"]


def test_rules_changed_in_data_change_the_outcome():
    rules = {
        **RULES,
        "risk_levels": [{"level": "low", "min_total": 0}, {"level": "very_high", "min_total": 5}],
    }
    assert risk_level(rules, 5) == "very_high"
