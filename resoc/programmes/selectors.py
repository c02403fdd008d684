"""Reads of the catalogue, the places and a person's eligibility; every list takes a fixed number of queries.

The catalogue is small (tens to a few hundred programmes): it is read whole with its types and
organizations, then filtered and sorted in Python — the needs filter looks inside a JSON list, which
SQLite cannot index, and Latvian alphabetical order comes from ``resoc.text``.
"""

from __future__ import annotations

import bisect
import datetime as dt
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from enum import StrEnum

from django.db.models import Count, F, Prefetch, Q, QuerySet
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from resoc.access import policy
from resoc.access.context import Acting
from resoc.assessments.models import Assessment, Domain, Instrument, Status
from resoc.organizations.models import Organization, OrganizationType
from resoc.people.models import Person
from resoc.programmes.eligibility import Finding, PersonFacts, check, status_of
from resoc.programmes.eligibility import Status as EligibilityStatus
from resoc.programmes.models import (
    ACTIVE_GROUP_STATUSES,
    Enrolment,
    EnrolmentStatus,
    Group,
    Location,
    Offer,
    OfferLocation,
    Programme,
    ProgrammeType,
    Room,
    Session,
    SessionStatus,
)
from resoc.sentences.models import CustodyPeriod, RegimeLevel, Sentence
from resoc.text import fold, latvian_sort_key


@dataclass(frozen=True)
class Need:
    key: str
    label: str


def need_choices() -> list[Need]:
    """The domains of the current assessment instrument: what a programme can say it addresses."""
    instrument = Instrument.objects.current()
    if instrument is None:
        return []
    return [Need(d.key, d.label) for d in Domain.objects.filter(instrument=instrument).order_by("order")]


def need_labels() -> dict[str, str]:
    """Labels of every domain key any instrument version used (the newest version's name wins)."""
    labels: dict[str, str] = {}
    domains = Domain.objects.select_related("instrument").order_by("instrument__published_on", "order")
    for domain in domains:
        labels[domain.key] = domain.label
    return labels


def regime_level_labels() -> dict[str, str]:
    return {level.code: level.label for level in RegimeLevel.objects.select_related("institution_type")}


def programme_types() -> list[ProgrammeType]:
    return list(ProgrammeType.objects.filter(is_active=True))


def delivering_organizations() -> list[Organization]:
    """Organizations that deliver at least one programme (the catalogue's organization filter)."""
    return list(Organization.objects.filter(programmes__isnull=False).distinct().order_by("name"))


@dataclass
class CatalogueFilters:
    q: str = ""
    type: str = ""
    need: str = ""
    organization: str = ""
    include_retired: bool = False


def _with_relations(programmes: QuerySet[Programme]) -> QuerySet[Programme]:
    return programmes.select_related("type").prefetch_related(
        Prefetch("organizations", queryset=Organization.objects.order_by("name"))
    )


def catalogue(filters: CatalogueFilters | None = None) -> list[Programme]:
    """Programmes matching ``filters`` in Latvian alphabetical order within each type (three queries)."""
    filters = filters or CatalogueFilters()
    programmes = Programme.objects.all()
    if not filters.include_retired:
        programmes = programmes.filter(is_active=True)
    if filters.type:
        programmes = programmes.filter(type__code=filters.type)
    if filters.organization:
        programmes = programmes.filter(organizations__code=filters.organization).distinct()
    found = list(_with_relations(programmes))
    if filters.need:
        found = [p for p in found if filters.need in p.needs]
    words = fold(filters.q).split()
    if words:
        found = [p for p in found if all(w in fold(f"{p.name} {p.name_en} {p.code}") for w in words)]
    return sorted(found, key=lambda p: (p.type.order, latvian_sort_key(p.name)))


def programme_by_public_id(public_id: uuid.UUID) -> Programme | None:
    return _with_relations(Programme.objects.filter(public_id=public_id)).first()


def programme_offers(*, programme: Programme) -> list[Offer]:
    """Who delivers the programme where (active offers, with their locations): two queries."""
    return list(
        Offer.objects.filter(programme=programme, is_active=True)
        .select_related("organization")
        .prefetch_related(
            Prefetch("offer_locations", queryset=OfferLocation.objects.select_related("location"))
        )
        .order_by("organization__name")
    )


def locations_with_rooms(*, organization_ids: frozenset[int] | None = None) -> list[Location]:
    """Locations (of the given organizations, or all) with their rooms: two queries."""
    locations = Location.objects.select_related("organization").prefetch_related(
        Prefetch("rooms", queryset=Room.objects.order_by("name"))
    )
    if organization_ids is not None:
        locations = locations.filter(organization_id__in=organization_ids)
    return sorted(
        locations, key=lambda loc: (latvian_sort_key(loc.organization.name), latvian_sort_key(loc.name))
    )


def person_facts(*, person: Person, on: dt.date) -> PersonFacts:
    """The facts eligibility needs, read in three queries (assessment, custody period, sentence)."""
    return persons_facts(persons=[person], on=on)[person.pk]


def persons_facts(*, persons: list[Person], on: dt.date) -> dict[int, PersonFacts]:
    """``person_facts`` of many persons at once, by person id: the same three queries for one or a
    thousand (the newest signed assessment, the custody period current on ``on`` — the latest
    admitted — and the latest end of a sentence running on ``on``)."""
    ids = [p.pk for p in persons]
    risk: dict[int, str] = {}
    assessments = (
        Assessment.objects.filter(person_id__in=ids, status=Status.SIGNED)
        .order_by("person_id", "-created_at", "-pk")
        .values_list("person_id", "risk_level")
    )
    for person_id, risk_level in assessments:
        risk.setdefault(person_id, risk_level)
    custody: dict[int, CustodyPeriod] = {}
    periods = (
        CustodyPeriod.objects.filter(person_id__in=ids, admitted_on__lte=on)
        .filter(Q(left_on__isnull=True) | Q(left_on__gt=on))
        .select_related("regime_level__institution_type")
        .order_by("person_id", "-admitted_on", "-pk")
    )
    for period in periods:
        custody.setdefault(period.person_id, period)
    ends: dict[int, dt.date] = {}
    sentences = Sentence.objects.filter(person_id__in=ids, starts_on__lte=on, ends_on__gte=on).values_list(
        "person_id", "ends_on"
    )
    for person_id, ends_on in sentences:
        if person_id not in ends or ends_on > ends[person_id]:
            ends[person_id] = ends_on
    found: dict[int, PersonFacts] = {}
    for person in persons:
        current = custody.get(person.pk)
        level = current.regime_level if current is not None else None
        found[person.pk] = PersonFacts(
            date_of_birth=person.date_of_birth,
            sex=person.sex,
            risk_level=risk.get(person.pk) or None,
            in_custody=current is not None,
            regime_level=level.code if level is not None else None,
            regime_level_label=level.label if level is not None else "",
            latvian_level=person.latvian_level,
            sentence_ends_on=ends.get(person.pk),
        )
    return found


@dataclass
class EligibilityRow:
    programme: Programme
    status: EligibilityStatus
    findings: list[Finding] = field(default_factory=list)


@dataclass
class PersonEligibility:
    facts: PersonFacts
    rows: list[EligibilityRow]

    def with_status(self, status: EligibilityStatus) -> list[EligibilityRow]:
        return [row for row in self.rows if row.status == status]


def person_eligibility(*, person: Person, on: dt.date) -> PersonEligibility:
    """Every offered programme checked for ``person``: eligible first, then unknown, then not eligible."""
    facts = person_facts(person=person, on=on)
    labels = regime_level_labels()
    rows = []
    for programme in catalogue():
        findings = check(facts, programme, on, regime_labels=labels)
        rows.append(EligibilityRow(programme=programme, status=status_of(findings), findings=findings))
    order = {EligibilityStatus.ELIGIBLE: 0, EligibilityStatus.UNKNOWN: 1, EligibilityStatus.NOT_ELIGIBLE: 2}
    rows.sort(key=lambda row: order[row.status])
    return PersonEligibility(facts=facts, rows=rows)


# --- Groups and their sessions --------------------------------------------------------------------


class ConflictKind(StrEnum):
    ROOM = "room"
    FACILITATOR = "facilitator"
    PERSON = "person"


@dataclass(frozen=True)
class Slot:
    """A proposed session: when, where and who leads it."""

    starts_at: dt.datetime
    ends_at: dt.datetime
    room_id: int
    facilitator_id: int


@dataclass(frozen=True)
class Conflict:
    kind: ConflictKind
    slot: Slot
    other: Session
    person_id: int | None = None

    @property
    def message(self) -> str:
        local = timezone.localtime(self.slot.starts_at)
        values = {
            "when": formats.date_format(local, "SHORT_DATETIME_FORMAT"),
            "group": self.other.group.name,
            "room": self.other.room.name,
        }
        if self.kind == ConflictKind.ROOM:
            return _("%(when)s: the room %(room)s is taken by the group “%(group)s”.") % values
        if self.kind == ConflictKind.PERSON:
            return _("%(when)s: a participant is in the group “%(group)s” at that time.") % values
        return _("%(when)s: the facilitator leads the group “%(group)s” in %(room)s at that time.") % values


def schedule_conflicts(
    slots: list[Slot], *, exclude_group_id: int | None = None, person_ids: frozenset[int] = frozenset()
) -> list[Conflict]:
    """Scheduled sessions of active groups that overlap ``slots`` in a room, by facilitator or, for
    ``person_ids``, by a participant enrolled in both.

    One query (two with persons) whatever the number of slots: every session of the same rooms or
    facilitators inside the slots' overall span is read once, then matched in Python (sorted, with
    bisection).
    """
    if not slots:
        return []
    rooms = {slot.room_id for slot in slots}
    facilitators = {slot.facilitator_id for slot in slots}
    others = (
        Session.objects.filter(
            status=SessionStatus.SCHEDULED,
            group__status__in=ACTIVE_GROUP_STATUSES,
            starts_at__lt=max(slot.ends_at for slot in slots),
            ends_at__gt=min(slot.starts_at for slot in slots),
        )
        .filter(Q(room_id__in=rooms) | Q(group__facilitator_id__in=facilitators))
        .select_related("group", "room")
        .order_by("starts_at", "pk")
    )
    if exclude_group_id is not None:
        others = others.exclude(group_id=exclude_group_id)
    by_room: dict[int, list[Session]] = defaultdict(list)
    by_facilitator: dict[int, list[Session]] = defaultdict(list)
    for session in others:
        by_room[session.room_id].append(session)
        by_facilitator[session.group.facilitator_id].append(session)
    starts = {
        (kind, key): [c.starts_at for c in sessions]
        for kind, index in ((ConflictKind.ROOM, by_room), (ConflictKind.FACILITATOR, by_facilitator))
        for key, sessions in index.items()
    }
    conflicts: list[Conflict] = []
    if person_ids:
        conflicts.extend(person_conflicts(slots, exclude_group_id=exclude_group_id, person_ids=person_ids))
    for slot in sorted(slots, key=lambda s: s.starts_at):
        seen: set[int] = set()
        for kind, key, candidates in (
            (ConflictKind.ROOM, slot.room_id, by_room.get(slot.room_id, [])),
            (ConflictKind.FACILITATOR, slot.facilitator_id, by_facilitator.get(slot.facilitator_id, [])),
        ):
            # Sessions starting at or after the slot's end cannot overlap; earlier ones are scanned.
            stop = bisect.bisect_left(starts.get((kind, key), []), slot.ends_at)
            for other in candidates[:stop]:
                if other.ends_at > slot.starts_at and other.pk not in seen:
                    seen.add(other.pk)
                    conflicts.append(Conflict(kind=kind, slot=slot, other=other))
    return conflicts


def person_conflicts(
    slots: list[Slot], *, exclude_group_id: int | None, person_ids: frozenset[int]
) -> list[Conflict]:
    """Sessions of other groups in which any of ``person_ids`` holds a current place (one query)."""
    rows = (
        Session.objects.filter(
            status=SessionStatus.SCHEDULED,
            group__status__in=ACTIVE_GROUP_STATUSES,
            starts_at__lt=max(slot.ends_at for slot in slots),
            ends_at__gt=min(slot.starts_at for slot in slots),
            group__enrolments__person_id__in=person_ids,
            group__enrolments__status=EnrolmentStatus.ENROLLED,
        )
        .annotate(participant_id=F("group__enrolments__person_id"))
        .select_related("group", "room")
        .order_by("starts_at", "pk")
    )
    if exclude_group_id is not None:
        rows = rows.exclude(group_id=exclude_group_id)
    others = list(rows)
    found = []
    for slot in sorted(slots, key=lambda s: s.starts_at):
        for other in others:
            if other.starts_at < slot.ends_at and other.ends_at > slot.starts_at:
                found.append(
                    Conflict(
                        kind=ConflictKind.PERSON,
                        slot=slot,
                        other=other,
                        person_id=other.participant_id,
                    )
                )
    return found


@dataclass
class GroupFilters:
    organization: str = ""
    location: str = ""
    status: str = ""
    programme: str = ""


def _groups_with_relations(groups: QuerySet[Group]) -> QuerySet[Group]:
    return groups.select_related(
        "offer__programme", "offer__organization", "room__location__organization", "facilitator"
    )


def groups(filters: GroupFilters | None = None) -> QuerySet[Group]:
    """Groups matching ``filters``, the latest first, with their session counts (one query a page)."""
    filters = filters or GroupFilters()
    found = Group.objects.all()
    if filters.organization:
        # A prison sees the groups held in its rooms as well as those its staff deliver.
        found = found.filter(
            Q(offer__organization__code=filters.organization)
            | Q(room__location__organization__code=filters.organization)
        )
    if filters.location:
        found = found.filter(room__location__public_id=filters.location)
    if filters.status:
        found = found.filter(status=filters.status)
    if filters.programme:
        found = found.filter(offer__programme__code=filters.programme)
    found = found.annotate(
        session_count=Count("sessions", filter=Q(sessions__status=SessionStatus.SCHEDULED))
    )
    return _groups_with_relations(found).order_by("-starts_on", "name", "pk")


def group_by_public_id(public_id: uuid.UUID) -> Group | None:
    return _groups_with_relations(Group.objects.filter(public_id=public_id)).first()


def group_sessions(*, group: Group) -> list[Session]:
    """All sessions of a group in time order, with their rooms: one query."""
    return list(Session.objects.filter(group=group).select_related("room").order_by("starts_at", "pk"))


def group_locations() -> list[Location]:
    """Locations that hold at least one group (the list's place filter)."""
    return list(
        Location.objects.filter(rooms__groups__isnull=False)
        .select_related("organization")
        .distinct()
        .order_by("name")
    )


def group_organizations() -> list[Organization]:
    """Organizations delivering or hosting at least one group (the list's organization filter)."""
    return list(
        Organization.objects.filter(
            Q(programme_offers__groups__isnull=False) | Q(locations__rooms__groups__isnull=False)
        )
        .distinct()
        .order_by("name")
    )


def plannable_offers(*, organization_ids: frozenset[int]) -> list[Offer]:
    """Active offers of active programmes delivered by these organizations, with their locations."""
    offers = (
        Offer.objects.filter(organization_id__in=organization_ids, is_active=True, programme__is_active=True)
        .select_related("programme", "organization")
        .prefetch_related("offer_locations")
    )
    return sorted(
        offers, key=lambda o: (latvian_sort_key(o.programme.name), latvian_sort_key(o.organization.name))
    )


@dataclass
class Participant:
    enrolment: Enrolment
    # Held at the prison where the group meets today? None when the group does not meet in a prison.
    in_custody: bool | None


def group_participants(*, acting: Acting, group: Group) -> list[Participant]:
    """The current places of ``group`` whose person ``acting`` may read, in Latvian order (two queries).

    A facilitator reads his own groups' participants through their ``participant`` relationship;
    someone who may read none of them gets an empty list.
    """
    enrolments = list(
        Enrolment.objects.filter(
            group=group,
            status=EnrolmentStatus.ENROLLED,
            person__in=policy.visible_persons(acting),
        )
        .select_related("person")
        .order_by("person__sort_key", "pk")
    )
    prison = group.room.location.organization
    held: set[int] = set()
    if prison.type == OrganizationType.PRISON and enrolments:
        today = timezone.localdate()
        held = set(
            CustodyPeriod.objects.filter(
                prison=prison, person_id__in=[e.person_id for e in enrolments], admitted_on__lte=today
            )
            .exclude(left_on__lte=today)
            .values_list("person_id", flat=True)
        )
    return [
        Participant(
            enrolment=e,
            in_custody=(e.person_id in held) if prison.type == OrganizationType.PRISON else None,
        )
        for e in enrolments
    ]
