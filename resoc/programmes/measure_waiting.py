"""A plan measure of kind programme and the waiting lists: its state on the plan, and putting the
person on a list from the measure.

The lists offered for a measure are those of active programmes that address the need of the
measure's goal, at the prison where the person is held (for a person not in custody: at the other
organizations where the programme meets), and only those ``acting`` may keep
(``waiting.can_manage_waiting``). Adding goes through ``waiting.waiting_entry_add_from_measure``,
which checks everything again. The state of every measure of a page is read at once: a fixed number
of queries whatever the number of measures.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Prefetch

from resoc.access.context import Acting
from resoc.organizations.models import Organization, OrganizationType
from resoc.plans.models import Measure, MeasureKind, PlanStatus
from resoc.programmes.models import Offer, OfferLocation, Programme, WaitingEntry, WaitingStatus
from resoc.programmes.waiting import can_manage_waiting
from resoc.sentences.models import CustodyPeriod
from resoc.text import latvian_sort_key


@dataclass(frozen=True)
class WaitingOption:
    programme: Programme
    organization: Organization

    @property
    def value(self) -> str:
        return f"{self.programme.public_id}|{self.organization.code}"

    @property
    def label(self) -> str:
        return f"{self.programme.label} — {self.organization.name}"


@dataclass
class MeasureWaiting:
    # Every entry made from the measure, the newest first (waiting, allocated, withdrawn, released).
    entries: list[WaitingEntry] = field(default_factory=list)
    # The lists ``acting`` may put the person on from this measure (empty: no form is shown).
    options: list[WaitingOption] = field(default_factory=list)

    @property
    def waiting(self) -> list[WaitingEntry]:
        return [e for e in self.entries if e.status == WaitingStatus.WAITING]


def _offers() -> dict[int, list[Offer]]:
    """Active offers of active programmes with their locations' organizations, by programme (three queries)."""
    offers = (
        Offer.objects.filter(is_active=True, programme__is_active=True)
        .select_related("programme")
        .prefetch_related(
            Prefetch(
                "offer_locations", queryset=OfferLocation.objects.select_related("location__organization")
            )
        )
    )
    found: dict[int, list[Offer]] = {}
    for offer in offers:
        found.setdefault(offer.programme_id, []).append(offer)
    return found


def _options(
    acting: Acting,
    measure: Measure,
    offers: dict[int, list[Offer]],
    held_at: Organization | None,
    waiting_on: set[tuple[int, int]],
) -> list[WaitingOption]:
    need = measure.goal.need_key
    options: list[WaitingOption] = []
    for programme_offers in offers.values():
        programme = programme_offers[0].programme
        if need not in programme.needs:
            continue
        deliverers = frozenset(o.organization_id for o in programme_offers)
        places = {
            ol.location.organization.pk: ol.location.organization
            for offer in programme_offers
            for ol in offer.offer_locations.all()
        }
        if held_at is not None:
            places = {held_at.pk: held_at} if held_at.pk in places else {}
        else:
            places = {pk: org for pk, org in places.items() if org.type != OrganizationType.PRISON}
        for organization in places.values():
            if (programme.pk, organization.pk) in waiting_on:
                continue
            if can_manage_waiting(
                acting, programme=programme, organization_id=organization.pk, deliverers=deliverers
            ):
                options.append(WaitingOption(programme=programme, organization=organization))
    return sorted(
        options, key=lambda o: (latvian_sort_key(o.programme.label), latvian_sort_key(o.organization.name))
    )


def measures_waiting(
    acting: Acting, measures: list[Measure], *, offer_waiting: bool = False
) -> dict[int, MeasureWaiting]:
    """The waiting state of each programme measure among ``measures`` (of one plan), by measure id.

    Measures of other kinds are left out. Options are offered only for open measures of an active
    plan, and not for lists the person already waits on unless ``offer_waiting`` (the add action
    checks a request against them, so that a repeated submission hears why it is refused).
    """
    programme_measures = [m for m in measures if m.kind == MeasureKind.PROGRAMME]
    if not programme_measures:
        return {}
    found = {m.pk: MeasureWaiting() for m in programme_measures}
    entries = (
        WaitingEntry.objects.filter(measure__in=[m.pk for m in programme_measures])
        .select_related("programme", "organization", "enrolment__group")
        .order_by("-added_at", "-pk")
    )
    person_ids: set[int] = set()
    for entry in entries:
        found[entry.measure_id].entries.append(entry)  # type: ignore[index]
        person_ids.add(entry.person_id)
    open_measures = [
        m for m in programme_measures if not m.is_final and m.goal.plan.status == PlanStatus.ACTIVE
    ]
    if not open_measures:
        return found
    persons = {m.goal.plan.person_id for m in open_measures}
    held = {
        period.person_id: period.prison
        for period in CustodyPeriod.objects.filter(person_id__in=persons, left_on__isnull=True)
        .select_related("prison")
        .order_by("admitted_on", "pk")
    }
    waiting_on: dict[int, set[tuple[int, int]]] = {}
    if not offer_waiting:
        current = WaitingEntry.objects.filter(person_id__in=persons, status=WaitingStatus.WAITING)
        for person_id, programme_id, organization_id in current.values_list(
            "person_id", "programme_id", "organization_id"
        ):
            waiting_on.setdefault(person_id, set()).add((programme_id, organization_id))
    offers = _offers()
    for measure in open_measures:
        person_id = measure.goal.plan.person_id
        found[measure.pk].options = _options(
            acting, measure, offers, held.get(person_id), waiting_on.get(person_id, set())
        )
    return found


def attach(acting: Acting, measures: list[Measure]) -> None:
    """Set ``measure.waiting`` (a :class:`MeasureWaiting`, or ``None``) for the plan's templates."""
    states = measures_waiting(acting, measures)
    for measure in measures:
        measure.waiting = states.get(measure.pk)  # type: ignore[attr-defined]
