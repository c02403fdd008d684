"""Starting, scoring and signing assessments through the services."""

import pytest
from django.core.exceptions import ValidationError

from resoc.assessments import services
from resoc.assessments.models import Assessment, AssessmentScore, Status
from resoc.assessments.selectors import assessment_comparison
from resoc.assessments.tests.conftest import items, qualify, score_all, signed
from resoc.audit.models import AuditAction, AuditEntry
from resoc.people.models import PersonEvent


def _distribute(total):
    """Scores that add up to ``total``, filling items in instrument order."""
    remaining = {"left": total}
    plan = {}
    for item in items():
        plan[item.key] = min(item.max_score, remaining["left"])
        remaining["left"] -= plan[item.key]
    return lambda item: plan[item.key]


def _snapshot():
    return (
        list(Assessment.objects.values_list("pk", "status", "motivation_stage", "risk_level")),
        list(AssessmentScore.objects.values_list("pk", "score", "rationale")),
        PersonEvent.objects.filter(category="assessment").count(),
        AuditEntry.objects.filter(category="assessment").exclude(action=AuditAction.DENIED).count(),
    )


def test_starting_writes_a_draft_event_and_audit_entry(world):
    assessment = services.assessment_start(acting=world.acting("prison_officer"), person=world.person)
    assert assessment.status == Status.DRAFT
    assert assessment.instrument.code == "resoc-rna"
    assert assessment.organization.code == "jelgavas-cietums"
    assert PersonEvent.objects.filter(
        person=world.person, type="assessment_started", category="assessment"
    ).exists()
    entry = AuditEntry.objects.get(action=AuditAction.CREATE, category="assessment")
    assert entry.record_type == "assessment"
    assert entry.person_public_id == world.person.public_id


@pytest.mark.parametrize(
    ("total", "level"), [(19, "low"), (20, "medium"), (37, "medium"), (38, "high"), (57, "very_high")]
)
def test_signing_computes_and_stores_the_outcome(qualified, total, level):
    assessment = signed(qualified, _distribute(total))
    assessment.refresh_from_db()
    assert assessment.status == Status.SIGNED
    assert assessment.total_score == total
    assert assessment.risk_level == level
    assert assessment.signed_by == qualified.users["prison_officer"]
    assert len(assessment.domain_results) == 13
    assert assessment.ranked_needs  # the first domains are filled, so they are needs
    assert PersonEvent.objects.filter(type="assessment_signed", parameters__risk_level=level).exists()


def test_the_stored_outcome_does_not_follow_later_rule_changes(qualified):
    assessment = signed(qualified, _distribute(20))
    instrument = assessment.instrument
    instrument.rules = {**instrument.rules, "risk_levels": [{"level": "low", "min_total": 0}]}
    instrument.save()
    assessment.refresh_from_db()
    assert assessment.risk_level == "medium"


def test_a_signed_assessment_cannot_be_edited_or_signed_again(qualified):
    assessment = signed(qualified, _distribute(10))
    before = _snapshot()
    acting = qualified.acting("prison_officer")
    with pytest.raises(ValidationError) as error:
        services.assessment_score_set(
            acting=acting, assessment=assessment, scores=[services.ScoreInput("ch_prior", 0)]
        )
    assert error.value.code == "not_draft"
    with pytest.raises(ValidationError):
        services.assessment_score_set(acting=acting, assessment=assessment, motivation_stage="action")
    with pytest.raises(ValidationError):
        services.assessment_sign(acting=acting, assessment=assessment)
    assert _snapshot() == before


def test_signing_supersedes_the_previous_assessment_and_compares(qualified):
    first = signed(qualified, _distribute(30))
    second = signed(
        qualified,
        lambda item: 0 if item.key.startswith("ch_") else item.max_score // 2 + (item.key == "lv_speaking"),
    )
    first.refresh_from_db()
    assert first.status == Status.SUPERSEDED
    assert second.status == Status.SIGNED
    assert Assessment.objects.filter(person=qualified.person, status=Status.SIGNED).count() == 1
    comparison = assessment_comparison(assessment=second)
    assert comparison is not None
    assert comparison.previous == first
    changes = {row.key: row.change for row in comparison.domains}
    assert changes["criminal_history"] == "improved"  # 7 → 0
    assert changes["latvian_language"] == "worsened"  # 0 → 3
    assert "unchanged" in changes.values() or "improved" in changes.values()
    # The superseded one compares with nothing before it.
    assert assessment_comparison(assessment=first) is None


def test_a_second_draft_is_refused(world):
    services.assessment_start(acting=world.acting("prison_officer"), person=world.person)
    before = _snapshot()
    with pytest.raises(ValidationError) as error:
        services.assessment_start(acting=world.acting("prison_officer"), person=world.person)
    assert error.value.code == "draft_exists"
    assert _snapshot() == before


@pytest.mark.parametrize(
    ("entry", "code"),
    [
        (services.ScoreInput("ch_prior", 4, "Daudz"), "out_of_range"),
        (services.ScoreInput("ch_prior", -1, ""), "out_of_range"),
        (services.ScoreInput("ch_prior", 2, "   "), "rationale_required"),
        (services.ScoreInput("ch_prior", 2, "<b>trīs</b> notiesāšanas"), "markup"),
        (services.ScoreInput("no_such_item", 1, "x"), "unknown_item"),
    ],
)
def test_invalid_scores_are_refused_and_nothing_is_stored(world, entry, code):
    acting = world.acting("prison_officer")
    assessment = services.assessment_start(acting=acting, person=world.person)
    before = _snapshot()
    valid = services.ScoreInput("ch_early", 1, "Pirmā notiesāšana 15 gadu vecumā")
    with pytest.raises(ValidationError) as error:
        services.assessment_score_set(acting=acting, assessment=assessment, scores=[valid, entry])
    assert [e.code for e in error.value.error_dict[entry.item]] == [code]
    assert str(error.value.error_dict[entry.item][0].message)  # a sentence, not a code
    assert _snapshot() == before


def test_an_unknown_motivation_stage_is_refused(world):
    acting = world.acting("prison_officer")
    assessment = services.assessment_start(acting=acting, person=world.person)
    before = _snapshot()
    with pytest.raises(ValidationError):
        services.assessment_score_set(acting=acting, assessment=assessment, motivation_stage="denial")
    assert _snapshot() == before


def test_signing_an_incomplete_assessment_is_refused(qualified):
    acting = qualified.acting("prison_officer")
    assessment = services.assessment_start(acting=acting, person=qualified.person)
    services.assessment_score_set(
        acting=acting, assessment=assessment, scores=[services.ScoreInput("ch_prior", 1, "Viena notiesāšana")]
    )
    before = _snapshot()
    with pytest.raises(ValidationError) as error:
        services.assessment_sign(acting=acting, assessment=assessment)
    assert error.value.code == "incomplete"
    assert _snapshot() == before


def test_signing_without_the_motivation_stage_is_refused(qualified):
    acting = qualified.acting("prison_officer")
    assessment = services.assessment_start(acting=acting, person=qualified.person)
    services.assessment_score_set(
        acting=acting, assessment=assessment, scores=[services.ScoreInput(i.key, 0) for i in items()]
    )
    with pytest.raises(ValidationError):
        services.assessment_sign(acting=acting, assessment=assessment)
    assert Assessment.objects.get().status == Status.DRAFT


def test_an_unqualified_officer_may_score_but_not_sign(world):
    acting = world.acting("prison_officer")
    assessment = services.assessment_start(acting=acting, person=world.person)
    score_all(world, assessment)
    before = _snapshot()
    with pytest.raises(ValidationError) as error:
        services.assessment_sign(acting=world.acting("prison_officer"), assessment=assessment)
    assert error.value.code == "not_qualified"
    assert _snapshot() == before
    qualify(world)
    services.assessment_sign(acting=world.acting("prison_officer"), assessment=assessment)
    assert Assessment.objects.get().status == Status.SIGNED


def test_a_qualified_colleague_signs_a_draft_started_by_another(world):
    from conftest import add_relationship

    add_relationship(world.person, "vpd-zemgale", "supervision")
    assessment = services.assessment_start(acting=world.acting("prison_officer"), person=world.person)
    score_all(world, assessment)
    qualify(world, "probation_officer")
    services.assessment_sign(acting=world.acting("probation_officer"), assessment=assessment)
    assessment.refresh_from_db()
    assert assessment.signed_by == world.users["probation_officer"]
    assert assessment.assessor == world.users["prison_officer"]
