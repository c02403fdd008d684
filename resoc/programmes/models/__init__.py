"""The programmes app's models, one module per topic: the catalogue and the places where it is
offered (``catalogue``), groups with their sessions and places (``groups``), attendance and outcomes
(``attendance``), and waiting lists (``waiting``). Everything is imported here, so that Django finds
the models and ``resoc.programmes.models.X`` keeps naming them all.
"""

from resoc.programmes.models.attendance import (
    AbsenceReason,
    AttendanceMark,
    AttendanceStatus,
    EnrolmentOutcome,
    OutcomeKind,
    SessionRegister,
)
from resoc.programmes.models.catalogue import (
    LATVIAN_ORDER,
    NAME_MAX,
    TEXT_MAX,
    Location,
    Offer,
    OfferLocation,
    Programme,
    ProgrammeQuerySet,
    ProgrammeType,
    Room,
    RoomKind,
)
from resoc.programmes.models.groups import (
    ACTIVE_GROUP_STATUSES,
    Enrolment,
    EnrolmentStatus,
    Group,
    GroupStatus,
    Session,
    SessionStatus,
)
from resoc.programmes.models.waiting import WaitingEntry, WaitingOverride, WaitingStatus

__all__ = [
    "ACTIVE_GROUP_STATUSES",
    "LATVIAN_ORDER",
    "NAME_MAX",
    "TEXT_MAX",
    "AbsenceReason",
    "AttendanceMark",
    "AttendanceStatus",
    "Enrolment",
    "EnrolmentOutcome",
    "EnrolmentStatus",
    "Group",
    "GroupStatus",
    "Location",
    "Offer",
    "OfferLocation",
    "OutcomeKind",
    "Programme",
    "ProgrammeQuerySet",
    "ProgrammeType",
    "Room",
    "RoomKind",
    "Session",
    "SessionRegister",
    "SessionStatus",
    "WaitingEntry",
    "WaitingOverride",
    "WaitingStatus",
]
