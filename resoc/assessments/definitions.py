"""Installing an instrument version from its JSON definition (``instruments/<code>-<version>.json``).

Takes the model classes as arguments so that data migrations can pass their historical models.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from resoc.assessments.outcome import RulesError, validate_rules

INSTRUMENTS_DIR = Path(__file__).resolve().parent / "instruments"
RISK_LEVELS = {"low", "medium", "high", "very_high"}
NEED_PRIORITIES = {"none", "low", "medium", "high"}


def read_definition(filename: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((INSTRUMENTS_DIR / filename).read_text(encoding="utf-8"))
    return data


def check_definition(data: dict[str, Any]) -> None:
    validate_rules(data.get("rules", {}), risk_levels=RISK_LEVELS, priorities=NEED_PRIORITIES)
    item_keys: set[str] = set()
    for domain in data["domains"]:
        if not 2 <= len(domain["items"]) <= 4:
            raise RulesError(f"domain {domain['key']} must have 2 to 4 items")
        for item in domain["items"]:
            if item["key"] in item_keys:
                raise RulesError(f"item key {item['key']} is used twice")
            if not isinstance(item["max_score"], int) or item["max_score"] < 1:
                raise RulesError(f"item {item['key']} needs a positive integer max_score")
            item_keys.add(item["key"])


def install_instrument(
    data: dict[str, Any], *, instrument_model: Any, domain_model: Any, item_model: Any
) -> Any:
    """Create the instrument version with its domains and items; an installed version is left as it is."""
    check_definition(data)
    existing = instrument_model.objects.filter(code=data["code"], version=data["version"]).first()
    if existing is not None:
        return existing
    instrument = instrument_model.objects.create(
        code=data["code"],
        version=data["version"],
        name=data["name"],
        name_en=data.get("name_en", ""),
        published_on=dt.date.fromisoformat(data["published_on"]),
        is_active=data.get("is_active", True),
        rules={key: value for key, value in data["rules"].items() if not key.startswith("_")},
    )
    for domain_data in data["domains"]:
        domain = domain_model.objects.create(
            instrument=instrument,
            key=domain_data["key"],
            name=domain_data["name"],
            name_en=domain_data.get("name_en", ""),
            order=domain_data["order"],
        )
        item_model.objects.bulk_create(
            item_model(
                domain=domain,
                key=item["key"],
                text=item["text"],
                text_en=item.get("text_en", ""),
                max_score=item["max_score"],
                order=position,
            )
            for position, item in enumerate(domain_data["items"])
        )
    return instrument
