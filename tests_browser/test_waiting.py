"""Filling a group from its waiting list in the browser, in both languages: the list with its rank
factors, the preview naming who gets a place and why the others are skipped, the confirmation by
keyboard — each page checked with axe."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.utils import translation
from playwright.sync_api import Page, expect

from conftest import World
from resoc.people.models import Person
from resoc.programmes import services, waiting
from resoc.programmes.models import Enrolment, Room, WaitingEntry, WaitingStatus
from resoc.programmes.tests.conftest import make_location, make_offer, make_programme, org
from resoc.programmes.tests.test_enrolments import hold
from tests_browser.conftest import log_in, translated
from tests_browser.test_accessibility import _choose_language, _violations

pytestmark = pytest.mark.browser


def _setup(world: World) -> Any:
    programme = make_programme()
    location = make_location()
    room = Room.objects.create(location=location, name="Klase 1", kind="classroom", capacity=12)
    offer = make_offer(programme, location)
    acting = world.acting("prison_officer")
    for n, code in enumerate(["050585-10011", "050585-10022"]):
        person = Person.objects.create(
            given_names=["Andris", "Biruta"][n],
            family_name="Kalniņš",
            personal_code=code,
            date_of_birth=dt.date(1985, 5, 5),
            sex="male",
        )
        hold(world, person)
        waiting.waiting_entry_add_application(
            acting=acting,
            person=person,
            programme=programme,
            organization=org("jelgavas-cietums"),
            note="Iesniegums",
        )
    return services.group_create(
        acting=acting,
        spec=services.GroupSpec(
            offer=offer,
            room=room,
            facilitator=world.users["facilitator"],
            name="Metinātāji, pavasaris",
            starts_on=dt.date.today() + dt.timedelta(days=30),
            ends_on=dt.date.today() + dt.timedelta(days=60),
            capacity=1,
            recurrence="FREQ=WEEKLY;BYDAY=TU;COUNT=4",
            session_start=dt.time(10, 0),
            session_minutes=90,
        ),
    )


@pytest.mark.parametrize("language", ["lv", "en"])
def test_previewing_and_confirming_an_allocation(page: Page, browser_world: World, language: str) -> None:
    group = _setup(browser_world)
    found: dict[str, list[dict[str, Any]]] = {}
    log_in(page, "prison_officer")
    _choose_language(page, language)
    page.get_by_role("link", name=translated(language, "Programmes"), exact=True).click()
    page.get_by_role("link", name=translated(language, "Waiting lists")).click()
    found["overview"] = _violations(page)
    page.locator("main table a").first.click()
    with translation.override(language):
        waiting_text = translation.ngettext("%(counter)s person waiting", "%(counter)s people waiting", 2) % {
            "counter": 2
        }
    expect(page.locator("main table caption").first).to_have_text(waiting_text)
    expect(page.locator("main")).to_contain_text(
        translated(language, "No plan priority recorded (own application): after those with one.")
    )
    found["list"] = _violations(page)

    page.get_by_role("link", name="Metinātāji, pavasaris").click()
    expect(page.locator("h1")).to_contain_text("Metinātāji, pavasaris")
    expect(page.locator("#given + table tbody tr")).to_have_count(1)
    expect(page.locator("#skipped + table")).to_contain_text(
        translated(language, "No place left: the group is full.")
    )
    assert not Enrolment.objects.exists()  # the preview writes nothing
    found["preview"] = _violations(page)

    button = page.locator("main form button[type=submit]")
    button.focus()
    page.keyboard.press("Enter")
    expect(page.locator("h1")).to_contain_text("Metinātāji, pavasaris")
    expect(page.locator("#participants + table tbody tr")).to_have_count(1)
    assert Enrolment.objects.filter(group=group).count() == 1
    assert WaitingEntry.objects.filter(status=WaitingStatus.ALLOCATED).count() == 1
    found["group"] = _violations(page)

    found = {key: value for key, value in found.items() if value}
    assert not found, f"axe found violations ({language}):\n" + json.dumps(
        found, indent=2, ensure_ascii=False
    )


@pytest.mark.parametrize("language", ["lv", "en"])
def test_putting_a_person_on_a_waiting_list_from_the_plan(
    page: Page, browser_world: World, language: str
) -> None:
    from resoc.plans.tests.conftest import add_measure, make_plan

    programme = make_programme()
    location = make_location()
    make_offer(programme, location)
    hold(browser_world, browser_world.person)
    plan = make_plan(browser_world)
    measure = add_measure(browser_world, plan.goals.get(need_key="education_employment"))
    log_in(page, "prison_officer")
    _choose_language(page, language)
    page.goto(f"/plans/{browser_world.person.public_id}/")
    part = page.locator(f"#waiting-{measure.public_id}")
    expect(part).to_contain_text(translated(language, "Not on a programme waiting list."))
    found: dict[str, list[dict[str, Any]]] = {"plan": _violations(page)}

    # Keyboard only: the list is chosen and the button pressed; htmx replaces the measure's part.
    page.get_by_label(translated(language, "Waiting list")).focus()
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    with translation.override(language):
        label = programme.label
    expect(part).to_contain_text(label)
    expect(part).not_to_contain_text(translated(language, "Not on a programme waiting list."))
    entry = WaitingEntry.objects.get(person=browser_world.person)
    assert (entry.measure_id, entry.status) == (measure.pk, WaitingStatus.WAITING)
    found["added"] = _violations(page)

    found = {key: value for key, value in found.items() if value}
    assert not found, f"axe found violations ({language}):\n" + json.dumps(
        found, indent=2, ensure_ascii=False
    )
