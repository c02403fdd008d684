import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from resoc.volunteers import activities
from resoc.volunteers.models import (
    HoursClaim,
    HoursDeleteError,
    HoursStatus,
    Participation,
    Qualification,
    QualificationKind,
    VolunteerStatus,
)
from resoc.volunteers.tests.conftest import (
    agreement,
    community_activity,
    make_volunteer,
    org,
    prison_activity,
    qualify,
    take_part,
)

pytestmark = pytest.mark.django_db


def add(world, activity, volunteer):
    return activities.participation_add(
        acting=world.acting("ngo_coordinator"), activity=activity, volunteer=volunteer
    )


def refusal_messages(error):
    return " ".join(error.value.message_dict["volunteer"])


def test_a_qualified_volunteer_takes_part_in_a_prison_activity(world, mentor_volunteer):
    participation = add(world, prison_activity(world, days=3), mentor_volunteer)
    assert Participation.objects.filter(pk=participation.pk).exists()


@pytest.mark.parametrize(
    "status", [VolunteerStatus.TRAINING, VolunteerStatus.SUSPENDED, VolunteerStatus.ENDED]
)
def test_a_volunteer_who_is_not_approved_or_active_is_refused(world, status):
    volunteer = make_volunteer(world, status)
    qualify(volunteer, prison="jelgavas-cietums")
    agreement(world.ngo, "jelgavas-cietums")
    with pytest.raises(ValidationError) as refused:
        add(world, prison_activity(world, days=1), volunteer)
    assert "only approved and active" in refusal_messages(refused)
    assert not Participation.objects.exists()


def test_an_expired_background_check_is_named(world):
    volunteer = make_volunteer(world)
    qualify(volunteer, QualificationKind.TRAINING, prison="jelgavas-cietums")
    qualify(
        volunteer, QualificationKind.BACKGROUND_CHECK, valid_until=timezone.localdate() + dt.timedelta(days=2)
    )
    agreement(world.ngo, "jelgavas-cietums")
    with pytest.raises(ValidationError) as refused:
        add(world, prison_activity(world, days=5), volunteer)
    assert "Background (criminal record) check expired on" in refusal_messages(refused)


def test_missing_training_is_named_for_a_community_activity_too(world):
    volunteer = make_volunteer(world)
    qualify(volunteer, QualificationKind.BACKGROUND_CHECK)
    with pytest.raises(ValidationError) as refused:
        add(world, community_activity(world, days=1), volunteer)
    assert "Training is not recorded" in refusal_messages(refused)


def test_prison_access_to_another_prison_does_not_open_this_one(world):
    volunteer = make_volunteer(world)
    qualify(volunteer, prison="liepajas-cietums")
    agreement(world.ngo, "jelgavas-cietums", "liepajas-cietums")
    with pytest.raises(ValidationError) as refused:
        add(world, prison_activity(world, "jelgavas-cietums", days=1), volunteer)
    assert "Prison access approval is not recorded" in refusal_messages(refused)
    add(world, prison_activity(world, "liepajas-cietums", days=1), volunteer)


def test_without_an_agreement_covering_the_prison_the_ngo_volunteer_is_refused(world):
    volunteer = make_volunteer(world)
    qualify(volunteer, prison="jelgavas-cietums")
    agreement(world.ngo, "liepajas-cietums")
    with pytest.raises(ValidationError) as refused:
        add(world, prison_activity(world, days=1), volunteer)
    assert "no cooperation agreement in force" in refusal_messages(refused)


def test_an_agreement_ending_before_the_activity_refuses_it(world):
    volunteer = make_volunteer(world)
    qualify(volunteer, prison="jelgavas-cietums")
    agreement(world.ngo, "jelgavas-cietums", valid_until=timezone.localdate() + dt.timedelta(days=2))
    add(world, prison_activity(world, days=1), volunteer)
    with pytest.raises(ValidationError):
        add(world, prison_activity(world, days=4), volunteer)


def test_probation_service_volunteers_need_no_agreement(world):
    vpd = org("vpd-zemgale")
    volunteer = make_volunteer(world, organization=vpd)
    qualify(volunteer, prison="jelgavas-cietums")
    activity = prison_activity(world, organization=vpd)
    activities.participation_add(
        acting=world.acting("probation_officer"), activity=activity, volunteer=volunteer
    )


def test_every_reason_is_given_at_once(world):
    volunteer = make_volunteer(world, VolunteerStatus.SUSPENDED)
    with pytest.raises(ValidationError) as refused:
        add(world, prison_activity(world, days=1), volunteer)
    assert len(refused.value.message_dict["volunteer"]) == 5  # status, 2 qualifications, access, agreement


def test_a_volunteer_with_an_expired_approval_cannot_enter_the_prison_activity(world, mentor_volunteer):
    """Issue #5: added while the approval was in force, refused at the gate once it has expired."""
    activity = prison_activity(world, days=0)
    participation = take_part(activity, mentor_volunteer)
    Qualification.objects.filter(volunteer=mentor_volunteer, kind=QualificationKind.PRISON_ACCESS).update(
        valid_from=timezone.localdate() - dt.timedelta(days=300),
        valid_until=timezone.localdate() - dt.timedelta(days=1),
    )
    with pytest.raises(ValidationError) as refused:
        activities.check_in(acting=world.acting("mentor"), participation=participation)
    assert "Prison access approval expired on" in refusal_messages(refused)
    participation.refresh_from_db()
    assert participation.checked_in_at is None


def test_a_duplicate_participation_is_refused(world, mentor_volunteer):
    activity = prison_activity(world, days=1)
    add(world, activity, mentor_volunteer)
    with pytest.raises(ValidationError, match="already takes part"):
        add(world, activity, mentor_volunteer)


def test_check_in_out_claims_the_hours_and_a_coordinator_approves(world, mentor_volunteer):
    activity = prison_activity(world)
    participation = take_part(activity, mentor_volunteer)
    start = activity.starts_at
    activities.check_in(
        acting=world.acting("mentor"), participation=participation, at=start - dt.timedelta(minutes=10)
    )
    with pytest.raises(ValidationError, match="Already checked in"):
        activities.check_in(acting=world.acting("mentor"), participation=participation, at=start)
    claim = activities.check_out(
        acting=world.acting("mentor"), participation=participation, at=start + dt.timedelta(minutes=125)
    )
    assert claim.hours == Decimal("2.25")
    assert claim.status == HoursStatus.CLAIMED
    activities.hours_approve(acting=world.acting("ngo_coordinator"), claim=claim)
    claim.refresh_from_db()
    assert (claim.status, claim.decided_by) == (HoursStatus.APPROVED, world.users["ngo_coordinator"])


def test_check_in_is_open_only_around_the_activity(world, mentor_volunteer):
    participation = take_part(prison_activity(world, days=2), mentor_volunteer)
    with pytest.raises(ValidationError, match="an hour before"):
        activities.check_in(acting=world.acting("mentor"), participation=participation)


def test_another_volunteer_cannot_check_in_for_him(world, mentor_volunteer):
    make_volunteer(world, user=world.users["other_mentor"], given_names="Cits")
    participation = take_part(prison_activity(world), mentor_volunteer)
    with pytest.raises(PermissionDenied):
        activities.check_in(acting=world.acting("other_mentor"), participation=participation)
    with pytest.raises(PermissionDenied):
        activities.check_in(acting=world.acting("prison_officer"), participation=participation)


def _claimed(world, volunteer):
    activity = prison_activity(world)
    participation = take_part(activity, volunteer)
    activities.check_in(acting=world.acting("mentor"), participation=participation, at=activity.starts_at)
    return activities.check_out(
        acting=world.acting("mentor"), participation=participation, at=activity.ends_at
    )


def test_hours_are_declined_with_a_reason_and_never_deleted(world, mentor_volunteer):
    claim = _claimed(world, mentor_volunteer)
    with pytest.raises(ValidationError, match="why"):
        activities.hours_decline(acting=world.acting("ngo_coordinator"), claim=claim, reason=" ")
    activities.hours_decline(
        acting=world.acting("ngo_coordinator"), claim=claim, reason="Nodarbība beidzās 11:00."
    )
    with pytest.raises(HoursDeleteError):
        claim.delete()
    with pytest.raises(HoursDeleteError):
        HoursClaim.objects.all().delete()
    assert HoursClaim.objects.get(pk=claim.pk).status == HoursStatus.DECLINED
    # A corrected claim stands beside the declined one.
    again = activities.hours_claim(
        acting=world.acting("mentor"), participation=claim.participation, hours=Decimal("1.5")
    )
    assert again.status == HoursStatus.CLAIMED
    with pytest.raises(ValidationError, match="already waiting"):
        activities.hours_claim(
            acting=world.acting("mentor"), participation=claim.participation, hours=Decimal(1)
        )
    assert HoursClaim.objects.count() == 2


def test_hours_are_decided_once(world, mentor_volunteer):
    claim = _claimed(world, mentor_volunteer)
    stale = HoursClaim.objects.get(pk=claim.pk)  # a second coordinator opened the same list
    activities.hours_approve(acting=world.acting("ngo_coordinator"), claim=claim)
    with pytest.raises(ValidationError, match="already been decided"):
        activities.hours_decline(acting=world.acting("ngo_coordinator"), claim=stale, reason="Par daudz")
    assert HoursClaim.objects.get(pk=claim.pk).status == HoursStatus.APPROVED


@pytest.mark.parametrize("persona", ["mentor", "prison_officer", "probation_officer"])
def test_only_coordinators_decide_hours(world, mentor_volunteer, persona):
    claim = _claimed(world, mentor_volunteer)
    with pytest.raises(PermissionDenied):
        activities.hours_approve(acting=world.acting(persona), claim=claim)
    assert HoursClaim.objects.get(pk=claim.pk).status == HoursStatus.CLAIMED


def test_an_activity_in_prison_needs_a_prison_and_ends_after_it_starts(world):
    now = timezone.now()
    with pytest.raises(ValidationError) as refused:
        activities.activity_create(
            acting=world.acting("ngo_coordinator"),
            organization=world.ngo,
            title="Grupa",
            setting="prison",
            prison=org("vpd-zemgale"),
            starts_at=now,
            ends_at=now,
        )
    assert set(refused.value.message_dict) == {"prison", "ends_at"}


def test_a_cancelled_activity_keeps_its_volunteers_out(world, mentor_volunteer):
    activity = prison_activity(world)
    participation = take_part(activity, mentor_volunteer)
    with pytest.raises(ValidationError, match="why"):
        activities.activity_cancel(acting=world.acting("ngo_coordinator"), activity=activity, reason="")
    with pytest.raises(PermissionDenied):
        activities.activity_cancel(acting=world.acting("mentor"), activity=activity, reason="Slims")
    activities.activity_cancel(
        acting=world.acting("ngo_coordinator"), activity=activity, reason="Karantīna cietumā"
    )
    with pytest.raises(ValidationError, match="cancelled"):
        activities.check_in(acting=world.acting("mentor"), participation=participation)
    with pytest.raises(ValidationError, match="cancelled"):
        activities.activity_cancel(
            acting=world.acting("ngo_coordinator"), activity=activity, reason="Vēlreiz"
        )
    assert Participation.objects.filter(pk=participation.pk).exists()
