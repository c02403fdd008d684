"""Latvian text rules: diacritics-free matching and the Latvian alphabetical order.

Search must find ``Bērziņš`` from ``berzins``; lists must sort as Latvians expect, with ``Š`` after
``S`` and ``Č`` after ``C``. Following the CLDR Latvian collation, the long vowels (ā, ē, ī, ū) are
not separate letters: they sort with their short vowel and only break ties. The sort key is computed
here once, stored and indexed, so that every database orders the same way without a locale of its own.
"""

from __future__ import annotations

import unicodedata

# Primary letter order of the Latvian alphabet (with q, w, x, y of foreign names in their CLDR place).
_PRIMARY_ORDER = "abcčdefgģhiyjkķlļmnņopqrŗsštuvwxzž"
_SECONDARY = {"ā": "a", "ē": "e", "ī": "i", "ō": "o", "ū": "u"}
_LETTER_WEIGHT = {letter: chr(0x61 + index) for index, letter in enumerate(_PRIMARY_ORDER)}
_DIGIT_WEIGHT = {str(d): chr(0x30 + d) for d in range(10)}
_WORD_BREAK = "\x23"  # between words of one name: before every letter and digit
_FIELD_BREAK = "\x22"  # between family name and given names: before a word break
_TIE_BREAK = "\x21"  # primary key ends, diacritics and case break ties after it


def fold(text: str) -> str:
    """Lower-case ``text`` and strip every diacritic: ``Bērziņš`` → ``berzins``."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _primary(text: str) -> tuple[str, str]:
    primary: list[str] = []
    secondary: list[str] = []
    for ch in text:
        lower = ch.lower()
        base = _SECONDARY.get(lower, lower)
        if base not in _LETTER_WEIGHT and base not in _DIGIT_WEIGHT:
            base = fold(base)[:1] if fold(base) else ""
        if base in _LETTER_WEIGHT:
            primary.append(_LETTER_WEIGHT[base])
            secondary.append("1" if lower in _SECONDARY else "0")
            secondary.append("1" if ch != lower else "0")
        elif base in _DIGIT_WEIGHT:
            primary.append(_DIGIT_WEIGHT[base])
        elif (ch.isspace() or ch in "-'’.") and primary and primary[-1] != _WORD_BREAK:
            primary.append(_WORD_BREAK)
    return "".join(primary).rstrip(_WORD_BREAK), "".join(secondary)


def latvian_sort_key(*fields: str) -> str:
    """A string whose binary order is the Latvian alphabetical order of ``fields`` taken in turn."""
    primaries, secondaries = zip(*(_primary(field) for field in fields), strict=True)
    return _FIELD_BREAK.join(primaries) + _TIE_BREAK + "".join(secondaries)
