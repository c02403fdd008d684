"""The volunteer rules as plain functions: which lifecycle moves are allowed, and whether a volunteer may
take part in an activity on a day. No queries here; the services gather the facts and call these."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.utils.formats import date_format
from django.utils.translation import gettext as _

from resoc.volunteers.models import QualificationKind, VolunteerStatus

S = VolunteerStatus
# The lifecycle: every move a coordinator may make. Ending is possible from anywhere but the end.
ALLOWED_MOVES: dict[str, frozenset[str]] = {
    S.APPLICATION: frozenset({S.SCREENING, S.ENDED}),
    S.SCREENING: frozenset({S.TRAINING, S.ENDED}),
    S.TRAINING: frozenset({S.APPROVED, S.ENDED}),
    S.APPROVED: frozenset({S.ACTIVE, S.SUSPENDED, S.ENDED}),
    S.ACTIVE: frozenset({S.SUSPENDED, S.ENDED}),
    S.SUSPENDED: frozenset({S.ACTIVE, S.ENDED}),
    S.ENDED: frozenset(),
}
# Moves that must say why (the history shows it to the next coordinator).
REASON_REQUIRED = frozenset({S.SUSPENDED, S.ENDED})
# Statuses in which a volunteer may take part in activities and mentor.
WORKING_STATUSES = frozenset({S.APPROVED, S.ACTIVE})
# Every activity needs these two; a prison activity also needs access to that prison.
BASIC_QUALIFICATIONS = (QualificationKind.BACKGROUND_CHECK, QualificationKind.TRAINING)
WARNING_DAYS = 30


def move_refusal(current: str, target: str) -> str | None:
    """Why ``current`` → ``target`` is not a lifecycle move, or None when it is one."""
    if target not in S.values:
        return _("Unknown status.")
    if target == current:
        return _("The volunteer already has this status.")
    if target not in ALLOWED_MOVES[current]:
        allowed = ", ".join(str(S(s).label) for s in S.values if s in ALLOWED_MOVES[current])
        return _(
            "A volunteer with status “%(current)s” cannot move to “%(target)s”. Possible: %(allowed)s."
        ) % {
            "current": S(current).label,
            "target": S(target).label,
            "allowed": allowed or _("none (the record is closed)"),
        }
    return None


@dataclass(frozen=True)
class QualificationFact:
    kind: str
    prison_id: int | None
    valid_from: dt.date
    valid_until: dt.date | None

    def in_force(self, on: dt.date) -> bool:
        return self.valid_from <= on and (self.valid_until is None or on <= self.valid_until)


@dataclass(frozen=True)
class Refusal:
    code: str
    message: str


def _day(value: dt.date) -> str:
    return date_format(value, "d.m.Y")


def _qualification_refusal(
    facts: Iterable[QualificationFact], kind: str, on: dt.date, *, prison_id: int | None = None
) -> Refusal | None:
    """None when a qualification of ``kind`` (for ``prison_id``) is in force on ``on``; else why not."""
    matching = [f for f in facts if f.kind == kind and f.prison_id == prison_id]
    if any(f.in_force(on) for f in matching):
        return None
    label = QualificationKind(kind).label
    expired = [f.valid_until for f in matching if f.valid_until is not None and f.valid_until < on]
    if expired:
        return Refusal(
            f"{kind}_expired",
            _("%(qualification)s expired on %(date)s.")
            % {"qualification": label, "date": _day(max(expired))},
        )
    future = [f.valid_from for f in matching if f.valid_from > on]
    if future:
        return Refusal(
            f"{kind}_not_yet",
            _("%(qualification)s is valid only from %(date)s.")
            % {"qualification": label, "date": _day(min(future))},
        )
    return Refusal(f"{kind}_missing", _("%(qualification)s is not recorded.") % {"qualification": label})


def activity_refusals(
    *,
    status: str,
    qualifications: Iterable[QualificationFact],
    on: dt.date,
    prison_id: int | None,
    prison_name: str = "",
    agreement_needed: bool = False,
    agreement_in_force: bool = True,
) -> list[Refusal]:
    """Every reason the volunteer may not take part in an activity on ``on`` (empty: may).

    ``prison_id`` is the prison of a prison activity (None for the community). An NGO's people enter a
    prison only under a cooperation agreement in force that names it; state services need none.
    """
    facts = list(qualifications)
    found: list[Refusal] = []
    if status not in WORKING_STATUSES:
        found.append(
            Refusal(
                "status",
                _("The volunteer's status is “%(status)s”: only approved and active volunteers take part.")
                % {"status": S(status).label},
            )
        )
    for kind in BASIC_QUALIFICATIONS:
        refusal = _qualification_refusal(facts, kind, on)
        if refusal:
            found.append(refusal)
    if prison_id is not None:
        refusal = _qualification_refusal(facts, QualificationKind.PRISON_ACCESS, on, prison_id=prison_id)
        if refusal:
            found.append(
                Refusal(
                    refusal.code,
                    _("%(reason)s (%(prison)s)") % {"reason": refusal.message, "prison": prison_name},
                )
            )
        if agreement_needed and not agreement_in_force:
            found.append(
                Refusal(
                    "agreement",
                    _(
                        "The organization has no cooperation agreement in force on %(date)s that covers %(prison)s."
                    )
                    % {"date": _day(on), "prison": prison_name},
                )
            )
    return found


def expiring_soon(valid_until: dt.date | None, on: dt.date, days: int = WARNING_DAYS) -> bool:
    return valid_until is not None and on <= valid_until <= on + dt.timedelta(days=days)
