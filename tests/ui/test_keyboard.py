"""A complaint filed with the keyboard alone: from the login page to the receipt.

No clicks and no filling by selector: the test presses Tab until the control it wants has
focus (as a keyboard user would), types, and presses Enter, Space or the arrow keys.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.ui.conftest import screenshot
from web.demo import DEMO_PASSWORD

pytestmark = pytest.mark.slow

FOCUSED = """() => { const e = document.activeElement;
                     return { id: e.id, tag: e.tagName.toLowerCase(),
                              text: (e.innerText || e.value || "").trim() }; }"""


def tab_to(page, *, element_id: str | None = None, text: str | None = None, limit=60) -> None:
    """Press Tab until the element with `element_id` (or whose text starts with `text`) has focus."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED)
        if element_id and focused["id"] == element_id:
            return
        if text and focused["text"].startswith(text):
            return
    raise AssertionError(f"Tab never reached {element_id or text!r}")


def test_a_complaint_is_filed_from_login_to_receipt_with_the_keyboard_alone(page, server):
    server.set_clock("2025-08-04T11:00:00+02:00")
    page.context.clear_cookies()
    page.goto(server.url("/login"))

    # The first Tab reaches the skip link, which jumps past the header.
    page.keyboard.press("Tab")
    assert page.evaluate(FOCUSED)["text"] == "Spring til indhold"
    page.keyboard.press("Enter")
    assert page.url.endswith("#main-content")

    tab_to(page, element_id="username")
    page.keyboard.type("klager")
    page.keyboard.press("Tab")
    assert page.evaluate(FOCUSED)["id"] == "password"
    page.keyboard.type(DEMO_PASSWORD)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Mine sager", level=1)).to_be_visible()

    tab_to(page, text="Ny klage")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Ny klage", level=1)).to_be_visible()

    tab_to(page, element_id="decision")
    page.keyboard.press("ArrowDown")
    expect(page.locator("#decision")).not_to_have_value("")
    tab_to(page, element_id="text")
    page.keyboard.type("Kort")
    tab_to(page, text="Indsend klagen")
    page.keyboard.press("Enter")

    # Too short: the error summary has focus; its link takes the keyboard to the field.
    summary = page.locator(".error-summary")
    expect(summary).to_be_focused()
    expect(page).to_have_title(re.compile("^Fejl: Ny klage – Klageflow$"))
    page.keyboard.press("Tab")
    assert page.evaluate(FOCUSED)["text"].startswith("Skriv klagen")
    page.keyboard.press("Enter")
    expect(page.locator("#text")).to_be_focused()
    expect(page.locator("#text")).to_have_value("Kort")
    page.keyboard.press("End")
    page.keyboard.type(": huset skæmmer landskabet ved Gammeldam.")

    # Space ticks the suspensive effect box; Enter on the submit button files the complaint.
    tab_to(page, element_id="suspensive_effect_requested")
    page.keyboard.press("Space")
    expect(page.locator("#suspensive_effect_requested")).to_be_checked()
    tab_to(page, text="Indsend klagen")
    page.keyboard.press("Enter")

    receipt = page.locator(".alert-success")
    expect(receipt).to_contain_text("Klagen er indsendt")
    reference = re.search(r"KP-\d{4}-\d{6}", receipt.inner_text()).group(0)
    expect(page.get_by_role("heading", name="Kvittering for klage", level=1)).to_be_visible()
    expect(page).to_have_title(f"Kvittering for klage {reference} – Klageflow")
    tab_to(page, text="Gå til sagen")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name=f"Sag {reference}", level=1)).to_be_visible()
    expect(page).to_have_title(f"Sag {reference} – Klageflow")
    expect(page.locator(".step-indicator li.current")).to_contain_text("Modtaget")
    screenshot(page, "keyboard-receipt")
