"""The process designer in a real browser: view a version, edit a timer, deploy, refusals."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from engine.config import load_settings
from engine.db import Database
from tests.complaint.conftest import start_data
from tests.ui.conftest import screenshot
from web.bootstrap import build_engine

pytestmark = pytest.mark.slow
NEW_TIMER = "add_to_instant(fee_overdue_at, days=7)"


def select(page, element_id: str) -> None:
    """Select a diagram element as a click would (labels may lie over small elements)."""
    page.evaluate(
        """id => { const m = window.klageflowModeler;
                   m.get("selection").select(m.get("elementRegistry").get(id)); }""",
        element_id,
    )


def test_a_designer_changes_a_timer_and_deploys_a_new_version(page, server, login):
    engine = build_engine(load_settings(), db=Database(server.database_url))
    old_case = engine.start("complaint", start_data(reference="KP-2025-000900"))

    login(page, "designer")
    page.get_by_role("link", name=re.compile("Klage over en plan")).click()
    expect(page.locator("#canvas[data-ready=true]")).to_be_attached()
    expect(page.locator(".count-badge").first).to_be_visible()
    screenshot(page, "10-process-version-view")

    page.get_by_role("link", name="Redigér diagrammet").click()
    expect(page.locator("#canvas[data-ready=true]")).to_be_attached()
    select(page, "payment_overdue")
    timer = page.get_by_label(re.compile("^Timer"))
    expect(timer).to_have_value("fee_overdue_at")
    timer.fill(NEW_TIMER)
    timer.press("Tab")
    page.get_by_role("button", name="Validér").click()
    expect(page.locator("#result")).to_contain_text("Diagrammet er gyldigt.")
    page.get_by_role("button", name="Udrul som ny version").click()
    expect(page.locator("#result")).to_contain_text("Udrullet som version 2")
    screenshot(page, "11-editor-deployed")

    latest = engine.definition("complaint")
    assert latest.version == 2
    xml = next(text for name, text in latest.files.items() if name == "complaint.bpmn")
    assert NEW_TIMER in xml
    for kept in (
        "candidateGroupExpression",
        "send_mail",
        "calledDecisionId",
        "messageVariable",
        '<spiffworkflow:unitTest id="the_second_reminder_is_number_two">',
        "<spiffworkflow:expectedOutputJson>",
    ):
        assert kept in xml, f"{kept} survived the round trip through the editor"
    assert engine.show(old_case).version == 1, "running cases keep their version"
    new_case = engine.start("complaint", start_data(reference="KP-2025-000901"))
    assert engine.show(new_case).version == 2


def test_a_broken_diagram_is_refused_with_the_error_on_its_element(page, server, login):
    login(page, "designer")
    page.goto(server.url("/processer/complaint/rediger"))
    expect(page.locator("#canvas[data-ready=true]")).to_be_attached()
    select(page, "flow_timely_to_assess_lateness")
    condition = page.get_by_label("Betingelse")
    condition.fill("in_time ==")
    condition.press("Tab")
    page.get_by_role("button", name="Validér").click()
    expect(page.locator("#result")).to_contain_text("flow_timely_to_assess_lateness")
    expect(
        page.locator('.djs-element.deploy-error[data-element-id="flow_timely_to_assess_lateness"]')
    ).to_be_attached()
    screenshot(page, "12-editor-refused")


def test_the_test_button_runs_the_model_tests_and_a_failing_one_blocks_deploy(page, server, login):
    engine = build_engine(load_settings(), db=Database(server.database_url))
    before = engine.definition("complaint").version
    login(page, "designer")
    page.goto(server.url("/processer/complaint/rediger"))
    expect(page.locator("#canvas[data-ready=true]")).to_be_attached()
    page.get_by_role("button", name="Test").click()
    expect(page.locator("#result")).to_contain_text("Alle modeltests bestod: 3 bestod, 0 fejlede")
    expect(page.locator("#result")).to_contain_text(
        "Modeltesten «the_second_reminder_is_number_two» bestod"
    )
    screenshot(page, "14-editor-tests-passed")

    select(page, "count_reminder")
    script = page.get_by_label("Script")
    script.fill("reminders_sent = reminders_sent + 2\nreminder_number = reminders_sent")
    script.press("Tab")
    page.get_by_role("button", name="Test").click()
    failure = (
        "Modeltesten «the_second_reminder_is_number_two» fejlede: "
        "reminders_sent: forventet 2, fik 3; reminder_number: forventet 2, fik 3"
    )
    expect(page.locator("#result")).to_contain_text("Modeltests fejlede: 2 bestod, 1 fejlede")
    expect(page.locator("#result")).to_contain_text(failure)
    marked = page.locator('.djs-element.deploy-error[data-element-id="count_reminder"]')
    expect(marked).to_be_attached()
    screenshot(page, "15-editor-test-failed")
    page.set_viewport_size({"width": 390, "height": 844})
    screenshot(page, "15-editor-test-failed-390")
    page.set_viewport_size({"width": 1280, "height": 900})

    page.get_by_role("button", name="Udrul som ny version").click()
    expect(page.locator("#result")).to_contain_text("Diagrammet blev afvist:")
    expect(page.locator("#result")).to_contain_text(failure)
    expect(marked).to_be_attached()
    screenshot(page, "16-editor-deploy-blocked-by-test")
    assert engine.definition("complaint").version == before, "nothing was deployed"


def test_only_designers_edit_processes(page, server, login):
    login(page, "kommune")
    assert page.goto(server.url("/processer/complaint/rediger")).status == 403


def test_a_designer_changes_a_form_label_and_deploys_it(page, server, login):
    engine = build_engine(load_settings(), db=Database(server.database_url))
    before = engine.definition("complaint").version
    login(page, "designer")
    page.goto(server.url("/processer/complaint"))
    page.get_by_role("link", name="screening.form").click()
    expect(page.locator("#form-editor[data-ready=true]")).to_be_attached()
    expect(page.locator("#form-editor")).to_contain_text("Klageren er klageberettiget")
    page.evaluate(
        """() => { const editor = window.klageflowFormEditor;
                   const field = editor.get("formFieldRegistry").getAll()
                       .find(f => f.key === "screening_note");
                   editor.get("modeling").editFormField(field, "label", "Visitationsnotat"); }"""
    )
    screenshot(page, "13-form-editor")
    page.get_by_role("button", name="Udrul som ny version").click()
    expect(page.locator("#result")).to_contain_text(f"Udrullet som version {before + 1}")
    form = engine.definition("complaint").files["screening.form"]
    assert "Visitationsnotat" in form and "has_standing" in form
