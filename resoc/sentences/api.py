"""The sentence journey through the API: sentences, custody periods, transfers, temporary absences,
releases and probation periods of a person.

Same rules as the web: an unreadable person (or a record of one) answers 404 whether or not it
exists; a readable person whose change the token's role may not make answers 403; refusals of
``sentences.services`` answer 422 with the errors by field, as problem details in the request's
language. Every read, change and refusal is audited; the services audit the changes they make.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Status

from resoc.access import policy
from resoc.access.context import Acting
from resoc.access.models import User
from resoc.api.access import check_readable, not_found, readable_person
from resoc.api.auth import acting_of
from resoc.api.problems import ApiProblem, ProblemType
from resoc.api.schemas import Problem
from resoc.audit.models import AuditAction
from resoc.audit.services import audit_person, audit_record
from resoc.organizations.models import Organization
from resoc.people.models import Person
from resoc.sentences import admission, selectors, services
from resoc.sentences.models import (
    CustodyPeriod,
    ProbationPeriod,
    RegimeLevel,
    Release,
    Sentence,
    TemporaryAbsence,
)
from resoc.sentences.schemas import (
    AbsenceCreate,
    AbsenceOut,
    AbsenceRecordOut,
    AdmissionCreate,
    AdmissionOut,
    CustodyAdmit,
    CustodyPeriodOut,
    IdentifiedOut,
    IdentifierIn,
    ProbationEnd,
    ProbationPeriodOut,
    ProbationStart,
    ReleaseCreate,
    ReleaseOut,
    SentenceCreate,
    SentenceOut,
    TransferCreate,
)

router = Router(tags=["sentences"])

_ERRORS = {401: Problem, 403: Problem, 404: Problem, 422: Problem}


# --- bodies ----------------------------------------------------------------------------------------


def _absence_out(absence: TemporaryAbsence) -> AbsenceOut:
    return AbsenceOut(
        public_id=absence.public_id, kind=absence.kind, starts_on=absence.starts_on, ends_on=absence.ends_on
    )


def _absence_record_out(absence: TemporaryAbsence) -> AbsenceRecordOut:
    return AbsenceRecordOut(
        public_id=absence.public_id,
        kind=absence.kind,
        starts_on=absence.starts_on,
        ends_on=absence.ends_on,
        custody_period=absence.custody_period.public_id,
        prison=absence.custody_period.prison.code,
    )


def _custody_out(period: CustodyPeriod) -> CustodyPeriodOut:
    return CustodyPeriodOut(
        public_id=period.public_id,
        prison=period.prison.code,
        prison_name=period.prison.name,
        admitted_on=period.admitted_on,
        left_on=period.left_on,
        regime_level=period.regime_level.code if period.regime_level else None,
        ended_by=period.ended_by,
        absences=[_absence_out(a) for a in period.absences.all()],
    )


def _probation_out(period: ProbationPeriod) -> ProbationPeriodOut:
    return ProbationPeriodOut(
        public_id=period.public_id,
        probation_unit=period.probation_unit.code,
        probation_unit_name=period.probation_unit.name,
        officer=period.officer.get_username() if period.officer else None,
        starts_on=period.starts_on,
        ends_on=period.ends_on,
    )


def _sentence_out(sentence: Sentence) -> SentenceOut:
    unit = sentence.release_probation_unit
    return SentenceOut(
        public_id=sentence.public_id,
        court=sentence.court,
        starts_on=sentence.starts_on,
        ends_on=sentence.ends_on,
        release_probation_unit=unit.code if unit else None,
        release_probation_unit_name=unit.name if unit else None,
    )


# --- access and audit ------------------------------------------------------------------------------


def _audit_view(acting: Acting, person: Person, record_type: str) -> None:
    audit_person(
        actor=acting.actor,
        action=AuditAction.VIEW,
        person_id=person.public_id,
        category=policy.SENTENCE.key,
        record_type=record_type,
    )


@contextmanager
def _refusals_audited(acting: Acting, person: Person, record_type: str) -> Iterator[None]:
    """A change the token's role may not make is a refused attempt: audit it, then answer 403."""
    try:
        yield
    except PermissionDenied:
        audit_person(
            actor=acting.actor,
            action=AuditAction.DENIED,
            person_id=person.public_id,
            category=policy.SENTENCE.key,
            record_type=record_type,
            detail={"reason": "action_not_allowed"},
        )
        raise


def _forbid_unless(allowed: bool) -> None:
    # Checked before the body's codes are looked up: a role that may not act learns nothing from 422s.
    if not allowed:
        raise PermissionDenied


class _Lookups:
    """Turns the codes and names a body sends into records; every unknown one becomes a field error."""

    def __init__(self) -> None:
        self.errors: dict[str, list[str]] = {}

    def _unknown(self, field: str, message: str) -> None:
        self.errors.setdefault(field, []).append(message)

    def organization(self, field: str, code: str) -> Organization | None:
        found = Organization.objects.filter(code=code).first()
        if found is None:
            self._unknown(field, _("There is no organization with this code."))
        return found

    def regime_level(self, field: str, code: str | None) -> RegimeLevel | None:
        if not code:
            return None
        found = RegimeLevel.objects.filter(code=code).first()
        if found is None:
            self._unknown(field, _("There is no regime level with this code."))
        return found

    def user(self, field: str, username: str | None) -> User | None:
        if not username:
            return None
        found = User.objects.filter(username=username, is_active=True).first()
        if found is None:
            self._unknown(field, _("There is no active user with this username."))
        return found

    def raise_any(self) -> None:
        if self.errors:
            raise ApiProblem(
                422, ProblemType.VALIDATION, _("The data sent is not valid: see errors."), errors=self.errors
            )


# --- sentences -------------------------------------------------------------------------------------


@router.get(
    "/persons/{public_id}/sentences",
    response={200: list[SentenceOut], **_ERRORS},
    summary="List a person's sentences",
    operation_id="list_sentences",
)
def list_sentences(request: HttpRequest, public_id: uuid.UUID) -> list[SentenceOut]:
    """Newest first."""
    acting = acting_of(request)
    person = readable_person(acting, public_id, policy.SENTENCE.key)
    _audit_view(acting, person, "sentence")
    return [
        _sentence_out(s)
        for s in Sentence.objects.filter(person=person).select_related("release_probation_unit")
    ]


@router.post(
    "/persons/{public_id}/sentences",
    response={201: SentenceOut, **_ERRORS},
    summary="Record a sentence",
    operation_id="record_sentence",
)
def record_sentence(
    request: HttpRequest, public_id: uuid.UUID, payload: SentenceCreate
) -> Status[SentenceOut]:
    """Resocialization and probation officers who read the person's sentence."""
    acting = acting_of(request)
    person = readable_person(acting, public_id, policy.SENTENCE.key)
    with _refusals_audited(acting, person, "sentence"):
        _forbid_unless(services.may_record_sentence(acting, person, readable=True))
        lookups = _Lookups()
        unit = None
        if payload.release_probation_unit:
            unit = lookups.organization("release_probation_unit", payload.release_probation_unit)
        lookups.raise_any()
        sentence = services.sentence_record(
            acting=acting,
            person=person,
            court=payload.court,
            starts_on=payload.starts_on,
            ends_on=payload.ends_on,
            release_probation_unit=unit,
        )
    return Status(201, _sentence_out(sentence))


# --- custody ---------------------------------------------------------------------------------------


@router.get(
    "/persons/{public_id}/custody-periods",
    response={200: list[CustodyPeriodOut], **_ERRORS},
    summary="List a person's custody periods",
    operation_id="list_custody_periods",
)
def list_custody_periods(request: HttpRequest, public_id: uuid.UUID) -> list[CustodyPeriodOut]:
    """Newest first, with the temporary absences of each period."""
    acting = acting_of(request)
    person = readable_person(acting, public_id, policy.SENTENCE.key)
    _audit_view(acting, person, "custody_period")
    return [_custody_out(p) for p in selectors.custody_periods(person=person)]


@router.post(
    "/persons/{public_id}/custody-periods",
    response={201: CustodyPeriodOut, **_ERRORS},
    summary="Admit a person to prison",
    operation_id="admit_to_custody",
)
def admit_to_custody(
    request: HttpRequest, public_id: uuid.UUID, payload: CustodyAdmit
) -> Status[CustodyPeriodOut]:
    """Open a custody period. Resocialization officers of the admitting prison only."""
    acting = acting_of(request)
    person = readable_person(acting, public_id, policy.SENTENCE.key)
    with _refusals_audited(acting, person, "custody_period"):
        _forbid_unless(services.may_change_custody(acting, person, holding=None, readable=True))
        lookups = _Lookups()
        prison = lookups.organization("prison", payload.prison)
        regime_level = lookups.regime_level("regime_level", payload.regime_level)
        lookups.raise_any()
        assert prison is not None
        period = services.custody_admit(
            acting=acting,
            person=person,
            prison=prison,
            admitted_on=payload.admitted_on,
            regime_level=regime_level,
        )
    return Status(201, _custody_out(period))


@router.post(
    "/persons/{public_id}/transfers",
    response={201: CustodyPeriodOut, **_ERRORS},
    summary="Transfer a person to another prison",
    operation_id="transfer_custody",
)
def transfer_custody(
    request: HttpRequest, public_id: uuid.UUID, payload: TransferCreate
) -> Status[CustodyPeriodOut]:
    """End the open custody period and open one in the receiving prison on the same day; answers the new
    period. Resocialization officers of the prison holding the person only."""
    acting = acting_of(request)
    person = readable_person(acting, public_id, policy.SENTENCE.key)
    with _refusals_audited(acting, person, "custody_period"):
        holding = services.open_custody_period(person)
        _forbid_unless(services.may_change_custody(acting, person, holding=holding, readable=True))
        lookups = _Lookups()
        to_prison = lookups.organization("to_prison", payload.to_prison)
        regime_level = lookups.regime_level("regime_level", payload.regime_level)
        lookups.raise_any()
        assert to_prison is not None
        period = services.custody_transfer(
            acting=acting,
            person=person,
            to_prison=to_prison,
            transferred_on=payload.transferred_on,
            regime_level=regime_level,
        )
    return Status(201, _custody_out(period))


@router.get(
    "/persons/{public_id}/absences",
    response={200: list[AbsenceRecordOut], **_ERRORS},
    summary="List a person's temporary absences",
    operation_id="list_temporary_absences",
)
def list_absences(request: HttpRequest, public_id: uuid.UUID) -> list[AbsenceRecordOut]:
    """Newest first, over all custody periods."""
    acting = acting_of(request)
    person = readable_person(acting, public_id, policy.SENTENCE.key)
    _audit_view(acting, person, "temporary_absence")
    absences = (
        TemporaryAbsence.objects.filter(custody_period__person=person)
        .select_related("custody_period__prison")
        .order_by("-starts_on", "-id")
    )
    return [_absence_record_out(a) for a in absences]


@router.post(
    "/persons/{public_id}/absences",
    response={201: AbsenceRecordOut, **_ERRORS},
    summary="Record a temporary absence",
    operation_id="record_temporary_absence",
)
def record_absence(
    request: HttpRequest, public_id: uuid.UUID, payload: AbsenceCreate
) -> Status[AbsenceRecordOut]:
    """Within the open custody period unless ``custody_period`` names another one of the person.
    Resocialization officers of the prison of that period only."""
    acting = acting_of(request)
    person = readable_person(acting, public_id, policy.SENTENCE.key)
    with _refusals_audited(acting, person, "temporary_absence"):
        if payload.custody_period is None:
            period = services.open_custody_period(person)
        else:
            period = (
                CustodyPeriod.objects.select_related("prison")
                .filter(person=person, public_id=payload.custody_period)
                .first()
            )
        _forbid_unless(services.may_change_custody(acting, person, holding=period, readable=True))
        if period is None:
            if payload.custody_period is None:
                raise ValidationError({"custody_period": _("The person is not in custody.")})
            raise ValidationError(
                {"custody_period": _("The person has no custody period with this identifier.")}
            )
        absence = services.temporary_absence_record(
            acting=acting,
            custody_period=period,
            starts_on=payload.starts_on,
            ends_on=payload.ends_on,
            kind=payload.kind.value,
        )
    return Status(201, _absence_record_out(absence))


@router.post(
    "/persons/{public_id}/release",
    response={201: ReleaseOut, **_ERRORS},
    summary="Record a person's release",
    operation_id="release_person",
)
def release_person(request: HttpRequest, public_id: uuid.UUID, payload: ReleaseCreate) -> Status[ReleaseOut]:
    """End the open custody period with a release. Resocialization officers of the holding prison only."""
    acting = acting_of(request)
    person = readable_person(acting, public_id, policy.SENTENCE.key)
    with _refusals_audited(acting, person, "release"):
        release: Release = services.person_release(
            acting=acting, person=person, released_on=payload.released_on, reason=payload.reason
        )
    return Status(
        201,
        ReleaseOut(
            public_id=release.public_id,
            custody_period=release.custody_period.public_id,
            released_on=release.released_on,
            reason=release.reason,
        ),
    )


# --- probation -------------------------------------------------------------------------------------


@router.get(
    "/persons/{public_id}/probation-periods",
    response={200: list[ProbationPeriodOut], **_ERRORS},
    summary="List a person's probation periods",
    operation_id="list_probation_periods",
)
def list_probation_periods(request: HttpRequest, public_id: uuid.UUID) -> list[ProbationPeriodOut]:
    acting = acting_of(request)
    person = readable_person(acting, public_id, policy.SENTENCE.key)
    _audit_view(acting, person, "probation_period")
    return [_probation_out(p) for p in selectors.probation_periods(person=person)]


@router.post(
    "/persons/{public_id}/probation-periods",
    response={201: ProbationPeriodOut, **_ERRORS},
    summary="Start probation supervision",
    operation_id="start_probation",
)
def start_probation(
    request: HttpRequest, public_id: uuid.UUID, payload: ProbationStart
) -> Status[ProbationPeriodOut]:
    """Open a probation period in the token's own probation unit. Probation officers only."""
    acting = acting_of(request)
    person = readable_person(acting, public_id, policy.SENTENCE.key)
    with _refusals_audited(acting, person, "probation_period"):
        _forbid_unless(services.may_start_probation(acting, person, readable=True))
        lookups = _Lookups()
        unit = lookups.organization("probation_unit", payload.probation_unit)
        officer = lookups.user("officer", payload.officer)
        lookups.raise_any()
        assert unit is not None
        period = services.probation_start(
            acting=acting, person=person, probation_unit=unit, starts_on=payload.starts_on, officer=officer
        )
    return Status(201, _probation_out(period))


@router.post(
    "/probation-periods/{public_id}/end",
    response={200: ProbationPeriodOut, **_ERRORS},
    summary="End probation supervision",
    operation_id="end_probation",
)
def end_probation(request: HttpRequest, public_id: uuid.UUID, payload: ProbationEnd) -> ProbationPeriodOut:
    """Probation officers of the supervising unit only."""
    acting = acting_of(request)
    period = (
        ProbationPeriod.objects.select_related("person", "probation_unit", "officer")
        .filter(public_id=public_id, person__merged_into__isnull=True)
        .first()
    )
    if period is None:
        audit_record(
            actor=acting.actor,
            action=AuditAction.DENIED,
            category=policy.SENTENCE.key,
            record_type="probation_period",
            record_id=str(public_id),
        )
        raise not_found()
    check_readable(acting, period.person, policy.SENTENCE.key)
    with _refusals_audited(acting, period.person, "probation_period"):
        period = services.probation_end(acting=acting, period=period, ends_on=payload.ends_on)
    return _probation_out(period)


# --- admission of a registered person by an exact identifier ---------------------------------------


def _identified_only(acting: Acting) -> None:
    """Only resocialization officers identify persons for admission; others are refused and audited."""
    if not admission.may_admit_identified(acting):
        audit_record(
            actor=acting.actor,
            action=AuditAction.DENIED,
            category=policy.IDENTITY.key,
            record_type=admission.RECORD_TYPE,
            detail={"reason": "action_not_allowed"},
        )
        raise PermissionDenied


@router.post(
    "/admissions/lookup",
    response={200: IdentifiedOut, **_ERRORS},
    summary="Identify a registered person for admission",
    operation_id="identify_for_admission",
)
def identify_for_admission(request: HttpRequest, payload: IdentifierIn) -> IdentifiedOut:
    """Exact match only (the full personal code, or another identifier's kind, number and issuing
    country); answers the name and date of birth and nothing else. No match and a person in custody in
    another prison answer 422. Resocialization officers only; every lookup is audited."""
    acting = acting_of(request)
    _identified_only(acting)
    found = admission.person_identify(acting=acting, **payload.model_dump())
    return IdentifiedOut(
        full_name=found.full_name, date_of_birth=found.date_of_birth, held_here=found.held_here
    )


@router.post(
    "/admissions",
    response={201: AdmissionOut, **_ERRORS},
    summary="Admit a registered person identified by an exact identifier",
    operation_id="admit_identified",
)
def admit_identified(request: HttpRequest, payload: AdmissionCreate) -> Status[AdmissionOut]:
    """The same rule as the lookup; opens a custody period in the token's own prison, and with it the
    access. ``POST /persons/{id}/custody-periods`` stays for persons the prison already reads."""
    acting = acting_of(request)
    _identified_only(acting)
    lookups = _Lookups()
    prison = lookups.organization("prison", payload.prison)
    regime_level = lookups.regime_level("regime_level", payload.regime_level)
    lookups.raise_any()
    assert prison is not None
    period = admission.custody_admit_identified(
        acting=acting,
        scheme=payload.scheme,
        value=payload.value,
        issuing_country=payload.issuing_country,
        prison=prison,
        admitted_on=payload.admitted_on,
        regime_level=regime_level,
    )
    return Status(201, AdmissionOut(person=period.person.public_id, custody_period=_custody_out(period)))
