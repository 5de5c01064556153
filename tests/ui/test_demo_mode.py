"""The demo as `klageflow run` starts it on a fresh database, in Chromium: it seeds itself
from today's date, says whom to log in as, catches every mail and shows it on "Sendte
e-mails", and "Demo: spol tiden frem" lets a deadline fire while the visitor watches."""

from __future__ import annotations

import os
import re
import time

import pytest
from playwright.sync_api import expect

from tests.processes import KLAGEFLOW, NO_SMTP, free_port, start, stop
from tests.ui.conftest import screenshot
from web.demo import DEMO_PASSWORD

pytestmark = pytest.mark.slow
DANISH_DATE_TIME = re.compile(r"^\d{1,2}\. [a-zæøå]+ \d{4} kl\. \d{2}\.\d{2}$")


class Demo:
    """A `klageflow run` process: its base URL and what it printed at start."""

    def __init__(self, base: str, printed: list[str]):
        self.base = base
        self.printed = printed

    def url(self, path: str) -> str:
        return self.base + path


@pytest.fixture(scope="module")
def demo_system(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("demo")
    port = free_port()
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("KLAGEFLOW_TEST_CLOCK", "KLAGEFLOW_DEMO")
    }
    env.update({
        "KLAGEFLOW_DATABASE_URL": f"sqlite:///{tmp}/klageflow.sqlite",
        "KLAGEFLOW_DATA_DIR": str(tmp),
        **NO_SMTP,  # the demo delivers to its own catcher, whatever these say
        "KLAGEFLOW_SCHEDULER_POLL_SECONDS": "0.2",
    })  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    log = tmp / "run.log"
    processes = start([[*KLAGEFLOW, "run", "--port", str(port)]], env, [log], ready=base + "/login")
    # What it printed at start (before it served: the report is flushed first).
    printed = log.read_text().splitlines()
    yield Demo(base, printed)
    stop(processes, [log])
    smtp_errors = log.read_text().count("deferred")
    assert smtp_errors == 0, "every mail reached the demo's catcher at once"


def log_in(page, demo: Demo, username: str) -> None:
    page.goto("about:blank")
    page.context.clear_cookies()
    page.goto(demo.url("/login"))
    page.get_by_label("Brugernavn").fill(username)
    page.get_by_label("Adgangskode").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Log ind").click()
    page.wait_for_load_state()


def reload_until(page, locator, seconds: float = 90) -> None:
    """Reload the page until `locator` is on it: the scheduler delivers mail and retries a
    step that ran over its budget in the background, later on a busy machine."""
    deadline = time.monotonic() + seconds
    while locator.count() == 0 and time.monotonic() < deadline:
        time.sleep(0.25)
        page.reload()


def no_sideways_scrolling(page) -> None:
    overflow = page.evaluate(
        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, f"{overflow}px wider than the window"


def test_the_demo_says_whom_to_start_as_and_a_complaint_is_answered_by_mail(page, demo_system):
    guide = "\n".join(demo_system.printed)
    assert f"Start som klager: log ind som klager (adgangskode {DEMO_PASSWORD})" in guide
    assert "»Landzonetilladelse til forsinkelsesbassin ved Gammeldam" in guide
    assert (
        f"Sendte e-mails (alle demoens e-mails bliver på denne maskine): {demo_system.base}/demo/e-mails"
        in guide
    )
    assert f"Demo: spol tiden frem (se frister udløbe): {demo_system.base}/demo/tid" in guide

    # The complainant files against the landzone permit, listed first and open today.
    log_in(page, demo_system, "klager")
    page.get_by_role("link", name="Ny klage").first.click()
    decision = page.get_by_label("Afgørelse, du klager over")
    decision.select_option(index=1)
    assert "Landzonetilladelse" in decision.locator("option:checked").inner_text()
    page.get_by_label("Klagens indhold").fill("Bassinet skæmmer landskabet ved Gammeldam.")
    page.get_by_role("button", name="Indsend klagen").click()
    receipt = page.locator(".flash.success").inner_text()
    reference = re.search(r"KP-\d{4}-\d{6}", receipt).group(0)
    expect(page).to_have_url(re.compile(rf"/sager/{reference}/kvittering$"))
    page.get_by_role("link", name="Gå til sagen").click()
    expect(page.locator("td.status")).to_have_text("Indsendt")

    # The authority and the permit holder are told; the mails arrive on "Sendte e-mails".
    page.get_by_role("link", name="Sendte e-mails").first.click()
    expect(page.get_by_role("heading", name="Sendte e-mails", level=1)).to_be_visible()
    reload_until(page, page.locator(".mail-to", has_text="ansoeger@"))
    reload_until(page, page.locator(".mail-to", has_text="plan@soenderborg.example"))
    to_holder = page.locator(".mail").filter(has=page.locator(".mail-to", has_text="ansoeger@"))
    expect(to_holder.locator(".mail-subject")).to_contain_text(reference)
    expect(to_holder.locator(".mail-from")).to_have_text("Klageflow <noreply@klageflow.local>")
    assert DANISH_DATE_TIME.match(to_holder.locator(".mail-date").inner_text())
    expect(to_holder.locator(".mail-body")).to_contain_text("Gammeldam")
    expect(page.locator(".mail-to", has_text="plan@soenderborg.example")).to_have_count(1)

    # The permit holder's account is the permit holder of the seeded decision.
    log_in(page, demo_system, "ansoeger")
    page.goto(demo_system.url(f"/sager/{reference}"))
    expect(page.get_by_role("heading", name=f"Sag {reference}", level=1)).to_be_visible()
    page.get_by_role("link", name="Sendte e-mails").first.click()
    screenshot(page, "demo-mails-1280")
    page.set_viewport_size({"width": 390, "height": 844})
    no_sideways_scrolling(page)
    screenshot(page, "demo-mails-390")


def test_spol_tiden_frem_lets_the_fee_deadline_fire_and_the_case_is_rejected(page, demo_system):
    log_in(page, demo_system, "klager")
    page.get_by_role("link", name="Ny klage").first.click()
    page.get_by_label("Afgørelse, du klager over").select_option(index=1)
    page.get_by_label("Klagens indhold").fill("Bassinet ødelægger udsigten over Gammeldam.")
    page.get_by_role("button", name="Indsend klagen").click()
    reference = re.search(r"KP-\d{4}-\d{6}", page.locator(".flash.success").inner_text()).group(0)

    # The authority maintains its decision and forwards the complaint: the fee is due.
    log_in(page, demo_system, "kommune")
    page.locator(f"tr:has-text('{reference}') a").first.click()
    page.get_by_role("button", name="Tag opgaven", exact=True).click()
    expect(page.locator(".flash.success")).to_have_text("Opgaven er din.")
    page.get_by_label(re.compile("Fastholder afgørelsen")).check()
    page.get_by_label(re.compile("^Udtalelse")).fill("Kommunen fastholder afgørelsen.")
    page.get_by_role("button", name="Udfør").click()
    expect(page.locator(".flash.success")).to_have_text("Opgaven er udført.", timeout=60_000)

    log_in(page, demo_system, "klager")
    page.goto(demo_system.url(f"/sager/{reference}"))
    expect(page.locator("td.status")).to_have_text("Afventer gebyr")
    expect(page.locator(".demo-date")).to_have_count(0)  # the demo is at today's date

    # "Demo: spol tiden frem" to the next deadline: the fee was not paid in time.
    page.get_by_role("link", name="Demo: spol tiden frem").click()
    expect(page.get_by_role("heading", name="Demo: spol tiden frem", level=1)).to_be_visible()
    screenshot(page, "demo-time-1280")
    page.set_viewport_size({"width": 390, "height": 844})
    no_sideways_scrolling(page)
    screenshot(page, "demo-time-390")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.get_by_role("button", name=re.compile("^Til næste frist")).click()

    assert page.url.endswith(f"/sager/{reference}")  # back where the visitor came from
    expect(page.locator(".flash.success .alert-text")).to_have_text(
        re.compile(
            r"^Tiden er spolet frem til .+ kl\. 00\.00\. [1-9]\d* frist.* udløb i demoens processer\.$"
        )
    )
    reload_until(page, page.locator("td.status", has_text="Afsluttet"))
    expect(page.locator("td.status")).to_have_text("Afsluttet")
    expect(page.locator("td.outcome")).to_have_text("Afvist for manglende betaling")
    expect(page.locator(".demo-date")).to_contain_text("Demoens dato er")
    screenshot(page, "demo-after-deadline-1280")
    page.set_viewport_size({"width": 390, "height": 844})
    no_sideways_scrolling(page)
    screenshot(page, "demo-after-deadline-390")

    # The board's decision reached the complainant as a mail.
    page.goto(demo_system.url("/demo/e-mails"))
    decided = page.locator(".mail", has=page.locator(".mail-to", has_text="klager@example.dk"))
    reload_until(page, decided.filter(has_text="er afgjort"))
    expect(decided.filter(has_text="er afgjort").first).to_contain_text("gebyret er ikke betalt")
