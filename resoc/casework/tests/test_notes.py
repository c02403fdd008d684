"""Case notes: writing, the author's 24 hours, corrections, who reads which note, timeline and audit."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from conftest import add_consent, add_relationship
from resoc.audit.models import AuditAction, AuditEntry
from resoc.casework import services
from resoc.casework.models import CaseNote
from resoc.casework.tests.conftest import logged_in
from resoc.people.models import PersonEvent


def write(world, persona="prison_officer", category="case_notes", text="Saruna par darbu", **kwargs):
    return services.case_note_write(
        acting=world.acting(persona),
        person=kwargs.pop("person", world.person),
        category=category,
        kind=kwargs.pop("kind", "conversation"),
        text=text,
        occurred_at=kwargs.pop("occurred_at", timezone.now() - dt.timedelta(hours=1)),
        **kwargs,
    )


def snapshot():
    return (
        list(CaseNote.objects.values_list("pk", "category", "kind", "text")),
        PersonEvent.objects.filter(type__startswith="case_note").count(),
        AuditEntry.objects.filter(record_type="case_note").exclude(action=AuditAction.DENIED).count(),
    )


def test_writing_a_note_files_it_with_an_event_and_an_audit_entry(world):
    note = write(world, category="health", kind="observation", text="Sūdzas par miega traucējumiem")
    assert note.organization.code == "jelgavas-cietums"
    event = PersonEvent.objects.get(type="case_note_observation")
    assert event.category == "health"  # the timeline shows it to health readers only
    assert "text" not in event.parameters
    entry = AuditEntry.objects.get(action=AuditAction.CREATE, record_type="case_note")
    assert (entry.category, entry.person_public_id) == ("health", world.person.public_id)


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"category": "nonsense"}, "category"),
        ({"kind": "gossip"}, "kind"),
        ({"text": "   "}, "text"),
        ({"occurred_at": timezone.now() + dt.timedelta(days=1)}, "occurred_at"),
        ({"occurred_at": timezone.now() - dt.timedelta(days=366 * 6)}, "occurred_at"),
        ({"text": "<script>alert(1)</script>"}, "text"),
    ],
)
def test_bad_input_is_refused_and_nothing_is_stored(world, changes, field):
    before = snapshot()
    with pytest.raises(ValidationError) as error:
        write(world, **changes)
    assert field in error.value.message_dict
    assert snapshot() == before


def test_a_category_the_writer_may_not_read_is_refused(world):
    add_relationship(world.person, "nva-jelgava", "client")
    before = snapshot()
    with pytest.raises(ValidationError) as error:
        write(world, persona="career_consultant", category="health")
    assert "category" in error.value.message_dict
    assert snapshot() == before
    assert write(world, persona="career_consultant", category="education_employment").pk


@pytest.mark.parametrize("persona", ["other_prison_officer", "analyst", "auditor", "system_admin"])
def test_persons_outside_the_caseload_cannot_be_written_about(world, persona):
    before = snapshot()
    with pytest.raises(PermissionDenied):
        write(world, persona=persona)
    assert snapshot() == before


def test_the_author_may_change_a_note_within_24_hours_only(world):
    note = write(world)
    changed = services.case_note_edit(
        acting=world.acting("prison_officer"),
        note=note,
        category="family",
        kind="phone_call",
        text="Zvans mātei",
        occurred_at=note.occurred_at,
    )
    assert (changed.category, changed.kind, changed.text) == ("family", "phone_call", "Zvans mātei")
    event = PersonEvent.objects.get(parameters__note=str(note.public_id))
    assert (event.type, event.category) == ("case_note_phone_call", "family")
    update = AuditEntry.objects.get(action=AuditAction.UPDATE, record_type="case_note")
    assert update.detail["fields"] == ["category", "kind", "text"]

    CaseNote.objects.filter(pk=note.pk).update(created_at=timezone.now() - dt.timedelta(hours=25))
    note.refresh_from_db()
    with pytest.raises(PermissionDenied):
        services.case_note_edit(
            acting=world.acting("prison_officer"),
            note=note,
            category="family",
            kind="phone_call",
            text="Vēlāk labots",
            occurred_at=note.occurred_at,
        )
    assert CaseNote.objects.get(pk=note.pk).text == "Zvans mātei"


def test_only_the_author_may_change_a_note(world):
    from resoc.access.models import Membership, User
    from resoc.access.roles import Role
    from resoc.organizations.models import Organization

    colleague = User.objects.create_user(username="colleague", password="a-long-test-password-1")
    Membership.objects.create(
        user=colleague,
        organization=Organization.objects.get(code="jelgavas-cietums"),
        role=Role.RESOCIALIZATION_OFFICER,
    )
    note = write(world)
    from resoc.access.context import acting_for

    with pytest.raises(PermissionDenied):
        services.case_note_edit(
            acting=acting_for(colleague),
            note=note,
            category="case_notes",
            kind="conversation",
            text="Cits teksts",
            occurred_at=note.occurred_at,
        )
    # A colleague of the same organization corrects it with a new note instead.
    correction = services.case_note_write(
        acting=acting_for(colleague),
        person=world.person,
        category="family",  # ignored: a correction keeps the original's category
        kind="conversation",
        text="Precizējums: saruna bija par izglītību",
        occurred_at=timezone.now(),
        corrects=note,
    )
    assert correction.corrects == note
    assert correction.category == "case_notes"
    assert PersonEvent.objects.filter(type="case_note_correction").exists()


def test_another_organization_may_not_correct_a_note(world):
    note = write(world)
    add_relationship(world.person, "vpd-zemgale", "supervision")
    with pytest.raises(PermissionDenied):
        write(world, persona="probation_officer", corrects=note)


def test_notes_of_other_organizations_are_read_under_their_category(world):
    add_relationship(world.person, "vpd-zemgale", "supervision")
    add_relationship(world.person, "nva-jelgava", "client")
    write(world, category="health", text="Veselības novērojums")
    write(world, category="education_employment", text="Grib mācīties metinātāja arodu")
    probation = logged_in(world, "probation_officer").get(
        reverse("casework:notes", args=[world.person.public_id])
    )
    assert "Veselības novērojums" in probation.content.decode()  # the shared picture of the person
    career = logged_in(world, "career_consultant").get(
        reverse("casework:notes", args=[world.person.public_id])
    )
    html = career.content.decode()
    assert "Grib mācīties metinātāja arodu" in html
    assert "Veselības novērojums" not in html
    reads = AuditEntry.objects.filter(
        action=AuditAction.VIEW, record_type="case_note", role="career_consultant"
    )
    assert list(reads.values_list("category", flat=True)) == ["education_employment"]


def test_sensitive_notes_wait_for_a_stated_purpose(world):
    add_relationship(world.person, "jelgava-social", "client")
    write(world, category="health", text="Veselības novērojums")
    client = logged_in(world, "social_worker")
    url = reverse("casework:notes", args=[world.person.public_id])
    html = client.get(url).content.decode()
    assert "Veselības novērojums" not in html
    assert "state your purpose" in html
    client.post(
        reverse("people:state_purpose", args=[world.person.public_id, "health"]),
        {"purpose": "Mājokļa atbalsts"},
    )
    assert "Veselības novērojums" in client.get(url).content.decode()
    read = AuditEntry.objects.filter(
        action=AuditAction.VIEW, record_type="case_note", category="health"
    ).get()
    assert read.purpose == "Mājokļa atbalsts"


def test_an_ngo_reads_notes_only_with_consent(world):
    add_relationship(world.person, "test-ngo", "client")
    write(world, category="family", text="Ģimenes apciemojums")
    url = reverse("casework:notes", args=[world.person.public_id])
    assert logged_in(world, "ngo_coordinator").get(url).status_code == 404  # not even identity yet
    add_consent(world.person, world.ngo, ["identity"])
    assert "Ģimenes apciemojums" not in logged_in(world, "ngo_coordinator").get(url).content.decode()
    add_consent(world.person, world.ngo, ["identity", "family"])
    assert "Ģimenes apciemojums" in logged_in(world, "ngo_coordinator").get(url).content.decode()


def test_a_person_outside_the_caseload_answers_404_and_is_audited(world):
    url = reverse("casework:notes", args=[world.person.public_id])
    assert logged_in(world, "other_prison_officer").get(url).status_code == 404
    assert AuditEntry.objects.filter(
        action=AuditAction.DENIED, person_public_id=world.person.public_id
    ).exists()
    assert logged_in(world, "analyst").get(url).status_code == 403


def test_the_timeline_shows_note_events_only_to_readers_of_the_category(world):
    add_relationship(world.person, "nva-jelgava", "client")
    write(world, category="health", kind="incident")
    write(world, category="education_employment", kind="visit")
    officer = logged_in(world, "prison_officer").get(reverse("people:detail", args=[world.person.public_id]))
    html = officer.content.decode()
    assert "Case note: incident" in html
    assert "Case note: visit" in html
    career = logged_in(world, "career_consultant").get(
        reverse("people:detail", args=[world.person.public_id])
    )
    html = career.content.decode()
    assert "Case note: visit" in html
    assert "Case note: incident" not in html


def test_the_case_file_section_lists_notes_and_adds_one_with_htmx(world):
    write(world, text="Pirmā piezīme")
    client = logged_in(world, "prison_officer")
    page = client.get(reverse("people:detail", args=[world.person.public_id])).content.decode()
    assert 'id="section-case_notes"' in page
    assert "Pirmā piezīme" in page
    assert 'hx-post="/casework/persons/' in page
    assert '<select name="note-category"' in page
    url = reverse("casework:notes", args=[world.person.public_id])
    now = timezone.localtime().strftime("%Y-%m-%dT%H:%M")
    response = client.post(
        url,
        {
            "note-category": "case_notes",
            "note-kind": "phone_call",
            "note-occurred_at": now,
            "note-text": "Otrā",
        },
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" not in html
    assert "Otrā" in html
    assert "Pirmā piezīme" in html
    bad = client.post(
        url,
        {"note-category": "case_notes", "note-kind": "phone_call", "note-occurred_at": now, "note-text": ""},
        headers={"HX-Request": "true"},
    )
    assert bad.status_code == 422
    assert "This field is required." in bad.content.decode()
    assert CaseNote.objects.count() == 2


def test_the_category_select_offers_only_categories_the_user_may_write(world):
    add_relationship(world.person, "nva-jelgava", "client")
    html = (
        logged_in(world, "career_consultant")
        .get(reverse("casework:notes", args=[world.person.public_id]))
        .content.decode()
    )
    assert 'value="education_employment"' in html
    assert 'value="identity"' in html
    assert 'value="health"' not in html
    assert 'value="case_notes"' not in html


def test_the_notes_page_edits_and_corrects(world):
    note = write(world, text="Sākotnējā")
    client = logged_in(world, "prison_officer")
    notes_url = reverse("casework:notes", args=[world.person.public_id])
    html = client.get(notes_url).content.decode()
    assert reverse("casework:edit_note", args=[note.public_id]) in html
    now = timezone.localtime().strftime("%Y-%m-%dT%H:%M")
    form = {
        "note-category": "case_notes",
        "note-kind": "visit",
        "note-occurred_at": now,
        "note-text": "Labotā",
    }
    response = client.post(reverse("casework:edit_note", args=[note.public_id]), form)
    assert response.status_code == 302
    assert CaseNote.objects.get(pk=note.pk).text == "Labotā"
    response = client.post(
        reverse("casework:correct_note", args=[note.public_id]), {**form, "note-text": "Precizēts"}
    )
    assert response.status_code == 302
    assert CaseNote.objects.get(corrects=note).text == "Precizēts"
    assert "corrected by a later note" in client.get(notes_url).content.decode()
    # Another user may not open the author's edit form.
    add_relationship(world.person, "vpd-zemgale", "supervision")
    probation = logged_in(world, "probation_officer")
    assert probation.get(reverse("casework:edit_note", args=[note.public_id])).status_code == 403
    assert probation.get(reverse("casework:correct_note", args=[note.public_id])).status_code == 403
    assert (
        logged_in(world, "other_prison_officer")
        .get(reverse("casework:edit_note", args=[note.public_id]))
        .status_code
        == 404
    )


def test_notes_follow_the_person_when_a_duplicate_is_merged(world):
    from resoc.people import services as people_services
    from resoc.people.models import Person

    duplicate = Person.objects.create(given_names="Jānis", family_name="Bērziņš", sex="male")
    add_relationship(duplicate, "jelgavas-cietums", "custody")
    note = write(world, person=duplicate, text="Piezīme dublikātā")
    people_services.person_merge(
        acting=world.acting("prison_officer"), survivor=world.person, duplicate=duplicate
    )
    note.refresh_from_db()
    assert note.person == world.person
