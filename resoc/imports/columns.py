"""The columns of a prison register extract (one row = one custody period of one person).

Headers are matched without regard to case, diacritics, spaces or hyphens, in English or Latvian:
``Personas kods``, ``personas_kods`` and ``personal_code`` are the same column. The import page and
the downloadable template are generated from this table, so the documentation cannot drift from
the code.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from resoc.text import fold


@dataclass(frozen=True)
class Column:
    key: str
    latvian: str
    label: str | Promise
    help: str | Promise
    required: bool = False
    aliases: tuple[str, ...] = ()

    @property
    def headers(self) -> tuple[str, ...]:
        return (self.key, self.latvian, *self.aliases)


COLUMNS: tuple[Column, ...] = (
    Column(
        "personal_code",
        "personas_kods",
        _("Personal code"),
        _(
            "DDMMYY-CNNNN or 32XXXX-XXXXX; may be empty for a person without one (then the date of birth is needed)."
        ),
        required=True,
    ),
    Column(
        "last_name",
        "uzvards",
        _("Family name"),
        _("Letters, spaces, hyphens and apostrophes."),
        required=True,
        aliases=("family_name", "surname"),
    ),
    Column(
        "first_name",
        "vards",
        _("Given names"),
        _("Letters, spaces, hyphens and apostrophes."),
        required=True,
        aliases=("given_names", "first_names", "vardi"),
    ),
    Column(
        "birth_date",
        "dzimsanas_datums",
        _("Date of birth"),
        _("YYYY-MM-DD or DD.MM.YYYY; must match an old-format personal code."),
        required=True,
        aliases=("date_of_birth",),
    ),
    Column(
        "sex",
        "dzimums",
        _("Sex"),
        _("male / female / other, or vīrietis / sieviete, or M / F / V / S."),
        required=True,
    ),
    Column(
        "citizenship",
        "pilsoniba",
        _("Citizenship status"),
        _("citizen, non_citizen, foreign, stateless or unknown (or the Latvian words); empty: not known."),
        aliases=("citizenship_status", "pilsonibas_statuss"),
    ),
    Column(
        "citizenship_country",
        "pilsonibas_valsts",
        _("Country of citizenship"),
        _("Two-letter country code, e.g. LV, LT, UA."),
    ),
    Column(
        "prison",
        "cietums",
        _("Prison"),
        _("The prison's code (e.g. jelgavas-cietums) or official name; only your own prison is accepted."),
        required=True,
        aliases=("ieslodzijuma_vieta",),
    ),
    Column(
        "admitted_on",
        "ievietosanas_datums",
        _("Admitted on"),
        _("Date of admission to this prison. An earlier open stay in another prison ends with a transfer."),
        required=True,
        aliases=("ievietots",),
    ),
    Column(
        "regime_level",
        "rezima_pakape",
        _("Regime level"),
        _("Code of the regime level, e.g. closed-lowest, partly-closed-medium, open-highest."),
        aliases=("pakape",),
    ),
    Column(
        "court",
        "tiesa",
        _("Court"),
        _("The court that passed the sentence; needed with the end of the sentence."),
    ),
    Column(
        "sentence_start_on",
        "soda_sakums",
        _("Start of the sentence"),
        _("Empty: the admission date."),
        aliases=("sentence_starts_on",),
    ),
    Column(
        "sentence_end_on",
        "soda_beigas",
        _("Court-ordered end of the sentence"),
        _("With the court, records the sentence."),
        aliases=("sentence_ends_on",),
    ),
    Column(
        "probation_unit",
        "probacijas_struktura",
        _("Probation unit after release"),
        _("Code or name of the probation unit of the area the person will live in."),
        aliases=("release_probation_unit",),
    ),
    Column(
        "released_on",
        "atbrivosanas_datums",
        _("Released on"),
        _("Empty while the person is held."),
        aliases=("atbrivots",),
    ),
    Column(
        "release_reason",
        "atbrivosanas_iemesls",
        _("Release reason"),
        _("end_of_sentence, conditional_early, pardon, death or transfer_abroad (or the Latvian words)."),
    ),
)

COLUMN_BY_KEY = {column.key: column for column in COLUMNS}
REQUIRED_KEYS = tuple(column.key for column in COLUMNS if column.required)


def normalize_header(text: str) -> str:
    """``Personas kods`` → ``personas_kods``; ``Uzvārds`` → ``uzvards``."""
    return re.sub(r"[^a-z0-9]+", "_", fold(text.strip().lstrip("\ufeff"))).strip("_")


_HEADER_TO_KEY = {normalize_header(header): column.key for column in COLUMNS for header in column.headers}


def column_for_header(header: str) -> str | None:
    return _HEADER_TO_KEY.get(normalize_header(header))


def template_header() -> list[str]:
    """The header row of the downloadable template: the English keys, which every version accepts."""
    return [column.key for column in COLUMNS]
