"""Checks of one row before the domain services see it: cell syntax, codes, reference data.

What the domain itself decides (names, the personal code's check digit, dates against the code,
overlapping custody periods, impossible sequences) is left to ``people.services`` and
``sentences.services``; this module only turns text into the values those services take.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import TextChoices
from django.utils import translation
from django.utils.translation import gettext as _

from resoc.access.context import Acting
from resoc.imports.columns import COLUMN_BY_KEY
from resoc.imports.reader import MAX_CELL_CHARS, Cell
from resoc.organizations.models import Organization, OrganizationType
from resoc.people.identity import normalize_personal_code
from resoc.people.models import CitizenshipStatus, Sex
from resoc.sentences.models import RegimeLevel, ReleaseReason
from resoc.text import fold

# A cell starting with one of these is a formula to a spreadsheet (OWASP "CSV injection"): such
# text is never stored, so that no export of Resoc can carry it back into a spreadsheet.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_DATE_FORMATS = ("%Y-%m-%d", "%d.%m.%Y", "%d.%m.%y", "%d/%m/%Y")

_SEX_ALIASES = {
    "m": Sex.MALE,
    "v": Sex.MALE,
    "virietis": Sex.MALE,
    "vir": Sex.MALE,
    "f": Sex.FEMALE,
    "s": Sex.FEMALE,
    "sieviete": Sex.FEMALE,
    "siev": Sex.FEMALE,
    "cits": Sex.OTHER,
}
_CITIZENSHIP_ALIASES = {
    "pilsonis": CitizenshipStatus.CITIZEN,
    "lv": CitizenshipStatus.CITIZEN,
    "nepilsonis": CitizenshipStatus.NON_CITIZEN,
    "arvalstnieks": CitizenshipStatus.FOREIGN,
    "arzemnieks": CitizenshipStatus.FOREIGN,
    "bezvalstnieks": CitizenshipStatus.STATELESS,
    "nezinams": CitizenshipStatus.UNKNOWN,
}
_RELEASE_ALIASES = {
    "soda_beigas": ReleaseReason.END_OF_SENTENCE,
    "sods_izcietis": ReleaseReason.END_OF_SENTENCE,
    "nosacita_pirmstermina_atbrivosana": ReleaseReason.CONDITIONAL_EARLY,
    "pirmstermina": ReleaseReason.CONDITIONAL_EARLY,
    "apzelosana": ReleaseReason.PARDON,
    "nave": ReleaseReason.DEATH,
    "nodots_arvalstij": ReleaseReason.TRANSFER_ABROAD,
}


@dataclass(frozen=True)
class Reason:
    """Why a row was rejected (or left unchanged): the column, a stable code and the text."""

    field: str
    code: str
    message: str

    def as_dict(self) -> dict[str, str]:
        return asdict(self)


@dataclass
class RegisterRow:
    number: int
    personal_code: str | None
    family_name: str
    given_names: str
    birth_date: dt.date | None
    sex: str
    citizenship_status: str
    citizenship_country: str
    prison: Organization
    admitted_on: dt.date
    regime_level: RegimeLevel | None
    court: str
    sentence_start_on: dt.date | None
    sentence_end_on: dt.date | None
    probation_unit: Organization | None
    released_on: dt.date | None
    release_reason: str
    fingerprint: str = field(default="")


def _key(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", fold(text)).strip("_")


def _choice_lookup(choices: type[TextChoices], aliases: Mapping[str, str]) -> dict[str, str]:
    """Codes, labels in both languages and the usual abbreviations, folded, → the stored value."""
    lookup = {_key(value): value for value in choices.values}
    for language in ("en", "lv"):
        with translation.override(language):
            lookup.update({_key(str(label)): value for value, label in choices.choices})
    lookup.update(aliases)
    return lookup


class References:
    """Reference data for one import, read once: prisons, probation units, regime levels."""

    def __init__(self, acting: Acting) -> None:
        self.acting = acting
        self.prisons = self._organizations(OrganizationType.PRISON)
        self.probation_units = self._organizations(OrganizationType.PROBATION_UNIT)
        self.regime_levels: dict[str, RegimeLevel] = {}
        for level in RegimeLevel.objects.select_related("institution_type"):
            self.regime_levels[_key(level.code)] = level
        self.sex = _choice_lookup(Sex, _SEX_ALIASES)
        self.citizenship = _choice_lookup(CitizenshipStatus, _CITIZENSHIP_ALIASES)
        self.release_reasons = _choice_lookup(ReleaseReason, _RELEASE_ALIASES)

    @staticmethod
    def _organizations(kind: str) -> dict[str, Organization]:
        found: dict[str, Organization] = {}
        for organization in Organization.objects.filter(type=kind, is_active=True):
            for name in (organization.name, organization.name_en, organization.short_name, organization.code):
                if name:
                    found.setdefault(_key(name), organization)
        return found


class _Cells:
    """Reads one row's cells, collecting a reason for every problem instead of stopping at the first."""

    def __init__(self, raw: dict[str, Cell]) -> None:
        self.raw = raw
        self.reasons: list[Reason] = []

    def reject(self, key: str, code: str, message: str) -> None:
        self.reasons.append(Reason(key, code, message))

    def text(self, key: str, *, required: bool = False) -> str:
        value = self.raw.get(key)
        if isinstance(value, dt.date):
            value = value.isoformat()
        if value is not None and value.startswith(FORMULA_STARTS[4:]) and value.strip():
            self.reject(
                key, "formula", _("The cell starts with a tab or line break, as spreadsheet formulas may.")
            )
            return ""
        text = (value or "").strip()
        if text.startswith(FORMULA_STARTS[:4]):
            self.reject(
                key,
                "formula",
                _("The cell starts with “%(char)s”, like a spreadsheet formula; such text is not imported.")
                % {"char": text[0]},
            )
            return ""
        if len(text) > MAX_CELL_CHARS:
            self.reject(
                key,
                "too_long",
                _("The cell is longer than %(limit)s characters.") % {"limit": MAX_CELL_CHARS},
            )
            return ""
        if required and not text:
            self.reject(key, "required", _("This column must not be empty."))
        return text

    def date(self, key: str, *, required: bool = False) -> dt.date | None:
        value = self.raw.get(key)
        if isinstance(value, dt.date):
            return value
        text = self.text(key, required=required)
        if not text:
            return None
        for date_format in _DATE_FORMATS:
            try:
                return dt.datetime.strptime(text, date_format).date()
            except ValueError:
                continue
        self.reject(
            key,
            "invalid_date",
            _("“%(value)s” is not a date: write YYYY-MM-DD or DD.MM.YYYY.") % {"value": text[:40]},
        )
        return None

    def choice(self, key: str, lookup: dict[str, str], *, required: bool = False) -> str:
        text = self.text(key, required=required)
        if not text:
            return ""
        value = lookup.get(_key(text))
        if value is None:
            self.reject(
                key,
                "invalid_choice",
                _("“%(value)s” is not one of the accepted values.") % {"value": text[:40]},
            )
            return ""
        return value


def parse_row(
    number: int, raw: dict[str, Cell], references: References
) -> tuple[RegisterRow | None, list[Reason]]:
    """The row's values for the domain services, or the reasons it cannot be imported."""
    cells = _Cells(raw)
    code_text = cells.text("personal_code")
    personal_code: str | None = None
    if code_text:
        try:
            personal_code = normalize_personal_code(code_text)
        except ValidationError as error:
            cells.reject("personal_code", error.code or "invalid", error.messages[0])
    family_name = cells.text("last_name", required=True)
    given_names = cells.text("first_name", required=True)
    birth_date = cells.date("birth_date")
    if not code_text and birth_date is None and "birth_date" not in {r.field for r in cells.reasons}:
        cells.reject(
            "birth_date",
            "identity_missing",
            _("Without a personal code, the date of birth is needed to recognise the person."),
        )
    sex = cells.choice("sex", references.sex, required=True)
    citizenship_status = cells.choice("citizenship", references.citizenship) or CitizenshipStatus.UNKNOWN
    citizenship_country = cells.text("citizenship_country").upper()

    prison = _organization(cells, "prison", references.prisons, required=True)
    if prison is not None and prison.pk not in references.acting.scope_organization_ids:
        cells.reject(
            "prison",
            "other_prison",
            _("%(prison)s is not your organization: you may import only into your own prison.")
            % {"prison": prison.name},
        )
    admitted_on = cells.date("admitted_on", required=True)
    regime_level: RegimeLevel | None = None
    regime_text = cells.text("regime_level")
    if regime_text:
        regime_level = references.regime_levels.get(_key(regime_text))
        if regime_level is None:
            cells.reject(
                "regime_level", "unknown_regime_level", _("There is no regime level with this code.")
            )

    court = cells.text("court")
    sentence_start_on = cells.date("sentence_start_on")
    sentence_end_on = cells.date("sentence_end_on")
    if (
        (court or sentence_start_on)
        and sentence_end_on is None
        and "sentence_end_on" not in {r.field for r in cells.reasons}
    ):
        cells.reject(
            "sentence_end_on",
            "required",
            _("The court-ordered end of the sentence is needed to record the sentence."),
        )
    probation_unit = _organization(cells, "probation_unit", references.probation_units)

    released_on = cells.date("released_on")
    release_reason = cells.choice("release_reason", references.release_reasons)
    if released_on and not release_reason and "release_reason" not in {r.field for r in cells.reasons}:
        cells.reject("release_reason", "required", _("Give the reason of the release."))
    if release_reason and not released_on and "released_on" not in {r.field for r in cells.reasons}:
        cells.reject("released_on", "required", _("Give the date of the release."))

    if cells.reasons:
        return None, cells.reasons
    assert prison is not None
    assert admitted_on is not None
    row = RegisterRow(
        number=number,
        personal_code=personal_code,
        family_name=family_name,
        given_names=given_names,
        birth_date=birth_date,
        sex=sex,
        citizenship_status=citizenship_status,
        citizenship_country=citizenship_country,
        prison=prison,
        admitted_on=admitted_on,
        regime_level=regime_level,
        court=court,
        sentence_start_on=sentence_start_on,
        sentence_end_on=sentence_end_on,
        probation_unit=probation_unit,
        released_on=released_on,
        release_reason=release_reason,
    )
    row.fingerprint = fingerprint(row)
    return row, []


def _organization(
    cells: _Cells, key: str, known: dict[str, Organization], *, required: bool = False
) -> Organization | None:
    text = cells.text(key, required=required)
    if not text:
        return None
    found = known.get(_key(text))
    if found is None:
        cells.reject(
            key,
            f"unknown_{key}",
            _("There is no %(kind)s “%(value)s”.")
            % {"kind": str(COLUMN_BY_KEY[key].label).lower(), "value": text[:60]},
        )
    return found


def fingerprint(row: RegisterRow) -> str:
    """The row's meaning, independent of the file: header language, date style, CSV or XLSX."""
    values: dict[str, Any] = {
        "code": row.personal_code,
        "family": fold(row.family_name),
        "given": fold(row.given_names),
        "birth": row.birth_date,
        "sex": row.sex,
        "citizenship": row.citizenship_status,
        "country": row.citizenship_country,
        "prison": row.prison.code,
        "admitted": row.admitted_on,
        "regime": row.regime_level.code if row.regime_level else None,
        "court": row.court,
        "sentence": [row.sentence_start_on, row.sentence_end_on],
        "probation": row.probation_unit.code if row.probation_unit else None,
        "released": row.released_on,
        "reason": row.release_reason,
    }
    encoded = json.dumps(values, sort_keys=True, default=str, ensure_ascii=False).encode("utf-8")
    return hashlib.sha256(encoded).hexdigest()
