"""The relationship rows derived from the periods, and what the access policy makes of them."""

from django.urls import reverse

from conftest import add_relationship
from resoc.access import policy
from resoc.people.models import Relationship
from resoc.sentences import services
from resoc.sentences.tests.conftest import days, org


def _rows(person):
    return sorted(
        (r.kind, r.organization.code, r.starts_on, r.ends_on)
        for r in Relationship.objects.filter(person=person, source="sentences").select_related("organization")
    )


def _status(world, persona):
    return world.client(persona).get(reverse("people:detail", args=[world.person.public_id])).status_code


def test_custody_supervision_and_preparation_rows_follow_the_periods(world, held):
    prison = world.acting("prison_officer")
    services.sentence_record(
        acting=prison,
        person=world.person,
        court="Zemgales rajona tiesa",
        starts_on=days(-400),
        ends_on=days(100),
        release_probation_unit=org("vpd-zemgale"),
    )
    services.custody_transfer(
        acting=prison, person=world.person, to_prison=org("jekabpils-cietums"), transferred_on=days(-50)
    )
    services.person_release(
        acting=world.acting("other_prison_officer"),
        person=world.person,
        released_on=days(0),
        reason="conditional_early",
    )
    services.probation_start(
        acting=world.acting("probation_officer"),
        person=world.person,
        probation_unit=org("vpd-zemgale"),
        starts_on=days(0),
    )
    assert _rows(world.person) == [
        ("custody", "jekabpils-cietums", days(-50), days(0)),
        ("custody", "jelgavas-cietums", days(-100), days(-50)),
        # The receiving unit keeps a handover period after the release.
        ("release_preparation", "vpd-zemgale", days(100 - 180), days(services.RELEASE_HANDOVER_DAYS)),
        ("supervision", "vpd-zemgale", days(0), None),
    ]


def test_sync_is_idempotent_and_leaves_other_sources_alone(world, held):
    registration = add_relationship(world.person, "test-ngo", "referral", source="referrals")
    before = list(Relationship.objects.order_by("pk").values_list("pk", "kind", "starts_on", "ends_on"))
    services.sync_relationships(person=world.person)
    services.sync_relationships(person=world.person)
    assert (
        list(Relationship.objects.order_by("pk").values_list("pk", "kind", "starts_on", "ends_on")) == before
    )
    assert Relationship.objects.filter(pk=registration.pk).exists()


def test_sync_repairs_rows_changed_by_hand(world, held):
    Relationship.objects.filter(source="sentences").update(ends_on=days(-1))
    add_relationship(world.person, "valmieras-cietums", "custody", source="sentences")
    services.sync_relationships(person=world.person)
    assert _rows(world.person) == [("custody", "jelgavas-cietums", days(-100), None)]


def test_preparation_window_length_is_a_setting(world, held, settings):
    settings.RELEASE_PREPARATION_DAYS = 30
    services.sentence_record(
        acting=world.acting("prison_officer"),
        person=world.person,
        court="Tiesa",
        starts_on=days(-400),
        ends_on=days(100),
        release_probation_unit=org("vpd-zemgale"),
    )
    assert ("release_preparation", "vpd-zemgale", days(70), None) in _rows(world.person)


def test_another_prisons_officer_cannot_see_the_person(world, held):
    assert _status(world, "prison_officer") == 200
    assert _status(world, "other_prison_officer") == 404


def test_after_a_transfer_the_old_prison_loses_and_the_new_one_gains_access(world, held):
    services.custody_transfer(
        acting=world.acting("prison_officer"),
        person=world.person,
        to_prison=org("jekabpils-cietums"),
        transferred_on=days(-1),
    )
    assert _status(world, "prison_officer") == 404
    assert _status(world, "other_prison_officer") == 200


def test_transfer_today_leaves_both_prisons_the_day_of_the_handover(world, held):
    services.custody_transfer(
        acting=world.acting("prison_officer"),
        person=world.person,
        to_prison=org("jekabpils-cietums"),
        transferred_on=days(0),
    )
    assert _status(world, "prison_officer") == 200
    assert _status(world, "other_prison_officer") == 200


def test_probation_officer_sees_a_prisoner_only_inside_the_preparation_window(world, held, settings):
    services.sentence_record(
        acting=world.acting("prison_officer"),
        person=world.person,
        court="Zemgales rajona tiesa",
        starts_on=days(-400),
        ends_on=days(100),
        release_probation_unit=org("vpd-zemgale"),
    )
    settings.RELEASE_PREPARATION_DAYS = 99  # the window opens tomorrow
    services.sync_relationships(person=world.person)
    assert _status(world, "probation_officer") == 404
    settings.RELEASE_PREPARATION_DAYS = 100  # it opens today
    services.sync_relationships(person=world.person)
    assert _status(world, "probation_officer") == 200


def test_after_release_the_prisons_access_ends(world, held):
    services.person_release(
        acting=world.acting("prison_officer"),
        person=world.person,
        released_on=days(-1),
        reason="end_of_sentence",
    )
    assert _status(world, "prison_officer") == 404


def test_release_before_the_window_makes_no_preparation_row(world, held):
    prison = world.acting("prison_officer")
    services.sentence_record(
        acting=prison,
        person=world.person,
        court="Tiesa",
        starts_on=days(-400),
        ends_on=days(400),
        release_probation_unit=org("vpd-zemgale"),
    )
    services.person_release(acting=prison, person=world.person, released_on=days(-1), reason="pardon")
    assert [row[0] for row in _rows(world.person)] == ["custody"]


def test_the_provisional_registration_row_ends_once_periods_exist(world, held):
    provisional = add_relationship(
        world.person, "jekabpils-cietums", "custody", source="registration", starts_on=days(-200)
    )
    services.sync_relationships(person=world.person)
    provisional.refresh_from_db()
    assert provisional.ends_on == days(-101)  # the day before the first custody period began
    assert not policy.can_read(world.acting("other_prison_officer"), world.person, "identity")
