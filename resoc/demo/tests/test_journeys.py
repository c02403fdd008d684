"""The demo's sentence journeys and assessments go through the real models and tell one story."""

import datetime as dt
from collections import Counter

import pytest
from django.db.models import Count, F
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from resoc.access import policy
from resoc.access.context import acting_for
from resoc.access.models import User
from resoc.assessments import services as assessment_services
from resoc.assessments.models import Assessment, AssessmentScore, Item, RiskLevel, Status
from resoc.assessments.outcome import DomainScore, evaluate
from resoc.demo import services
from resoc.demo.journeys import PRISON_INSTITUTION_TYPES
from resoc.people.models import Person, Relationship
from resoc.plans.models import Plan
from resoc.programmes.models import Enrolment
from resoc.sentences import services as sentence_services
from resoc.sentences.models import (
    CustodyEnd,
    CustodyPeriod,
    ProbationPeriod,
    Release,
    Sentence,
    TemporaryAbsence,
)

SOURCE = sentence_services.RELATIONSHIP_SOURCE


def _keys(person: Person) -> list[tuple[str, int, dt.date, dt.date | None]]:
    rows = Relationship.objects.filter(person=person, source=SOURCE)
    return sorted(rows.values_list("kind", "organization_id", "starts_on", "ends_on"), key=str)


def _sample(limit: int = 50) -> list[Person]:
    """Persons of every kind of journey first (transfers, releases, probation, preparation), then others."""
    groups = [
        Person.objects.filter(custody_periods__ended_by=CustodyEnd.TRANSFER),
        Person.objects.filter(releases__reason="conditional_early"),
        Person.objects.filter(releases__isnull=False, probation_periods__isnull=True),
        Person.objects.filter(relationships__kind="release_preparation", relationships__source=SOURCE),
        Person.objects.filter(probation_periods__isnull=False, custody_periods__isnull=True),
        Person.objects.filter(custody_periods__absences__isnull=False),
        Person.objects.all(),
    ]
    chosen: dict[int, Person] = {}
    for group in groups:
        for person in group.distinct().order_by("pk")[:8]:
            if len(chosen) < limit:
                chosen.setdefault(person.pk, person)
    for person in Person.objects.order_by("pk"):
        if len(chosen) >= limit:
            break
        chosen.setdefault(person.pk, person)
    return list(chosen.values())


@pytest.mark.django_db
def test_bulk_derived_relationships_are_what_sync_relationships_derives():
    services.seed_demo(persons=400, seed=3)
    sample = _sample()
    assert len(sample) == 50
    kinds: Counter[str] = Counter()
    for person in sample:
        seeded = _keys(person)
        assert len(seeded) == len(set(seeded)), person  # no duplicate rows
        kinds.update(kind for kind, *_rest in seeded)
        Relationship.objects.filter(person=person, source=SOURCE).delete()
        sentence_services.sync_relationships(person=person)
        assert _keys(person) == seeded, person
    # The sample exercised every rule, ended and open rows alike.
    assert {"custody", "supervision", "release_preparation"} <= set(kinds)
    assert Relationship.objects.filter(person__in=sample, source=SOURCE, ends_on__isnull=False).exists()
    # The demo writes no custody/supervision rows of its own any more.
    assert not Relationship.objects.filter(source="demo", kind__in=["custody", "supervision"]).exists()


def _journey_rows():
    return {
        "sentences": list(
            Sentence.objects.order_by("pk").values_list(
                "public_id",
                "person__public_id",
                "court",
                "starts_on",
                "ends_on",
                "release_probation_unit__code",
            )
        ),
        "custody": list(
            CustodyPeriod.objects.order_by("pk").values_list(
                "public_id",
                "person__public_id",
                "prison__code",
                "admitted_on",
                "left_on",
                "regime_level__code",
            )
        ),
        "absences": list(
            TemporaryAbsence.objects.order_by("pk").values_list("public_id", "starts_on", "kind")
        ),
        "releases": list(Release.objects.order_by("pk").values_list("public_id", "released_on", "reason")),
        "probation": list(
            ProbationPeriod.objects.order_by("pk").values_list(
                "public_id", "probation_unit__code", "officer__username", "starts_on", "ends_on"
            )
        ),
        "assessments": list(
            Assessment.objects.order_by("pk").values_list(
                "public_id",
                "person__public_id",
                "status",
                "signed_at",
                "total_score",
                "risk_level",
                "ranked_needs",
            )
        ),
        "scores": list(
            AssessmentScore.objects.order_by("pk").values_list(
                "assessment__public_id", "item__key", "score", "rationale"
            )
        ),
        "relationships": sorted(
            Relationship.objects.values_list(
                "person__public_id", "kind", "organization__code", "starts_on", "ends_on"
            ),
            key=str,
        ),
    }


@pytest.mark.django_db
def test_the_same_seed_gives_the_same_journeys_and_assessments():
    today = dt.date(2026, 3, 1)
    services.seed_demo(persons=150, seed=9, today=today)
    first = _journey_rows()
    Release.objects.all().delete()  # it protects its custody period, which the person's deletion takes
    Enrolment.objects.all().delete()  # places in the demo groups protect their participants
    Plan.objects.all().delete()  # a plan protects its assessment
    Person.objects.all().delete()
    services.seed_demo(persons=150, seed=9, today=today)
    assert _journey_rows() == first
    assert all(first.values())
    Release.objects.all().delete()
    Enrolment.objects.all().delete()
    Plan.objects.all().delete()
    Person.objects.all().delete()
    services.seed_demo(persons=150, seed=10, today=today)
    other = _journey_rows()
    assert other["sentences"] != first["sentences"]
    assert other["assessments"] != first["assessments"]


@pytest.mark.django_db
def test_journeys_and_assessments_are_plausible():
    result = services.seed_demo(persons=1500, seed=5)
    today = timezone.localdate()
    in_custody = CustodyPeriod.objects.filter(left_on__isnull=True)
    held = in_custody.count()
    assert 0.5 < held / 1500 < 0.7
    assert result.journeys.custody_periods == CustodyPeriod.objects.count()
    # Everyone has a sentence; every custody period falls in its sentence and in the past.
    assert Sentence.objects.values("person").distinct().count() == 1500
    assert not CustodyPeriod.objects.filter(admitted_on__gt=today).exists()
    assert not CustodyPeriod.objects.filter(left_on__lt=F("admitted_on")).exists()
    assert not Sentence.objects.filter(ends_on__lte=F("starts_on")).exists()
    # Transfers end one period and open the next in another prison the same day.
    transferred = CustodyPeriod.objects.filter(ended_by=CustodyEnd.TRANSFER).select_related("person")
    assert 0.05 < transferred.count() / held < 0.25
    for period in transferred[:50]:
        assert period.left_on is not None
        following = CustodyPeriod.objects.get(person=period.person, admitted_on=period.left_on)
        assert following.prison_id != period.prison_id
    # Releases close a period with the same day.
    assert Release.objects.count() == CustodyPeriod.objects.filter(ended_by=CustodyEnd.RELEASE).count() > 0
    assert not Release.objects.exclude(released_on=F("custody_period__left_on")).exists()
    assert Counter(Release.objects.values_list("reason", flat=True)).most_common(1)[0][0] == "end_of_sentence"
    # Absences lie within their period and before today.
    absences = TemporaryAbsence.objects.select_related("custody_period")
    assert absences.exists()
    for absence in absences:
        period = absence.custody_period
        assert period.admitted_on <= absence.starts_on <= absence.ends_on < today
        assert period.left_on is None or absence.ends_on <= period.left_on
    # Regime levels belong to a type the prison has; the juvenile institution has none.
    for prison, level_type in CustodyPeriod.objects.filter(regime_level__isnull=False).values_list(
        "prison__code", "regime_level__institution_type__code"
    ):
        assert level_type in PRISON_INSTITUTION_TYPES[prison].values
    assert not CustodyPeriod.objects.filter(
        prison__code="cesu-audzinasanas-iestade", regime_level__isnull=False
    ).exists()
    # Probation: open periods for the supervised, the demo officer only in her own unit.
    assert ProbationPeriod.objects.filter(ends_on__isnull=True).count() > 200
    probation_user = User.objects.get(username="demo-probation")
    assert ProbationPeriod.objects.filter(officer=probation_user).exists()
    assert (
        not ProbationPeriod.objects.filter(officer=probation_user)
        .exclude(probation_unit__code="vpd-zemgale")
        .exists()
    )

    # About a third of the persons in custody have a signed assessment; a few an older one too.
    signed = Assessment.objects.filter(status=Status.SIGNED)
    assert 0.25 < signed.count() / held < 0.42
    assert not signed.exclude(person__custody_periods__left_on__isnull=True).exists()
    assert 0 < Assessment.objects.filter(status=Status.SUPERSEDED).count() < signed.count() * 0.2
    assert not Assessment.objects.filter(signed_at__gte=timezone.now()).exists()
    assert set(signed.values_list("assessor__username", flat=True)) == {"demo-officer"}
    levels = Counter(signed.values_list("risk_level", flat=True))
    assert set(levels) <= set(RiskLevel.values)
    assert len(levels) >= 3
    items = Item.objects.filter(domain__instrument__is_active=True).count()
    per_assessment = Assessment.objects.annotate(n=Count("scores")).values_list("n", flat=True)
    assert set(per_assessment) == {items}
    assert not AssessmentScore.objects.filter(score__gt=0, rationale="").exists()
    assert not AssessmentScore.objects.filter(score__gt=F("item__max_score")).exists()
    # Risk follows the scores: the superseded (earlier) assessment mostly had the higher total.
    worse_before = 0
    pairs = 0
    for person_id in Assessment.objects.filter(status=Status.SUPERSEDED).values_list("person_id", flat=True):
        old = Assessment.objects.get(person_id=person_id, status=Status.SUPERSEDED)
        new = Assessment.objects.get(person_id=person_id, status=Status.SIGNED)
        assert old.signed_at is not None
        assert new.signed_at is not None
        assert old.signed_at < new.signed_at
        pairs += 1
        worse_before += (old.total_score or 0) >= (new.total_score or 0)
    assert worse_before >= pairs / 2


@pytest.mark.django_db
def test_the_stored_outcome_is_what_the_outcome_rules_give_for_the_stored_scores():
    services.seed_demo(persons=200, seed=2)
    for assessment in Assessment.objects.select_related("instrument")[:40]:
        scores = dict(AssessmentScore.objects.filter(assessment=assessment).values_list("item_id", "score"))
        domains = [
            DomainScore(
                domain.key,
                domain.name,
                domain.name_en,
                sum(scores[item.pk] for item in domain.items.all()),
                sum(item.max_score for item in domain.items.all()),
            )
            for domain in assessment.instrument.domains.prefetch_related("items")
        ]
        outcome = evaluate(assessment.instrument.rules, domains)
        assert assessment.total_score == outcome.total_score
        assert assessment.risk_level == outcome.risk_level
        assert assessment.domain_results == outcome.domain_results
        assert assessment.ranked_needs == outcome.ranked_needs


@pytest.mark.django_db
def test_signing_the_same_scores_through_the_service_stores_the_same_outcome():
    services.seed_demo(persons=300, seed=4)
    officer = acting_for(User.objects.get(username="demo-officer"))
    visible = policy.visible_persons(officer)
    demo = list(
        Assessment.objects.filter(status=Status.SIGNED, person__in=visible).select_related("person")[:3]
    )
    assert demo
    for stored in demo:
        draft = assessment_services.assessment_start(acting=officer, person=stored.person)
        scores = [
            assessment_services.ScoreInput(item=key, score=score, rationale=rationale)
            for key, score, rationale in stored.scores.values_list("item__key", "score", "rationale")
        ]
        assessment_services.assessment_score_set(
            acting=officer, assessment=draft, scores=scores, motivation_stage=stored.motivation_stage
        )
        signed = assessment_services.assessment_sign(acting=officer, assessment=draft)
        assert (signed.total_score, signed.risk_level) == (stored.total_score, stored.risk_level)
        assert signed.domain_results == stored.domain_results
        assert signed.ranked_needs == stored.ranked_needs
        stored.refresh_from_db()
        assert stored.status == Status.SUPERSEDED


def _section(client: Client, person: Person, key: str) -> str:
    page = client.get(reverse("people:detail", args=[person.public_id]), HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200
    return page.content.decode().split(f'id="section-{key}"')[1].split('<section class="section"')[0]


@pytest.mark.django_db
def test_the_demo_officer_sees_the_sentence_and_the_assessment_in_the_case_file():
    services.seed_demo(persons=40, seed=1)
    officer = User.objects.get(username="demo-officer")
    visible = policy.visible_persons(acting_for(officer))
    assert visible.exists()
    assessed = Assessment.objects.filter(status=Status.SIGNED, person__in=visible).select_related("person")
    assessment = assessed.first()
    assert assessment is not None
    client = Client()
    client.force_login(officer)
    sentence = _section(client, assessment.person, "sentence")
    assert "Jelgavas c." in sentence
    assert Sentence.objects.get(person=assessment.person).court in sentence
    risk = _section(client, assessment.person, "assessment")
    with translation.override("en"):
        assert str(RiskLevel(assessment.risk_level).label) in risk


@pytest.mark.django_db
def test_the_demo_probation_officer_opens_a_release_preparation_case():
    services.seed_demo(persons=40, seed=1)
    user = User.objects.get(username="demo-probation")
    today = timezone.localdate()
    preparing = Relationship.objects.filter(
        kind="release_preparation",
        source=SOURCE,
        organization__code="vpd-zemgale",
        starts_on__lte=today,
        ends_on__isnull=True,
    ).select_related("person")
    row = preparing.first()
    assert row is not None
    assert policy.visible_persons(acting_for(user)).filter(pk=row.person_id).exists()
    client = Client()
    client.force_login(user)
    sentence = _section(client, row.person, "sentence")
    assert "Jelgavas c." in sentence
    assert "VPD Zemgale" in sentence
