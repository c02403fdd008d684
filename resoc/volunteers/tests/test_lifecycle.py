import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone, translation

from resoc.access.context import acting_for
from resoc.access.models import Membership, User
from resoc.access.roles import Role
from resoc.audit.models import AuditEntry
from resoc.volunteers import services
from resoc.volunteers.models import (
    QualificationKind,
    ScreeningOutcome,
    ScreeningStep,
    StatusChange,
    Volunteer,
    VolunteerKind,
    VolunteerStatus,
)
from resoc.volunteers.tests.conftest import make_volunteer, org, qualify

pytestmark = pytest.mark.django_db
S = VolunteerStatus


def screen_all(world, volunteer, **criminal):
    coordinator = world.acting("ngo_coordinator")
    for step in (ScreeningStep.INTERVIEW, ScreeningStep.REFERENCES):
        services.screening_record(
            acting=coordinator,
            volunteer=volunteer,
            step=step,
            outcome="suitable",
            done_on=timezone.localdate(),
        )
    services.screening_record(
        acting=coordinator,
        volunteer=volunteer,
        step=ScreeningStep.CRIMINAL_RECORD,
        outcome=criminal.get("outcome", "suitable"),
        done_on=timezone.localdate(),
        has_convictions=criminal.get("has_convictions", False),
        justification=criminal.get("justification", "Izziņa bez sodāmības."),
    )


def move(world, volunteer, to, **kwargs):
    return services.volunteer_transition(
        acting=world.acting("ngo_coordinator"), volunteer=volunteer, to_status=to, **kwargs
    )


def test_a_peer_mentor_goes_from_application_to_the_end_with_history(world):
    coordinator = world.acting("ngo_coordinator")
    volunteer = services.volunteer_apply(
        acting=coordinator,
        organization=world.ngo,
        kind=VolunteerKind.PEER_MENTOR,
        given_names="Raimonds",
        family_name="Liepa",
        sex="male",
        email="raimonds@example.lv",
        lived_experience=True,
    )
    move(world, volunteer, S.SCREENING)
    # A past conviction of his own: found suitable, and the coordinator writes down why.
    screen_all(
        world,
        volunteer,
        has_convictions=True,
        justification="Sods izcietts 2015. gadā; ilgstoši stabils, iesaka VPD.",
    )
    move(world, volunteer, S.TRAINING)
    qualify(volunteer)
    move(world, volunteer, S.APPROVED, username="raimonds", password="a-long-volunteer-password-9")
    volunteer.refresh_from_db()
    account = volunteer.user
    assert account is not None
    assert account.username == "raimonds"
    assert account.check_password("a-long-volunteer-password-9")
    membership = Membership.objects.get(user=account)
    assert (membership.organization, membership.role, membership.is_active) == (
        world.ngo,
        Role.VOLUNTEER,
        True,
    )
    assert acting_for(account).membership == membership
    move(world, volunteer, S.ACTIVE)
    move(world, volunteer, S.SUSPENDED, reason="Neieradās uz trim nodarbībām.")
    membership.refresh_from_db()
    assert not membership.is_active
    assert acting_for(account).membership is None  # access stops at once
    move(world, volunteer, S.ACTIVE)
    assert acting_for(account).membership == membership
    move(world, volunteer, S.ENDED, reason="Pārcēlās uz citu pilsētu.")
    assert acting_for(account).membership is None
    history = list(
        StatusChange.objects.filter(volunteer=volunteer).values_list("from_status", "to_status", "reason")
    )
    assert [h[1] for h in history] == [
        S.APPLICATION,
        S.SCREENING,
        S.TRAINING,
        S.APPROVED,
        S.ACTIVE,
        S.SUSPENDED,
        S.ACTIVE,
        S.ENDED,
    ]
    assert history[-1] == (S.ACTIVE, S.ENDED, "Pārcēlās uz citu pilsētu.")
    assert (
        StatusChange.objects.filter(volunteer=volunteer, changed_by=world.users["ngo_coordinator"]).count()
        == 8
    )
    assert (
        AuditEntry.objects.filter(record_type="volunteer", record_id=str(volunteer.public_id)).count() == 11
    )


def test_a_move_out_of_order_is_refused_in_latvian_and_nothing_is_written(world):
    volunteer = make_volunteer(world, S.APPLICATION)
    before = StatusChange.objects.count()
    with translation.override("lv"), pytest.raises(ValidationError) as refused:
        move(world, volunteer, S.APPROVED, username="x", password="a-long-volunteer-password-9")
    message = refused.value.message_dict["status"][0]
    assert "Pieteikums" in message
    assert "Apstiprināts" in message
    volunteer.refresh_from_db()
    assert volunteer.status == S.APPLICATION
    assert volunteer.user is None
    assert StatusChange.objects.count() == before
    assert not User.objects.filter(username="x").exists()


@pytest.mark.parametrize(
    ("status", "target"),
    [(S.ENDED, S.ACTIVE), (S.APPLICATION, S.TRAINING), (S.SCREENING, S.ACTIVE), (S.SUSPENDED, S.APPROVED)],
)
def test_moves_that_skip_a_step_or_reopen_the_end_are_refused(world, status, target):
    volunteer = make_volunteer(world, status)
    with pytest.raises(ValidationError):
        move(world, volunteer, target, reason="x")
    volunteer.refresh_from_db()
    assert volunteer.status == status


def test_training_waits_for_a_complete_and_suitable_screening(world):
    volunteer = make_volunteer(world, S.SCREENING)
    with pytest.raises(ValidationError, match="not complete"):
        move(world, volunteer, S.TRAINING)
    screen_all(world, volunteer, outcome=ScreeningOutcome.NOT_SUITABLE, justification="Nepatiesas ziņas.")
    with pytest.raises(ValidationError, match="not suitable"):
        move(world, volunteer, S.TRAINING)
    services.screening_record(
        acting=world.acting("ngo_coordinator"),
        volunteer=volunteer,
        step=ScreeningStep.CRIMINAL_RECORD,
        outcome="suitable",
        done_on=timezone.localdate(),
        justification="Pārbaude atkārtota: kļūda reģistrā.",
    )
    move(world, volunteer, S.TRAINING)


def test_the_criminal_record_decision_needs_a_justification(world):
    volunteer = make_volunteer(world, S.SCREENING)
    with pytest.raises(ValidationError) as refused:
        services.screening_record(
            acting=world.acting("ngo_coordinator"),
            volunteer=volunteer,
            step=ScreeningStep.CRIMINAL_RECORD,
            outcome="suitable",
            done_on=timezone.localdate(),
            has_convictions=True,
        )
    assert "justification" in refused.value.message_dict
    assert not volunteer.screening.exists()


def test_screening_is_recorded_only_in_screening(world):
    volunteer = make_volunteer(world, S.APPLICATION)
    with pytest.raises(ValidationError):
        services.screening_record(
            acting=world.acting("ngo_coordinator"),
            volunteer=volunteer,
            step=ScreeningStep.INTERVIEW,
            outcome="suitable",
            done_on=timezone.localdate(),
        )


def test_suspension_and_end_need_a_reason(world):
    volunteer = make_volunteer(world, S.ACTIVE, user=world.users["mentor"])
    for target in (S.SUSPENDED, S.ENDED):
        with pytest.raises(ValidationError, match="reason"):
            move(world, volunteer, target, reason="  ")
    assert Volunteer.objects.get(pk=volunteer.pk).status == S.ACTIVE


def test_approval_needs_a_background_check_and_training_in_force(world):
    volunteer = make_volunteer(world, S.TRAINING)
    qualify(volunteer, QualificationKind.TRAINING)
    qualify(
        volunteer,
        QualificationKind.BACKGROUND_CHECK,
        valid_from=timezone.localdate() - dt.timedelta(days=400),
        valid_until=timezone.localdate() - dt.timedelta(days=1),
    )
    with pytest.raises(ValidationError, match="expired"):
        move(world, volunteer, S.APPROVED, username="anna", password="a-long-volunteer-password-9")
    assert not User.objects.filter(username="anna").exists()


def test_approval_links_an_existing_account_but_not_one_of_another_volunteer(world):
    taken = make_volunteer(world, S.ACTIVE, user=world.users["mentor"])
    volunteer = make_volunteer(world, S.TRAINING, given_names="Ilze")
    qualify(volunteer)
    with pytest.raises(ValidationError) as refused:
        move(world, volunteer, S.APPROVED, username="mentor")
    assert "username" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        move(world, volunteer, S.APPROVED, username="new-one")
    assert "password" in refused.value.message_dict
    move(world, volunteer, S.APPROVED, username="other_mentor")
    volunteer.refresh_from_db()
    assert volunteer.user == world.users["other_mentor"]
    assert taken.user == world.users["mentor"]


@pytest.mark.parametrize(
    "persona", ["mentor", "prison_officer", "probation_officer", "analyst", "social_worker"]
)
def test_only_the_organizations_coordinators_change_volunteers(world, persona):
    volunteer = make_volunteer(world, S.APPLICATION)
    with pytest.raises(PermissionDenied):
        services.volunteer_transition(
            acting=world.acting(persona), volunteer=volunteer, to_status=S.SCREENING
        )
    assert Volunteer.objects.get(pk=volunteer.pk).status == S.APPLICATION


def test_a_coordinator_of_another_ngo_is_refused(world):
    from resoc.organizations.models import Organization, OrganizationType

    other = Organization.objects.create(code="other-ngo", name="Cita biedrība", type=OrganizationType.NGO)
    volunteer = make_volunteer(world, S.APPLICATION, organization=other)
    with pytest.raises(PermissionDenied):
        move(world, volunteer, S.SCREENING)


def test_probation_officers_manage_the_probation_services_own_volunteers(world):
    volunteer = make_volunteer(world, S.APPLICATION, organization=org("vpd-zemgale"))
    services.volunteer_transition(
        acting=world.acting("probation_officer"), volunteer=volunteer, to_status=S.SCREENING
    )
    assert Volunteer.objects.get(pk=volunteer.pk).status == S.SCREENING


def test_a_year_of_birth_under_sixteen_is_refused(world):
    with pytest.raises(ValidationError) as refused:
        services.volunteer_apply(
            acting=world.acting("ngo_coordinator"),
            organization=world.ngo,
            kind=VolunteerKind.VOLUNTEER,
            given_names="Ieva",
            family_name="Kalna",
            sex="female",
            year_of_birth=timezone.localdate().year - 10,
        )
    assert "year_of_birth" in refused.value.message_dict
    assert not Volunteer.objects.exists()


def test_other_apps_hear_of_each_move_inside_its_transaction(world):
    from resoc.volunteers.services import _STATUS_HANDLERS, register_status_handler

    heard = []

    def handler(acting, volunteer, before, after):
        heard.append((before, after))
        if after == S.ENDED:
            raise ValidationError("mentoring refuses")

    register_status_handler(handler)
    try:
        volunteer = make_volunteer(world, S.ACTIVE, user=world.users["mentor"])
        move(world, volunteer, S.SUSPENDED, reason="Atvaļinājums")
        with pytest.raises(ValidationError):
            move(world, volunteer, S.ENDED, reason="Beidz")
    finally:
        _STATUS_HANDLERS.remove(handler)
    assert heard == [(S.ACTIVE, S.SUSPENDED), (S.SUSPENDED, S.ENDED)]
    assert Volunteer.objects.get(pk=volunteer.pk).status == S.SUSPENDED  # the refused end left nothing
