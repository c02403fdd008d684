"""What an officer and an auditor notice when they use Resoc in a real browser."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from conftest import World, add_relationship
from resoc.people.models import Person
from tests_browser.conftest import ARTIFACTS, log_in, log_out, translated

pytestmark = pytest.mark.browser


def _switch_language(page: Page, language: str) -> None:
    page.locator(f".site-header button[name=language][value={language}]").click()
    expect(page.locator("html")).to_have_attribute("lang", language)


def test_officer_finds_a_person_opens_the_case_file_and_the_auditor_sees_it(
    page: Page, browser_world: World
) -> None:
    person = browser_world.person
    other = Person.objects.create(given_names="Pēteris", family_name="Kalniņš", sex="male")
    add_relationship(other, "jelgavas-cietums", "custody")

    # 1. Log in through the form and land on the home page, in Latvian.
    log_in(page, "prison_officer")
    expect(page).to_have_url(re.compile(r"/$"))
    expect(page.locator("html")).to_have_attribute("lang", "lv")
    expect(page.locator("h1")).to_have_text(translated("lv", "Welcome to Resoc"))
    expect(page.locator(".site-header button[name=language]")).to_have_text("English")

    # 2. Switch to English with the header button, then back to Latvian.
    _switch_language(page, "en")
    expect(page).to_have_url(re.compile(r"/$"))
    expect(page.locator("h1")).to_have_text("Welcome to Resoc")
    expect(page.get_by_role("link", name="Find a person")).to_be_visible()
    expect(page.locator(".site-header button[name=language]")).to_have_text("Latviešu")
    _switch_language(page, "lv")
    expect(page.locator("h1")).to_have_text(translated("lv", "Welcome to Resoc"))
    expect(page.locator(".site-header button[name=language]")).to_have_text("English")

    # 3. Search without diacritics; htmx replaces the results while typing, without a page load.
    page.get_by_role("navigation").get_by_role("link", name=translated("lv", "People"), exact=True).click()
    results = page.locator("#results")
    expect(results.get_by_role("link", name="Kalniņš, Pēteris")).to_be_visible()
    page.evaluate("window.resocNoReload = true")
    page.get_by_label(translated("lv", "Name or personal code")).press_sequentially("berzins", delay=20)
    expect(results.get_by_role("link", name="Kalniņš, Pēteris")).to_have_count(0)
    expect(results.get_by_role("link", name="Bērziņš, Jānis")).to_be_visible()
    assert page.evaluate("window.resocNoReload") is True, "the search reloaded the page"
    expect(page).to_have_url(re.compile(r"/people/\?q=berzins$"))
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / "search.png", full_page=True)

    # 4. Open the case file: identity section and timeline.
    results.get_by_role("link", name="Bērziņš, Jānis").click()
    expect(page).to_have_url(re.compile(rf"/people/{person.public_id}/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Bērziņš, Jānis")
    identity = page.get_by_role("region", name=translated("lv", "Identity and contacts"))
    expect(identity).to_contain_text("010180-10018")
    expect(page.get_by_role("heading", name=translated("lv", "Timeline"))).to_be_visible()
    expect(page.locator("ol.timeline li")).to_contain_text(translated("lv", "Registered in Resoc"))
    page.screenshot(path=ARTIFACTS / "person.png", full_page=True)

    # 5. The auditor finds that view in the audit log.
    log_out(page)
    log_in(page, "auditor")
    page.get_by_role("navigation").get_by_role("link", name=translated("lv", "Audit log")).click()
    expect(page).to_have_url(re.compile(r"/audit/"))
    person_filter = page.locator("main form [name=person]")
    if person_filter.count():
        person_filter.fill(str(person.public_id))
        person_filter.press("Enter")
        expect(page).to_have_url(re.compile(rf"person={person.public_id}"))
    view_row = (
        page.locator("main tbody tr")
        .filter(has_text=str(person.public_id))
        .filter(has_text="prison_officer")
        .filter(has_text=translated("lv", "Viewed"))
    )
    # One entry for the page (identity) and one for each case-file section the officer was shown.
    expect(view_row).to_have_count(7)
    expect(view_row.filter(has_text=translated("lv", "Identity and contacts"))).to_have_count(1)


def test_interface_text_is_latvian_by_default(page: Page, browser_world: World) -> None:
    log_in(page, "prison_officer")
    expect(page.locator("html")).to_have_attribute("lang", "lv")
    expect(page.locator("h1")).not_to_have_text("Welcome to Resoc")
    expect(page.get_by_role("navigation").get_by_role("link")).not_to_have_text(["People"])


def test_skip_link_is_the_first_tab_stop_and_moves_focus_to_main(page: Page, browser_world: World) -> None:
    log_in(page, "prison_officer")
    page.keyboard.press("Tab")
    skip_link = page.locator(".skip-link")
    expect(skip_link).to_be_focused()
    expect(skip_link).to_be_in_viewport()
    expect(skip_link).to_have_text(translated("lv", "Skip to main content"))
    page.keyboard.press("Enter")
    expect(page.locator("main#main")).to_be_focused()
    expect(page).to_have_url(re.compile(r"#main$"))


def test_officer_of_another_prison_gets_the_not_found_page(page: Page, browser_world: World) -> None:
    log_in(page, "other_prison_officer")
    response = page.goto(f"/people/{browser_world.person.public_id}/")
    assert response is not None
    assert response.status == 404
    expect(page.locator("h1")).to_have_text(translated("lv", "Not found"))
    expect(page.locator("main")).not_to_contain_text("Bērziņš")
    expect(page).to_have_title(re.compile(translated("lv", "Not found")))
