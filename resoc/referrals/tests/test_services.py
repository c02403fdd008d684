import datetime as dt

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone, translation

from conftest import add_consent
from resoc.access import policy
from resoc.access.models import Membership, User
from resoc.access.roles import Role
from resoc.audit.models import AuditEntry
from resoc.community.models import CooperationAgreement
from resoc.organizations.models import Organization, OrganizationType
from resoc.people.models import PersonEvent, Relationship
from resoc.referrals import services
from resoc.referrals.holidays import add_working_days
from resoc.referrals.models import Notification, Referral, State, Transition
from resoc.referrals.tests.conftest import org, refer

pytestmark = pytest.mark.django_db


def test_a_prison_refers_to_an_ngo_and_the_ngo_gets_the_person(ready, django_capture_on_commit_callbacks):
    ready.users["ngo_coordinator"].email = "ilze@example.org"
    ready.users["ngo_coordinator"].save()
    with django_capture_on_commit_callbacks(execute=True):
        referral = refer(ready)
    assert referral.state == State.SENT
    assert referral.respond_by == add_working_days(timezone.localdate(), 10)
    assert [t.to_state for t in Transition.objects.filter(referral=referral)] == ["draft", "sent"]
    rel = Relationship.objects.get(source=f"referral:{referral.public_id}")
    assert rel.kind == "referral"
    assert rel.organization == ready.ngo
    assert rel.ends_on is None
    assert policy.can_read(ready.acting("ngo_coordinator"), ready.person, "family")
    # Only what was consented: health is the coordinator's role but not consented.
    assert not policy.can_read(ready.acting("ngo_coordinator"), ready.person, "health")
    assert Notification.objects.filter(user=ready.users["ngo_coordinator"], kind="received").count() == 1
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["ilze@example.org"]
    assert "Bērziņš" not in mail.outbox[0].body  # e-mail names no person
    assert PersonEvent.objects.filter(person=ready.person, type="referral_sent").exists()
    assert (
        AuditEntry.objects.filter(record_type="referral", person_public_id=ready.person.public_id).count()
        == 2
    )


def test_a_referral_to_an_ngo_without_an_agreement_is_refused_and_nothing_is_written(world, consent):
    with pytest.raises(ValidationError) as raised:
        refer(world)
    assert raised.value.error_dict["receiver"][0].code == "no_agreement"
    assert not Referral.objects.exists()
    assert not Relationship.objects.filter(kind="referral").exists()


def test_an_expired_agreement_suspends_new_referrals(world, consent):
    today = timezone.localdate()
    CooperationAgreement.objects.create(
        organization=world.ngo,
        institution=org("ievp"),
        number="2024/1",
        scope="Atbalsts",
        valid_from=today - dt.timedelta(days=400),
        valid_until=today - dt.timedelta(days=1),
    )
    with pytest.raises(ValidationError) as raised:
        refer(world)
    assert raised.value.error_dict["receiver"][0].code == "no_agreement"


def test_an_agreement_with_another_prison_does_not_count(world, consent):
    CooperationAgreement.objects.create(
        organization=world.ngo,
        institution=org("liepajas-cietums"),
        number="2026/2",
        scope="Atbalsts",
        valid_from=timezone.localdate() - dt.timedelta(days=10),
    )
    with pytest.raises(ValidationError):
        refer(world)


def test_sharing_a_category_without_consent_is_refused(ready):
    with pytest.raises(ValidationError) as raised, translation.override("lv"):
        refer(ready, categories=["identity", "family", "health"])
    error = raised.value.error_dict["categories"][0]
    assert error.code == "no_consent"
    assert "Veselība" in error.messages[0] or "veselība" in error.messages[0].lower()
    assert not Referral.objects.exists()


def test_a_withdrawn_consent_does_not_cover_the_categories(ready, consent):
    consent.withdrawn_at = timezone.now()
    consent.save()
    with pytest.raises(ValidationError) as raised:
        refer(ready)
    assert raised.value.error_dict["categories"][0].code == "no_consent"


def test_identity_must_be_shared_and_categories_must_exist(ready):
    with pytest.raises(ValidationError) as raised:
        refer(ready, categories=["family"])
    assert raised.value.error_dict["categories"][0].code == "identity_required"
    with pytest.raises(ValidationError) as raised:
        refer(ready, categories=["identity", "bank_account"])
    assert raised.value.error_dict["categories"][0].code == "unknown"


def test_a_sender_who_cannot_read_the_person_is_refused(ready):
    with pytest.raises(PermissionDenied):
        refer(ready, persona="other_prison_officer")
    with pytest.raises(PermissionDenied):
        refer(ready, persona="analyst")


def test_a_referral_to_the_own_organization_is_refused(ready):
    with pytest.raises(ValidationError) as raised:
        refer(ready, receiver=org("jelgavas-cietums"))
    assert raised.value.error_dict["receiver"][0].code == "own"


def test_state_institutions_need_no_agreement_nor_consent(world):
    referral = refer(world, receiver=org("nva-jelgava"), categories=["identity", "education_employment"])
    assert referral.state == State.SENT
    assert policy.can_read(world.acting("career_consultant"), world.person, "education_employment")


def test_the_whole_path_and_the_time_in_each_state(ready):
    referral = refer(ready)
    coordinator = ready.acting("ngo_coordinator")
    services.referral_transition(acting=coordinator, referral=referral, action="accept")
    services.referral_transition(acting=coordinator, referral=referral, action="start")
    services.referral_transition(
        acting=coordinator, referral=referral, action="complete", reason="Dzīvesvieta atrasta"
    )
    referral.refresh_from_db()
    assert referral.state == State.COMPLETED
    assert referral.outcome == "Dzīvesvieta atrasta"
    assert referral.accepted_by == ready.users["ngo_coordinator"]
    assert referral.closed_at is not None
    rel = Relationship.objects.get(source=f"referral:{referral.public_id}")
    assert rel.ends_on == timezone.localdate() - dt.timedelta(days=1)
    assert not policy.can_read(coordinator, ready.person, "identity")
    kinds = set(
        Notification.objects.filter(user=ready.users["prison_officer"]).values_list("kind", flat=True)
    )
    assert kinds == {"accepted", "completed"}


def test_a_transition_out_of_order_is_refused_with_a_translated_error(ready):
    referral = refer(ready)
    with pytest.raises(ValidationError) as raised, translation.override("lv"):
        services.referral_transition(
            acting=ready.acting("ngo_coordinator"), referral=referral, action="complete", reason="Gatavs"
        )
    assert raised.value.code == "out_of_order"
    assert "Nosūtīts" in raised.value.messages[0]
    assert Referral.objects.get(pk=referral.pk).state == State.SENT


def test_the_wrong_side_cannot_act(ready):
    referral = refer(ready)
    with pytest.raises(PermissionDenied):
        services.referral_transition(
            acting=ready.acting("prison_officer"), referral=referral, action="accept"
        )
    with pytest.raises(PermissionDenied):
        services.referral_transition(
            acting=ready.acting("ngo_coordinator"), referral=referral, action="cancel"
        )
    with pytest.raises(PermissionDenied):
        services.referral_transition(acting=ready.acting("mentor"), referral=referral, action="accept")


def test_declining_needs_a_reason_and_ends_the_access(ready):
    referral = refer(ready)
    coordinator = ready.acting("ngo_coordinator")
    with pytest.raises(ValidationError) as raised:
        services.referral_transition(acting=coordinator, referral=referral, action="decline", reason="  ")
    assert raised.value.error_dict["reason"][0].code == "required"
    services.referral_transition(acting=coordinator, referral=referral, action="decline", reason="Nav vietu")
    assert Referral.objects.get(pk=referral.pk).decline_reason == "Nav vietu"
    assert not policy.can_read(coordinator, ready.person, "identity")


def test_a_second_acceptance_from_a_stale_page_names_who_accepted(ready):
    second = User.objects.create_user(username="second", first_name="Otra", last_name="Koordinatore")
    Membership.objects.create(user=second, organization=ready.ngo, role=Role.NGO_COORDINATOR)
    ready.users["second"] = second
    referral = refer(ready)
    stale = Referral.objects.get(pk=referral.pk)  # read before the first acceptance, as on an open page
    services.referral_transition(acting=ready.acting("ngo_coordinator"), referral=referral, action="accept")
    assert stale.state == State.SENT
    with pytest.raises(ValidationError) as raised:
        services.referral_transition(acting=ready.acting("second"), referral=stale, action="accept")
    assert raised.value.code == "already_accepted"
    assert "ngo_coordinator" in raised.value.messages[0]
    assert Transition.objects.filter(referral=referral, to_state="accepted").count() == 1


def test_withdrawn_consent_stops_the_receiver_at_once_and_blocks_acceptance(ready, consent):
    referral = refer(ready)
    coordinator = ready.acting("ngo_coordinator")
    assert policy.can_read(coordinator, ready.person, "identity")
    consent.withdrawn_at = timezone.now()
    consent.save()
    assert not policy.can_read(coordinator, ready.person, "identity")
    with pytest.raises(ValidationError) as raised:
        services.referral_transition(acting=coordinator, referral=referral, action="accept")
    assert raised.value.code == "consent_withdrawn"


def test_another_ngo_reads_nothing(ready):
    other = Organization.objects.create(code="other-ngo", name="Cita NVO", type=OrganizationType.NGO)
    user = User.objects.create_user(username="other-coordinator")
    Membership.objects.create(user=user, organization=other, role=Role.NGO_COORDINATOR)
    ready.users["other-coordinator"] = user
    add_consent(ready.person, other, ["identity"])
    referral = refer(ready)
    assert not policy.can_read(ready.acting("other-coordinator"), ready.person, "identity")
    with pytest.raises(PermissionDenied):
        services.referral_transition(
            acting=ready.acting("other-coordinator"), referral=referral, action="accept"
        )


def test_unanswered_referrals_expire_after_ten_working_days(ready):
    referral = refer(ready)
    due = referral.respond_by
    assert due is not None
    assert services.referrals_expire(today=due) == 0
    assert services.referrals_expire(today=due + dt.timedelta(days=1)) == 1
    referral.refresh_from_db()
    assert referral.state == State.EXPIRED
    assert Transition.objects.get(referral=referral, to_state="expired").by is None
    assert not policy.can_read(ready.acting("ngo_coordinator"), ready.person, "identity")
    assert Notification.objects.filter(user=ready.users["prison_officer"], kind="expired").exists()
    assert services.referrals_expire(today=due + dt.timedelta(days=5)) == 0


def test_receivers_are_reminded_once_before_expiry(ready):
    referral = refer(ready)
    assert referral.respond_by is not None
    day = referral.respond_by - dt.timedelta(days=1)
    assert services.referrals_remind(today=day) == 1
    assert services.referrals_remind(today=day) == 0
    assert Notification.objects.filter(kind="expiring", user=ready.users["ngo_coordinator"]).count() == 1


def test_rerouting_keeps_the_history(ready):
    referral = refer(ready)
    new = services.referral_reroute(
        acting=ready.acting("prison_officer"), referral=referral, receiver=org("jelgava-social")
    )
    referral.refresh_from_db()
    assert referral.state == State.REROUTED
    assert new.previous == referral
    assert new.state == State.SENT
    assert new.receiver_organization.code == "jelgava-social"
    assert not policy.can_read(ready.acting("ngo_coordinator"), ready.person, "identity")
    assert policy.can_read(ready.acting("social_worker"), ready.person, "family")
    with pytest.raises(ValidationError):
        services.referral_reroute(
            acting=ready.acting("prison_officer"), referral=referral, receiver=org("nva-jelgava")
        )


def test_a_declined_referral_is_rerouted_and_stays_declined(ready):
    referral = refer(ready)
    services.referral_transition(
        acting=ready.acting("ngo_coordinator"), referral=referral, action="decline", reason="Nav vietu"
    )
    new = services.referral_reroute(
        acting=ready.acting("prison_officer"), referral=referral, receiver=org("jelgava-social")
    )
    assert Referral.objects.get(pk=referral.pk).state == State.DECLINED
    assert new.previous_id == referral.pk
    with pytest.raises(ValidationError) as raised:
        services.referral_reroute(
            acting=ready.acting("prison_officer"), referral=referral, receiver=org("nva-jelgava")
        )
    assert raised.value.code == "already_rerouted"


def test_a_draft_is_not_sent_until_asked(ready):
    referral = refer(ready, send=False)
    assert referral.state == State.DRAFT
    assert not Relationship.objects.filter(kind="referral").exists()
    assert not Notification.objects.exists()
    services.referral_transition(acting=ready.acting("prison_officer"), referral=referral, action="send")
    assert Referral.objects.get(pk=referral.pk).state == State.SENT


def test_the_sender_withdraws_and_the_receiver_is_told(ready):
    referral = refer(ready)
    services.referral_transition(acting=ready.acting("ngo_coordinator"), referral=referral, action="accept")
    services.referral_transition(
        acting=ready.acting("prison_officer"), referral=referral, action="withdraw", reason="Pārvests"
    )
    assert Referral.objects.get(pk=referral.pk).state == State.WITHDRAWN
    assert Notification.objects.filter(user=ready.users["ngo_coordinator"], kind="withdrawn").exists()
