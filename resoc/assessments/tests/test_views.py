"""The case-file section, the draft page and the signed page."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from resoc.assessments import services
from resoc.assessments.models import Assessment, AssessmentScore, Status
from resoc.assessments.tests.conftest import score_all, signed
from resoc.audit.models import AuditAction, AuditEntry


def _person_page(world, persona="prison_officer"):
    return world.client(persona).get(reverse("people:detail", args=[world.person.public_id]))


def test_the_section_shows_the_latest_outcome_and_lists_assessments(qualified):
    assessment = signed(qualified, lambda item: item.max_score if item.key.startswith(("dr_", "al_")) else 0)
    page = _person_page(qualified).content.decode()
    assert 'id="section-assessment"' in page
    assert reverse("assessments:detail", args=[assessment.public_id]) in page
    with translation.override("lv"):
        assert "Narkotikas" in page
        assert "Alkohols" in page


def test_an_officer_can_start_from_the_section(world):
    client = world.client("prison_officer")
    assert reverse("assessments:start", args=[world.person.public_id]) in _person_page(world).content.decode()
    response = client.post(reverse("assessments:start", args=[world.person.public_id]))
    assessment = Assessment.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("assessments:detail", args=[assessment.public_id])


def test_the_facilitator_sees_nothing_before_stating_a_purpose(qualified, participant):
    signed(qualified, lambda item: item.max_score)
    client = qualified.client("facilitator")
    page = client.get(reverse("people:detail", args=[qualified.person.public_id])).content.decode()
    assert "Why do you need" in page or "Kāpēc" in page or "purpose" in page
    assert reverse("assessments:detail", args=[Assessment.objects.get().public_id]) not in page
    assert "Current risk level" not in page
    assert "Pašreizējais riska līmenis" not in page
    # Nor does the assessment page open before a purpose: it sends back to the section.
    response = client.get(reverse("assessments:detail", args=[Assessment.objects.get().public_id]))
    assert response.status_code == 302
    client.post(
        reverse("people:state_purpose", args=[qualified.person.public_id, "assessment"]),
        {"purpose": "Grupas atlase programmai"},
    )
    page = client.get(reverse("people:detail", args=[qualified.person.public_id])).content.decode()
    assert reverse("assessments:detail", args=[Assessment.objects.get().public_id]) in page
    assert (
        client.get(reverse("assessments:detail", args=[Assessment.objects.get().public_id])).status_code
        == 200
    )
    # Reading is not assessing: no start button, and writing is forbidden.
    assert reverse("assessments:start", args=[qualified.person.public_id]) not in page
    assessment = Assessment.objects.get()
    assert client.post(reverse("assessments:sign", args=[assessment.public_id])).status_code == 403


def _section_queries(world):
    with CaptureQueriesContext(connection) as queries:
        assert _person_page(world).status_code == 200
    return len(queries)


def test_the_section_costs_the_same_queries_for_1_or_5_assessments(qualified):
    signed(qualified)
    one = _section_queries(qualified)
    for _ in range(4):
        signed(qualified, lambda item: 1)
    assert Assessment.objects.count() == 5
    assert _section_queries(qualified) == one


@pytest.mark.parametrize(
    "persona", ["other_prison_officer", "career_consultant", "ngo_coordinator", "system_admin"]
)
def test_unreadable_assessments_answer_404(qualified, persona):
    assessment = signed(qualified)
    client = qualified.client(persona)
    assert client.get(reverse("assessments:detail", args=[assessment.public_id])).status_code == 404
    assert client.post(reverse("assessments:start", args=[qualified.person.public_id])).status_code in {
        403,
        404,
    }
    assert AuditEntry.objects.filter(action=AuditAction.DENIED, actor_username=persona).exists()


def test_the_draft_page_has_one_form_per_domain_with_fieldsets(world):
    assessment = services.assessment_start(acting=world.acting("prison_officer"), person=world.person)
    page = world.client("prison_officer").get(reverse("assessments:detail", args=[assessment.public_id]))
    body = page.content.decode()
    assert page.status_code == 200
    assert body.count('class="assessment-domain"') == 13
    assert "<legend>" in body
    assert 'for="id_criminal_history-ch_prior-score"' in body
    assert (
        'hx-post="' + reverse("assessments:save_domain", args=[assessment.public_id, "criminal_history"])
        in body
    )


def test_saving_a_domain_over_htmx_returns_the_fragment(world):
    assessment = services.assessment_start(acting=world.acting("prison_officer"), person=world.person)
    url = reverse("assessments:save_domain", args=[assessment.public_id, "alcohol"])
    client = world.client("prison_officer")
    response = client.post(
        url,
        {
            "alcohol-al_use-score": "3",
            "alcohol-al_use-rationale": "Lieto katru dienu",
            "alcohol-al_offending-score": "0",
        },
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert 'id="domain-alcohol"' in response.content.decode()
    assert "<html" not in response.content.decode()
    assert dict(AssessmentScore.objects.values_list("item__key", "score")) == {"al_use": 3, "al_offending": 0}


def test_a_missing_rationale_is_shown_at_its_field_and_nothing_saved(world):
    assessment = services.assessment_start(acting=world.acting("prison_officer"), person=world.person)
    url = reverse("assessments:save_domain", args=[assessment.public_id, "alcohol"])
    response = world.client("prison_officer").post(
        url, {"alcohol-al_use-score": "2", "alcohol-al_use-rationale": ""}
    )
    assert response.status_code == 422
    assert "has-error" in response.content.decode()
    assert not AssessmentScore.objects.exists()


def test_signing_in_the_ui_and_the_comparison_table(qualified):
    signed(qualified, lambda item: item.max_score)
    client = qualified.client("prison_officer")
    client.post(reverse("assessments:start", args=[qualified.person.public_id]))
    draft = Assessment.objects.get(status=Status.DRAFT)
    score_all(qualified, draft, lambda item: 0)
    response = client.post(reverse("assessments:sign", args=[draft.public_id]))
    assert response.status_code == 302
    with translation.override("en"):
        page = client.get(reverse("assessments:detail", args=[draft.public_id]), HTTP_ACCEPT_LANGUAGE="en")
    body = page.content.decode()
    assert "▼" in body
    assert "<table" in body
    assert Assessment.objects.get(pk=draft.pk).status == Status.SIGNED


def test_an_unqualified_officer_gets_the_reason_not_a_signature(world):
    assessment = services.assessment_start(acting=world.acting("prison_officer"), person=world.person)
    score_all(world, assessment)
    response = world.client("prison_officer").post(reverse("assessments:sign", args=[assessment.public_id]))
    assert response.status_code == 422
    assert 'role="alert"' in response.content.decode()
    assert Assessment.objects.get().status == Status.DRAFT


def test_a_signed_assessment_page_is_read_only(qualified):
    assessment = signed(qualified, lambda item: 1)
    body = (
        qualified.client("prison_officer")
        .get(reverse("assessments:detail", args=[assessment.public_id]))
        .content.decode()
    )
    assert "<select" not in body
    response = qualified.client("prison_officer").post(
        reverse("assessments:save_domain", args=[assessment.public_id, "alcohol"]),
        {"alcohol-al_use-score": "0", "alcohol-al_offending-score": "0"},
    )
    assert response.status_code == 422
    assert AssessmentScore.objects.get(assessment=assessment, item__key="al_use").score == 1
