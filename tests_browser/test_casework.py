"""Casework in the browser: a resocialization officer draws up a plan and works it with the keyboard."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from conftest import World
from resoc.plans.models import Measure, MeasureStatus
from resoc.plans.tests.conftest import sign_assessment
from tests_browser.conftest import log_in, translated
from tests_browser.test_accessibility import _violations

pytestmark = pytest.mark.browser


def test_officer_draws_up_a_plan_adds_a_measure_and_marks_it_done(page: Page, browser_world: World) -> None:
    person = browser_world.person
    sign_assessment(browser_world)  # needs: criminal history (high), drugs and education (medium)
    due = timezone.localdate() + dt.timedelta(days=60)
    found = {}

    log_in(page, "prison_officer")
    page.goto(f"/people/{person.public_id}/")
    page.get_by_role("link", name=translated("lv", "Create a plan from the current assessment")).click()
    found["plan page without a plan"] = _violations(page)

    page.get_by_role("button", name=translated("lv", "Create a plan from the current assessment")).click()
    goals = page.locator("section.goal h3")
    expect(goals).to_have_count(3)
    found["plan page"] = _violations(page)

    # The measure form, by keyboard only: focus the first field and type / tab through the rest.
    form = page.locator("#add-measure")
    form.locator("#id_measure-goal").focus()
    page.keyboard.press("Tab")  # to "kind"
    form.locator("#id_measure-kind").select_option("education")
    form.locator("#id_measure-description").focus()
    page.keyboard.type("Metinātāja kursi Jelgavas cietumā")
    form.locator("#id_measure-due_on").fill(due.isoformat())
    form.locator("#id_measure-due_on").press("Enter")

    measure_item = page.locator("li.measure", has_text="Metinātāja kursi Jelgavas cietumā")
    expect(measure_item).to_be_visible()
    found["plan page with a measure"] = _violations(page)
    measure = Measure.objects.get(description="Metinātāja kursi Jelgavas cietumā")
    assert measure.status == MeasureStatus.PLANNED
    assert measure.due_on == due

    # Status change through htmx: only the measure is swapped, the page stays where it is.
    measure_item.get_by_label(translated("lv", "Change the status")).select_option(MeasureStatus.DONE)
    measure_item.get_by_role("button", name=translated("lv", "Save")).click()
    expect(page.locator(f"#measure-{measure.public_id} .status")).to_have_text(translated("lv", "Done"))
    measure.refresh_from_db()
    assert measure.status == MeasureStatus.DONE

    # One goal of three addressed: the indicator counts the person as not yet fulfilled.
    page.get_by_role("link", name=translated("lv", "Plan fulfilment")).click()
    row = page.locator("tr", has_text=person.family_name)
    expect(row.locator("td").nth(0)).to_have_text("1/3")
    expect(row.locator("td").nth(1)).to_have_text(translated("lv", "no"))
    expect(row.locator("td li")).to_have_count(2)
    found["plan fulfilment"] = _violations(page)

    found = {name: v for name, v in found.items() if v}
    assert not found, "axe found violations:\n" + json.dumps(found, indent=2, ensure_ascii=False)


def test_sentence_and_assessment_pages_have_no_axe_violations(page: Page, browser_world: World) -> None:
    person = browser_world.person
    found = {}
    log_in(page, "prison_officer")
    for name in ("record_sentence", "transfer", "absence", "release"):
        page.goto(f"/sentences/{person.public_id}/{name.replace('record_', '')}/")
        expect(page.locator("main form")).to_be_visible()
        found[name] = _violations(page)
    # A submitted empty form shows its errors accessibly too.
    page.goto(f"/sentences/{person.public_id}/sentence/")
    page.locator("main form button[type=submit]").click()
    expect(page.locator(".errorlist").first).to_be_visible()
    found["sentence form with errors"] = _violations(page)

    for name, url in [
        ("my people", "/casework/"),
        ("case notes", f"/casework/persons/{person.public_id}/notes/"),
        ("release timeline", f"/release/{person.public_id}/"),
        ("release tasks", "/release/tasks/"),
        ("meetings to hold", "/release/meetings/required/"),
        ("register imports", "/imports/"),
    ]:
        page.goto(url)
        expect(page.locator("h1")).to_be_visible()
        found[name] = _violations(page)

    page.goto(f"/people/{person.public_id}/")
    page.get_by_role("button", name=translated("lv", "Start a risk and needs assessment")).click()
    expect(page.locator("#motivation")).to_be_visible()
    found["assessment draft"] = _violations(page)

    found = {name: v for name, v in found.items() if v}
    assert not found, "axe found violations:\n" + json.dumps(found, indent=2, ensure_ascii=False)


def test_my_people_shows_the_list_then_fills_in_the_tiles(page: Page, browser_world: World) -> None:
    log_in(page, "prison_officer")
    page.goto("/casework/")
    tiles = page.locator("ul#caseload-tiles")
    expect(tiles).to_be_visible()  # htmx replaced the placeholder with the counts
    expect(page.locator("#caseload-tiles[aria-busy]")).to_have_count(0)
    expect(tiles.get_by_role("link", name=translated("lv", "without a plan"))).to_be_visible()
    expect(tiles.locator(".tile-count").first).to_have_text("1")  # the world's one person in custody
    assert not _violations(page)
