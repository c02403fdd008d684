"""Recording a consent with its signed form and withdrawing it in the browser, in both languages:
the person's page links to the consents, the form works by keyboard, the withdrawal asks to confirm
(htmx) — each page checked with axe."""

from __future__ import annotations

import json
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from conftest import World
from resoc.people.models import Consent
from tests_browser.conftest import log_in, translated
from tests_browser.test_accessibility import _choose_language, _violations

pytestmark = pytest.mark.browser

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


@pytest.mark.parametrize("language", ["lv", "en"])
def test_recording_and_withdrawing_a_consent(
    page: Page, browser_world: World, language: str, settings: Any, tmp_path: Any
) -> None:
    settings.MEDIA_ROOT = tmp_path
    person = browser_world.person
    found: dict[str, list[dict[str, Any]]] = {}
    log_in(page, "prison_officer")
    _choose_language(page, language)
    page.goto(f"/people/{person.public_id}/")
    page.get_by_role("link", name=translated(language, "Consents"), exact=True).click()
    expect(page.locator("h1")).to_contain_text(person.family_name)
    expect(page.locator("#current-consents .empty")).to_be_visible()
    found["empty"] = _violations(page)

    page.get_by_role("button", name=translated(language, "Record the consent")).click()
    expect(page.locator(".error-summary")).to_be_visible()
    found["errors"] = _violations(page)
    assert not Consent.objects.exists()

    page.get_by_label(translated(language, "Shared with (NGO)")).select_option(label=browser_world.ngo.name)
    identity = page.get_by_label(translated(language, "Identity and contacts"), exact=True)
    identity.focus()
    page.keyboard.press("Space")
    page.get_by_label(translated(language, "Family"), exact=True).check()
    page.get_by_label(translated(language, "Purpose")).fill("Atbalsts pēc atbrīvošanas")
    page.get_by_label(translated(language, "Signed form uploaded")).check()
    page.locator("#id_signed_form").set_input_files(
        {"name": "piekrisana.pdf", "mimeType": "application/pdf", "buffer": PDF}
    )
    page.get_by_role("button", name=translated(language, "Record the consent")).press("Enter")
    expect(page.locator(".messages")).to_contain_text(translated(language, "The consent has been recorded."))
    expect(page.locator("#current-consents li")).to_have_count(1)
    consent = Consent.objects.get()
    assert consent.category_keys == ["family", "identity"]
    assert consent.signed_form_type == "application/pdf"
    found["recorded"] = _violations(page)

    page.get_by_label(translated(language, "Reason for the withdrawal")).fill("Persona atsauca mutiski")
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name=translated(language, "Withdraw")).click()
    expect(page.locator(".messages")).to_contain_text(
        translated(language, "The consent has been withdrawn. The data is no longer shared.")
    )
    expect(page.locator("#current-consents .empty")).to_be_visible()
    expect(page.locator("main")).to_contain_text("Persona atsauca mutiski")
    consent.refresh_from_db()
    assert consent.is_withdrawn
    found["withdrawn"] = _violations(page)

    found = {key: value for key, value in found.items() if value}
    assert not found, f"axe found violations ({language}):\n" + json.dumps(
        found, indent=2, ensure_ascii=False
    )


@pytest.mark.parametrize("language", ["lv", "en"])
def test_ngo_directory_profile_and_agreements_pages(page: Page, browser_world: World, language: str) -> None:
    import datetime as dt

    from resoc.community.models import CooperationAgreement, NgoProfile
    from resoc.organizations.models import Organization

    ngo = browser_world.ngo
    profile = NgoProfile.objects.create(
        organization=ngo,
        description="Centrs",
        areas=" addiction ",
        regions=" zemgale ",
        phone="+371 20000000",
    )
    profile.contacts.create(name="Ilze Kalniņa", position="Koordinatore")
    today = dt.date.today()
    for number, days in [("SOON-1", 10), ("OLD-1", -5)]:
        CooperationAgreement.objects.create(
            organization=ngo,
            institution=Organization.objects.get(code="jelgavas-cietums"),
            number=number,
            scope="Grupas",
            valid_from=today - dt.timedelta(days=300),
            valid_until=today + dt.timedelta(days=days),
        )
    found: dict[str, list[dict[str, Any]]] = {}
    log_in(page, "org_admin")
    _choose_language(page, language)
    page.get_by_role("link", name=translated(language, "NGOs"), exact=True).click()
    page.get_by_label(translated(language, "Name")).fill("cels")
    expect(page.locator("#results table tbody tr")).to_have_count(1)
    found["directory"] = _violations(page)
    page.locator("#results table a").first.click()
    expect(page.locator("h1")).to_contain_text("Ceļš")
    expect(page.locator("main")).to_contain_text("Ilze Kalniņa")
    found["profile"] = _violations(page)
    page.goto("/community/agreements/")
    expect(page.locator("tr.agreement-expired")).to_have_count(1)
    expect(page.locator("tr.agreement-expiring")).to_have_count(1)
    found["agreements"] = _violations(page)
    page.get_by_role("link", name=translated(language, "Record an agreement")).click()
    page.get_by_role("button", name=translated(language, "Record")).click()
    expect(page.locator(".error-summary")).to_be_visible()
    found["agreement form with errors"] = _violations(page)

    found = {key: value for key, value in found.items() if value}
    assert not found, f"axe found violations ({language}):\n" + json.dumps(
        found, indent=2, ensure_ascii=False
    )
