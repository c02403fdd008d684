"""Request and response bodies of the sentence journey's API (``sentences.api``).

The schemas check types and lengths; the rules about dates, overlaps and who may act stay in
``sentences.services``, whose errors the API reports as problem details.
"""

from __future__ import annotations

import datetime as dt
import uuid

from ninja import Field, Schema
from pydantic import ConfigDict

from resoc.sentences.models import AbsenceKind, ReleaseReason

CODE_MAX = 40  # organization and regime level codes
COURT_MAX = 200
USERNAME_MAX = 150


# --- bodies ----------------------------------------------------------------------------------------


class AbsenceOut(Schema):
    public_id: uuid.UUID
    kind: str
    starts_on: dt.date
    ends_on: dt.date


class AbsenceRecordOut(AbsenceOut):
    custody_period: uuid.UUID = Field(description="The custody period the absence interrupts.")
    prison: str = Field(description="Code of the prison the person left for the absence.")


class CustodyPeriodOut(Schema):
    public_id: uuid.UUID
    prison: str = Field(description="Code of the prison (organization).")
    prison_name: str
    admitted_on: dt.date
    left_on: dt.date | None
    regime_level: str | None = Field(description="Code of the regime level.")
    ended_by: str = Field(description='"transfer", "release" or "" while the period is open.')
    absences: list[AbsenceOut]


class ProbationPeriodOut(Schema):
    public_id: uuid.UUID
    probation_unit: str = Field(description="Code of the probation unit (organization).")
    probation_unit_name: str
    officer: str | None = Field(description="User name of the supervising officer.")
    starts_on: dt.date
    ends_on: dt.date | None


class ReleaseOut(Schema):
    public_id: uuid.UUID
    custody_period: uuid.UUID
    released_on: dt.date
    reason: str


class SentenceOut(Schema):
    public_id: uuid.UUID
    court: str
    starts_on: dt.date
    ends_on: dt.date = Field(description="The court-ordered end of the sentence.")
    release_probation_unit: str | None = Field(
        description="Code of the probation unit expected to take the person over after release."
    )
    release_probation_unit_name: str | None


class _Strict(Schema):
    model_config = ConfigDict(extra="forbid")


class SentenceCreate(_Strict):
    court: str = Field(max_length=COURT_MAX, examples=["Zemgales rajona tiesa"])
    starts_on: dt.date
    ends_on: dt.date = Field(description="The court-ordered end of the sentence; after its start.")
    release_probation_unit: str | None = Field(
        default=None,
        max_length=CODE_MAX,
        description="Code of the probation unit of the area the person will live in after release.",
        examples=["vpd-zemgale"],
    )


class CustodyAdmit(_Strict):
    prison: str = Field(max_length=CODE_MAX, description="Code of the prison.", examples=["jelgavas-cietums"])
    admitted_on: dt.date
    regime_level: str | None = Field(default=None, max_length=CODE_MAX, examples=["closed-lowest"])


class TransferCreate(_Strict):
    to_prison: str = Field(
        max_length=CODE_MAX, description="Code of the receiving prison.", examples=["jekabpils-cietums"]
    )
    transferred_on: dt.date
    regime_level: str | None = Field(
        default=None,
        max_length=CODE_MAX,
        description="Code of the regime level in the new prison; left out, the current one carries over.",
        examples=["partly-closed-medium"],
    )


class AbsenceCreate(_Strict):
    kind: AbsenceKind
    starts_on: dt.date
    ends_on: dt.date
    custody_period: uuid.UUID | None = Field(
        default=None, description="The custody period the absence falls in; the open one if left out."
    )


class ReleaseCreate(_Strict):
    released_on: dt.date
    reason: ReleaseReason


class ProbationStart(_Strict):
    probation_unit: str = Field(
        max_length=CODE_MAX, description="Code of the probation unit.", examples=["vpd-zemgale"]
    )
    starts_on: dt.date
    officer: str | None = Field(
        default=None, max_length=USERNAME_MAX, description="User name of the supervising officer."
    )


class ProbationEnd(_Strict):
    ends_on: dt.date


class IdentifierIn(_Strict):
    scheme: str = Field(
        max_length=20,
        description='"personal_code", or a kind of other identifier: passport, id_card, residence_permit, '
        "foreign_code, prison_number, other.",
        examples=["personal_code"],
    )
    value: str = Field(
        max_length=60,
        description="The full identifier, exactly as on the intake document.",
        examples=["010180-10018"],
    )
    issuing_country: str = Field(
        default="", max_length=2, description="Two letters; for identifiers other than the personal code."
    )


class IdentifiedOut(Schema):
    full_name: str
    date_of_birth: dt.date | None
    held_here: bool = Field(description="Already in custody in the token's own prison.")


class AdmissionCreate(IdentifierIn):
    prison: str = Field(
        max_length=CODE_MAX, description="Code of the admitting prison.", examples=["jelgavas-cietums"]
    )
    admitted_on: dt.date
    regime_level: str | None = Field(default=None, max_length=CODE_MAX, examples=["closed-lowest"])


class AdmissionOut(Schema):
    person: uuid.UUID = Field(
        description="The person's public id: readable by the admitting prison from now on."
    )
    custody_period: CustodyPeriodOut
