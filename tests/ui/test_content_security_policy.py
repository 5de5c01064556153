"""Every page works under the strict Content-Security-Policy, checked in Chromium.

The browser reports each blocked script, style or connection as a console message; the
pages that run the most code (the bpmn-js designer and viewer, the form-js editor, the API
docs) must load, draw and report none.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.slow


def watch_for_violations(page) -> list[str]:
    """Collect CSP refusals and uncaught script errors the page reports."""
    seen: list[str] = []
    page.on(
        "console",
        lambda message: (
            seen.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    page.on("pageerror", lambda error: seen.append(str(error)))
    return seen


def test_the_designer_and_form_editor_work_under_the_csp(page, server, login):
    login(page, "designer")
    violations = watch_for_violations(page)
    response = page.goto(server.url("/processer/complaint/rediger"))
    policy = response.headers["content-security-policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy
    assert "frame-ancestors 'none'" in policy
    expect(page.locator("#canvas[data-ready=true]")).to_be_attached()
    expect(page.locator(".djs-element").first).to_be_attached()
    page.get_by_role("button", name="Validér").click()
    expect(page.locator("#result")).to_contain_text("Diagrammet er gyldigt.")

    page.goto(server.url("/processer/complaint"))
    expect(page.locator("#canvas[data-ready=true]")).to_be_attached()
    page.get_by_role("link", name="screening.form").click()
    expect(page.locator("#form-editor[data-ready=true]")).to_be_attached()
    expect(page.locator("#form-editor")).to_contain_text("Klageren er klageberettiget")
    assert violations == []


def test_the_api_docs_work_under_the_csp(page, server):
    violations = watch_for_violations(page)
    response = page.goto(server.url("/api/v1/docs"))
    assert "unsafe-inline" not in response.headers["content-security-policy"]
    expect(page.get_by_text(re.compile("Klageflow API")).first).to_be_visible()
    expect(page.locator(".opblock").first).to_be_visible()
    assert violations == []
