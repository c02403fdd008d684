"""Planning a programme group in the browser, in both languages: the form by keyboard, the schedule
check (htmx, also what Enter does) without and with a conflict, saving despite it, the group's schedule — each page checked
with axe."""

from __future__ import annotations

import json
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from conftest import World
from resoc.demo.programmes import seed_programmes
from resoc.demo.services import ensure_demo_organizations
from resoc.programmes.models import Group, Offer, Room
from tests_browser.conftest import log_in, translated
from tests_browser.test_accessibility import _choose_language, _violations

pytestmark = pytest.mark.browser


def _fill(page: Page, *, name: str, rule: str) -> None:
    offer = Offer.objects.get(programme__code="metinatajs", organization__code="jelgavas-cietums")
    room = Room.objects.get(location__organization__code="jelgavas-cietums", name="Metināšanas darbnīca")
    page.locator("#id_offer").select_option(str(offer.pk))
    page.locator("#id_name").focus()
    page.keyboard.type(name)
    page.locator("#id_room").select_option(str(room.pk))
    page.locator("#id_facilitator").select_option(label="facilitator")
    page.locator("#id_capacity").fill("8")
    page.locator("#id_starts_on").fill("2027-03-01")
    page.locator("#id_ends_on").fill("2027-04-30")
    page.locator("#id_recurrence").fill(rule)
    page.locator("#id_session_start").fill("10:00")
    page.locator("#id_session_minutes").fill("90")


@pytest.mark.parametrize("language", ["lv", "en"])
def test_planning_a_group_and_seeing_a_conflict(page: Page, browser_world: World, language: str) -> None:
    seed_programmes(ensure_demo_organizations())
    found: dict[str, list[dict[str, Any]]] = {}
    log_in(page, "prison_officer")
    _choose_language(page, language)
    page.get_by_role("link", name=translated(language, "Programmes"), exact=True).click()
    page.get_by_role("link", name=translated(language, "Programme groups")).click()
    expect(page.locator("p.empty")).to_contain_text(translated(language, "No groups are planned yet."))
    found["empty list"] = _violations(page)

    page.get_by_role("link", name=translated(language, "Plan a group")).first.click()
    expect(page.locator("h1")).to_have_text(translated(language, "Plan a group"))
    found["empty form"] = _violations(page)
    _fill(page, name="Metinātāji A", rule="FREQ=WEEKLY;BYDAY=MO,WE;COUNT=6")
    page.get_by_role("button", name=translated(language, "Check the schedule")).click()
    check = page.locator("#schedule-check")
    expect(check.locator(".schedule-preview li")).to_have_count(6)
    expect(check).to_contain_text(
        translated(language, "No conflicts: the room and the facilitator are free at these times.")
    )
    assert not Group.objects.exists()  # checking saves nothing
    found["checked form"] = _violations(page)
    page.get_by_role("button", name=translated(language, "Save"), exact=True).click()
    expect(page.locator("h1")).to_contain_text("Metinātāji A")
    expect(page.locator("main table tbody tr")).to_have_count(6)
    expect(page.locator("main table")).to_contain_text("01.03.2027 10:00–11:30")
    found["group"] = _violations(page)

    # The schedule as a week grid, and the next week by keyboard.
    page.get_by_role("link", name=translated(language, "The schedule as a week")).click()
    grid = page.locator("table.week-grid")
    expect(grid.locator("caption")).to_contain_text("2027-W09")
    expect(grid.locator("td").nth(0)).to_contain_text("10:00–11:30")
    expect(grid.locator("td").nth(2)).to_contain_text("10:00–11:30")
    found["week"] = _violations(page)
    page.get_by_role("link", name=translated(language, "Next week")).focus()
    page.keyboard.press("Enter")
    expect(grid.locator("caption")).to_contain_text("2027-W10")

    # A second group in the same workshop on Mondays at the same time: two conflicts, shown first.
    page.goto("/programmes/groups/new/")
    _fill(page, name="Metinātāji B", rule="FREQ=WEEKLY;BYDAY=MO;COUNT=2")
    # Enter submits with the first button, "Check the schedule": the conflicts are shown, not saved.
    page.locator("#id_session_minutes").press("Enter")
    conflicts = page.locator("#schedule-check .conflicts li")
    expect(conflicts).to_have_count(2)
    expect(conflicts.first).to_contain_text("Metinātāji A")
    expect(conflicts.first).to_contain_text("Metināšanas darbnīca")
    found["conflicts"] = _violations(page)
    page.get_by_role("button", name=translated(language, "Save"), exact=True).click()
    expect(page.locator("#error-summary")).to_contain_text(
        translated(
            language, "The schedule conflicts with other sessions; check it or save despite the conflicts."
        )
    )
    assert Group.objects.count() == 1
    page.get_by_label(translated(language, "Save despite the conflicts")).check()
    page.get_by_role("button", name=translated(language, "Save"), exact=True).click()
    expect(page.locator("h1")).to_contain_text("Metinātāji B")
    assert Group.objects.count() == 2

    found = {key: value for key, value in found.items() if value}
    assert not found, f"axe found violations ({language}):\n" + json.dumps(
        found, indent=2, ensure_ascii=False
    )
