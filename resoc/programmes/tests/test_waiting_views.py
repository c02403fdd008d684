"""The waiting list page and the allocation preview and confirmation, in the browser's terms."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.urls import reverse
from django.utils import translation

from resoc.audit.models import AuditEntry
from resoc.programmes.models import Enrolment, WaitingEntry, WaitingStatus
from resoc.programmes.tests.test_allocation import candidates
from resoc.programmes.tests.test_groups import create


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    with translation.override("en"):
        yield


def english_client(world: Any, persona: str) -> Any:
    client = world.client(persona)
    client.cookies["resoc_language"] = "en"
    return client


def list_url(directory: dict[str, Any]) -> str:
    return f"{reverse('programmes:waiting')}?programme={directory['welder'].public_id}&organization=jelgavas-cietums"


def test_the_overview_counts_and_the_list_shows_the_rank_factors_in_words(world, directory) -> None:
    client = english_client(world, "prison_officer")
    empty = client.get(reverse("programmes:waiting"), HTTP_ACCEPT_LANGUAGE="en")
    assert "Nobody is waiting for a programme yet." in empty.text
    candidates(world, directory, 2)
    assert ">2</td>" in client.get(reverse("programmes:waiting")).text
    page = client.get(list_url(directory))
    assert page.status_code == 200
    assert "2 people waiting" in page.text
    assert "Release in" in page.text
    assert "No plan priority recorded (own application)" in page.text
    assert AuditEntry.objects.filter(action="list", detail__purpose="waiting list").count() == 2


def test_the_list_is_refused_to_others(world, directory) -> None:
    candidates(world, directory, 1)
    assert english_client(world, "other_prison_officer").get(list_url(directory)).status_code == 403
    assert english_client(world, "mentor").get(list_url(directory)).status_code == 403


def test_an_application_an_override_and_a_withdrawal_from_the_page(world, directory) -> None:
    (entry,) = candidates(world, directory, 1)
    client = english_client(world, "prison_officer")
    change = reverse("programmes:waiting_change", args=[entry.public_id])
    response = client.post(change, {"action": "override", "override": "first", "reason": ""}, follow=True)
    assert "Say why the order of the list is changed." in response.text
    client.post(change, {"action": "override", "override": "first", "reason": "Drīz atbrīvos"})
    page = client.get(list_url(directory)).text
    assert "Placed first by staff: Drīz atbrīvos" in page
    client.post(change, {"action": "withdraw", "reason": "Atteicās"})
    assert WaitingEntry.objects.get(pk=entry.pk).status == WaitingStatus.WITHDRAWN
    response = client.post(
        reverse("programmes:waiting_apply"),
        {
            "programme": directory["welder"].public_id,
            "organization": "jelgavas-cietums",
            "personal_code": entry.person.personal_code,
            "note": "Iesniegums",
        },
        follow=True,
    )
    assert "is on the waiting list" in response.text
    assert WaitingEntry.objects.filter(status=WaitingStatus.WAITING).count() == 1


def test_the_preview_then_the_confirmation_gives_the_places(world, directory) -> None:
    candidates(world, directory, 3)
    group = create(world, directory, capacity=2)
    client = english_client(world, "prison_officer")
    url = reverse("programmes:group_allocate", args=[group.public_id])
    preview = client.get(url)
    assert "Would get a place" in preview.text
    assert "No place left: the group is full." in preview.text
    assert not Enrolment.objects.exists()
    expected = [str(e.public_id) for e in WaitingEntry.objects.all()]
    # The third entry would not get a place: a confirmation expecting it is refused, nothing written.
    refused = client.post(url, {"expected": expected}, follow=True)
    assert "changed since the preview" in refused.text
    assert not Enrolment.objects.exists()
    given = [v for v in expected if f'value="{v}"' in preview.text]
    assert len(given) == 2
    done = client.post(url, {"expected": given}, follow=True)
    assert "Places given: 2; skipped: 1." in done.text
    assert Enrolment.objects.filter(group=group).count() == 2
    assert english_client(world, "facilitator").get(url).status_code == 403


def test_the_pages_speak_latvian_first(world, directory) -> None:
    candidates(world, directory, 2)
    group = create(world, directory, capacity=1)
    client = world.client("prison_officer")
    preview = client.get(reverse("programmes:group_allocate", args=[group.public_id])).text
    assert "Saņemtu vietu" in preview
    assert "Vietu vairs nav: grupa ir pilna." in preview
    listing = client.get(list_url(directory)).text
    assert "Gaida 2 personas" in listing
    assert "Atbrīvošana pēc" in listing
