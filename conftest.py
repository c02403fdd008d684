"""Shared test setup: named personas, one per role, and a person in the custody of one prison.

The ``facilitator`` persona reads a person only as a participant of one of his groups: tests about
what a facilitator may read make Jānis one with the ``participant`` fixture (``enrol_with_facilitator``).
"""

from __future__ import annotations

import datetime as dt
import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pytest
from django.apps import apps as global_apps
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.operations import RunPython
from django.test import Client
from django.utils import timezone

from resoc.access.context import Acting, acting_for
from resoc.access.models import Membership, User
from resoc.access.roles import Role
from resoc.organizations.models import Organization, OrganizationType
from resoc.organizations.reference import ensure_reference_organizations
from resoc.people.models import Consent, Person, Relationship

if TYPE_CHECKING:
    from resoc.programmes.models import Enrolment

PERSONA_MEMBERSHIPS: dict[str, tuple[str, Role]] = {
    "prison_officer": ("jelgavas-cietums", Role.RESOCIALIZATION_OFFICER),
    "other_prison_officer": ("jekabpils-cietums", Role.RESOCIALIZATION_OFFICER),
    "facilitator": ("jelgavas-cietums", Role.PROGRAMME_FACILITATOR),
    "probation_officer": ("vpd-zemgale", Role.PROBATION_OFFICER),
    "career_consultant": ("nva-jelgava", Role.CAREER_CONSULTANT),
    "social_worker": ("jelgava-social", Role.SOCIAL_WORKER),
    "ngo_coordinator": ("test-ngo", Role.NGO_COORDINATOR),
    "mentor": ("test-ngo", Role.VOLUNTEER),
    "other_mentor": ("test-ngo", Role.VOLUNTEER),
    "analyst": ("tm", Role.ANALYST),
    "project_manager": ("tm", Role.PROJECT_MANAGER),
    "system_admin": ("tm", Role.SYSTEM_ADMIN),
    "org_admin": ("jelgavas-cietums", Role.ORG_ADMIN),
    "auditor": ("tm", Role.AUDITOR),
}


@dataclass
class World:
    users: dict[str, User]
    person: Person
    ngo: Organization

    def acting(self, persona: str) -> Acting:
        return acting_for(self.users[persona])

    def client(self, persona: str) -> Client:
        client = Client()
        client.force_login(self.users[persona])
        return client


@pytest.fixture
def world(db: None) -> World:
    """Personas and Jānis Bērziņš, in custody of Jelgava prison."""
    ngo = Organization.objects.create(
        code="test-ngo", name="Resocializācijas centrs “Ceļš”", type=OrganizationType.NGO
    )
    Organization.objects.create(
        code="jelgava-social", name="Jelgavas sociālais dienests", type=OrganizationType.SOCIAL_SERVICE
    )
    users = {}
    for persona, (org_code, role) in PERSONA_MEMBERSHIPS.items():
        user = User.objects.create_user(
            username=persona, password="a-long-test-password-1", first_name=persona
        )
        Membership.objects.create(user=user, organization=Organization.objects.get(code=org_code), role=role)
        users[persona] = user
    person = Person.objects.create(
        given_names="Jānis",
        family_name="Bērziņš",
        personal_code="010180-10018",
        date_of_birth=dt.date(1980, 1, 1),
        sex="male",
    )
    Relationship.objects.create(
        person=person,
        organization=Organization.objects.get(code="jelgavas-cietums"),
        kind="custody",
        starts_on=timezone.localdate() - dt.timedelta(days=100),
    )
    return World(users=users, person=person, ngo=ngo)


def add_relationship(person: Person, org_code: str, kind: str, **kwargs: Any) -> Relationship:
    return Relationship.objects.create(
        person=person,
        organization=Organization.objects.get(code=org_code),
        kind=kind,
        starts_on=kwargs.pop("starts_on", timezone.localdate() - dt.timedelta(days=10)),
        **kwargs,
    )


def add_consent(person: Person, organization: Organization, categories: list[str], **kwargs: Any) -> Consent:
    return Consent.objects.create(
        person=person,
        organization=organization,
        categories=Consent.encode_categories(categories),
        purpose="Atbalsts pēc atbrīvošanas",
        given_on=timezone.localdate(),
        **kwargs,
    )


def enrol_with_facilitator(
    world: World, person: Person | None = None, *, persona: str = "facilitator"
) -> Enrolment:
    """Give ``person`` (Jānis by default) a place in a group the ``persona`` facilitator leads at Jelgava prison.

    The place goes through ``enrolment_create`` (as the prison's resocialization officer), so the
    participant relationship is exactly the one the service writes. The person must be in Jelgava
    custody; a custody period is recorded if the person has none there.
    """
    from resoc.programmes import enrolment_services, services
    from resoc.programmes.models import Group, Location, Offer, OfferLocation, Programme, ProgrammeType, Room
    from resoc.sentences.models import CustodyPeriod

    person = person or world.person
    prison = Organization.objects.get(code="jelgavas-cietums")
    today = timezone.localdate()
    if not CustodyPeriod.objects.filter(person=person, prison=prison, left_on__isnull=True).exists():
        CustodyPeriod.objects.create(person=person, prison=prison, admitted_on=today - dt.timedelta(days=100))
    facilitator = world.users[persona]
    group = Group.objects.filter(facilitator=facilitator, name="Darba prasmju grupa").first()
    if group is None:
        programme, created = Programme.objects.get_or_create(
            code="darba-prasmes",
            defaults={
                "type": ProgrammeType.objects.get(code="vocational_education"),
                "name": "Darba prasmes",
                "name_en": "Work skills",
                "aims": "Darba meklēšanas prasmes",
                "needs": ["education_employment"],
                "sessions": 6,
                "hours": 9,
            },
        )
        if created:
            programme.organizations.add(prison)
        location, _ = Location.objects.get_or_create(
            organization=prison, name="Jelgavas cietums, mācību korpuss"
        )
        room, _ = Room.objects.get_or_create(
            location=location, name=f"Grupu telpa ({persona})", defaults={"kind": "classroom", "capacity": 12}
        )
        offer, _ = Offer.objects.get_or_create(programme=programme, organization=prison)
        OfferLocation.objects.get_or_create(offer=offer, location=location)
        group = services.group_create(
            acting=world.acting("prison_officer"),
            spec=services.GroupSpec(
                offer=offer,
                room=room,
                facilitator=facilitator,
                name="Darba prasmju grupa",
                starts_on=today + dt.timedelta(days=7),
                ends_on=today + dt.timedelta(days=90),
                capacity=12,
                recurrence="FREQ=WEEKLY;BYDAY=TU;COUNT=6",
                session_start=dt.time(9, 0),
                session_minutes=90,
            ),
        )
    return enrolment_services.enrolment_create(
        acting=world.acting("prison_officer"), group=group, person=person
    )


@pytest.fixture
def participant(world: World) -> Person:
    """Jānis as a participant of a group the ``facilitator`` persona leads at Jelgava prison."""
    enrol_with_facilitator(world)
    return world.person


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings) -> None:  # type: ignore[no-untyped-def]
    # PBKDF2's deliberate slowness protects real passwords; tests create dozens of users.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _plain_http_and_static(settings) -> None:  # type: ignore[no-untyped-def]
    # Tests run with production settings (DEBUG off) but over plain HTTP and without collectstatic.
    settings.SECURE_SSL_REDIRECT = False
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.WHITENOISE_USE_FINDERS = True
    settings.WHITENOISE_AUTOREFRESH = True
    # Two-factor enforcement has its own tests, which switch it on for the roles they check.
    settings.TWO_FACTOR_REQUIRED_ROLES = []


@pytest.fixture(autouse=True)
def _no_cache(settings) -> None:  # type: ignore[no-untyped-def]
    # The only cached answer (the demo banner's flag, kept a minute) must neither leak from one test's
    # database into the next nor expire in the middle of a test that counts queries: always ask.
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}


@pytest.fixture
def _reference_organizations(transactional_db: None) -> None:
    """A transactional test flushes the tables afterwards, taking the reference data that data
    migrations seed (institutions, regime levels, the assessment instrument, ...) with it: run
    every reference-data step again for the next test. By convention such a step is a RunPython
    whose function is called ``seed`` and is idempotent."""
    ensure_reference_organizations(Organization)
    loader = MigrationLoader(connection, ignore_no_migrations=True)
    ours = {config.label for config in global_apps.get_app_configs() if config.name.startswith("resoc.")}
    done: set[tuple[str, str]] = set()
    for leaf in loader.graph.leaf_nodes():
        for key in loader.graph.forwards_plan(leaf):
            if key in done or key[0] not in ours:
                continue
            done.add(key)
            for operation in loader.graph.nodes[key].operations:
                seed: Any = getattr(operation, "code", None) if isinstance(operation, RunPython) else None
                if getattr(seed, "__name__", "") == "seed":
                    seed(global_apps, None)


@pytest.fixture(autouse=True)
def _reference_data_in_transactional_tests(request) -> None:  # type: ignore[no-untyped-def]
    # A transactional test (threads racing for a row lock need committed data) starts after an
    # earlier one may have flushed the reference data: put it back first.
    marker = request.node.get_closest_marker("django_db")
    if marker is not None and marker.kwargs.get("transaction"):
        request.getfixturevalue("_reference_organizations")


class _NoMeeting:
    def wait(self, timeout: float | None = None) -> int:
        return 0


def meeting_point(parties: int) -> threading.Barrier | _NoMeeting:
    """Where racing threads meet before they write. SQLite admits one writer at a time (``at_once``
    runs them in turn there), so they do not wait for each other."""
    return threading.Barrier(parties) if connection.vendor == "postgresql" else _NoMeeting()


def at_once(threads: list[threading.Thread]) -> None:
    """Two users acting at the same moment. On PostgreSQL every thread has its own connection and the
    row locks decide who goes first; SQLite locks the whole database for a writer, so there the
    threads run one after another — each still acting on the objects it was given before either
    wrote, which is what the services' locked re-read must catch."""
    if connection.vendor == "postgresql":
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
        return
    for thread in threads:
        thread.start()
        thread.join(timeout=30)
