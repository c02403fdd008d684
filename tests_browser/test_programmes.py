"""The programme catalogue in the browser, in both languages: filtering by keyboard, a programme, the
rooms, a person's eligibility and adding a programme as the prison's administrator — each page checked
with axe."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from conftest import World
from resoc.demo.programmes import seed_programmes
from resoc.demo.services import ensure_demo_organizations
from resoc.organizations.models import Organization
from resoc.programmes.models import Programme
from resoc.sentences import services as sentence_services
from resoc.sentences.models import RegimeLevel
from tests_browser.conftest import log_in, log_out, translated
from tests_browser.test_accessibility import _choose_language, _violations

pytestmark = pytest.mark.browser


def _serving(world: World) -> None:
    today = timezone.localdate()
    acting = world.acting("prison_officer")
    sentence_services.sentence_record(
        acting=acting,
        person=world.person,
        court="Zemgales rajona tiesa",
        starts_on=today - dt.timedelta(days=400),
        ends_on=today + dt.timedelta(days=200),
    )
    sentence_services.custody_admit(
        acting=acting,
        person=world.person,
        prison=Organization.objects.get(code="jelgavas-cietums"),
        admitted_on=today - dt.timedelta(days=100),
        regime_level=RegimeLevel.objects.get(code="closed-medium"),
    )


@pytest.mark.parametrize("language", ["lv", "en"])
def test_catalogue_rooms_and_eligibility(page: Page, browser_world: World, language: str) -> None:
    seed_programmes(ensure_demo_organizations())
    _serving(browser_world)
    found: dict[str, list[dict[str, Any]]] = {}

    log_in(page, "prison_officer")
    _choose_language(page, language)
    page.get_by_role("link", name=translated(language, "Programmes"), exact=True).click()
    expect(page.locator("h1")).to_have_text(translated(language, "Programmes"))
    found["catalogue"] = _violations(page)

    # Filter by keyboard: choose a need and press Enter in the name field.
    page.locator("#id_need").select_option("latvian_language")
    page.locator("#id_q").focus()
    page.keyboard.press("Enter")
    rows = page.locator("main table tbody tr")
    expect(rows).to_have_count(1)
    name = "Latviešu valodas kursi" if language == "lv" else "Latvian language course"
    expect(rows.first).to_contain_text(name)
    page.locator("#id_q").fill("nekas-tads")
    page.keyboard.press("Enter")
    expect(page.locator("p.empty")).to_contain_text(
        translated(language, "No programme matches these filters.")
    )
    found["catalogue without results"] = _violations(page)

    page.goto("/programmes/")
    page.get_by_role("link", name="Metinātājs" if language == "lv" else "Welder").click()
    expect(page.locator("main")).to_contain_text("Jēkabpils cietums")
    found["programme"] = _violations(page)

    page.get_by_role("link", name=translated(language, "Programmes"), exact=True).first.click()
    page.get_by_role("link", name=translated(language, "Places and rooms")).click()
    expect(page.locator("main")).to_contain_text("Metināšanas darbnīca")
    found["rooms"] = _violations(page)

    # From the case file's assessment section to the person's eligibility.
    page.goto(f"/people/{browser_world.person.public_id}/")
    page.get_by_role("link", name=translated(language, "Programmes the person may join")).click()
    expect(page.locator("h1")).to_have_text(translated(language, "Programmes the person may join"))
    # The sentence ends in about 200 days: the vocational programmes need 9 months.
    expect(page.locator("main")).to_contain_text(translated(language, "Not eligible"))
    expect(page.locator("main")).to_contain_text(translated(language, "No signed risk and needs assessment."))
    found["eligibility"] = _violations(page)

    found = {key: value for key, value in found.items() if value}
    assert not found, f"axe found violations ({language}):\n" + json.dumps(
        found, indent=2, ensure_ascii=False
    )


def test_a_prison_administrator_adds_a_programme_by_keyboard(page: Page, browser_world: World) -> None:
    log_in(page, "org_admin")
    page.goto("/programmes/")
    expect(page.locator("p.empty")).to_contain_text(translated("lv", "The catalogue is empty."))
    page.get_by_role("link", name=translated("lv", "Add a programme")).first.click()
    found = {"empty form": _violations(page)}
    page.locator("#id_code").focus()
    page.keyboard.type("jelgavas-sahs")
    page.keyboard.press("Tab")
    page.keyboard.type("Šaha pulciņš")
    page.locator("#id_type").select_option(label="Brīvais laiks un sports")
    page.locator("#id_aims").fill("Koncentrēšanās un brīvā laika pavadīšana.")
    page.locator("#id_min_age").fill("40")
    page.locator("#id_max_age").fill("20")
    page.get_by_role("button", name=translated("lv", "Save")).click()
    expect(page.locator(".error-summary")).to_contain_text(
        translated("lv", "The maximum age is below the minimum age.")
    )
    found["form with errors"] = _violations(page)
    assert not Programme.objects.filter(code="jelgavas-sahs").exists()
    page.locator("#id_max_age").fill("")
    page.get_by_role("button", name=translated("lv", "Save")).click()
    expect(page.locator("h1")).to_have_text("Šaha pulciņš")
    assert Programme.objects.get(code="jelgavas-sahs").organizations.get().code == "jelgavas-cietums"
    found = {key: value for key, value in found.items() if value}
    assert not found, "axe found violations:\n" + json.dumps(found, indent=2, ensure_ascii=False)
    log_out(page)
