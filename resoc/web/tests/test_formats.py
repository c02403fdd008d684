"""Dates read the Latvian way in both interface languages: day first, 24-hour clock."""

from __future__ import annotations

import datetime as dt

import pytest
from django.template import Context, Template
from django.utils import translation

DAY = dt.date(2026, 3, 4)
MOMENT = dt.datetime(2026, 3, 4, 15, 7, tzinfo=dt.UTC)


def render(language: str, source: str) -> str:
    with translation.override(language):
        return Template(source).render(Context({"day": DAY, "moment": MOMENT}))


@pytest.mark.parametrize("language", ["lv", "en"])
def test_short_dates_are_day_month_year_with_leading_zeros(language: str) -> None:
    assert render(language, '{{ day|date:"SHORT_DATE_FORMAT" }}') == "04.03.2026"


def test_english_dates_are_not_american() -> None:
    assert render("en", '{{ day|date:"DATE_FORMAT" }}') == "4 March 2026"
    # 15:07 UTC is 17:07 in Riga (winter time).
    assert render("en", '{{ moment|date:"SHORT_DATETIME_FORMAT" }}') == "04.03.2026 17:07"


def test_latvian_long_dates_keep_the_latvian_form() -> None:
    assert render("lv", '{{ day|date:"DATE_FORMAT" }}') == "2026. gada 4. marts"
