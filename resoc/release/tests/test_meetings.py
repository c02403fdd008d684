"""When a meeting is required, and recording meetings with their follow-up tasks."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from resoc.assessments.models import Assessment
from resoc.organizations.models import Organization, OrganizationType
from resoc.people.models import Person, Relationship
from resoc.plans.tests.conftest import sign_assessment
from resoc.release import services
from resoc.release.models import InterInstitutionalMeeting, MeetingReason, ReleaseTask
from resoc.release.rules import adult_on, is_required, meeting_required
from resoc.release.tests.conftest import days, hold, snapshot
from resoc.sentences import services as sentence_services


def indicate(world, kind: str, person: Person | None = None) -> None:
    services.indicator_record(
        acting=world.acting("prison_officer"),
        person=person or world.person,
        kind=kind,
        source="Zemgales rajona tiesas spriedums 12.03.2024",
        noted_on=days(-1),
    )


def record(world, persona: str = "prison_officer", **kwargs):
    arguments = {
        "held_on": days(-1),
        "place": "Jelgavas cietums",
        "reasons": [MeetingReason.SERIOUS_VIOLENT_OFFENCE],
        "participants": ["jelgavas-cietums", "vpd-zemgale"],
        "participant_names": "I. Ozola, VPD\nJ. Kalns, Valsts policija",
        "decisions": "Uzraudzība ar elektronisko monitoringu",
        **kwargs,
    }
    return services.meeting_record(acting=world.acting(persona), person=world.person, **arguments)


def test_nothing_recorded_means_no_meeting(world, held):
    assert meeting_required(world.person) == []


@pytest.mark.parametrize(
    ("kind", "reason", "required"),
    [
        ("serious_violent_offence", MeetingReason.SERIOUS_VIOLENT_OFFENCE, True),
        ("sexual_offence", MeetingReason.SEXUAL_OFFENCE, True),
        ("radicalisation", MeetingReason.RADICALISATION, True),
        ("mental_health", MeetingReason.MENTAL_HEALTH, False),
    ],
)
def test_indicators_make_a_meeting_required_or_possible(world, held, kind, reason, required):
    indicate(world, kind)
    reasons = meeting_required(world.person)
    assert reasons == [reason]
    assert is_required(reasons) is required


def test_very_high_risk_makes_a_meeting_possible(world, held):
    assessment = sign_assessment(world)
    Assessment.objects.filter(pk=assessment.pk).update(risk_level="very_high")
    reasons = meeting_required(world.person)
    assert reasons == [MeetingReason.VERY_HIGH_RISK]
    assert not is_required(reasons)


def test_a_juvenile_released_into_probation_needs_a_meeting(world):
    # 17 years old when released in 100 days: probation starts before the 18th birthday.
    young = Person.objects.create(
        given_names="Kārlis",
        family_name="Jaunais",
        sex="male",
        date_of_birth=days(100) - dt.timedelta(days=17 * 365),
    )
    hold(world, young)
    assert meeting_required(young) == [MeetingReason.JUVENILE_PROBATION]
    adult = Person.objects.create(
        given_names="Pēteris", family_name="Vecais", sex="male", date_of_birth=days(-20 * 365)
    )
    hold(world, adult)
    assert meeting_required(adult) == []


def test_a_juvenile_probation_client_needs_a_meeting(world):
    young = Person.objects.create(
        given_names="Kārlis", family_name="Jaunais", sex="male", date_of_birth=days(-17 * 365)
    )
    unit = Organization.objects.get(code="vpd-zemgale")
    Relationship.objects.create(person=young, organization=unit, kind="supervision", starts_on=days(-5))
    sentence_services.probation_start(
        acting=world.acting("probation_officer"), person=young, probation_unit=unit, starts_on=days(-1)
    )
    assert meeting_required(young) == [MeetingReason.JUVENILE_PROBATION]


def test_the_18th_birthday_of_a_leap_day_child():
    assert adult_on(dt.date(2008, 2, 29)) == dt.date(2026, 3, 1)


def test_a_meeting_with_follow_ups_is_recorded(world, held):
    meeting = record(
        world,
        follow_ups=[
            services.FollowUp(
                title="Informēt Valsts policiju par atbrīvošanas dienu",
                area="probation_handover",
                due_on=days(10),
                organization="vpd-zemgale",
                role="probation_officer",
            )
        ],
    )
    assert sorted(meeting.participants.values_list("code", flat=True)) == ["jelgavas-cietums", "vpd-zemgale"]
    follow_up = ReleaseTask.objects.get(meeting=meeting)
    assert (follow_up.assigned_organization.code, follow_up.assigned_role) == (
        "vpd-zemgale",
        "probation_officer",
    )
    assert follow_up.offset_days is None


def test_the_state_police_takes_part_as_an_organization(world, held):
    meeting = record(world, participants=["jelgavas-cietums", "vpd-zemgale", "valsts-policija"])
    assert meeting.participants.get(code="valsts-policija").type == "police"


def test_a_planned_meeting_may_not_have_decisions(world, held):
    before = snapshot()
    with pytest.raises(ValidationError) as error:
        record(world, held_on=days(5))
    assert error.value.error_dict["decisions"][0].code == "future_decisions"
    assert snapshot() == before
    planned = record(world, held_on=days(5), decisions="")
    assert planned.decisions == ""


def test_an_unknown_participant_is_refused_and_nothing_is_stored(world, held):
    Organization.objects.create(code="slegta", name="Slēgta", type=OrganizationType.NGO, is_active=False)
    before = snapshot()
    for codes in (["jelgavas-cietums", "nav-tadas"], ["jelgavas-cietums", "slegta"]):
        with pytest.raises(ValidationError) as error:
            record(world, participants=codes)
        assert error.value.error_dict["participants"][0].code == "unknown_organization"
    with pytest.raises(ValidationError) as error:
        record(world, participants=["jelgavas-cietums"])
    assert error.value.error_dict["participants"][0].code == "too_few"
    with pytest.raises(ValidationError):
        record(
            world,
            follow_ups=[
                services.FollowUp(
                    title="X", area="health", due_on=days(3), organization="nav-tadas", role="social_worker"
                )
            ],
        )
    assert snapshot() == before
    assert InterInstitutionalMeeting.objects.count() == 0


@pytest.mark.parametrize(
    "persona", ["other_prison_officer", "mentor", "analyst", "social_worker", "career_consultant"]
)
def test_only_officers_who_read_the_sentence_record_meetings(world, held, persona):
    before = snapshot()
    with pytest.raises(PermissionDenied):
        record(world, persona)
    with pytest.raises(PermissionDenied):
        services.indicator_record(
            acting=world.acting(persona),
            person=world.person,
            kind="radicalisation",
            source="X",
            noted_on=days(0),
        )
    assert snapshot() == before


def test_the_probation_officer_records_a_meeting_within_the_window(world, held):
    meeting = record(world, "probation_officer")
    assert meeting.organization.code == "vpd-zemgale"
