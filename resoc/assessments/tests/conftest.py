"""Helpers for assessment tests: a qualified assessor and complete score sets."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from resoc.access.models import ApiToken, Membership
from resoc.assessments import services
from resoc.assessments.models import Assessment, Instrument, Item


def qualify(world, persona: str = "prison_officer") -> None:
    Membership.objects.filter(user=world.users[persona]).update(can_sign_assessments=True)


@pytest.fixture
def qualified(world):
    qualify(world)
    return world


def items() -> list[Item]:
    instrument = Instrument.objects.current()
    return list(Item.objects.filter(domain__instrument=instrument).order_by("domain__order", "order"))


def score_all(world, assessment: Assessment, value=lambda item: 0, persona: str = "prison_officer") -> None:
    """Score every item (``value(item)``, capped at its max) and set the motivation stage."""
    scores = []
    for item in items():
        score = min(value(item), item.max_score)
        scores.append(services.ScoreInput(item=item.key, score=score, rationale="Intervija" if score else ""))
    services.assessment_score_set(
        acting=world.acting(persona), assessment=assessment, scores=scores, motivation_stage="contemplation"
    )


def signed(world, value=lambda item: 0) -> Assessment:
    acting = world.acting("prison_officer")
    assessment = services.assessment_start(acting=acting, person=world.person)
    score_all(world, assessment, value)
    return services.assessment_sign(acting=world.acting("prison_officer"), assessment=assessment)


class ApiClient:
    def __init__(self, raw_token: str) -> None:
        self.client = Client()
        self.headers = {"Authorization": f"Bearer {raw_token}"}

    def get(self, path: str):
        return self.client.get(f"/api/v1{path}", headers=self.headers)

    def post(self, path: str, body=None):
        return self.client.post(
            f"/api/v1{path}", json.dumps(body or {}), content_type="application/json", headers=self.headers
        )

    def put(self, path: str, body):
        return self.client.put(
            f"/api/v1{path}", json.dumps(body), content_type="application/json", headers=self.headers
        )


@pytest.fixture
def api_as(world):
    def make(persona: str) -> ApiClient:
        _, raw = ApiToken.issue(membership=world.users[persona].memberships.get(), name="test")
        return ApiClient(raw)

    return make
