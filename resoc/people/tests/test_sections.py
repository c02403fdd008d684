"""Feature apps fill case-file sections through people.sections; nothing is read while locked."""

import pytest
from django.urls import reverse

from resoc.people import sections


@pytest.fixture
def calls():
    seen = []

    def provider(acting, person):
        seen.append((acting.user.username, person.pk))
        return {"marker": "from-provider"}

    sections.register_section_context("assessment", provider)
    yield seen
    sections._PROVIDERS["assessment"].remove(provider)


def test_a_provider_fills_the_section_for_an_allowed_reader(world, calls):
    world.client("prison_officer").get(reverse("people:detail", args=[world.person.public_id]))
    assert calls == [("prison_officer", world.person.pk)]


def test_a_locked_section_reads_nothing_until_a_purpose_is_stated(world, participant, calls):
    client = world.client("facilitator")
    client.get(reverse("people:detail", args=[world.person.public_id]))
    assert calls == []
    client.post(
        reverse("people:state_purpose", args=[world.person.public_id, "assessment"]),
        {"purpose": "Grupas atlase programmai"},
    )
    client.get(reverse("people:detail", args=[world.person.public_id]))
    assert calls[-1] == ("facilitator", world.person.pk)


def test_a_refused_reader_never_reaches_the_provider(world, calls):
    world.client("other_prison_officer").get(reverse("people:detail", args=[world.person.public_id]))
    world.client("career_consultant").get(reverse("people:detail", args=[world.person.public_id]))
    assert calls == []
