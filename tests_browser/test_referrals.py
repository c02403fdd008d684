"""A referral's whole loop in the browser, in both languages: a prison officer refers Jānis to the NGO
(the form, by keyboard where it matters), the NGO coordinator finds it in the inbox, accepts it,
starts the work and completes it with the outcome (htmx swaps the referral in place), and the prison
officer sees the outcome and the history. The pages are checked with axe."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from conftest import World, add_consent
from resoc.community.models import CooperationAgreement
from resoc.organizations.models import Organization
from resoc.referrals.models import Referral, State
from tests_browser.conftest import log_in, log_out, translated
from tests_browser.test_accessibility import _choose_language, _violations

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("language", ["lv", "en"])
def test_send_accept_complete(page: Page, browser_world: World, language: str) -> None:
    world = browser_world
    CooperationAgreement.objects.create(
        organization=world.ngo,
        institution=Organization.objects.get(code="ievp"),
        number="2026/9",
        scope="Atbalsts pēc atbrīvošanas",
        valid_from=timezone.localdate() - dt.timedelta(days=30),
    )
    add_consent(world.person, world.ngo, ["identity", "family"])
    found: dict[str, list[dict[str, Any]]] = {}

    log_in(page, "prison_officer")
    _choose_language(page, language)
    page.goto("/referrals/new/?q=berzins")
    page.get_by_role("link", name="Bērziņš, Jānis").click()
    found["form"] = _violations(page)
    page.get_by_label(translated(language, "Receiving organization")).select_option(label=str(world.ngo))
    page.get_by_label(translated(language, "Reason for the referral")).fill(
        "Mājokļa meklēšana pēc atbrīvošanas"
    )
    page.locator("input[name=categories][value=family]").check()
    page.get_by_role("button", name=translated(language, "Send the referral")).click()
    expect(page.locator(".messages")).to_contain_text(translated(language, "The referral has been sent."))
    found["referral, sender"] = _violations(page)
    log_out(page)

    log_in(page, "ngo_coordinator")
    _choose_language(page, language)
    page.goto("/referrals/")
    found["inbox"] = _violations(page)
    page.get_by_role("link", name="Bērziņš, Jānis").click()
    page.get_by_role("button", name=translated(language, "Accept"), exact=True).click()
    expect(page.locator("#referral dl")).to_contain_text(_state(language, "Accepted"))
    page.get_by_role("button", name=translated(language, "Start the work")).click()
    expect(page.locator("#referral dl")).to_contain_text(_state(language, "In progress"))
    page.locator("#reason-complete").fill("Mājoklis atrasts, līgums parakstīts")
    page.get_by_role("button", name=translated(language, "Complete"), exact=True).click()
    expect(page.locator("#referral dl")).to_contain_text(_state(language, "Completed"))
    found["referral, completed"] = _violations(page)
    log_out(page)

    log_in(page, "prison_officer")
    referral = Referral.objects.get()
    assert referral.state == State.COMPLETED
    page.goto(f"/referrals/{referral.public_id}/")
    expect(page.locator("#referral")).to_contain_text("Mājoklis atrasts, līgums parakstīts")
    expect(page.locator("#referral table")).to_contain_text(_state(language, "Completed"))
    assert not any(found.values()), json.dumps(found, indent=2, ensure_ascii=False)


def _state(language: str, label: str) -> str:
    from django.utils import translation

    with translation.override(language):
        return translation.pgettext("referral state", label)
