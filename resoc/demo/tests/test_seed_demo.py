import datetime as dt
from collections import Counter
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from resoc.access import policy
from resoc.access.context import acting_for
from resoc.access.models import Membership, User
from resoc.access.roles import Role
from resoc.demo import names, services
from resoc.demo.models import DemoDataset
from resoc.demo.selectors import database_has_demo_data
from resoc.people.identity import birth_date_from_code, normalize_personal_code
from resoc.people.models import Consent, EducationLevel, Person, PersonIdentifier, Relationship
from resoc.plans.models import Plan
from resoc.programmes.models import Enrolment
from resoc.sentences.models import Release

TODAY = dt.date(2025, 6, 1)
FEMALE_FAMILY_NAMES = {f for _m, f, _w in names.LATVIAN_FAMILY_NAMES + names.RUSSIAN_FAMILY_NAMES}
MALE_FAMILY_NAMES = {m for m, _f, _w in names.LATVIAN_FAMILY_NAMES + names.RUSSIAN_FAMILY_NAMES}


def _identity(persons):
    return [(p.given_names, p.family_name, p.personal_code, p.date_of_birth, p.sex) for p in persons]


def test_the_same_seed_gives_the_same_persons():
    first = services.generate_persons(count=300, seed=7, today=TODAY)
    second = services.generate_persons(count=300, seed=7, today=TODAY)
    other = services.generate_persons(count=300, seed=8, today=TODAY)
    assert _identity(first) == _identity(second)
    assert _identity(first) != _identity(other)


def test_personal_codes_are_valid_unique_and_match_the_birth_date():
    persons = services.generate_persons(count=3000, seed=1, today=TODAY)
    codes = [p.personal_code for p in persons if p.personal_code]
    assert len(codes) == len(set(codes))
    new_format = 0
    for person in persons:
        if person.personal_code is None:
            continue
        assert normalize_personal_code(person.personal_code) == person.personal_code
        if person.personal_code.startswith("32"):
            new_format += 1
        else:
            assert birth_date_from_code(person.personal_code) == person.date_of_birth
    assert 0 < new_format < len(codes) * 0.1


def test_the_population_looks_like_the_prison_population():
    persons = services.generate_persons(count=2000, seed=3, today=TODAY)
    n = len(persons)
    shares = Counter(p.education_level for p in persons)
    assert shares[EducationLevel.ISCED2] / n == pytest.approx(0.40, abs=0.04)
    assert shares[EducationLevel.ISCED3] / n == pytest.approx(0.25, abs=0.04)
    higher = sum(shares[level] for level in services.HIGHER_EDUCATION)
    assert 0 < higher / n < 0.03
    men = sum(p.sex == "male" for p in persons)
    assert men / n == pytest.approx(0.90, abs=0.03)
    ages = [(TODAY - p.date_of_birth).days // 365 for p in persons if p.date_of_birth]
    assert min(ages) >= 18
    assert max(ages) <= 70
    assert sum(25 <= a <= 45 for a in ages) / n > 0.55
    foreigners = [p for p in persons if p.personal_code is None]
    assert 0 < len(foreigners) < n * 0.05
    assert any(p.family_name.endswith("ovs") for p in persons)  # Russian-origin names


def test_family_names_take_the_form_of_the_persons_gender():
    for person in services.generate_persons(count=1000, seed=5, today=TODAY):
        if person.personal_code is None:
            continue  # foreigners keep their passport spelling
        expected = FEMALE_FAMILY_NAMES if person.sex == "female" else MALE_FAMILY_NAMES
        assert person.family_name in expected, person


@pytest.mark.django_db
def test_seeding_writes_persons_with_derived_fields_and_marks_the_database():
    out = StringIO()
    call_command("seed_demo", persons=40, seed=2, stdout=out)
    assert Person.objects.count() == 40
    assert not Person.objects.filter(is_synthetic=False).exists()
    assert not Person.objects.filter(search_text="").exists()
    assert not Person.objects.filter(sort_key="").exists()
    dataset = DemoDataset.objects.get()
    assert (dataset.seed, dataset.persons) == (2, 40)
    assert database_has_demo_data()
    assert "demo-officer" in out.getvalue()
    assert services.DEMO_PASSWORD in out.getvalue()
    # Foreigners without a personal code carry a passport instead.
    for person in Person.objects.filter(personal_code__isnull=True):
        assert PersonIdentifier.objects.filter(person=person, kind="passport").exists()


@pytest.mark.django_db
def test_seeding_is_reproducible_in_the_database():
    services.seed_demo(persons=30, seed=11)
    first = _identity(Person.objects.order_by("pk"))
    Release.objects.all().delete()  # it protects its custody period, which the person's deletion takes
    Enrolment.objects.all().delete()  # places in the demo groups protect their participants
    Plan.objects.all().delete()  # a plan protects its assessment
    Person.objects.all().delete()
    services.seed_demo(persons=30, seed=11)
    assert _identity(Person.objects.order_by("pk")) == first


@pytest.mark.django_db
def test_every_role_has_a_demo_user_who_can_log_in():
    services.seed_demo(persons=10, seed=1)
    for role in Role:
        membership = Membership.objects.filter(role=role, user__username__startswith="demo-").first()
        assert membership is not None, role
        assert membership.user.check_password(services.DEMO_PASSWORD)
    assert {login.username for login in services.demo_logins()} == {
        a.username for a in services.DEMO_ACCOUNTS
    }


@pytest.mark.django_db
@pytest.mark.parametrize(
    "username",
    [
        "demo-officer",
        "demo-facilitator",
        "demo-probation",
        "demo-nva",
        "demo-social",
        "demo-ngo",
        "demo-mentor",
    ],
)
def test_casework_demo_users_see_persons(username):
    services.seed_demo(persons=10, seed=1)
    acting = acting_for(User.objects.get(username=username))
    assert policy.visible_persons(acting).exists()


@pytest.mark.django_db
def test_the_demo_officer_sees_only_persons_in_jelgava_prison():
    services.seed_demo(persons=300, seed=4)
    visible = policy.visible_persons(acting_for(User.objects.get(username="demo-officer")))
    assert 10 < visible.count() < 300
    assert not visible.exclude(
        relationships__organization__code="jelgavas-cietums", relationships__kind="custody"
    ).exists()


@pytest.mark.django_db
def test_mentoring_and_ngo_referrals_come_with_consent():
    services.seed_demo(persons=200, seed=6)
    mentor = User.objects.get(username="demo-mentor")
    for rel in Relationship.objects.filter(kind="mentoring"):
        assert rel.mentor == mentor
        assert Consent.objects.filter(person=rel.person, mentor=mentor, withdrawn_at__isnull=True).exists()
    for rel in Relationship.objects.filter(kind="referral"):
        assert Consent.objects.filter(person=rel.person, organization=rel.organization).exists()


@pytest.mark.django_db
def test_if_empty_does_not_seed_twice_and_prints_the_logins_again():
    call_command("seed_demo", persons=20, seed=1, if_empty=True, stdout=StringIO())
    out = StringIO()
    call_command("seed_demo", persons=20, seed=1, if_empty=True, stdout=out)
    assert Person.objects.count() == 20
    assert DemoDataset.objects.count() == 1
    assert User.objects.filter(username="demo-officer").count() == 1
    assert "demo-officer" in out.getvalue()
    assert "not generated again" in out.getvalue()


@pytest.mark.django_db
def test_seeding_again_without_if_empty_adds_persons_without_clashes():
    services.seed_demo(persons=20, seed=1)
    services.seed_demo(persons=20, seed=1)
    assert Person.objects.count() == 40
    assert Membership.objects.filter(user__username="demo-officer").count() == 1


@pytest.mark.django_db
def test_it_refuses_a_database_with_real_persons():
    Person.objects.create(given_names="Jānis", family_name="Bērziņš", sex="male")
    with pytest.raises(CommandError):
        call_command("seed_demo", persons=5, seed=1, stdout=StringIO())
    assert Person.objects.count() == 1
    assert not User.objects.filter(username__startswith="demo-").exists()


@pytest.mark.django_db
def test_the_demo_facilitator_sees_the_participants_of_his_groups_and_only_them():
    from django.utils import timezone

    from resoc.programmes import selectors as programme_selectors
    from resoc.programmes.eligibility import Outcome, check
    from resoc.sentences.models import CustodyPeriod

    services.seed_demo(persons=300, seed=4)
    facilitator = User.objects.get(username="demo-facilitator")
    visible = set(policy.visible_persons(acting_for(facilitator)).values_list("pk", flat=True))
    enrolments = Enrolment.objects.filter(group__facilitator=facilitator).select_related(
        "group__offer__programme"
    )
    assert visible == {e.person_id for e in enrolments}
    held_in_jelgava = set(
        CustodyPeriod.objects.filter(prison__code="jelgavas-cietums", left_on__isnull=True).values_list(
            "person_id", flat=True
        )
    )
    # Some, not all, of the prison's persons: the participants, each eligible for his group.
    assert 0 < len(visible) < len(held_in_jelgava)
    assert visible <= held_in_jelgava
    for enrolment in enrolments:
        on = max(timezone.localdate(), enrolment.group.starts_on)
        facts = programme_selectors.person_facts(person=enrolment.person, on=on)
        assert not [
            f for f in check(facts, enrolment.group.offer.programme, on) if f.outcome == Outcome.FAILED
        ]
        assert enrolments.filter(group=enrolment.group).count() <= enrolment.group.capacity
