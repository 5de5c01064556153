"""Moving running cases to next year's fee table in a real browser: the designer's page per
version (a trial, then the move) and the version history on the staff case page."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from engine.config import load_settings
from engine.db import Database
from tests.complaint.test_instance_migration import deploy_next_year
from tests.ui.conftest import screenshot
from web.bootstrap import build_engine

pytestmark = pytest.mark.slow


def file_complaint(page, server, login) -> str:
    login(page, "klager")
    page.goto(server.url("/sager/ny"))
    option = page.locator("#decision option", has_text="Landzonetilladelse").first
    page.locator("#decision").select_option(option.get_attribute("value"))
    page.get_by_label("Klagens indhold").fill("Huset ved Gammeldam skæmmer landskabet.")
    page.get_by_role("button", name="Indsend klagen").click()
    return re.search(r"KP-\d{4}-\d{6}", page.locator(".flash.success").inner_text()).group(0)


def test_a_designer_tries_then_moves_cases_and_staff_see_the_version_history(page, server, login):
    server.set_clock("2025-07-21T09:00:00+02:00")
    reference = file_complaint(page, server, login)
    forwarded = file_complaint(page, server, login)
    engine = build_engine(load_settings(), db=Database(server.database_url))
    [task] = engine.show(engine.instances(business_key=forwarded)[0].id).open_tasks
    engine.complete_task(
        task.id, {"authority_action": "forward", "statement": "Fastholdes."}, actor="kommune"
    )
    assert deploy_next_year(engine) == 2

    login(page, "designer")
    page.goto(server.url("/processer/complaint?version=1"))
    page.get_by_role(
        "link", name="Sager på denne version, og flytning til en anden version"
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sager på version 1")
    expect(page.locator("table.version-cases")).to_contain_text(reference)
    expect(page.get_by_label("Flyt til version")).to_have_value("2")
    screenshot(page, "migration-version-1280")

    page.get_by_role("button", name="Prøv flytningen").click()
    outcomes = page.locator("table.migration-outcomes")
    expect(outcomes).to_contain_text("Prøve: kan sagerne flyttes til version 2?")
    expect(outcomes.locator("tr", has_text=reference)).to_contain_text("Kan flyttes")
    expect(page.locator(".alert")).to_contain_text(
        "1 af 2 sager kan flyttes til version 2. Intet er ændret endnu."
    )
    refused = outcomes.locator("tr", has_text=forwarded)
    expect(refused).to_contain_text("Kan ikke flyttes")
    expect(refused.locator("li")).to_have_text(
        "»Fastsæt gebyret« (decide_fee), som sagen har gennemført, "
        "er ændret i den nye version: decision_table."
    )
    assert engine.show(engine.instances(business_key=reference)[0].id).version == 1
    screenshot(page, "migration-dry-run-1280")
    page.set_viewport_size({"width": 390, "height": 844})
    screenshot(page, "migration-dry-run-390")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.set_viewport_size({"width": 1280, "height": 900})

    page.get_by_role("button", name="Flyt sagerne").click()
    expect(outcomes.locator("tr", has_text=reference)).to_contain_text("Flyttet")
    expect(page.locator(".alert")).to_contain_text("1 af 2 sager er flyttet til version 2.")
    screenshot(page, "migration-done-1280")
    instance = engine.instances(business_key=reference)[0]
    assert engine.show(instance.id).version == 2

    page.goto(server.url("/sprog/en"))
    page.goto(server.url("/processer/complaint/versioner/1/sager"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Cases on version 1")
    expect(page.locator("table.version-cases")).to_contain_text(forwarded)
    expect(page.locator("table.version-cases")).not_to_contain_text(reference)
    screenshot(page, "migration-version-en-1280")

    login(page, "kommune")
    page.goto(server.url(f"/sager/{reference}"))
    history = page.locator("table.version-history")
    expect(history).to_contain_text("Sagen er flyttet mellem versioner af processen:")
    row = history.locator("tbody tr")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("designer")
    expect(row.locator("td").nth(0)).to_have_text("1")
    expect(row.locator("td").nth(1)).to_have_text("2")
    expect(row.locator("td").nth(2)).to_contain_text("21. juli 2025")
    screenshot(page, "case-version-history-1280")
    page.set_viewport_size({"width": 390, "height": 844})
    history.scroll_into_view_if_needed()
    screenshot(page, "case-version-history-390")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    login(page, "klager")
    page.goto(server.url(f"/sager/{reference}"))
    expect(page.locator("h1")).to_be_visible()
    expect(page.locator("table.version-history")).to_have_count(0)
