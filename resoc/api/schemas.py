"""Request and response bodies. Persons are named by ``public_id`` only, never by database id.

The schemas check types and lengths; the rules about names, personal codes and dates stay in the
model and ``people.services``, whose errors the API reports in the same problem format.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Literal

from ninja import Schema
from pydantic import ConfigDict, Field, field_validator
from pydantic_core import PydanticCustomError

from resoc.people.models import CitizenshipStatus, EducationLevel, LatvianLevel, Sex

NAME_MAX = 100
CODE_MAX = 20  # 12 in the stored "DDMMYY-CNNNN" form; spaces in the input are removed
QUERY_MAX = 100
# Fields a PATCH may leave out but not set to null (all but personal_code and date_of_birth).
NOT_NULLABLE = (
    "given_names",
    "family_name",
    "sex",
    "citizenship_status",
    "citizenship_country",
    "languages",
    "latvian_level",
    "education_level",
    "phone",
    "email",
    "address",
)


class Problem(Schema):
    """RFC 9457 problem details, sent as ``application/problem+json``."""

    type: str = Field(examples=["urn:resoc:problem:validation-error"])
    title: str
    status: int
    detail: str
    instance: str | None = None
    errors: dict[str, list[str]] | None = Field(
        default=None, description="Validation messages by field; `__all__` for the request as a whole."
    )
    duplicates: list[uuid.UUID] | None = Field(
        default=None, description="Possible duplicates the caller may see (409 possible-duplicate only)."
    )


class PersonListItem(Schema):
    public_id: uuid.UUID
    given_names: str
    family_name: str
    personal_code: str | None
    date_of_birth: dt.date | None
    sex: str


class PersonOut(Schema):
    """The identity category of a person record."""

    public_id: uuid.UUID
    given_names: str
    family_name: str
    personal_code: str | None
    date_of_birth: dt.date | None
    sex: str
    citizenship_status: str
    citizenship_country: str
    languages: str
    latvian_level: str
    education_level: str
    phone: str
    email: str
    address: str
    created_at: dt.datetime
    updated_at: dt.datetime


class PersonPage(Schema):
    count: int = Field(description="Persons matching the query.")
    page: int
    page_size: int
    pages: int
    results: list[PersonListItem]


class _Strict(Schema):
    model_config = ConfigDict(extra="forbid")


class PersonCreate(_Strict):
    given_names: str = Field(max_length=NAME_MAX, examples=["Jānis"])
    family_name: str = Field(max_length=NAME_MAX, examples=["Bērziņš"])
    personal_code: str | None = Field(default=None, max_length=CODE_MAX, examples=["010180-10018"])
    date_of_birth: dt.date | None = Field(default=None, description="ISO 8601 date, YYYY-MM-DD.")
    sex: Sex
    citizenship_status: CitizenshipStatus = CitizenshipStatus.CITIZEN
    citizenship_country: str = Field(default="", max_length=2, examples=["LV"])
    languages: str = Field(default="", max_length=200)
    latvian_level: LatvianLevel | Literal[""] = ""
    education_level: EducationLevel | Literal[""] = ""
    phone: str = Field(default="", max_length=30)
    email: str = Field(default="", max_length=254)
    address: str = Field(default="", max_length=300)
    confirm_possible_duplicate: bool = Field(
        default=False,
        description="Register even though a person with the same name and date of birth exists.",
    )


class PersonUpdate(_Strict):
    """Only the fields sent are changed. ``personal_code`` and ``date_of_birth`` may be set to null."""

    given_names: str | None = Field(default=None, max_length=NAME_MAX)
    family_name: str | None = Field(default=None, max_length=NAME_MAX)
    personal_code: str | None = Field(default=None, max_length=CODE_MAX)
    date_of_birth: dt.date | None = None
    sex: Sex | None = None
    citizenship_status: CitizenshipStatus | None = None
    citizenship_country: str | None = Field(default=None, max_length=2)
    languages: str | None = Field(default=None, max_length=200)
    latvian_level: LatvianLevel | Literal[""] | None = None
    education_level: EducationLevel | Literal[""] | None = None
    phone: str | None = Field(default=None, max_length=30)
    email: str | None = Field(default=None, max_length=254)
    address: str | None = Field(default=None, max_length=300)

    @field_validator(*NOT_NULLABLE)
    @classmethod
    def _not_null(cls, value: object) -> object:
        # Validators do not run on defaults: only an explicit null sent by the client gets here.
        if value is None:
            raise PydanticCustomError("null_not_allowed", "This field may not be null.")
        return value


class PersonSearch(Schema):
    q: str = Field(default="", max_length=QUERY_MAX, description="Words the names or code start with.")
    page: int = Field(default=1, ge=1, le=100_000)
