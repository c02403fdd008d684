"""Volunteer fixtures: a volunteer of the test NGO in any status, qualifications, activities, agreements."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone, translation

from resoc.assessments.tests.conftest import api_as  # noqa: F401  # fixture
from resoc.community.models import CooperationAgreement
from resoc.organizations.models import Organization
from resoc.volunteers.models import (
    Activity,
    ActivitySetting,
    Participation,
    Qualification,
    QualificationKind,
    StatusChange,
    Volunteer,
    VolunteerKind,
    VolunteerStatus,
)

TODAY = timezone.localdate


def org(code: str) -> Organization:
    return Organization.objects.get(code=code)


def make_volunteer(world: Any, status: str = VolunteerStatus.ACTIVE, **fields: Any) -> Volunteer:
    values: dict[str, Any] = {
        "organization": world.ngo,
        "kind": VolunteerKind.PEER_MENTOR,
        "status": status,
        "given_names": "Aivars",
        "family_name": "Ozols",
        "sex": "male",
        "applied_on": TODAY() - dt.timedelta(days=200),
        "region": "zemgale",
        "languages": "latviešu, krievu",
    }
    values.update(fields)
    volunteer = Volunteer.objects.create(**values)
    StatusChange.objects.create(volunteer=volunteer, from_status="", to_status=status)
    return volunteer


def qualify(
    volunteer: Volunteer,
    *kinds: str,
    prison: str | None = None,
    valid_from: dt.date | None = None,
    valid_until: dt.date | None = None,
) -> None:
    """Give ``kinds`` (default: background check and training; prison access when ``prison`` is named)."""
    start = valid_from or TODAY() - dt.timedelta(days=100)
    until = valid_until or TODAY() + dt.timedelta(days=300)
    for kind in kinds or (QualificationKind.BACKGROUND_CHECK, QualificationKind.TRAINING):
        Qualification.objects.create(volunteer=volunteer, kind=kind, valid_from=start, valid_until=until)
    if prison:
        Qualification.objects.create(
            volunteer=volunteer,
            kind=QualificationKind.PRISON_ACCESS,
            prison=org(prison),
            valid_from=start,
            valid_until=until,
        )


def agreement(
    organization: Organization, *prisons: str, valid_until: dt.date | None = None
) -> CooperationAgreement:
    made = CooperationAgreement.objects.create(
        organization=organization,
        institution=org("ievp"),
        number="2026/7",
        scope="Brīvprātīgo darbs cietumos",
        valid_from=TODAY() - dt.timedelta(days=365),
        valid_until=valid_until,
    )
    made.prisons.set([org(code) for code in prisons])
    return made


def prison_activity(
    world: Any, prison: str = "jelgavas-cietums", *, days: int = 0, **fields: Any
) -> Activity:
    start = timezone.now().replace(microsecond=0) + dt.timedelta(days=days)
    values: dict[str, Any] = {
        "organization": world.ngo,
        "title": "Sarunu grupa",
        "setting": ActivitySetting.PRISON,
        "prison": org(prison),
        "starts_at": start,
        "ends_at": start + dt.timedelta(hours=2),
    }
    values.update(fields)
    return Activity.objects.create(**values)


def community_activity(world: Any, *, days: int = 0) -> Activity:
    start = timezone.now().replace(microsecond=0) + dt.timedelta(days=days)
    return Activity.objects.create(
        organization=world.ngo,
        title="Atbalsta grupa",
        setting=ActivitySetting.COMMUNITY,
        place="Jelgava, Lielā iela 5",
        starts_at=start,
        ends_at=start + dt.timedelta(hours=2),
    )


def take_part(activity: Activity, volunteer: Volunteer) -> Participation:
    return Participation.objects.create(activity=activity, volunteer=volunteer)


@pytest.fixture(autouse=True)
def _english() -> Any:
    """Service tests read refusals in English; the Latvian ones say so with ``translation.override``."""
    with translation.override("en"):
        yield


@pytest.fixture
def mentor_volunteer(world: Any) -> Volunteer:
    """The ``mentor`` persona as an active, fully qualified peer mentor of the test NGO with Jelgava access."""
    volunteer = make_volunteer(world, user=world.users["mentor"])
    qualify(volunteer, prison="jelgavas-cietums")
    agreement(world.ngo, "jelgavas-cietums")
    return volunteer
