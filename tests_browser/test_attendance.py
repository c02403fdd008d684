"""Filling an attendance register by keyboard only, in both languages: the group page shows the
register to fill, each row is a radio group (arrows choose), the absence reason opens only for an
absence, Tab walks row by row to the save button; the pages are checked with axe."""

from __future__ import annotations

import json
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from conftest import World
from resoc.programmes.models import AttendanceMark, SessionRegister
from resoc.programmes.tests.attendance_helpers import past_session, running_group
from tests_browser.conftest import log_in, translated
from tests_browser.test_accessibility import _choose_language, _violations

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("language", ["lv", "en"])
def test_a_facilitator_fills_a_register_by_keyboard(page: Page, browser_world: World, language: str) -> None:
    group, enrolments = running_group(browser_world, 4)
    session = past_session(group)
    rows = sorted(enrolments, key=lambda e: (e.person.sort_key, e.pk))
    found: dict[str, list[dict[str, Any]]] = {}
    log_in(page, "facilitator")
    _choose_language(page, language)
    page.goto(f"/programmes/groups/{group.public_id}/")
    registers = page.locator("#registers + table")
    expect(registers).to_contain_text(translated(language, "not yet filled in"))
    found["group page"] = _violations(page)

    link = registers.get_by_role("link").first
    link.focus()
    page.keyboard.press("Enter")
    expect(page.locator("h1")).to_have_text(translated(language, "Attendance register"))
    found["empty register"] = _violations(page)

    first, second, third, fourth = (str(e.public_id) for e in rows)
    # Row 1: absent at court. Tab lands on the row's radio group; arrows move through the choices.
    page.locator(f"#status-{first}-present").focus()
    page.keyboard.press("Space")
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    expect(page.locator(f"#status-{first}-absent")).to_be_checked()
    reason = page.locator(f"#reason-{first}")
    expect(reason).to_be_enabled()
    page.keyboard.press("Tab")
    expect(reason).to_be_focused()
    for _ in range(5):
        page.keyboard.press("ArrowDown")
    expect(reason).to_have_value("court")
    page.keyboard.press("Tab")
    page.keyboard.type("Tiesas sēde")
    # Row 2: late; its reason stays closed, so Tab goes from the choices to the note.
    page.keyboard.press("Tab")
    expect(page.locator(f"#status-{second}-present")).to_be_focused()
    page.keyboard.press("Space")
    page.keyboard.press("ArrowRight")
    expect(page.locator(f"#reason-{second}")).to_be_disabled()
    page.keyboard.press("Tab")
    expect(page.locator(f"#note-{second}")).to_be_focused()
    # Rows 3 and 4: present.
    for key in (third, fourth):
        page.keyboard.press("Tab")
        expect(page.locator(f"#status-{key}-present")).to_be_focused()
        page.keyboard.press("Space")
        page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    expect(page.locator("#notes")).to_be_focused()
    page.keyboard.type("Tēma: darba intervija")
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name=translated(language, "Save the register"))).to_be_focused()
    page.keyboard.press("Enter")

    expect(page.locator(".messages")).to_contain_text(
        translated(language, "The attendance register has been saved.")
    )
    expect(page.locator("#registers + table")).to_contain_text(translated(language, "filled in"))
    found["group page after saving"] = _violations(page)
    marks = {
        m.enrolment.public_id: (m.status, m.reason, m.note)
        for m in AttendanceMark.objects.select_related("enrolment")
    }
    assert marks == {
        rows[0].public_id: ("absent", "court", "Tiesas sēde"),
        rows[1].public_id: ("late", "", ""),
        rows[2].public_id: ("present", "", ""),
        rows[3].public_id: ("present", "", ""),
    }
    assert SessionRegister.objects.get(session=session).notes == "Tēma: darba intervija"
    assert not any(found.values()), json.dumps(found, indent=2, ensure_ascii=False)
