"""The demo catalogue: the programmes of the seed documents, twelve LV0020 rooms, idempotent, valid HSDS."""

from __future__ import annotations

import pytest
from django.test import Client

from resoc.demo.programmes import seed_programmes
from resoc.demo.services import ensure_demo_organizations
from resoc.programmes.models import Offer, Programme, Room

pytestmark = pytest.mark.django_db


def test_the_demo_catalogue_is_complete_and_seeding_again_changes_nothing() -> None:
    orgs = ensure_demo_organizations()
    first = seed_programmes(orgs)
    counts = (Programme.objects.count(), Room.objects.count(), Offer.objects.count())
    assert seed_programmes(orgs) == first
    assert (Programme.objects.count(), Room.objects.count(), Offer.objects.count()) == counts
    vocational = Programme.objects.filter(type__code="vocational_education")
    assert sorted(vocational.values_list("name_en", flat=True)) == [
        "Carpenter",
        "Electrician",
        "Locksmith",
        "Turner",
        "Welder",
    ]
    lv0020_rooms = Room.objects.filter(
        location__organization__code__in=["jekabpils-cietums", "jelgavas-cietums"]
    )
    assert lv0020_rooms.count() == 12
    assert Programme.objects.get(code="karjeras-konsultacijas").min_age == 29
    assert not Programme.objects.get(code="veca-motivacijas-programma").is_active
    for programme in Programme.objects.all():
        programme.full_clean()  # every demo programme passes the model's own checks


def test_the_demo_directory_is_published(db) -> None:
    seed_programmes(ensure_demo_organizations())
    page = Client().get("/api/v1/hsds/services?per_page=100").json()
    assert page["total_items"] == Offer.objects.filter(programme__is_active=True).count()
    names = {service["name"] for service in page["contents"]}
    assert {"Metinātājs", "Latviešu valodas kursi", "HIV/AIDS profilakses izglītība"} <= names


def test_the_demo_groups_have_sessions_and_no_conflicts() -> None:
    from resoc.demo.services import ensure_demo_users
    from resoc.programmes import selectors
    from resoc.programmes.models import Group, Session

    orgs = ensure_demo_organizations()
    ensure_demo_users(orgs)
    seed_programmes(orgs)
    seed_programmes(orgs)
    assert Group.objects.count() == 3
    assert Session.objects.count() == 72 + 18 + 20
    for group in Group.objects.all():
        group.full_clean()
        slots = [
            selectors.Slot(
                starts_at=s.starts_at,
                ends_at=s.ends_at,
                room_id=s.room_id,
                facilitator_id=group.facilitator_id,
            )
            for s in group.sessions.all()
        ]
        assert selectors.schedule_conflicts(slots, exclude_group_id=group.pk) == []
