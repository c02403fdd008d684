"""Release in the browser: a meeting with several follow-up tasks, choosing who takes over each plan
measure at release, and re-admitting a released person."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from conftest import World
from resoc.plans.models import Measure
from resoc.plans.tests.conftest import add_measure, make_plan
from resoc.release import services as release_services
from resoc.release.models import InterInstitutionalMeeting, ReleaseTask
from resoc.release.tests.conftest import hold, org
from resoc.sentences import services as sentence_services
from resoc.sentences.models import CustodyPeriod
from tests_browser.conftest import log_in, translated
from tests_browser.test_accessibility import _violations

pytestmark = pytest.mark.browser


def _day(offset: int) -> str:
    return (timezone.localdate() + dt.timedelta(days=offset)).isoformat()


def _fill_task(page: Page, index: int, title: str, due: str, organization: str, role: str) -> None:
    task = page.locator(f"#follow-up-{index}")
    task.locator(f"#id_follow_ups-{index}-title").fill(title)
    task.locator(f"#id_follow_ups-{index}-area").select_option("probation_handover")
    task.locator(f"#id_follow_ups-{index}-due_on").fill(due)
    task.locator(f"#id_follow_ups-{index}-organization").select_option(organization)
    task.locator(f"#id_follow_ups-{index}-role").select_option(role)


def test_a_meeting_with_three_follow_up_tasks_added_by_keyboard(page: Page, browser_world: World) -> None:
    person = browser_world.person
    hold(browser_world, person)
    found = {}
    log_in(page, "prison_officer")
    page.goto(f"/release/{person.public_id}/meetings/new/")
    found["meeting form"] = _violations(page)

    page.locator("#id_meeting-place").fill("Jelgavas cietums")
    page.locator("#id_meeting-reasons input[value=radicalisation]").check()
    page.locator("#id_meeting-participants").select_option(["jelgavas-cietums", "vpd-zemgale"])
    _fill_task(page, 0, "Riska pārvaldības plāns", _day(10), "vpd-zemgale", "probation_officer")

    add = page.get_by_role("button", name=translated("lv", "Add another task"))
    for index in (1, 2):
        add.focus()
        page.keyboard.press("Enter")
        # The new task's first field takes the focus, and the addition is announced.
        expect(page.locator(f"#id_follow_ups-{index}-title")).to_be_focused()
        expect(page.locator("#follow-up-status")).to_have_text(
            translated("lv", "Follow-up task %(number)s added.") % {"number": index + 1}
        )
        page.keyboard.type(f"Uzdevums {index + 1}")
    _fill_task(page, 1, "Dzīvesvietas meklēšana", _day(-9), "jelgava-social", "social_worker")
    _fill_task(page, 2, "Dokumentu kārtošana", _day(5), "jelgavas-cietums", "resocialization_officer")
    found["meeting form with three tasks"] = _violations(page)

    # Task 2 is due before the meeting: nothing is stored and the error names the task.
    page.get_by_role("button", name=translated("lv", "Record the meeting")).click()
    summary = page.locator("#follow-up-error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_have_attribute("role", "alert")
    expect(summary).to_contain_text(translated("lv", "A follow-up cannot be due before the meeting."))
    assert not InterInstitutionalMeeting.objects.exists()
    found["meeting form with errors"] = _violations(page)

    page.locator("#id_follow_ups-1-due_on").fill(_day(20))
    page.get_by_role("button", name=translated("lv", "Record the meeting")).click()
    expect(page.locator("#meetings")).to_be_visible()
    meeting = InterInstitutionalMeeting.objects.get()
    assert sorted(ReleaseTask.objects.filter(meeting=meeting).values_list("title", flat=True)) == [
        "Dokumentu kārtošana",
        "Dzīvesvietas meklēšana",
        "Riska pārvaldības plāns",
    ]
    found = {name: v for name, v in found.items() if v}
    assert not found, "axe found violations:\n" + json.dumps(found, indent=2, ensure_ascii=False)


def test_another_prison_readmits_a_released_person_by_the_personal_code(
    page: Page, browser_world: World
) -> None:
    person = browser_world.person
    hold(browser_world, person)
    sentence_services.person_release(
        acting=browser_world.acting("prison_officer"),
        person=person,
        released_on=timezone.localdate() - dt.timedelta(days=40),
        reason="end_of_sentence",
    )
    found = {}
    log_in(page, "other_prison_officer")
    page.goto("/people/")
    page.get_by_role("link", name=translated("lv", "Admit a registered person")).click()
    found["identify"] = _violations(page)

    page.locator("#id_value").fill("010180")
    page.get_by_role("button", name=translated("lv", "Find the record")).click()
    expect(page.locator(".error-summary")).to_be_visible()
    found["identify with an error"] = _violations(page)

    page.locator("#id_value").fill(person.personal_code or "")
    page.get_by_role("button", name=translated("lv", "Find the record")).click()
    match = page.locator("#match")
    expect(match).to_contain_text(person.full_name)
    # Nothing of the file before the admission: no link to it, no earlier prison.
    expect(page.locator(f"a[href*='{person.public_id}']")).to_have_count(0)
    expect(page.locator("main")).not_to_contain_text("Jelgavas cietums")
    found["match"] = _violations(page)

    page.get_by_role("button", name=translated("lv", "Admit this existing record")).click()
    expect(page).to_have_url(re.compile(rf"/people/{person.public_id}/#section-sentence$"))
    assert CustodyPeriod.objects.filter(
        person=person, left_on__isnull=True, prison__code="jekabpils-cietums"
    ).exists()
    found = {name: v for name, v in found.items() if v}
    assert not found, "axe found violations:\n" + json.dumps(found, indent=2, ensure_ascii=False)


def test_the_officer_chooses_who_takes_over_each_measure(page: Page, browser_world: World) -> None:
    person = browser_world.person
    hold(browser_world, person)
    plan = make_plan(browser_world)
    measure = add_measure(browser_world, plan.goals.all()[0], description="Dzīvesvietas meklēšana")
    release_services.timeline_generate(
        acting=browser_world.acting("prison_officer"), person=person, municipality=org("jelgava-social")
    )
    log_in(page, "prison_officer")
    page.goto(f"/release/{person.public_id}/#handover-plan")
    section = page.locator("#handover-plan")
    choice = section.get_by_role("combobox", name=f"{measure.get_kind_display()}: Dzīvesvietas meklēšana")
    expect(choice).to_have_value("vpd-zemgale")  # the default: the probation unit
    found = {"handover choices": _violations(page)}
    choice.focus()
    choice.select_option("jelgava-social")
    section.get_by_role("button", name=translated("lv", "Save who takes over")).press("Enter")
    expect(page.locator("#handover-plan select")).to_have_value("jelgava-social")
    sentence_services.person_release(
        acting=browser_world.acting("prison_officer"),
        person=person,
        released_on=timezone.localdate(),
        reason="end_of_sentence",
    )
    assert Measure.objects.get(pk=measure.pk).responsible_organization == org("jelgava-social")
    found = {name: v for name, v in found.items() if v}
    assert not found, "axe found violations:\n" + json.dumps(found, indent=2, ensure_ascii=False)
