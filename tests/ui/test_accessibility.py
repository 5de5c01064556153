"""Every page of every role in a real browser: WCAG 2.1 A/AA by axe-core, 390 px, one origin.

Each page is opened in Danish and in English and checked at desktop width (1280 px) and
at 390 px (a phone): the page is loaded once and the window resized, so each page, width
and language is checked once without loading it again. axe-core (npm, injected from
node_modules; the app never serves it) must find no violation of the WCAG 2.1 A and AA
rules; the page must not scroll sideways; its title must say where the reader is; dates
and amounts must be written the reader's way (`8. august 2025`, `1.800 kr.`); and every
request of the walk is recorded by its origin, which must be the server's own. Screenshots
of the Danish pages at both widths go to tests/ui/artifacts/ for a person to look at.

Time: one server for the module (started as tests/ui/conftest.py starts it, given longer
on a loaded machine), one logged-in browser context per role for both languages, axe once
per page, language and width, no fixed sleeps, and two Chromiums walking side by side
(citizens' pages in one, staff pages in the other) so axe-core keeps both cores busy.

The walk is compared with the app's own routes: a new page the walk does not reach fails
the test until it is added here (or named below as not being a page).

The one documented exception: the BPMN diagram canvas (`#canvas`, staff only) and the
form-js editor are drawn by bpmn-js and form-js, whose SVG and drag-and-drop surfaces axe
flags (nested interactive elements); the accessibility statement names them, and the same
information is on the page as text.
"""

from __future__ import annotations

import os
import re
import sqlite3
import subprocess
import sys
import time
import urllib.request
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import date
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect
from werkzeug.exceptions import HTTPException

from engine.config import PROJECT_ROOT, load_settings
from engine.db import Database
from tests.processes import NO_SMTP, stop
from tests.ui.conftest import CHROMIUM, Server, free_port, screenshot
from web import demo, migrate
from web.bootstrap import build_engine, build_services
from web.demo import DEMO_PASSWORD

pytestmark = pytest.mark.slow

AXE = PROJECT_ROOT / "node_modules/axe-core/axe.min.js"
WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
WIDTHS = {"desktop": {"width": 1280, "height": 900}, "mobile": {"width": 390, "height": 844}}
# Drawn by bpmn-js / form-js; see the module docstring and the accessibility statement.
THIRD_PARTY_SURFACES = ["#canvas", "#form-editor"]
# GET routes that are not pages a person reads: files, redirects, the operator's logo.
NOT_PAGES = {
    "ui.static", "ui.home", "ui.set_language", "ui.operator_logo", "ui.case_diagram",
    "ui.document", "ui.decision_document", "vendor",
}  # fmt: skip
MONTHS_EN = "January|February|March|April|May|June|July|August|September|October|November|December"
MONTHS_DA = "januar|februar|marts|april|maj|juni|juli|august|september|oktober|november|december"
# Text that is not written the reader's way, by language.
WRONG_FORMATS = {
    "da": {
        "date with dashes": r"\b\d{1,2}-\d{1,2}-\d{4}\b",
        "ISO date": r"(?<![\w-])\d{4}-\d{2}-\d{2}(?![\w-])",
        "English month": rf"\b\d{{1,2}} (?:{MONTHS_EN}) \d{{4}}\b",
        "amount without a thousands point": r"\b\d{4,}(?:,\d+)? ?kr\b",
        "English amount": r"\bDKK\b",
    },
    "en": {
        "date with dashes": r"\b\d{1,2}-\d{1,2}-\d{4}\b",
        "ISO date": r"(?<![\w-])\d{4}-\d{2}-\d{2}(?![\w-])",
        "Danish month": rf"\b\d{{1,2}}\. (?:{MONTHS_DA}) \d{{4}}\b",
        "Danish amount": r"\d kr\.",
    },
}


# The page's text without the mails it shows as their recipients read them (in their
# language, whichever the reader of the page chose).
MAIN_TEXT_BUT_MAILS = """() => {
  let text = document.querySelector("main").innerText;
  for (const mail of document.querySelectorAll("main .mail-subject, main .mail-body")) {
    text = text.replace(mail.innerText, "");
  }
  return text;
}"""


def axe_violations(page) -> list[dict]:
    """Run axe-core on the page (WCAG 2.1 A and AA rules only); the violations it finds."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE))
    return page.evaluate(
        """async ([tags, exclude]) => {
             const present = exclude.filter((selector) => document.querySelector(selector));
             const context = present.length ? { exclude: present.map((s) => [s]) } : document;
             const result = await axe.run(context, {
               runOnly: { type: "tag", values: tags }, resultTypes: ["violations"],
             });
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


@dataclass
class Story:
    """The cases the walk shows: at the authority, at the board, a draft, an invitation."""

    reference: str = ""  # filed, at the authority (its task is walked)
    at_board: str = ""  # forwarded, fee due; later paid and at the board
    draft: str = ""
    invitations: list[str] = field(default_factory=list)  # paths of two invitation links


class Walker:
    """One browser context per role, reused for both languages; each page checked at both widths."""

    def __init__(self, browser, server):
        self.browser = browser
        self.server = server
        self.own_origin = origin_of(server.base)
        self.origins: Counter[str] = Counter()
        self.problems: list[str] = []
        self.checked: list[tuple[str, str, str, str]] = []  # role, page, language, width
        self.paths: set[str] = set()
        self.titles: dict[str, str] = {}
        self.seconds: Counter[str] = Counter()  # where the walk's time goes

    @contextmanager
    def timed(self, kind: str):
        start = time.perf_counter()
        try:
            yield
        finally:
            self.seconds[kind] += time.perf_counter() - start

    @contextmanager
    def role(self, role: str, username: str | None):
        """A page logged in as `username` (anonymous without), at desktop width."""
        context = self.browser.new_context(
            locale="da-DK", viewport=WIDTHS["desktop"], bypass_csp=True
        )
        context.set_default_timeout(15_000)
        context.on("request", lambda request: self.origins.update([origin_of(request.url)]))
        page = context.new_page()
        if username:
            page.goto(self.server.url("/login"))
            page.locator("#username").fill(username)
            page.locator("#password").fill(DEMO_PASSWORD)
            page.locator("#password").press("Enter")
            page.wait_for_url(lambda url: "/login" not in url)
        try:
            yield RoleWalk(self, page, role)
        finally:
            context.close()


class RoleWalk:
    def __init__(self, walker: Walker, page, role: str):
        self.walker = walker
        self.page = page
        self.role = role
        self.lang = "da"
        self.width = "desktop"

    def languages(self):
        """The walk once in Danish, once in English (the session's language)."""
        for lang in ("da", "en"):
            self.page.goto(self.walker.server.url(f"/sprog/{lang}?next=/om/cookies"))
            self.lang = lang
            yield lang

    def at(self, width: str) -> None:
        if width != self.width:
            self.page.set_viewport_size(WIDTHS[width])
            self.width = width
            # Let resize listeners and media queries settle before measuring.
            self.page.evaluate(
                "() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))"
            )

    def open(self, name: str, path: str, *, status: int = 200, title: str | None = None) -> None:
        with self.walker.timed("load"):
            response = self.page.goto(self.walker.server.url(path))
        assert response is not None and response.status == status, (
            f"{self.role}/{name}: {path} answered {response and response.status}, not {status}"
        )
        self.check(name, title=title)

    def check(self, name: str, *, title: str | None = None, both_widths: bool = True) -> None:
        """Check the open page at the width it has, then at the other width (resized)."""
        page = self.page
        page.wait_for_load_state("load")
        if page.locator("#canvas, #form-editor").count():  # wait for the diagram or editor
            drawn = page.locator("#canvas[data-ready=true], #form-editor[data-ready=true]")
            expect(drawn).to_be_attached()
        self.walker.paths.add(urlsplit(page.url).path)
        widths = [self.width]
        if both_widths:
            widths.append("mobile" if self.width == "desktop" else "desktop")
        for width in widths:
            self.at(width)
            self._check_here(name, title)

    def _check_here(self, name: str, title: str | None) -> None:
        page, lang, width = self.page, self.lang, self.width
        where = f"{self.role}/{name} ({lang}, {width})"
        self.walker.checked.append((self.role, name, lang, width))
        problems = self.walker.problems
        with self.walker.timed("axe"):
            violations = axe_violations(page)
        for violation in violations:
            problems.append(f"{where}: axe {violation['id']} ({violation['impact']}): "
                            f"{violation['help']} {violation['nodes']}")  # fmt: skip
        overflow = horizontal_overflow(page)
        if overflow > 0:
            problems.append(f"{where}: {overflow}px wider than the {width} window")
        actual = page.title()
        self.walker.titles[f"{self.role}/{name} ({lang})"] = actual
        if not re.fullmatch(r".+ – Klageflow", actual):
            problems.append(f"{where}: title {actual!r} does not say where the reader is")
        if title and lang == "da" and actual != title:
            problems.append(f"{where}: title {actual!r}, not {title!r}")
        text = page.evaluate(MAIN_TEXT_BUT_MAILS)
        for what, pattern in WRONG_FORMATS[lang].items():
            if found := re.findall(pattern, text):
                problems.append(f"{where}: {what}: {found[:3]}")
        if lang == "da":
            with self.walker.timed("screenshot"):
                screenshot(page, f"{self.role}-{name}-{width}")


def origin_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}" if parts.netloc else parts.scheme


def outbox_invitation_paths(database_url: str) -> list[str]:
    """The invitation links in the mails waiting in the outbox (the server sends none)."""
    with sqlite3.connect(database_url.removeprefix("sqlite:///")) as db:
        rows = db.execute("SELECT body_text FROM outbox ORDER BY id").fetchall()
    links = [re.search(r"https?://[^/\s]+(/sager/\S+/invitation/\S+)", body) for (body,) in rows]
    return [link.group(1) for link in links if link]


def file_complaint(page, server, text: str, button: str = "submit", **co) -> str:
    page.goto(server.url("/sager/ny"))
    page.locator("#decision").select_option(index=1)
    page.locator("#text").fill(text)
    for index, (name, email) in enumerate(co.get("co_complainants", []), start=1):
        page.locator(f"#co_name_{index}").fill(name)
        page.locator(f"#co_email_{index}").fill(email)
    page.locator(f"button[value={button}]").click()
    page.wait_for_url(re.compile(r"/sager/KP-\d{4}-\d{6}"))
    return re.search(r"KP-\d{4}-\d{6}", page.url).group(0)


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """The module's `klageflow run` (as tests/ui/conftest.py starts it, the demo data seeded
    as there), given up to three minutes to start on a loaded machine."""
    tmp = tmp_path_factory.mktemp("a11y")
    url = f"sqlite:///{tmp}/klageflow.sqlite"
    db = Database(url)
    migrate.upgrade(db)
    services = build_services(load_settings(), build_engine(load_settings(), db=db))
    services.engine.deploy_paths(sorted((PROJECT_ROOT / "bpmn/complaint").glob("*.*")))
    demo.seed(services.accounts, services.complaints, today=date(2025, 7, 14))
    db.dispose()
    port = free_port()
    env = {
        **os.environ, "KLAGEFLOW_DATABASE_URL": url, "KLAGEFLOW_TEST_CLOCK": "1",
        "KLAGEFLOW_INSECURE_COOKIES": "1", **NO_SMTP, "KLAGEFLOW_SCHEDULER_POLL_SECONDS": "0.2",
        "KLAGEFLOW_DATA_DIR": str(tmp),
    }  # fmt: skip
    with (tmp / "server.log").open("w") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "web.cli", "run", "--no-seed", "--port", str(port)],
            cwd=PROJECT_ROOT, env=env, stdout=subprocess.DEVNULL, stderr=log,
        )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 180
    while True:
        try:
            urllib.request.urlopen(base + "/login", timeout=5).read()
            break
        except OSError:
            assert time.monotonic() < deadline, (tmp / "server.log").read_text()[-3000:]
            time.sleep(0.1)
    yield Server(base, url)
    stop([process], [tmp / "server.log"])


@pytest.fixture(scope="module")
def story(server, browser) -> Story:
    """Complaints filed through the UI, one of them forwarded by the authority (fee due)."""
    server.set_clock("2025-08-04T10:15:00+02:00")
    context = browser.new_context(locale="da-DK", viewport=WIDTHS["desktop"])
    context.set_default_timeout(15_000)
    page = context.new_page()
    story = Story()

    def log_in(username: str) -> None:
        page.goto("about:blank")
        context.clear_cookies()
        page.goto(server.url("/login"))
        page.locator("#username").fill(username)
        page.locator("#password").fill(DEMO_PASSWORD)
        page.locator("#password").press("Enter")
        page.wait_for_url(lambda url: "/login" not in url)

    log_in("klager")
    story.reference = file_complaint(
        page, server, "Huset skæmmer landskabet ved Gammeldam, og udsigten forsvinder."
    )
    story.at_board = file_complaint(page, server, "Udsigten over Gammeldam forsvinder helt.")
    story.draft = file_complaint(
        page, server, "En kladde, der endnu ikke er indsendt, om Gammeldam.", button="draft"
    )
    file_complaint(
        page, server, "Vi klager sammen over huset ved Gammeldam.",
        co_complainants=[("Als Naturforening", "post@forening.example"),
                         ("Sundeved Fugle", "fugle@sundeved.example")],
    )  # fmt: skip
    story.invitations = outbox_invitation_paths(server.database_url)
    assert len(story.invitations) == 2, story.invitations

    # The authority claims the second complaint's task and forwards it: the fee is due.
    log_in("kommune")
    page.goto(server.url("/opgaver"))
    page.locator(f"tr:has-text('{story.at_board}') a").first.click()
    page.get_by_role("button", name="Tag opgaven", exact=True).click()
    page.get_by_label(re.compile("Fastholder afgørelsen")).check()
    page.get_by_label(re.compile("^Udtalelse")).fill("Huset holder sig inden for landzonen.")
    page.get_by_role("button", name="Udfør").click()
    expect(page.locator(".flash.success")).to_have_text("Opgaven er udført.")
    context.close()
    return story


def pay_and_wait_for_the_board(walker: Walker, story: Story) -> None:
    """The complainant pays the fee; the hearing ends; the board's screening task appears."""
    server = walker.server
    with walker.role("complainant", "klager") as walk:
        page = walk.page
        page.goto(server.url(f"/sager/{story.at_board}/betal"))
        page.get_by_role("button", name="Gennemfør testbetalingen").click()
        expect(page.locator(".flash.success")).to_have_text("Gebyret er betalt.")
    server.set_clock("2025-10-15T08:00:00+02:00")
    with walker.role("board-caseworker", "naevn") as walk:
        page = walk.page
        page.goto(server.url("/opgaver"))
        row = page.locator(f"tr:has-text('{story.at_board}')")
        for _ in range(150):  # the scheduler fires the hearing timer within a poll
            if row.count():
                break
            page.wait_for_timeout(200)
            page.reload()
        expect(row).to_have_count(1)


def walk_public_pages(walker: Walker, story: Story) -> None:
    with walker.role("public", None) as walk:
        page = walk.page
        for _lang, invitation in zip(walk.languages(), story.invitations, strict=True):
            walk.open("login", "/login", title="Log ind – Klageflow")
            page.locator("#username").fill("klager")
            page.locator("#password").fill("forkert")
            page.locator("#password").press("Enter")
            expect(page.locator(".error-summary")).to_be_visible()
            walk.check("login-failed")
            for slug in ("privatlivspolitik", "cookies", "tilgaengelighedserklaering"):
                walk.open(slug, f"/om/{slug}")
            walk.open("not-found", "/findes-ikke", status=404)
            walk.open("invitation", invitation)
            page.locator("form[action$='/afslaa'] button[type=submit]").click()
            walk.check("invitation-declined")


def walk_complainant_pages(walker: Walker, story: Story) -> None:
    reference = story.reference
    with walker.role("complainant", "klager") as walk:
        page = walk.page
        for _lang in walk.languages():
            walk.open("my-cases", "/sager")
            walk.at("mobile")  # the main menu is a drawer on a phone
            page.locator("button.js-menu-open").click()
            drawer = page.locator(".mobile-drawer")
            expect(drawer).to_be_visible()
            menu_link = drawer.get_by_role("link", name=re.compile("Mine sager|My cases"))
            expect(menu_link).to_be_visible()
            walk.check("menu", both_widths=False)
            page.locator("button.js-menu-close").click()
            expect(drawer).to_be_hidden()
            walk.open("new-complaint", "/sager/ny")
            page.locator("#text").fill("Kort")
            page.locator("button[value=submit]").click()
            expect(page.locator(".error-summary")).to_be_focused()
            walk.check("new-complaint-errors")
            walk.open("receipt", f"/sager/{reference}/kvittering",
                      title=f"Kvittering for klage {reference} – Klageflow")  # fmt: skip
            walk.open("case", f"/sager/{reference}", title=f"Sag {reference} – Klageflow")
            walk.open("case-fee-due", f"/sager/{story.at_board}")
            walk.open("payment", f"/sager/{story.at_board}/betal")
            walk.open("withdraw-confirmation", f"/sager/{reference}/tilbagetraek")
            walk.open("edit-draft", f"/sager/{story.draft}/rediger")
            walk.open("not-found", "/sager/KP-1999-000001", status=404)
            walk.open("forbidden", "/opgaver", status=403)


def walk_permit_holder_pages(walker: Walker, story: Story) -> None:
    with walker.role("permit-holder", "ansoeger") as walk:
        for _lang in walk.languages():
            walk.open("my-cases", "/sager")
            walk.open("case", f"/sager/{story.reference}")


def walk_authority_pages(walker: Walker, story: Story) -> None:
    reference = story.reference
    with walker.role("authority-caseworker", "kommune") as walk:
        page = walk.page
        for _lang in walk.languages():
            walk.open("tasks", "/opgaver")
            page.locator(f"tr:has-text('{reference}') a").first.click()
            walk.check("task")
            page.locator("form.task-form button[type=submit]").click()
            expect(page.locator(".error-summary")).to_be_visible()
            walk.check("task-errors")
            walk.open("case", f"/sager/{reference}", title=f"Sag {reference} – Klageflow")
            walk.open("decisions", "/afgoerelser")
            walk.open("new-decision", "/afgoerelser/ny")
            page.locator("button[value=save]").click()
            expect(page.locator(".error-summary")).to_be_visible()
            walk.check("new-decision-errors")
            walk.open("decision", "/afgoerelser/1")


def walk_board_pages(walker: Walker, story: Story) -> None:
    reference = story.at_board
    with walker.role("board-caseworker", "naevn") as walk:
        page = walk.page
        for _lang in walk.languages():
            walk.open("tasks", "/opgaver")
            page.locator(f"tr:has-text('{reference}') td a").first.click()
            expect(page.locator(".case-file")).to_be_visible()
            walk.check("task")
            walk.open("case", f"/sager/{reference}", title=f"Sag {reference} – Klageflow")


def walk_designer_pages(walker: Walker) -> None:
    with walker.role("designer", "designer") as walk:
        page = walk.page
        for _lang in walk.languages():
            walk.open("processes", "/processer")
            walk.open("process", "/processer/complaint")
            walk.open("version-cases", "/processer/complaint/versioner/1/sager")
            page.goto(walker.server.url("/processer/complaint/rediger"))
            expect(page.locator("#canvas[data-ready=true]")).to_be_attached()
            select_element(page, "payment_overdue")
            expect(page.locator("#properties textarea").first).to_be_visible()
            designer_layout_problems(walk)
            walk.check("editor")
            walk.open("form-editor", "/processer/complaint/formularer/screening.form")
            form_editor_problems(walk)


def walk_admin_pages(walker: Walker) -> None:
    with walker.role("admin", "admin") as walk:
        page = walk.page
        for _lang in walk.languages():
            walk.open("administration", "/admin")
            walk.open("mails", "/admin/e-mails")
            walk.open("incidents", "/admin/haendelser")
            walk.open("access-log", "/admin/adgangslog")
            walk.open("tasks", "/opgaver")
            # Demo mode's own pages (`klageflow run`): the mails the demo sent, the time.
            page.goto(walker.server.url("/demo/e-mails"))
            expect(page.locator(".mail").first).to_be_visible()
            walk.check("demo-mails")
            walk.open("demo-time", "/demo/tid?next=/opgaver")


def select_element(page, element_id: str) -> None:
    """Select a diagram element as a click would (labels may lie over small elements)."""
    page.evaluate(
        """id => { const m = window.klageflowModeler;
                   m.get("selection").select(m.get("elementRegistry").get(id)); }""",
        element_id,
    )


def designer_layout_problems(walk: RoleWalk) -> None:
    """The editor at desktop width: the canvas fills the page, the palette covers no shape,
    expressions are multi-line editors with help on their syntax."""
    page, problems = walk.page, walk.walker.problems
    walk.at("desktop")
    layout = page.evaluate(
        """() => {
             const box = (e) => e.getBoundingClientRect();
             const canvas = box(document.querySelector("#canvas"));
             const palette = box(document.querySelector(".djs-palette"));
             const covered = [...document.querySelectorAll("#canvas .djs-shape")]
               .map((s) => [s.dataset.elementId, box(s)])
               .filter(([, b]) => b.left < palette.right && b.right > palette.left
                                  && b.top < palette.bottom && b.bottom > palette.top)
               .map(([id]) => id);
             const main = box(document.querySelector("main .container, main"));
             const aside = box(document.querySelector(".properties"));
             return { canvasWidth: canvas.width, canvasHeight: canvas.height,
                      canvasBottom: canvas.bottom, mainWidth: main.width,
                      asideWidth: aside.width, viewport: innerHeight, covered };
           }"""
    )
    if layout["canvasWidth"] + layout["asideWidth"] < 0.9 * layout["mainWidth"]:
        problems.append(f"designer/editor: the canvas does not use the page's width: {layout}")
    if layout["canvasBottom"] < 0.9 * layout["viewport"]:
        problems.append(f"designer/editor: the canvas does not use the page's height: {layout}")
    if layout["covered"]:
        problems.append(f"designer/editor: the palette covers {layout['covered']}")
    for element_id, example in (
        ("payment_overdue", "+01:00"),  # a timer at an instant
        ("forwarding_reminder", "R3/"),  # a repeating timer
        ("flow_timely_to_assess_lateness", "in_time"),  # a condition
        ("register", "add_to_instant"),  # a script
    ):
        select_element(page, element_id)
        editor = page.locator("#properties textarea.code").first
        expect(editor).to_be_visible()
        hint = page.locator(f"#{editor.get_attribute('aria-describedby')}").inner_text()
        if example not in hint:
            problems.append(f"designer/editor: {element_id}'s help lacks {example!r}: {hint!r}")
    select_element(page, "payment_overdue")


def form_editor_problems(walk: RoleWalk) -> None:
    """The form editor's properties panel lies inside its frame at desktop width."""
    page = walk.page
    walk.at("desktop")
    fits = page.evaluate(
        """() => {
             const frame = document.querySelector("#form-editor").getBoundingClientRect();
             const panel = document.querySelector(".fjs-properties-container")
               .getBoundingClientRect();
             return panel.width > 200 && panel.left >= frame.left - 1
                    && panel.right <= frame.right + 1 && panel.bottom <= frame.bottom + 1;
           }"""
    )
    if not fits:
        walk.walker.problems.append("designer/form-editor: the properties panel leaves its frame")


def ui_page_endpoints(database_url: str, tmp_path):
    """The app's GET routes that are pages (endpoint: rule), demo mode included, and a
    matcher of paths to endpoints."""
    from web.app import create_app

    settings = replace(load_settings(), database_url=database_url, data_dir=tmp_path, demo=True)
    app = create_app(settings, local=True)
    return {
        rule.endpoint: rule.rule
        for rule in app.url_map.iter_rules()
        if "GET" in (rule.methods or ())
        and rule.endpoint.split(".")[0] in ("ui", "testpayment", "demo")
        and rule.endpoint not in NOT_PAGES
    }, app.url_map.bind("localhost")


def in_own_browser(server, walks) -> Walker:
    """Run `walks` in a Chromium of this thread's own (Playwright allows one per thread)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True,
            args=["--no-sandbox", "--disable-background-networking",
                  "--disable-component-update"],
        )  # fmt: skip
        walker = Walker(browser, server)
        try:
            for walk in walks:
                walk(walker)
        finally:
            browser.close()
    return walker


def test_every_page_of_every_role_meets_wcag_21_aa_at_desktop_and_phone_width(
    server, story, tmp_path
):
    # Two browsers walk side by side (axe-core and the screenshots keep a renderer busy;
    # two of them use both cores). The citizens' walk ends with the fee paid and the case
    # at the board, so the board's pages come after it.
    citizens = [
        lambda w: walk_public_pages(w, story),
        lambda w: walk_complainant_pages(w, story),
        lambda w: walk_permit_holder_pages(w, story),
        lambda w: pay_and_wait_for_the_board(w, story),
        lambda w: walk_board_pages(w, story),
    ]
    staff = [
        lambda w: walk_authority_pages(w, story),
        walk_designer_pages,
        walk_admin_pages,
    ]
    with ThreadPoolExecutor(max_workers=2) as pool:
        walkers = [f.result() for f in [pool.submit(in_own_browser, server, citizens),
                                        pool.submit(in_own_browser, server, staff)]]  # fmt: skip
    checked = [entry for walker in walkers for entry in walker.checked]
    paths = {path for walker in walkers for path in walker.paths}
    origins = sum((walker.origins for walker in walkers), Counter())
    problems = [problem for walker in walkers for problem in walker.problems]
    seconds = sum((walker.seconds for walker in walkers), Counter())
    print("seconds spent:", {kind: round(value, 1) for kind, value in seconds.items()})

    pages = {(role, name) for role, name, _lang, _width in checked}
    if len(pages) != 45:
        problems.append(f"{len(pages)} pages checked, not 45: {sorted(pages)}")
    # Every page in both languages at both widths, the phone menu at 390 px only.
    if sorted(set(checked)) != sorted(checked) or len(checked) != 4 * len(pages) - 2:
        problems.append(f"not each page once per language and width: {Counter(checked)}")

    endpoints, adapter = ui_page_endpoints(server.database_url, tmp_path)
    reached = set()
    for path in paths:
        try:
            reached.add(adapter.match(path, method="GET")[0])
        except HTTPException:  # an error page, or the page a form's POST answered with
            continue
    missing = {endpoint: rule for endpoint, rule in endpoints.items() if endpoint not in reached}
    if missing:
        problems.append(f"pages the walk does not reach: {missing}")

    own = origin_of(server.base)
    if origins[own] < 100:
        problems.append(f"too few requests recorded: {origins}")
    foreign = {origin: n for origin, n in origins.items() if origin not in (own, "data", "blob")}
    if foreign:
        problems.append(f"requests to another origin: {foreign}")
    assert not problems, "\n".join(problems)
