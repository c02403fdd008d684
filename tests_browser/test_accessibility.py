"""axe-core finds no accessibility violations on any page, in Latvian or in English."""

from __future__ import annotations

import json
import uuid
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from conftest import World
from tests_browser.conftest import ARTIFACTS, log_in, log_out

pytestmark = pytest.mark.browser

AXE = Axe()


def _violations(page: Page) -> list[dict[str, Any]]:
    results = AXE.run(page)
    return [
        {
            "rule": v["id"],
            "impact": v["impact"],
            "help": v["help"],
            "nodes": [{"target": n["target"], "html": n["html"][:200]} for n in v["nodes"]],
        }
        for v in results.response["violations"]
    ]


def _choose_language(page: Page, language: str) -> None:
    if page.locator("html").get_attribute("lang") != language:
        page.locator(f".site-header button[name=language][value={language}]").click()
    expect(page.locator("html")).to_have_attribute("lang", language)


@pytest.mark.parametrize("language", ["lv", "en"])
def test_every_page_has_no_axe_violations(page: Page, browser_world: World, language: str) -> None:
    person = browser_world.person
    found: dict[str, list[dict[str, Any]]] = {}

    def check(name: str) -> None:
        expect(page.locator("html")).to_have_attribute("lang", language)
        violations = _violations(page)
        if violations:
            found[name] = violations

    page.goto("/login/")
    _choose_language(page, language)
    check("login")
    page.locator("#id_username").fill("prison_officer")
    page.locator("#id_password").fill("wrong password, wrong password")
    page.locator("main form button[type=submit]").click()
    expect(page.locator(".error-summary")).to_be_visible()
    check("login with error")

    log_in(page, "prison_officer")
    check("home")

    page.goto("/people/?q=nobody-by-this-name")
    expect(page.locator("#results .empty")).to_be_visible()
    check("people search without results")
    page.goto("/people/?q=berzins")
    expect(page.locator("#results table")).to_be_visible()
    check("people search with results")

    page.goto("/people/register/")
    check("register form")
    page.locator("main form button[type=submit]").click()
    expect(page.locator(".error-summary")).to_be_visible()
    check("register form with errors")

    page.goto(f"/people/{person.public_id}/")
    check("person page")
    page.goto(f"/people/{person.public_id}/edit/")
    check("edit page")
    page.goto(f"/people/{person.public_id}/merge/")
    check("merge page")
    page.goto(f"/people/{uuid.uuid4()}/")
    expect(page.locator("h1")).to_be_visible()
    check("not found page")

    log_out(page)
    log_in(page, "auditor")
    page.goto("/audit/")
    check("audit log")

    assert not found, f"axe found violations ({language}):\n" + json.dumps(
        found, indent=2, ensure_ascii=False
    )


def test_pages_reflow_without_sideways_scrolling_at_320_pixels(page: Page, browser_world: World) -> None:
    """WCAG 1.4.10: at 320 CSS pixels (400 % zoom) nothing but data tables may need sideways scrolling."""
    person = browser_world.person
    page.set_viewport_size({"width": 320, "height": 640})
    log_in(page, "prison_officer")
    too_wide = {}
    for url in [
        "/",
        "/people/register/",
        f"/people/{person.public_id}/edit/",
        f"/people/{person.public_id}/merge/",
        f"/people/{person.public_id}/",
    ]:
        page.goto(url)
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > 320:
            too_wide[url] = width
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / "person-320px.png", full_page=True)
    assert not too_wide, f"pages wider than the 320 px screen: {too_wide}"
