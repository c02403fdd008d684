"""Who may start, score and sign: every refusal leaves nothing stored."""

import pytest
from django.core.exceptions import PermissionDenied

from conftest import enrol_with_facilitator
from resoc.assessments import services
from resoc.assessments.models import Assessment, AssessmentScore
from resoc.assessments.tests.conftest import qualify, score_all
from resoc.people.models import PersonEvent

REFUSED = [
    "other_prison_officer",
    "career_consultant",
    "ngo_coordinator",
    "system_admin",
    "facilitator",
    "analyst",
    "mentor",
]


@pytest.fixture(autouse=True)
def _facilitator_reads_the_file(request, world):
    """The facilitator is refused as a reader of Jānis's file (a participant of his group), not as a stranger."""
    callspec = getattr(request.node, "callspec", None)
    if callspec is not None and callspec.params.get("persona") == "facilitator":
        enrol_with_facilitator(world)


@pytest.mark.parametrize("persona", REFUSED)
def test_others_may_not_start(world, persona):
    qualify(world, persona)
    with pytest.raises(PermissionDenied):
        services.assessment_start(acting=world.acting(persona), person=world.person)
    assert not Assessment.objects.exists()
    assert not PersonEvent.objects.filter(category="assessment").exists()


@pytest.mark.parametrize("persona", REFUSED)
def test_others_may_not_score_or_sign(world, persona):
    qualify(world, persona)
    assessment = services.assessment_start(acting=world.acting("prison_officer"), person=world.person)
    score_all(world, assessment)
    scores = list(AssessmentScore.objects.values_list("item_id", "score"))
    acting = world.acting(persona)
    with pytest.raises(PermissionDenied):
        services.assessment_score_set(
            acting=acting, assessment=assessment, scores=[services.ScoreInput("ch_prior", 3, "x")]
        )
    with pytest.raises(PermissionDenied):
        services.assessment_sign(acting=acting, assessment=assessment)
    assert list(AssessmentScore.objects.values_list("item_id", "score")) == scores
    assert Assessment.objects.get().status == "draft"


def test_the_officer_of_the_prison_loses_access_when_custody_ends(world):
    import datetime as dt

    from django.utils import timezone

    world.person.relationships.update(ends_on=timezone.localdate() - dt.timedelta(days=1))
    with pytest.raises(PermissionDenied):
        services.assessment_start(acting=world.acting("prison_officer"), person=world.person)
