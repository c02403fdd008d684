"""Peer mentoring in the browser, in both languages: the coordinator proposes a mentor from the
suggestions (reasons shown) and starts the match; the mentor, on a phone-sized screen, opens his
mentee and logs a meeting — each page checked with axe, the phone pages for sideways scrolling."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, Page, ViewportSize, expect

from conftest import World
from resoc.mentoring.models import Match, MatchStatus, Meeting
from resoc.mentoring.tests.conftest import candidate, consent_to_mentor, make_mentor
from tests_browser.conftest import log_in, log_out, translated
from tests_browser.test_accessibility import _choose_language, _violations

pytestmark = pytest.mark.browser

PHONE: ViewportSize = {"width": 375, "height": 740}


def _no_sideways_scroll(page: Page) -> bool:
    return bool(page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"))


@pytest.mark.parametrize("language", ["lv", "en"])
def test_proposing_a_mentor_and_logging_a_meeting_on_a_phone(
    page: Page, browser: Browser, live_server: Any, browser_world: World, language: str
) -> None:
    world = browser_world
    mentor = make_mentor(world, given_names="Roberts", family_name="Kalns", interests="futbols, šahs")
    make_mentor(
        world, "other_mentor", given_names="Ilga", family_name="Vītola", sex="female", region="latgale"
    )
    candidate(world, interests="šahs")
    consent_to_mentor(world, world.person)
    found: dict[str, list[dict[str, Any]]] = {}

    log_in(page, "ngo_coordinator")
    _choose_language(page, language)
    page.get_by_role("link", name=translated(language, "Peer mentoring"), exact=True).click()
    # The page must have arrived before axe reads it (a click does not wait for the navigation).
    expect(page.get_by_role("link", name="Jānis Bērziņš")).to_be_visible()
    found["waiting"] = _violations(page)
    page.get_by_role("link", name="Jānis Bērziņš").click()
    cards = page.locator("main ol.mentee-cards > li")
    expect(cards).to_have_count(2)
    expect(cards.first).to_contain_text("Roberts Kalns")  # the better match first, with its reasons
    with_reason = translated(language, "Shared interests: %(interests)s.") % {"interests": "šahs"}
    expect(cards.first).to_contain_text(with_reason)
    found["suggestions"] = _violations(page)
    cards.first.locator("button[type=submit]").click()
    expect(page.locator("#match-status")).to_have_text(translated(language, "Proposed"))
    found["match"] = _violations(page)
    for status in ["Initiated", "Active"]:
        page.locator("#id_to_status").select_option(label=translated(language, status))
        page.locator("form[action$='/move/'] button[type=submit]").click()
        expect(page.locator("#match-status")).to_have_text(translated(language, status))
    match = Match.objects.get()
    assert match.status == MatchStatus.ACTIVE
    assert match.mentor == mentor
    log_out(page)

    phone = browser.new_context(
        base_url=live_server.url, locale="lv-LV", viewport=PHONE, is_mobile=True, has_touch=True
    )
    phone.set_default_timeout(5_000)
    mobile = phone.new_page()
    try:
        log_in(mobile, "mentor")
        _choose_language(mobile, language)
        mobile.get_by_role("link", name=translated(language, "My mentees"), exact=True).first.click()
        expect(mobile.locator("h1")).to_have_text(translated(language, "My mentees"))
        assert _no_sideways_scroll(mobile)
        found["my_mentees"] = _violations(mobile)
        mobile.get_by_role("link", name="Jānis Bērziņš").click()
        expect(mobile.locator("h1")).to_have_text("Jānis Bērziņš")
        assert _no_sideways_scroll(mobile)
        found["my_mentee"] = _violations(mobile)
        mobile.locator("main").get_by_role("link", name=translated(language, "Log a meeting")).click()
        assert _no_sideways_scroll(mobile)
        mobile.locator("#id_held_on").fill(timezone.localdate().isoformat())
        mobile.locator("#id_place").fill("Kafejnīca Jelgavā")
        mobile.locator("#id_minutes").fill("50")
        mobile.locator("#id_topics").fill("Darba meklēšana, CV")
        mobile.locator("#id_concerns").fill("Satraukts par dzīvesvietu")
        mobile.locator("#id_flag_concern").check()
        found["meeting_form"] = _violations(mobile)
        mobile.locator("main form button[type=submit]").click()
        expect(mobile.locator("h1")).to_have_text("Jānis Bērziņš")
        expect(mobile.locator("main")).to_contain_text("Darba meklēšana, CV")
        expect(mobile.locator("main")).to_contain_text(
            translated(language, "Concern flagged to the coordinator")
        )
        found["after_meeting"] = _violations(mobile)
    finally:
        phone.close()
    meeting = Meeting.objects.get()
    assert meeting.concern_open
    assert meeting.held_on == timezone.localdate()

    found = {key: value for key, value in found.items() if value}
    assert not found, f"axe found violations ({language}):\n" + json.dumps(
        found, indent=2, ensure_ascii=False
    )
