"""API test helpers: tokens for the `world` personas and a client that sends them."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from resoc.access.models import ApiToken, User


def token_for(user: User, name: str = "test") -> str:
    _, raw = ApiToken.issue(membership=user.memberships.get(), name=name)
    return raw


class ApiClient:
    """A Django test client that talks JSON to /api/v1/ with one bearer token."""

    def __init__(self, raw_token: str | None, language: str | None = None) -> None:
        self.client = Client()
        self.headers: dict[str, str] = {}
        if raw_token is not None:
            self.headers["Authorization"] = f"Bearer {raw_token}"
        if language:
            self.headers["Accept-Language"] = language

    def get(self, path: str, **params: Any) -> Any:
        return self.client.get(f"/api/v1{path}", params, headers=self.headers)

    def post(self, path: str, body: Any) -> Any:
        data = body if isinstance(body, str) else json.dumps(body)
        return self.client.post(f"/api/v1{path}", data, content_type="application/json", headers=self.headers)

    def patch(self, path: str, body: Any) -> Any:
        data = body if isinstance(body, str) else json.dumps(body)
        return self.client.patch(
            f"/api/v1{path}", data, content_type="application/json", headers=self.headers
        )


@pytest.fixture
def api_as(world):
    """``api_as("prison_officer")``: an API client with a fresh token of that persona."""

    def make(persona: str, language: str | None = None) -> ApiClient:
        return ApiClient(token_for(world.users[persona]), language)

    return make
