"""Every page of every role in a real browser: WCAG 2.1 A/AA by axe-core, 390 px, one origin.

Each page is opened in Danish and in English, at desktop width and at 390 px (a phone).
axe-core (npm, injected from node_modules; the app never serves it) must find no violation
of the WCAG 2.1 A and AA rules; the page must not scroll sideways; its title must say where
the reader is; and nothing may be requested from another origin. Screenshots of the Danish
pages at both widths go to tests/ui/artifacts/ for a person to look at.

The one documented exception: the BPMN diagram canvas (`#canvas`, staff only) and the
form-js editor are drawn by bpmn-js and form-js, whose SVG and drag-and-drop surfaces axe
flags (nested interactive elements); the accessibility statement names them, and the same
information is on the page as text.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from engine.config import PROJECT_ROOT
from tests.ui.conftest import screenshot
from web.demo import DEMO_PASSWORD

pytestmark = pytest.mark.slow

AXE = PROJECT_ROOT / "node_modules/axe-core/axe.min.js"
WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
WIDTHS = {"desktop": {"width": 1280, "height": 900}, "mobile": {"width": 390, "height": 844}}
# Drawn by bpmn-js / form-js; see the module docstring and the accessibility statement.
THIRD_PARTY_SURFACES = ["#canvas", "#form-editor"]


def axe_violations(page) -> list[dict]:
    """Run axe-core on the page (WCAG 2.1 A and AA rules only); the violations it finds."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE))
    return page.evaluate(
        """async ([tags, exclude]) => {
             const present = exclude.filter((selector) => document.querySelector(selector));
             const context = present.length ? { exclude: present.map((s) => [s]) } : document;
             const result = await axe.run(context, { runOnly: { type: "tag", values: tags } });
             return result.violations.map((v) => ({
               id: v.id, impact: v.impact, help: v.help,
               nodes: v.nodes.slice(0, 5).map((n) => n.target.join(" ") + " :: " + n.failureSummary),
             }));
           }""",
        [WCAG_21_AA, THIRD_PARTY_SURFACES],
    )


def horizontal_overflow(page) -> int:
    """How many CSS pixels the page is wider than the window (0: no sideways scrolling)."""
    return page.evaluate(
        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )


class Inspector:
    """Opens pages in one browser context per language and width and checks each of them."""

    def __init__(self, browser, server):
        self.browser = browser
        self.server = server
        self.problems: list[str] = []
        self.pages_checked = 0

    def contexts(self):
        for lang in ("da", "en"):
            for width_name, viewport in WIDTHS.items():
                context = self.browser.new_context(
                    locale="da-DK", viewport=viewport, bypass_csp=True
                )
                context.set_default_timeout(15_000)
                page = context.new_page()
                foreign: list[str] = []
                page.on("request", lambda request, seen=foreign: self._note_foreign(request, seen))
                page.goto(self.server.url(f"/sprog/{lang}?next=/login"))
                yield lang, width_name, page, foreign
                context.close()

    def _note_foreign(self, request, seen: list[str]) -> None:
        url = urlsplit(request.url)
        if url.scheme in ("http", "https") and url.netloc != urlsplit(self.server.base).netloc:
            seen.append(request.url)

    def log_in(self, page, username: str) -> None:
        page.goto(self.server.url("/login"))
        page.locator("#username").fill(username)
        page.locator("#password").fill(DEMO_PASSWORD)
        page.locator("#password").press("Enter")
        page.wait_for_load_state()

    def check(self, page, role: str, name: str, lang: str, width: str, foreign: list[str]):
        """Check the page that is open now; remember what is wrong with it."""
        page.wait_for_load_state("load")
        if page.locator("#canvas, #form-editor").count():  # wait for the diagram or editor
            drawn = page.locator("#canvas[data-ready=true], #form-editor[data-ready=true]")
            expect(drawn).to_be_attached()
        where = f"{role}/{name} ({lang}, {width})"
        self.pages_checked += 1
        for violation in axe_violations(page):
            self.problems.append(f"{where}: axe {violation['id']} ({violation['impact']}): "
                                 f"{violation['help']} {violation['nodes']}")  # fmt: skip
        overflow = horizontal_overflow(page)
        if overflow > 0:
            self.problems.append(f"{where}: {overflow}px wider than the {width} window")
        title = page.title()
        if not re.fullmatch(r".+ – Klageflow", title):
            self.problems.append(f"{where}: title {title!r} does not say where the reader is")
        if foreign:
            self.problems.append(f"{where}: requests to another origin: {foreign}")
            foreign.clear()
        if lang == "da":
            screenshot(page, f"{role}-{name}-{width}")


def visit_every_page(inspector: Inspector, page, lang, width, foreign, reference: str, draft: str):
    """Walk every page of every role, in the order a day of work would reach them."""
    check = lambda role, name: inspector.check(page, role, name, lang, width, foreign)  # noqa: E731
    server = inspector.server

    page.goto(server.url("/login"))
    check("public", "login")
    page.locator("#username").fill("klager")
    page.locator("#password").fill("forkert")
    page.locator("#password").press("Enter")
    expect(page.locator(".error-summary")).to_be_visible()
    check("public", "login-failed")
    for slug in ("privatlivspolitik", "cookies", "tilgaengelighedserklaering"):
        page.goto(server.url(f"/om/{slug}"))
        check("public", slug)

    inspector.log_in(page, "klager")
    page.goto(server.url("/sager"))
    check("complainant", "my-cases")
    if width == "mobile":  # the main menu is a drawer on a phone
        page.locator("button.js-menu-open").click()
        drawer = page.locator(".mobile-drawer")
        expect(drawer).to_be_visible()
        expect(drawer.get_by_role("link", name=re.compile("Mine sager|My cases"))).to_be_visible()
        check("complainant", "menu")
        page.locator("button.js-menu-close").click()
        expect(drawer).to_be_hidden()
    page.goto(server.url("/sager/ny"))
    check("complainant", "new-complaint")
    page.locator("#text").fill("Kort")
    page.locator("button[value=submit]").click()
    expect(page.locator(".error-summary")).to_be_focused()
    check("complainant", "new-complaint-errors")
    page.goto(server.url(f"/sager/{reference}"))
    check("complainant", "case")
    page.goto(server.url(f"/sager/{reference}/tilbagetraek"))
    check("complainant", "withdraw-confirmation")
    page.goto(server.url(f"/sager/{draft}/rediger"))
    check("complainant", "edit-draft")
    response = page.goto(server.url("/sager/KP-1999-000001"))
    assert response.status == 404
    check("complainant", "not-found")

    inspector.log_in(page, "ansoeger")
    page.goto(server.url(f"/sager/{reference}"))
    check("permit-holder", "case")

    inspector.log_in(page, "kommune")
    page.goto(server.url("/opgaver"))
    check("authority-caseworker", "tasks")
    page.locator(f"tr:has-text('{reference}') a").first.click()
    check("authority-caseworker", "task")
    page.locator("form.task-form button[type=submit]").click()
    expect(page.locator(".error-summary")).to_be_visible()
    check("authority-caseworker", "task-errors")
    page.goto(server.url(f"/sager/{reference}"))
    check("authority-caseworker", "case")
    page.goto(server.url("/afgoerelser"))
    check("authority-caseworker", "decisions")
    page.goto(server.url("/afgoerelser/ny"))
    check("authority-caseworker", "new-decision")
    page.locator("button[value=save]").click()
    expect(page.locator(".error-summary")).to_be_visible()
    check("authority-caseworker", "new-decision-errors")
    page.goto(server.url("/afgoerelser/1"))
    check("authority-caseworker", "decision")

    inspector.log_in(page, "naevn")
    page.goto(server.url("/opgaver"))
    check("board-caseworker", "tasks")

    inspector.log_in(page, "designer")
    page.goto(server.url("/processer"))
    check("designer", "processes")
    page.goto(server.url("/processer/complaint"))
    check("designer", "process")
    page.goto(server.url("/processer/complaint/versioner/1/sager"))
    check("designer", "version-cases")
    page.goto(server.url("/processer/complaint/rediger"))
    expect(page.locator("#canvas[data-ready=true]")).to_be_attached()
    page.evaluate(
        """() => { const m = window.klageflowModeler;
                   m.get("selection").select(m.get("elementRegistry").get("payment_overdue")); }"""
    )
    check("designer", "editor")
    page.goto(server.url("/processer/complaint/formularer/screening.form"))
    check("designer", "form-editor")

    inspector.log_in(page, "admin")
    page.goto(server.url("/admin"))
    check("admin", "administration")
    page.goto(server.url("/admin/e-mails"))
    check("admin", "mails")
    page.goto(server.url("/admin/haendelser"))
    check("admin", "incidents")
    page.goto(server.url("/opgaver"))
    check("admin", "tasks")
    # Demo mode's own pages (`klageflow run`): the mails the demo sent, the time control.
    page.goto(server.url("/demo/e-mails"))
    expect(page.locator(".mail").first).to_be_visible()
    check("admin", "demo-mails")
    page.goto(server.url("/demo/tid?next=/opgaver"))
    check("admin", "demo-time")


def test_every_page_of_every_role_meets_wcag_21_aa_at_desktop_and_phone_width(
    browser, server, login, page
):
    server.set_clock("2025-08-04T10:15:00+02:00")
    login(page, "klager")
    page.goto(server.url("/sager/ny"))
    page.locator("#decision").select_option(index=1)
    page.locator("#text").fill("Huset skæmmer landskabet ved Gammeldam, og udsigten forsvinder.")
    page.locator("button[value=submit]").click()
    reference = re.search(r"KP-\d{4}-\d{6}", page.locator(".alert-success").inner_text()).group(0)
    page.goto(server.url("/sager/ny"))
    page.locator("#text").fill("En kladde, der endnu ikke er indsendt, om Gammeldam.")
    page.locator("button[value=draft]").click()
    draft = page.get_by_role("heading", level=1).inner_text().split()[-1]

    inspector = Inspector(browser, server)
    for lang, width, context_page, foreign in inspector.contexts():
        visit_every_page(inspector, context_page, lang, width, foreign, reference, draft)
    assert inspector.pages_checked == 4 * 33 + 2  # the phone menu, in two languages
    assert not inspector.problems, "\n".join(inspector.problems)
