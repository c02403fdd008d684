"""A peer mentor checks in and out of a prison activity on a phone, and the coordinator approves the
hours by keyboard, in both languages; the pages are checked with axe and for reflow at 375 px."""

from __future__ import annotations

import json
from typing import Any

import pytest
from playwright.sync_api import Page, ViewportSize, expect

from conftest import World
from resoc.volunteers.models import HoursClaim, HoursStatus, Participation
from resoc.volunteers.tests.conftest import agreement, make_volunteer, prison_activity, qualify, take_part
from tests_browser.conftest import log_in, log_out, translated
from tests_browser.test_accessibility import _choose_language, _violations

pytestmark = pytest.mark.browser
PHONE: ViewportSize = {"width": 375, "height": 740}
DESKTOP: ViewportSize = {"width": 1280, "height": 800}


def _fits_the_screen(page: Page) -> bool:
    return bool(page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"))


@pytest.mark.parametrize("language", ["lv", "en"])
def test_a_mentor_checks_in_on_a_phone_and_the_coordinator_approves_the_hours(
    page: Page, browser_world: World, language: str
) -> None:
    world = browser_world
    volunteer = make_volunteer(world, user=world.users["mentor"], given_names="Andris", family_name="Kalniņš")
    qualify(volunteer, prison="jelgavas-cietums")
    agreement(world.ngo, "jelgavas-cietums")
    activity = prison_activity(world, title="Sarunu grupa “Ceļš atpakaļ”")
    participation = take_part(activity, volunteer)
    found: dict[str, list[dict[str, Any]]] = {}

    page.set_viewport_size(PHONE)
    log_in(page, "mentor")
    _choose_language(page, language)
    page.goto("/volunteers/me/")
    expect(page.locator("h1")).to_have_text(translated(language, "My activities"))
    check_in = page.locator("form[action$='/check-in/'] button")
    expect(check_in).to_contain_text(activity.title)
    assert _fits_the_screen(page)
    found["my activities (phone)"] = _violations(page)
    check_in.click()
    expect(page.locator(".messages")).to_contain_text(
        translated(language, "Checked in: %(title)s.") % {"title": activity.title}
    )
    page.locator("form[action$='/check-out/'] button").click()
    expect(page.locator(".messages")).to_contain_text(
        translated(language, "Checked out. %(hours)s h sent for approval.").split("%")[0]
    )
    assert _fits_the_screen(page)
    found["after check-out (phone)"] = _violations(page)
    participation.refresh_from_db()
    assert participation.checked_in_at is not None
    assert participation.checked_out_at is not None
    claim = HoursClaim.objects.get(participation=participation)
    assert claim.status == HoursStatus.CLAIMED
    log_out(page)

    page.set_viewport_size(DESKTOP)
    log_in(page, "ngo_coordinator")
    _choose_language(page, language)
    page.goto("/volunteers/hours/")
    expect(page.locator("h1")).to_have_text(translated(language, "Hours to approve"))
    found["hours to approve"] = _violations(page)
    approve = page.get_by_role(
        "button", name=translated(language, "Approve the hours of %(name)s") % {"name": "Andris Kalniņš"}
    )
    approve.focus()
    page.keyboard.press("Enter")
    expect(page.locator(".messages")).to_contain_text(
        translated(language, "Hours of %(name)s approved.") % {"name": "Andris Kalniņš"}
    )
    expect(page.locator(".empty")).to_have_text(translated(language, "No hours are waiting for approval."))
    assert HoursClaim.objects.get(pk=claim.pk).status == HoursStatus.APPROVED
    page.goto(f"/volunteers/{volunteer.public_id}/")
    expect(page.locator("#activities-heading")).to_be_visible()
    found["volunteer page"] = _violations(page)
    assert Participation.objects.count() == 1
    assert not any(found.values()), json.dumps(found, indent=2, ensure_ascii=False)
