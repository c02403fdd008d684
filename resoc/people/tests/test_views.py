import datetime as dt
import re

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from resoc.audit.models import AuditAction, AuditEntry
from resoc.organizations.models import Organization
from resoc.people.models import Person, Relationship


def _in_custody(given, family, org_code="jelgavas-cietums", **fields):
    person = Person.objects.create(given_names=given, family_name=family, sex="male", **fields)
    Relationship.objects.create(
        person=person,
        organization=Organization.objects.get(code=org_code),
        kind="custody",
        starts_on=timezone.localdate() - dt.timedelta(days=1),
    )
    return person


def test_search_ignores_diacritics_and_case(world):
    response = world.client("prison_officer").get(reverse("people:search"), {"q": "BERZINS"})
    assert response.status_code == 200
    assert "Bērziņš, Jānis" in response.content.decode()


def test_search_lists_in_latvian_order(world):
    for family in ["Šmits", "Sproģis", "Zariņš", "Čakste", "Cīrulis"]:
        _in_custody("Andris", family)
    page = world.client("prison_officer").get(reverse("people:search")).content.decode()
    positions = [
        page.index(f"{name}, ") for name in ["Bērziņš", "Cīrulis", "Čakste", "Sproģis", "Šmits", "Zariņš"]
    ]
    assert positions == sorted(positions)


def test_search_finds_by_personal_code_with_or_without_hyphen(world):
    client = world.client("prison_officer")
    assert "Bērziņš" in client.get(reverse("people:search"), {"q": "01018010018"}).content.decode()
    assert "Bērziņš" in client.get(reverse("people:search"), {"q": "010180-100"}).content.decode()


def test_search_shows_nobody_of_another_prison(world):
    page = (
        world.client("other_prison_officer").get(reverse("people:search"), {"q": "berzins"}).content.decode()
    )
    assert "Bērziņš, Jānis" not in page
    assert "berzins" in page.split('id="results"')[1]  # the empty state repeats the query


def test_htmx_search_returns_only_the_results_fragment(world):
    response = world.client("prison_officer").get(
        reverse("people:search"), {"q": "berz"}, HTTP_HX_REQUEST="true"
    )
    body = response.content.decode()
    assert "Bērziņš, Jānis" in body
    assert "<html" not in body


def test_every_listed_person_is_in_the_audit_log(world):
    world.client("prison_officer").get(reverse("people:search"), {"q": "berzins"})
    assert AuditEntry.objects.filter(
        action=AuditAction.LIST, person_public_id=world.person.public_id
    ).exists()
    search = AuditEntry.objects.get(action=AuditAction.SEARCH)
    assert search.detail == {"query": "berzins", "results": 1}


def test_search_query_count_does_not_grow_with_results(world):
    client = world.client("prison_officer")
    client.get(reverse("people:search"))  # warm caches (demo flag, session)
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("people:search"))
    for _ in range(30):
        _in_custody("Pēteris", "Ozols", personal_code=None)
    with CaptureQueriesContext(connection) as many:
        client.get(reverse("people:search"))
    assert len(many) == len(few)


def test_case_file_shows_identity_and_logs_the_view(world):
    response = world.client("prison_officer").get(reverse("people:detail", args=[world.person.public_id]))
    assert response.status_code == 200
    assert "010180-10018" in response.content.decode()
    entries = AuditEntry.objects.filter(action=AuditAction.VIEW, person_public_id=world.person.public_id)
    assert {(e.actor_username, e.channel) for e in entries} == {("prison_officer", "web")}
    # The officer reads every category: each section shown is logged as a read of its category.
    assert sorted(e.category for e in entries) == sorted(
        ["identity", "sentence", "assessment", "health", "education_employment", "family", "case_notes"]
    )


def test_a_locked_section_is_not_logged_as_read(world, participant):
    world.client("facilitator").get(reverse("people:detail", args=[world.person.public_id]))
    categories = set(AuditEntry.objects.filter(action=AuditAction.VIEW).values_list("category", flat=True))
    assert categories == {"identity", "education_employment"}


def test_case_file_of_another_prison_is_not_found_and_the_attempt_is_logged(world):
    response = world.client("other_prison_officer").get(
        reverse("people:detail", args=[world.person.public_id])
    )
    assert response.status_code == 404
    assert "Bērziņš" not in response.content.decode()
    assert AuditEntry.objects.filter(
        action=AuditAction.DENIED, actor_username="other_prison_officer"
    ).exists()


def test_unknown_and_forbidden_persons_look_the_same(world):
    import uuid

    client = world.client("other_prison_officer")
    forbidden = client.get(reverse("people:detail", args=[world.person.public_id]))
    unknown = client.get(reverse("people:detail", args=[uuid.uuid4()]))
    assert forbidden.status_code == unknown.status_code == 404

    def without_csrf(body: bytes) -> str:
        # The tokens differ on every response, and the language switch repeats the requested address.
        text = re.sub(r'(csrfmiddlewaretoken" value="|X-CSRFToken": ")[^"]+', "", body.decode())
        return re.sub(r"/people/[0-9a-f-]{36}/", "/people/ID/", text)

    assert without_csrf(forbidden.content) == without_csrf(unknown.content)


def test_system_admin_cannot_open_case_files(world):
    response = world.client("system_admin").get(reverse("people:detail", args=[world.person.public_id]))
    assert response.status_code == 404


def test_sensitive_section_is_locked_until_a_purpose_is_stated(world, participant):
    client = world.client("facilitator")
    url = reverse("people:detail", args=[world.person.public_id])
    page = client.get(url).content.decode()
    assert 'id="section-assessment"' in page
    assert f"people/{world.person.public_id}/purpose/assessment/" in page
    assert 'id="section-health"' not in page  # not a category of this role at all
    response = client.post(
        reverse("people:state_purpose", args=[world.person.public_id, "assessment"]),
        {"purpose": "Programmas grupas atlase"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert "Programmas grupas atlase" in response.content.decode()
    entry = AuditEntry.objects.get(category="assessment")
    assert entry.purpose == "Programmas grupas atlase"
    assert "purpose/assessment/" not in client.get(url).content.decode()


def test_a_purpose_cannot_be_stated_for_a_category_the_role_may_not_read(world, participant):
    response = world.client("facilitator").post(
        reverse("people:state_purpose", args=[world.person.public_id, "health"]), {"purpose": "Ziņkārība"}
    )
    assert response.status_code == 404
    assert not AuditEntry.objects.filter(category="health", action=AuditAction.VIEW).exists()


def test_register_form_shows_translated_errors_and_stores_nothing(world):
    client = world.client("prison_officer")
    before = Person.objects.count()
    response = client.post(
        reverse("people:register"),
        {
            "given_names": "Anna",
            "family_name": "Kalniņa",
            "personal_code": "010180-10019",
            "sex": "female",
            "citizenship_status": "citizen",
        },
        HTTP_ACCEPT_LANGUAGE="lv",
    )
    assert response.status_code == 200
    assert Person.objects.count() == before
    assert 'lang="lv"' in response.content.decode()


def test_register_then_open_the_new_case_file(world):
    client = world.client("prison_officer")
    response = client.post(
        reverse("people:register"),
        {
            "given_names": "Anna",
            "family_name": "Kalniņa",
            "personal_code": "",
            "sex": "female",
            "citizenship_status": "stateless",
            "date_of_birth": "1990-05-04",
        },
    )
    person = Person.objects.get(family_name="Kalniņa")
    assert response.status_code == 302
    assert response["Location"] == reverse("people:detail", args=[person.public_id])


def test_register_warns_about_a_lookalike_and_registers_after_confirmation(world):
    client = world.client("prison_officer")
    data = {
        "given_names": "Jānis",
        "family_name": "Bērziņš",
        "sex": "male",
        "citizenship_status": "citizen",
        "date_of_birth": "1980-01-01",
    }
    page = client.post(reverse("people:register"), data).content.decode()
    assert 'name="confirm_duplicate"' in page
    assert Person.objects.filter(family_name="Bērziņš").count() == 1
    assert client.post(reverse("people:register"), {**data, "confirm_duplicate": "1"}).status_code == 302
    assert Person.objects.filter(family_name="Bērziņš").count() == 2


def test_register_is_refused_to_reading_roles(world):
    assert world.client("career_consultant").get(reverse("people:register")).status_code == 403


def test_edit_saves_and_shows_the_change_on_the_timeline(world):
    client = world.client("prison_officer")
    url = reverse("people:edit", args=[world.person.public_id])
    form = client.get(url)
    assert form.status_code == 200
    data = {
        "given_names": "Jānis",
        "family_name": "Bērziņš",
        "personal_code": "010180-10018",
        "sex": "male",
        "citizenship_status": "citizen",
        "date_of_birth": "1980-01-01",
        "phone": "+371 20000000",
    }
    assert client.post(url, data).status_code == 302
    world.person.refresh_from_db()
    assert world.person.phone == "+371 20000000"


def test_edit_is_refused_to_the_facilitator(world, participant):
    assert (
        world.client("facilitator").get(reverse("people:edit", args=[world.person.public_id])).status_code
        == 403
    )


def test_merge_via_the_form(world):
    duplicate = _in_custody("Jānis", "Bērziņš", personal_code="321234-56789")
    client = world.client("prison_officer")
    url = reverse("people:merge", args=[world.person.public_id])
    compare = client.post(url, {"duplicate": "32123456789"}).content.decode()
    assert "321234-56789" in compare
    assert client.post(url, {"duplicate": "32123456789", "confirm": "1"}).status_code == 302
    duplicate.refresh_from_db()
    assert duplicate.merged_into_id == world.person.pk
    # Old links to the duplicate lead to the surviving record.
    old = client.get(reverse("people:detail", args=[duplicate.public_id]))
    assert old.status_code == 302
    assert old["Location"] == reverse("people:detail", args=[world.person.public_id])


def test_merge_cannot_reach_a_record_of_another_prison(world):
    other = _in_custody("Jānis", "Bērziņš", org_code="jekabpils-cietums", personal_code="321234-56789")
    url = reverse("people:merge", args=[world.person.public_id])
    page = (
        world.client("prison_officer")
        .post(url, {"duplicate": "32123456789", "confirm": "1"})
        .content.decode()
    )
    other.refresh_from_db()
    assert other.merged_into_id is None
    assert "321234-56789" not in page.split("</form>")[0].split('name="duplicate"')[0]


def test_case_file_query_count_does_not_grow_with_the_timeline(world):
    from resoc.people import events

    client = world.client("prison_officer")
    url = reverse("people:detail", args=[world.person.public_id])
    client.get(url)
    events.person_updated_event(person=world.person, acting=world.acting("prison_officer"), fields=["phone"])
    with CaptureQueriesContext(connection) as short:
        client.get(url)
    for _ in range(20):
        events.person_updated_event(
            person=world.person, acting=world.acting("prison_officer"), fields=["phone"]
        )
    with CaptureQueriesContext(connection) as long:
        page = client.get(url).content.decode()
    assert page.count("Identity data changed") + page.count("Mainīti identitātes dati") == 21
    assert len(long) == len(short)


def test_home_offers_registration_to_registrars_only(world):
    assert reverse("people:register") in world.client("prison_officer").get("/").content.decode()
    assert reverse("people:register") not in world.client("career_consultant").get("/").content.decode()


def test_roles_without_case_access_are_not_offered_the_people_pages(world):
    page = world.client("analyst").get("/").content.decode()
    assert reverse("people:search") not in page


def test_markup_in_a_stated_purpose_is_refused_and_not_logged(world, participant):
    response = world.client("facilitator").post(
        reverse("people:state_purpose", args=[world.person.public_id, "assessment"]),
        {"purpose": "<script>alert(1)</script>"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 422
    assert "<script>alert(1)" not in response.content.decode()
    assert not AuditEntry.objects.filter(category="assessment").exists()


def test_live_search_announces_only_the_count(world):
    body = (
        world.client("prison_officer")
        .get(reverse("people:search"), {"q": "berz"}, HTTP_HX_REQUEST="true", HTTP_ACCEPT_LANGUAGE="en")
        .content.decode()
    )
    assert '<div id="search-status" hx-swap-oob="innerHTML">1 person</div>' in body
