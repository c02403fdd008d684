"""The NGO directory, profiles and agreements pages: what each persona sees and may change."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from resoc.audit.models import AuditEntry
from resoc.community.models import CooperationAgreement, NgoProfile
from resoc.community.tests.conftest import lv, org, today
from resoc.organizations.models import Organization, OrganizationType
from resoc.programmes.tests.conftest import make_location, make_offer, make_programme

pytestmark = pytest.mark.django_db


def _profile(ngo, **fields):
    values = {"areas": " addiction peer_support ", "regions": " zemgale ", "description": "Atbalsts"}
    values.update(fields)
    return NgoProfile.objects.create(organization=ngo, **values)


def _agreement(world, *, days_left: int | None = 200, institution="jelgavas-cietums", number="A-1"):
    agreement = CooperationAgreement.objects.create(
        organization=world.ngo,
        institution=org(institution),
        number=number,
        scope="Atbalsta grupas",
        valid_from=today() - dt.timedelta(days=400),
        valid_until=None if days_left is None else today() + dt.timedelta(days=days_left),
    )
    agreement.prisons.set([org("jelgavas-cietums")])
    return agreement


def _ngo(code, name, **profile):
    ngo = Organization.objects.create(code=code, name=name, type=OrganizationType.NGO)
    _profile(ngo, **profile)
    return ngo


def _results(client, **params):
    # Only the results fragment: the page header names the user's own NGO.
    return client.get(reverse("community:directory"), params, headers={"HX-Request": "true"}).text


def test_directory_search_ignores_diacritics_and_case(world):
    _profile(world.ngo)
    _ngo("zala", "Biedrība “Zaļā sala”", areas=" housing ", regions=" riga ")
    page = _results(world.client("prison_officer"), q="cels")
    assert "Ceļš" in page
    assert "Zaļā" not in page
    assert "Zaļā sala" in _results(world.client("prison_officer"), q="ZALA sal")


def test_directory_filters_by_area_and_region(world):
    _profile(world.ngo)
    _ngo("zala", "Biedrība “Zaļā sala”", areas=" housing ", regions=" riga ")
    client = world.client("ngo_coordinator")
    housing = _results(client, area="housing")
    assert "Zaļā sala" in housing
    assert "Ceļš" not in housing
    zemgale = _results(client, region="zemgale")
    assert "Ceļš" in zemgale
    assert "Zaļā sala" not in zemgale
    none = _results(client, region="latgale")
    assert lv("No NGO matches these filters.") in none


def test_directory_queries_do_not_grow_with_the_ngos(world, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = world.client("prison_officer")
    _profile(world.ngo)
    client.get(reverse("community:directory"))  # the session's first request loads more
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("community:directory"))
    for n in range(8):
        _ngo(f"ngo-{n}", f"NVO {n}")
    with CaptureQueriesContext(connection) as many:
        assert "NVO 7" in client.get(reverse("community:directory")).text
    assert len(many) == len(few)
    with django_assert_max_num_queries(10):
        client.get(reverse("community:directory"), {"q": "nvo", "area": "addiction"})


def test_a_profile_shows_services_contacts_and_the_suspension(world):
    profile = _profile(world.ngo, phone="+371 20000000")
    profile.contacts.create(name="Ilze Kalniņa", position="Koordinatore", email="ilze@example.lv")
    make_offer(
        make_programme("atkaribas", name="Atkarību grupa", organizations=["test-ngo"]),
        make_location(),
        "test-ngo",
    )
    page = world.client("prison_officer").get(reverse("community:profile", args=[world.ngo.public_id])).text
    assert "Ilze Kalniņa" in page
    assert "Atkarību grupa" in page
    assert lv("Suspended: no agreement in force.") in page
    _agreement(world)
    page = world.client("prison_officer").get(reverse("community:profile", args=[world.ngo.public_id])).text
    assert lv("Suspended: no agreement in force.") not in page
    assert "A-1" in page


def test_agreements_are_not_shown_to_an_unrelated_institution_or_a_volunteer(world):
    _agreement(world)
    for persona in ["other_prison_officer", "mentor", "career_consultant"]:
        page = world.client(persona).get(reverse("community:profile", args=[world.ngo.public_id])).text
        assert "A-1" not in page, persona


def test_a_state_institution_is_not_in_the_directory(world):
    response = world.client("prison_officer").get(
        reverse("community:profile", args=[org("nva-jelgava").public_id])
    )
    assert response.status_code == 404


def test_the_ngo_coordinator_edits_the_profile_with_contacts(world):
    client = world.client("ngo_coordinator")
    url = reverse("community:profile_edit", args=[world.ngo.public_id])
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "description": "Resocializācijas centrs",
            "areas": ["addiction", "housing"],
            "regions": ["zemgale", "riga"],
            "address": "Rīgas iela 1, Jelgava",
            "phone": "+371 63000000",
            "email": "info@cels.example",
            "website": "https://cels.example",
            "contacts-TOTAL_FORMS": "1",
            "contacts-INITIAL_FORMS": "0",
            "contacts-0-name": "Ilze Kalniņa",
            "contacts-0-position": "Koordinatore",
            "contacts-0-phone": "+371 20000001",
            "contacts-0-email": "ilze@cels.example",
        },
    )
    assert response.status_code == 302
    profile = NgoProfile.objects.get(organization=world.ngo)
    assert profile.area_keys == ["addiction", "housing"]
    assert [c.name for c in profile.contacts.all()] == ["Ilze Kalniņa"]
    assert AuditEntry.objects.filter(record_type="ngo_profile", record_id=str(world.ngo.public_id)).exists()


def test_a_bad_phone_is_refused_and_nothing_saved(world):
    response = world.client("ngo_coordinator").post(
        reverse("community:profile_edit", args=[world.ngo.public_id]),
        {"phone": "zvani man", "contacts-TOTAL_FORMS": "0", "contacts-INITIAL_FORMS": "0"},
    )
    assert response.status_code == 422
    assert not NgoProfile.objects.exists()


@pytest.mark.parametrize("persona", ["mentor", "prison_officer", "org_admin", "other_prison_officer"])
def test_others_may_not_edit_the_profile(world, persona):
    url = reverse("community:profile_edit", args=[world.ngo.public_id])
    assert world.client(persona).get(url).status_code == 403
    assert world.client(persona).post(url, {"description": "x"}).status_code == 403
    assert not NgoProfile.objects.exists()


def test_a_system_admin_may_edit_the_profile(world):
    url = reverse("community:profile_edit", args=[world.ngo.public_id])
    assert world.client("system_admin").get(url).status_code == 200


def test_the_agreement_list_marks_expiring_and_expired(world):
    _agreement(world, days_left=10, number="SOON-1")
    _agreement(world, days_left=-3, number="OLD-1")
    _agreement(world, days_left=None, number="OPEN-1")
    page = world.client("org_admin").get(reverse("community:agreements")).text
    assert 'class="agreement-expiring"' in page
    assert 'class="agreement-expired"' in page
    assert page.index("OLD-1") < page.index("SOON-1") < page.index("OPEN-1")
    expired_only = world.client("org_admin").get(reverse("community:agreements"), {"state": "expired"}).text
    assert "OLD-1" in expired_only
    assert "SOON-1" not in expired_only


def test_the_agreement_list_does_not_grow_in_queries(world):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = world.client("org_admin")
    _agreement(world, number="A-0")
    client.get(reverse("community:agreements"))
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("community:agreements"))
    for n in range(6):
        _agreement(world, number=f"A-{n + 1}")
    with CaptureQueriesContext(connection) as many:
        assert "A-6" in client.get(reverse("community:agreements")).text
    assert len(many) == len(few)


def test_recording_an_agreement_through_the_form(world):
    client = world.client("org_admin")
    assert client.get(reverse("community:agreement_new")).status_code == 200
    data = {
        "organization": world.ngo.pk,
        "institution": org("jelgavas-cietums").pk,
        "number": "JC-9",
        "scope": "Līdzgaitnieki",
        "valid_from": today().isoformat(),
        "valid_until": (today() - dt.timedelta(days=1)).isoformat(),
        "prisons": [org("jelgavas-cietums").pk],
    }
    refused = client.post(reverse("community:agreement_new"), data)
    assert refused.status_code == 422
    assert lv("An agreement cannot end before it starts.") in refused.text
    assert not CooperationAgreement.objects.exists()
    data["valid_until"] = (today() + dt.timedelta(days=365)).isoformat()
    assert client.post(reverse("community:agreement_new"), data).status_code == 302
    assert CooperationAgreement.objects.get().number == "JC-9"


def test_the_form_refuses_a_prison_outside_the_institution(world):
    response = world.client("org_admin").post(
        reverse("community:agreement_new"),
        {
            "organization": world.ngo.pk,
            "institution": org("jelgavas-cietums").pk,
            "number": "JC-9",
            "scope": "Līdzgaitnieki",
            "valid_from": today().isoformat(),
            "prisons": [org("liepajas-cietums").pk],
        },
    )
    assert response.status_code == 422
    assert not CooperationAgreement.objects.exists()


@pytest.mark.parametrize("persona", ["ngo_coordinator", "prison_officer", "analyst"])
def test_only_institution_administrators_record_agreements(world, persona):
    assert world.client(persona).get(reverse("community:agreement_new")).status_code == 403


def test_extending_and_ending_through_the_page(world):
    agreement = _agreement(world, days_left=10)
    client = world.client("org_admin")
    url = reverse("community:agreement_change", args=[agreement.public_id])
    later = today() + dt.timedelta(days=400)
    assert client.post(url, {"action": "extend", "extend-valid_until": later.isoformat()}).status_code == 302
    agreement.refresh_from_db()
    assert agreement.valid_until == later
    refused = client.post(url, {"action": "end", "end-ends_on": today().isoformat(), "end-reason": ""})
    assert refused.status_code == 422
    assert (
        client.post(
            url, {"action": "end", "end-ends_on": today().isoformat(), "end-reason": "Biedrība likvidēta"}
        ).status_code
        == 302
    )
    agreement.refresh_from_db()
    assert agreement.valid_until == today()


def test_the_ngo_and_other_institutions_may_not_change_an_agreement(world):
    agreement = _agreement(world)
    url = reverse("community:agreement_change", args=[agreement.public_id])
    assert world.client("ngo_coordinator").get(url).status_code == 403
    assert world.client("other_prison_officer").get(url).status_code == 404


def test_the_agreement_list_exports_csv_and_the_export_is_audited(world):
    _agreement(world, days_left=-3, number="=OLD-1")
    response = world.client("org_admin").get(reverse("community:agreements"), {"format": "csv"})
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    text = response.content.decode("utf-8-sig")
    assert "'=OLD-1" in text  # a formula is shown as text, never run
    assert lv("Expired") in text
    assert AuditEntry.objects.filter(action="export", record_type="cooperation_agreement").exists()


def test_the_ngos_own_administrator_edits_the_profile(world):
    from resoc.access.models import Membership, User
    from resoc.access.roles import Role

    user = User.objects.create_user(username="ngo-admin", password="a-long-test-password-1")
    Membership.objects.create(user=user, organization=world.ngo, role=Role.ORG_ADMIN)
    client = world.client("prison_officer")
    client.force_login(user)
    url = reverse("community:profile_edit", args=[world.ngo.public_id])
    response = client.post(
        url, {"description": "Mūsu centrs", "contacts-TOTAL_FORMS": "0", "contacts-INITIAL_FORMS": "0"}
    )
    assert response.status_code == 302
    assert NgoProfile.objects.get().description == "Mūsu centrs"
    # ... but not as an institution's administrator: it may not record agreements.
    assert client.get(reverse("community:agreement_new")).status_code == 403


def test_an_institution_administrator_is_offered_to_record_an_agreement_from_the_profile(world):
    page = world.client("org_admin").get(reverse("community:profile", args=[world.ngo.public_id])).text
    assert f"{reverse('community:agreement_new')}?ngo={world.ngo.pk}" in page
    form = world.client("org_admin").get(reverse("community:agreement_new"), {"ngo": world.ngo.pk}).text
    assert f'<option value="{world.ngo.pk}" selected>' in form
    coordinator_page = world.client("ngo_coordinator").get(
        reverse("community:profile", args=[world.ngo.public_id])
    )
    assert reverse("community:agreement_new") not in coordinator_page.text


def test_contacts_are_changed_and_removed(world):
    profile = _profile(world.ngo)
    kept = profile.contacts.create(name="Ilze", position="Koordinatore")
    gone = profile.contacts.create(name="Juris", position="Brīvprātīgais")
    response = world.client("ngo_coordinator").post(
        reverse("community:profile_edit", args=[world.ngo.public_id]),
        {
            "areas": ["addiction"],
            "contacts-TOTAL_FORMS": "3",
            "contacts-INITIAL_FORMS": "2",
            "contacts-0-public_id": str(kept.public_id),
            "contacts-0-name": "Ilze Kalniņa",
            "contacts-0-position": "Vadītāja",
            "contacts-1-public_id": str(gone.public_id),
            "contacts-1-name": "Juris",
            "contacts-1-DELETE": "on",
        },
    )
    assert response.status_code == 302
    assert [(c.public_id, c.name, c.position) for c in profile.contacts.all()] == [
        (kept.public_id, "Ilze Kalniņa", "Vadītāja")
    ]
    profile.refresh_from_db()
    assert profile.area_keys == ["addiction"]
    assert profile.region_keys == []
