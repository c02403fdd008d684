"""Referrals by route (type of the referring organization → type of the receiver) over a period.

A referral counts in the period in which it was sent. Per route: sent; accepted (ever accepted,
whatever happened after); declined; expired; acceptance rate = accepted ÷ (accepted + declined +
expired), the referrals that got an answer or should have; median time from sending to acceptance;
completed; completion rate = completed ÷ accepted. Counts only: no person is named, one query.
"""

from __future__ import annotations

import datetime as dt
import statistics
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.utils import timezone

from resoc.organizations.models import OrganizationType
from resoc.referrals.models import Referral, State


def percent(part: int, whole: int) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


@dataclass
class Figures:
    sent: int = 0
    accepted: int = 0
    declined: int = 0
    expired: int = 0
    completed: int = 0
    hours_to_accept: list[float] = field(default_factory=list)

    @property
    def acceptance(self) -> Decimal | None:
        return percent(self.accepted, self.accepted + self.declined + self.expired)

    @property
    def completion(self) -> Decimal | None:
        return percent(self.completed, self.accepted)

    @property
    def median_days_to_accept(self) -> Decimal | None:
        if not self.hours_to_accept:
            return None
        days = Decimal(statistics.median(self.hours_to_accept)) / 24
        return days.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)

    def add(self, other: Figures) -> None:
        self.sent += other.sent
        self.accepted += other.accepted
        self.declined += other.declined
        self.expired += other.expired
        self.completed += other.completed
        self.hours_to_accept += other.hours_to_accept


@dataclass
class Route:
    sender_type: str
    receiver_type: str
    figures: Figures

    @property
    def key(self) -> str:
        return f"{self.sender_type}>{self.receiver_type}"

    @property
    def label(self) -> str:
        return f"{OrganizationType(self.sender_type).label} → {OrganizationType(self.receiver_type).label}"


@dataclass
class Report:
    starts_on: dt.date
    ends_on: dt.date
    routes: list[Route]
    total: Figures


def _bounds(starts_on: dt.date, ends_on: dt.date) -> tuple[dt.datetime, dt.datetime]:
    tz = timezone.get_current_timezone()
    start = dt.datetime.combine(starts_on, dt.time.min, tzinfo=tz)
    end = dt.datetime.combine(ends_on + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
    return start, end


def referral_report(*, starts_on: dt.date, ends_on: dt.date) -> Report:
    start, end = _bounds(starts_on, ends_on)
    rows = Referral.objects.filter(sent_at__gte=start, sent_at__lt=end).values_list(
        "sender_organization__type", "receiver_organization__type", "state", "sent_at", "accepted_at"
    )
    routes: dict[tuple[str, str], Figures] = {}
    total = Figures()
    for sender_type, receiver_type, state, sent_at, accepted_at in rows.iterator(chunk_size=5000):
        figures = routes.setdefault((sender_type, receiver_type), Figures())
        figures.sent += 1
        if accepted_at is not None and sent_at is not None:
            figures.accepted += 1
            figures.hours_to_accept.append((accepted_at - sent_at).total_seconds() / 3600)
        if state == State.DECLINED:
            figures.declined += 1
        elif state == State.EXPIRED:
            figures.expired += 1
        elif state == State.COMPLETED:
            figures.completed += 1
    ordered = sorted(
        (Route(sender_type=s, receiver_type=r, figures=f) for (s, r), f in routes.items()),
        key=lambda route: (-route.figures.sent, route.key),
    )
    for route in ordered:
        total.add(route.figures)
    return Report(starts_on=starts_on, ends_on=ends_on, routes=ordered, total=total)
