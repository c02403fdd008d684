"""The Latvian catalogue is complete and every translation keeps the placeholders of its source text.

A missing translation shows English to a Latvian user; a translation that drops or renames a
``%(name)s`` placeholder raises KeyError (or prints the wrong value) on the page that uses it.
"""

from __future__ import annotations

import re
from pathlib import Path

import polib
import pytest

LOCALE = Path(__file__).resolve().parents[2] / "locale"
PLACEHOLDER = re.compile(r"%\((\w+)\)[sdif]|%[sdif]|\{\w*\}")


def catalogue(language: str) -> polib.POFile:
    return polib.pofile(str(LOCALE / language / "LC_MESSAGES" / "django.po"))


def translations(entry: polib.POEntry) -> list[str]:
    if entry.msgid_plural:
        return [text for _, text in sorted(entry.msgstr_plural.items())]
    return [entry.msgstr]


@pytest.mark.parametrize("language", ["lv", "en"])
def test_every_message_is_translated_and_none_is_fuzzy(language: str) -> None:
    po = catalogue(language)
    untranslated = [e.msgid for e in po if not e.obsolete and not all(translations(e))]
    fuzzy = [e.msgid for e in po if "fuzzy" in e.flags]
    assert untranslated == []
    assert fuzzy == []


@pytest.mark.parametrize("language", ["lv", "en"])
def test_translations_keep_the_placeholders_of_the_source(language: str) -> None:
    mismatched = []
    for entry in catalogue(language):
        if entry.obsolete:
            continue
        expected = sorted(PLACEHOLDER.findall(entry.msgid_plural or entry.msgid))
        for text in translations(entry):
            # A plural form for "one" may spell the number out instead of using the count placeholder.
            found = sorted(PLACEHOLDER.findall(text))
            if found != expected and not (entry.msgid_plural and set(found) <= set(expected)):
                mismatched.append((entry.msgid, text))
    assert mismatched == []


def test_latvian_plural_forms_cover_one_few_and_zero() -> None:
    po = catalogue("lv")
    assert "nplurals=3" in po.metadata["Plural-Forms"]
    short = [e.msgid for e in po if e.msgid_plural and len(e.msgstr_plural) != 3]
    assert short == []
