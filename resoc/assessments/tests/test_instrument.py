"""The instrument is data: seeded by a migration from its JSON file, rules included."""

import pytest

from resoc.assessments.definitions import check_definition, read_definition
from resoc.assessments.models import Domain, Instrument, Item
from resoc.assessments.outcome import RulesError


def test_the_migration_installs_the_json_definition(db):
    data = read_definition("resoc-rna-1.json")
    instrument = Instrument.objects.get(code="resoc-rna", version=1)
    assert Instrument.objects.current() == instrument
    assert instrument.rules["risk_levels"] == data["rules"]["risk_levels"]
    domains = list(Domain.objects.filter(instrument=instrument))
    assert [d.key for d in domains] == [d["key"] for d in data["domains"]]
    assert len(domains) == 13
    assert {"criminal_history", "attitudes", "associates", "antisocial_pattern", "latvian_language"} <= {
        d.key for d in domains
    }
    for domain in domains:
        assert 2 <= domain.items.count() <= 4
    assert Item.objects.get(key="ch_prior").max_score == 3


def test_labels_follow_the_interface_language(db):
    from django.utils import translation

    domain = Domain.objects.get(key="accommodation")
    with translation.override("lv"):
        assert domain.label == "Dzīvesvieta"
    with translation.override("en"):
        assert domain.label == "Accommodation"


@pytest.mark.parametrize(
    "rules",
    [
        {
            "risk_levels": [{"level": "low", "min_total": 5}],
            "need_priorities": [{"priority": "none", "min_percent": 0}],
        },
        {
            "risk_levels": [{"level": "low", "min_total": 0}, {"level": "high", "min_total": 0}],
            "need_priorities": [{"priority": "none", "min_percent": 0}],
        },
        {
            "risk_levels": [{"level": "extreme", "min_total": 0}],
            "need_priorities": [{"priority": "none", "min_percent": 0}],
        },
        {"risk_levels": [{"level": "low", "min_total": 0}]},
    ],
)
def test_malformed_rules_are_refused(rules):
    data = read_definition("resoc-rna-1.json")
    data["rules"] = rules
    with pytest.raises(RulesError):
        check_definition(data)
