"""The complainant's and the permit holder's journey, from a fresh `klageflow run` at today's
real date, in Chromium.

One demo system (the real CLI as a subprocess, its own seed dated from today, its own mail
catcher) serves three journeys on one database, each on a decision of its own:

- a late complaint about the protection-line dispensation, whose klagefrist has passed:
  the board rejects it as late, with its reasons on the page;
- a complaint about the lokalplan dispensation whose fee is not paid: "Demo: spol tiden
  frem" moves the demo past the payment deadline and the case is rejected;
- a joint complaint about the landzone permit: the co-complainant is invited by e-mail and
  confirms from the mail on "Sendte e-mails"; the complaint files itself; the permit holder
  sees it; the authority forwards; the fee is paid; the hearing ends ("spol tiden frem");
  the board screens and decides; the complainant reads the summary, the refund and the
  lawsuit deadline.

At every step the case page's status, whom the case waits for, the next deadline (label and
date), the suspensive effect and the fee are compared with what the rules give: dates come
from `workflows.complaint.deadlines` applied to the demo's own seed dates and to the day
each step happened (the demo's date), never from fixed dates. They run in that order: only
the last moves the clock past its own hearing, when the others have ended.
"""

from __future__ import annotations

import os
import queue
import re
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from babel.dates import get_month_names
from dateutil.relativedelta import relativedelta
from playwright.sync_api import Page, expect

from engine.config import PROJECT_ROOT
from web import demo, formats
from web.complaints.decisions import deadline_of
from workflows.complaint import deadlines, fees
from workflows.complaint.standing import LEGAL_BASES
from workflows.complaint.status import DEFAULT_TIMES

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(os.environ.get("KLAGEFLOW_ARTIFACTS", PROJECT_ROOT / "tests/ui/artifacts"))
REFERENCE = re.compile(r"KP-\d{4}-\d{6}")
FORWARDING = "Myndigheden bør videresende klagen til nævnet senest"
COMMENTS = "Frist for bemærkninger til udtalelsen"
PAYMENT = "Frist for betaling af gebyr"
LAWSUIT = "Frist for at anlægge retssag"
ENDED = "Nej (sagen er afsluttet, så klagen har ikke længere opsættende virkning)"
LATE = (
    "Nej (klagen er indgivet efter klagefristen, og en for sent indgivet klage har ikke "
    "opsættende virkning)"
)
OUTCOME = "Nævnets afgørelse"
ESTIMATE = "skøn ud fra den gennemsnitlige sagsbehandlingstid"
FEE_NOT_DUE = "Ikke betalt: gebyret skal ikke længere betales, fordi sagen er afsluttet"
HOLDER_FEE = "Du betaler intet. Klagegebyret betales af den, der klager."
PRIVATE_RATE = "takst for privatpersoner"
JOINT_RATE = (
    "fælles klage med en virksomhed, organisation eller myndighed som medklager: den højere takst"
)
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is not installed"),
]


# -- the demo system ---------------------------------------------------------------------


@dataclass
class DemoSystem:
    base: str
    seeded_on: date  # the day `klageflow run` seeded its decisions (today, in Copenhagen)

    def url(self, path: str) -> str:
        return self.base + path


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def system(tmp_path_factory):
    """`klageflow run` on a fresh SQLite file, at the real date (no test clock)."""
    tmp = tmp_path_factory.mktemp("journey")
    port = _free_port()
    # The real clock and the demo's own settings: no test clock, no shared test database
    # (the step budget the test suite sets for loaded machines stays).
    dropped = ("KLAGEFLOW_TEST_CLOCK", "KLAGEFLOW_DEMO", "KLAGEFLOW_DATABASE_URL")
    env = {k: v for k, v in os.environ.items() if k not in dropped}
    env.update({
        "KLAGEFLOW_DATABASE_URL": f"sqlite:///{tmp}/klageflow.sqlite",
        "KLAGEFLOW_DATA_DIR": str(tmp),
        "KLAGEFLOW_SCHEDULER_POLL_SECONDS": "0.2",
        "KLAGEFLOW_BASE_URL": f"http://127.0.0.1:{port}",
    })  # fmt: skip
    seeded_on = deadlines.local_date(datetime.now(UTC))
    log_path = tmp / "run.log"
    with log_path.open("w") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "web.cli", "run", "--port", str(port)],
            cwd=PROJECT_ROOT, env=env, stdout=subprocess.PIPE, stderr=log, text=True,
        )  # fmt: skip
    printed: queue.Queue[str] = queue.Queue()
    threading.Thread(target=lambda: [printed.put(x) for x in process.stdout], daemon=True).start()
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 180  # a busy machine starts slowly
    guide = []
    while not any(line.startswith("Demo: spol tiden frem") for line in guide):
        try:
            guide.append(printed.get(timeout=max(0.1, deadline - time.monotonic())))
        except queue.Empty:
            process.kill()
            raise AssertionError(f"{guide}\n{log_path.read_text()[-3000:]}") from None
    while True:
        try:
            urllib.request.urlopen(base + "/login", timeout=5).read()
            break
        except OSError:
            assert time.monotonic() < deadline, log_path.read_text()[-3000:]
            time.sleep(0.1)
    assert any("Start som klager: log ind som klager" in line for line in guide), guide
    yield DemoSystem(base, seeded_on)
    process.terminate()
    try:
        process.wait(timeout=60)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
        raise AssertionError(f"did not stop: {log_path.read_text()[-3000:]}") from None


@pytest.fixture
def page(browser):  # the session's Chromium (tests/ui/conftest.py): one Playwright at a time
    context = browser.new_context(locale="da-DK", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(30_000)
    yield context.new_page()
    context.close()


# -- reading and acting on pages ---------------------------------------------------------


def log_in(page: Page, system: DemoSystem, username: str) -> None:
    page.goto("about:blank")
    page.context.clear_cookies()
    page.goto(system.url("/login"))
    page.get_by_label("Brugernavn").fill(username)
    page.get_by_label("Adgangskode").fill(demo.DEMO_PASSWORD)
    page.get_by_role("button", name="Log ind").click()
    page.wait_for_load_state()


def shoot(page: Page, name: str) -> None:
    """Full-page screenshots at 1280 and 390 px; the narrow one must not scroll sideways."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"journey-{name}-1280.png"), full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    overflow = page.evaluate(
        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, f"{name}: {overflow}px wider than a phone"
    page.screenshot(path=str(ARTIFACTS / f"journey-{name}-390.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})


def reload_until(page: Page, ready, seconds: float = 90) -> None:
    """Reload until `ready()` holds: the outbox and the scheduler work in the background."""
    deadline = time.monotonic() + seconds
    while not ready():
        assert time.monotonic() < deadline, f"gave up waiting on {page.url}"
        time.sleep(0.3)
        page.reload()


def facts(page: Page) -> dict[str, str]:
    """The case page's facts table: row heading -> the cell's text."""
    rows = page.locator("table.facts tr")
    return {
        rows.nth(i).locator("th").inner_text().strip(): rows.nth(i).locator("td").inner_text()
        for i in range(rows.count())
    }


def demo_today(page: Page, system: DemoSystem) -> date:
    """The demo's date: the real one, or the one "spol tiden frem" moved it to."""
    moved = page.locator(".demo-date strong")
    if moved.count() == 0:
        return deadlines.local_date(datetime.now(UTC))
    number, month, year = moved.inner_text().split()
    months = {name: n for n, name in get_month_names("wide", locale="da_DK").items()}
    return date(int(year), months[month], int(number.rstrip(".")))


def when(value: datetime) -> str:
    return formats.date_time(value, "da")


def day(value: date | datetime) -> str:
    return formats.long_date(value, "da")


def kr(amount: int) -> str:
    return formats.amount(amount, "da")


def assert_case(page: Page, *, status: str, waiting: str, deadline: tuple[str, str],
                suspensive: str | None, fee: str | None,
                more: dict[str, str] | None = None) -> None:  # fmt: skip
    """The facts the issue asks for, each against the value the rules give (`more`: other
    rows by their heading)."""
    seen = facts(page)
    assert seen["Status"] == status, seen
    assert seen["Afventer"] == waiting, seen
    label, at = deadline
    assert seen.get(label) == at, seen
    assert seen.get("Opsættende virkning") == suspensive, seen
    assert seen.get("Gebyr") == fee, seen
    for heading, value in (more or {}).items():
        assert seen.get(heading) == value, (heading, seen)


def open_case(page: Page, system: DemoSystem, reference: str) -> None:
    page.goto(system.url(f"/sager/{reference}"))
    expect(page.get_by_role("heading", name=f"Sag {reference}", level=1)).to_be_visible()


def file_complaint(page: Page, system: DemoSystem, decision: str, text: str,
                   co: tuple[str, str] | None = None) -> None:  # fmt: skip
    log_in(page, system, "klager")
    page.goto(system.url("/sager/ny"))
    select = page.get_by_label("Afgørelse, du klager over")
    option = select.locator("option", has_text=decision)
    select.select_option(option.get_attribute("value"))
    page.get_by_label("Klagens indhold").fill(text)
    if co:
        page.get_by_label("Medklagers navn 1").fill(co[0])
        page.get_by_label("Medklagers e-mail 1").fill(co[1])


def submit(page: Page) -> str:
    page.get_by_role("button", name="Indsend klagen").click()
    page.wait_for_load_state()
    return REFERENCE.search(page.locator("main").inner_text())[0]


def do_task(page: Page, system: DemoSystem, user: str, reference: str, task: str, fill) -> None:
    """`user` claims `task` of the case from the task list, fills it in and completes it."""
    log_in(page, system, user)
    page.goto(system.url("/opgaver"))
    row = page.locator("tr", has=page.get_by_role("link", name=reference, exact=True))
    reload_until(page, lambda: row.filter(has_text=task).count() > 0)
    row.filter(has_text=task).get_by_role("link", name=task).click()
    page.get_by_role("button", name="Tag opgaven", exact=True).click()
    expect(page.locator(".flash.success")).to_have_text("Opgaven er din.")
    fill(page)
    page.get_by_role("button", name="Udfør").click()
    page.wait_for_load_state()
    if page.locator(".confirm-end").count():  # a step that ends the case asks first
        page.get_by_role("button", name=re.compile("^Ja")).click()
    expect(page.locator(".flash.success")).to_have_text("Opgaven er udført.", timeout=60_000)


def forward(page: Page, system: DemoSystem, reference: str) -> None:
    def fill(form: Page) -> None:
        form.get_by_label(re.compile("Fastholder afgørelsen")).check()
        form.get_by_label(re.compile("^Udtalelse")).fill(
            "Kommunen fastholder afgørelsen: bassinet er nødvendigt for at undgå oversvømmelser."
        )

    do_task(page, system, "kommune", reference, "Genvurdér afgørelsen", fill)


def mail_to(page: Page, system: DemoSystem, address: str, subject: str):
    """The newest mail to `address` whose subject holds `subject`, on "Sendte e-mails"."""
    page.goto(system.url("/demo/e-mails"))
    found = (
        page.locator(".mail")
        .filter(has=page.locator(".mail-to", has_text=address))
        .filter(has=page.locator(".mail-subject", has_text=subject))
    )
    reload_until(page, lambda: found.count() > 0)
    return found.first


def spol_to_next_deadline(page: Page, system: DemoSystem, reference: str) -> None:
    open_case(page, system, reference)
    page.get_by_role("link", name="Demo: spol tiden frem").click()
    expect(page.get_by_role("heading", name="Demo: spol tiden frem", level=1)).to_be_visible()
    page.get_by_role("button", name=re.compile("^Til næste frist")).click()
    expect(page.locator(".flash.success")).to_contain_text("Tiden er spolet frem til")


def ended_suspensive_and_lawsuit(decided: date) -> tuple[str, str]:
    return ENDED, when(deadlines.lawsuit_deadline(decided))


# -- the journeys --------------------------------------------------------------------------


def test_a_late_complaint_is_flagged_and_rejected_as_late_with_the_boards_reasons(page, system):
    decision = demo.CLOSED_DISPENSATION
    klagefrist = deadline_of(decision.body(system.seeded_on))
    file_complaint(page, system, "sø- og å-beskyttelseslinjen", "Bassinet skader søen.")
    warning = page.locator("#late-warning")
    expect(warning).to_be_visible()
    expect(warning).to_contain_text(f"Klagefristen udløb {when(klagefrist)}.")
    shoot(page, "late-01-form-warns")
    reference = submit(page)
    expect(page).to_have_url(re.compile(rf"/sager/{reference}/kvittering$"))
    page.get_by_role("link", name="Gå til sagen").click()
    today = demo_today(page, system)
    # Filed late, the complaint's three weeks with the authority count from the filing day.
    filed = datetime.combine(today, datetime.min.time(), tzinfo=deadlines.COPENHAGEN)
    due = deadlines.forwarding_deadline(klagefrist, filed_at=filed)
    assert due > datetime.now(UTC)
    assert_case(page, status="Indsendt", waiting="Afventer myndigheden",
                deadline=(FORWARDING, when(due)), suspensive=LATE, fee=None,
                more={"Klagefrist": when(klagefrist)})  # fmt: skip
    expect(page.locator(".late")).to_have_text(
        f"Klagefristen udløb {when(klagefrist)}. Nævnet afgør, om klagen alligevel kan "
        "behandles. Klagen har ikke opsættende virkning."
    )
    shoot(page, "late-02-filed")

    forward(page, system, reference)
    log_in(page, system, "klager")
    open_case(page, system, reference)
    assert_case(page, status="Videresendt til nævnet", waiting="Afventer nævnet",
                deadline=(COMMENTS, when(deadlines.comment_deadline(today))),
                suspensive=LATE, fee=None)  # fmt: skip
    assert "Bemærkninger til myndighedens udtalelse" in page.locator(".upload-form").inner_text()
    shoot(page, "late-03-forwarded")

    reasons = "Klagen er modtaget fire uger efter klagefristens udløb uden en undskyldelig grund."

    def reject(form: Page) -> None:
        form.get_by_label("Klagen afvises som for sent indgivet").check()
        form.get_by_label(re.compile("^Begrundelse")).fill(reasons)

    do_task(page, system, "mfkn", reference, "Vurder fristoverskridelse", reject)
    log_in(page, system, "klager")
    open_case(page, system, reference)
    reload_until(page, lambda: page.locator("td.status", has_text="Afsluttet").count() > 0)
    assert_case(page, status="Afsluttet", waiting="–",
                deadline=(LAWSUIT, when(deadlines.lawsuit_deadline(today))),
                suspensive=LATE, fee=None, more={OUTCOME: "Afvist som for sent indgivet"})  # fmt: skip
    expect(page.locator(".outcome-label")).to_have_text("Afvist som for sent indgivet")
    expect(page.locator(".decision-summary")).to_have_text(reasons)
    expect(page.locator(".lawsuit")).to_contain_text(
        f"senest {day(deadlines.lawsuit_deadline(today))}"
    )
    expect(page.locator(".lawsuit")).to_contain_text("naturbeskyttelsesloven § 88, stk. 1")
    expect(page.locator(".late")).to_have_count(0)  # the board has ruled: the notice went
    expect(page.locator(".upload-form")).to_have_count(0)  # an ended case takes no documents
    shoot(page, "late-04-rejected-as-late")


def test_an_unpaid_fee_rejects_the_complaint_when_the_demo_passes_the_payment_deadline(
    page, system
):
    decision = demo.LOKALPLAN_DISPENSATION
    klagefrist = deadline_of(decision.body(system.seeded_on))
    file_complaint(page, system, "lokalplan 166", "Dispensationen strider mod lokalplanen.")
    expect(page.locator("#late-warning")).to_be_hidden()
    reference = submit(page)
    page.get_by_role("link", name="Gå til sagen").click()
    today = demo_today(page, system)
    suspensive = (
        "Ja (efter loven)"
        if LEGAL_BASES["planloven-19"].suspensive_by_default
        else ("Nej (efter loven)")
    )
    assert_case(page, status="Indsendt", waiting="Afventer myndigheden",
                deadline=(FORWARDING, when(deadlines.forwarding_deadline(klagefrist))),
                suspensive=suspensive, fee=None, more={"Klagefrist": when(klagefrist)})  # fmt: skip

    forward(page, system, reference)
    log_in(page, system, "klager")
    open_case(page, system, reference)
    fee = fees.fee_for("private", [], today).amount_dkk
    fee_due = deadlines.payment_deadline(today)
    assert_case(page, status="Afventer gebyr", waiting="Afventer klager",
                deadline=(PAYMENT, when(fee_due)), suspensive=suspensive,
                fee=f"{kr(fee)} ({PRIVATE_RATE}) · betales senest {when(fee_due)}",
                more={COMMENTS: when(deadlines.comment_deadline(today))})  # fmt: skip
    expect(page.get_by_role("link", name=f"Betal gebyret ({kr(fee)})")).to_be_visible()
    shoot(page, "unpaid-01-awaiting-fee")

    # "Demo: spol tiden frem" to the next deadline: the payment deadline is the first.
    spol_to_next_deadline(page, system, reference)
    expect(page.locator(".flash.success")).to_contain_text(when(deadlines.expired_at(fee_due)))
    reload_until(page, lambda: page.locator("td.status", has_text="Afsluttet").count() > 0)
    decided = demo_today(page, system)
    assert decided == deadlines.local_date(deadlines.expired_at(fee_due))
    suspended, lawsuit = ended_suspensive_and_lawsuit(decided)
    assert_case(page, status="Afsluttet", waiting="–", deadline=(LAWSUIT, lawsuit),
                suspensive=suspended, fee=f"{kr(fee)} ({PRIVATE_RATE}) · {FEE_NOT_DUE}",
                more={OUTCOME: "Afvist for manglende betaling"})  # fmt: skip
    expect(page.locator(".outcome-meaning")).to_contain_text("gebyret")
    expect(page.get_by_role("link", name=re.compile("Betal gebyret"))).to_have_count(0)
    expect(page.locator(".upload-form")).to_have_count(0)
    expect(page.locator(".refund")).to_have_count(0)  # nothing was paid, nothing comes back
    shoot(page, "unpaid-02-rejected")
    mail = mail_to(page, system, "klager@example.dk", f"Afgørelse i klagesag {reference}")
    expect(mail.locator(".mail-body")).to_contain_text("gebyret er ikke betalt")


def test_a_joint_complaint_from_invitation_to_the_boards_decision(page, system):
    decision = demo.LANDZONE_PERMIT
    klagefrist = deadline_of(decision.body(system.seeded_on))
    by_law = (
        "Ja (efter loven)"
        if LEGAL_BASES["planloven-35"].suspensive_by_default
        else ("Nej (efter loven)")
    )

    # The complainant writes the complaint and invites the association by e-mail.
    file_complaint(page, system, "Landzonetilladelse", "Bassinet skæmmer landskabet.",
                   co=("Als Naturforening", "post@forening.example"))  # fmt: skip
    reference = submit(page)
    expect(page.locator(".flash.success")).to_contain_text("sendt til dine medklagere")
    assert_case(page, status="Afventer medklager", waiting="Afventer medklager",
                deadline=("Klagefrist", when(klagefrist)), suspensive=by_law, fee=None)  # fmt: skip
    expect(page.locator("table.facts th", has_text="Klagefrist")).to_have_count(1)
    expect(page.locator(".co-list")).to_contain_text("Als Naturforening: inviteret")
    shoot(page, "joint-01-awaiting-co-complainant")

    # The invitation, read in the demo's mail catcher, holds the co-complainant's link.
    invitation = mail_to(page, system, "post@forening.example", "inviterer dig")
    expect(invitation.locator(".mail-subject")).to_have_text(
        f"Karen Klager inviterer dig til at klage sammen ({reference})"
    )
    expect(invitation.locator(".mail-body")).to_contain_text(
        f"Klagefristen udløber {when(klagefrist)}."
    )
    shoot(page, "joint-02-invitation-mail")
    link = invitation.locator(".mail-body a[href*='/invitation/']").get_attribute("href")
    assert link.startswith(system.url(f"/sager/{reference}/invitation/"))

    # The complainant sends it again: a new link, and the first one no longer opens.
    log_in(page, system, "klager")
    open_case(page, system, reference)
    page.get_by_role("button", name="Send invitationen igen").click()
    expect(page.locator(".flash.success")).to_contain_text("Det gamle link virker ikke længere.")
    page.goto("about:blank")
    page.context.clear_cookies()
    assert page.goto(link).status == 404
    log_in(page, system, "klager")
    page.goto(system.url("/demo/e-mails"))
    again = page.locator(".mail").filter(has=page.locator(".mail-to", has_text="post@forening"))
    reload_until(page, lambda: again.count() == 2)
    new_link = again.first.locator(".mail-body a[href*='/invitation/']").get_attribute("href")
    assert new_link != link

    # The association opens the new link, logs in and confirms: the complaint files itself.
    page.goto("about:blank")
    page.context.clear_cookies()
    page.goto(new_link)
    expect(page.get_by_role("heading", level=1)).to_have_text("Invitation til at klage sammen")
    page.get_by_role("link", name="Log ind for at bekræfte").click()
    page.get_by_label("Brugernavn").fill("forening")
    page.get_by_label("Adgangskode").fill(demo.DEMO_PASSWORD)
    page.get_by_role("button", name="Log ind").click()
    page.get_by_role("button", name=re.compile("Bekræft klagen som Als Naturforening")).click()
    expect(page.locator(".flash.success")).to_contain_text("klagen er indsendt")
    filed_on = demo_today(page, system)
    forwarding = when(deadlines.forwarding_deadline(klagefrist))
    assert_case(page, status="Indsendt", waiting="Afventer myndigheden",
                deadline=(FORWARDING, forwarding), suspensive=by_law, fee=None,
                more={"Klagefrist": when(klagefrist)})  # fmt: skip
    expect(page.locator(".timeline")).to_contain_text(
        "Medklager har bekræftet klagen: Als Naturforening"
    )
    shoot(page, "joint-03-filed-by-confirmation")

    # The permit holder is told at once and follows the case as a party.
    told = mail_to(page, system, "ansoeger@example.dk", "Der er klaget over din tilladelse")
    expect(told.locator(".mail-body")).to_contain_text("opsættende virkning")
    expect(told.locator(".mail-body")).to_contain_text(system.url(f"/sager/{reference}"))
    log_in(page, system, "ansoeger")
    page.goto(system.url("/sager"))
    holder_row = page.locator("tr", has=page.get_by_role("link", name=reference))
    expect(holder_row).to_contain_text("Indsendt")
    expect(holder_row).to_contain_text(
        f"{FORWARDING}: {formats.short_date(deadlines.forwarding_deadline(klagefrist), 'da')}"
    )
    shoot(page, "joint-04-permit-holder-mine-sager")
    page.get_by_role("link", name=reference).click()
    assert_case(page, status="Indsendt", waiting="Afventer myndigheden",
                deadline=(FORWARDING, forwarding), suspensive=by_law, fee=HOLDER_FEE)  # fmt: skip
    expect(page.locator("main")).not_to_contain_text("klager@example.dk")
    expect(page.locator("main")).not_to_contain_text("Hvorfor skal jeg betale gebyr?")
    expect(page.locator(".alert")).to_contain_text(
        "Du er part i sagen, fordi klagen gælder din tilladelse."
    )
    expect(page.locator(".upload-form")).to_have_count(0)
    expect(page.locator(".permit-holder-later")).to_be_visible()
    shoot(page, "joint-05-permit-holder-case")

    # The municipality keeps its decision and forwards the complaint with its statement.
    forward(page, system, reference)
    forwarded_on = demo_today(page, system)
    log_in(page, system, "klager")
    open_case(page, system, reference)
    fee = fees.fee_for("private", ["organisation"], forwarded_on).amount_dkk
    fee_due = deadlines.payment_deadline(forwarded_on)
    comments_due = deadlines.comment_deadline(forwarded_on)
    decision_expected = forwarded_on + relativedelta(months=DEFAULT_TIMES.decision_months)
    screening = forwarded_on + relativedelta(weeks=DEFAULT_TIMES.screening_weeks_pkn)
    fee_text = f"{kr(fee)} ({JOINT_RATE})"
    assert_case(page, status="Afventer gebyr", waiting="Afventer klager",
                deadline=(PAYMENT, when(fee_due)), suspensive=by_law,
                fee=f"{fee_text} · betales senest {when(fee_due)}",
                more={COMMENTS: when(comments_due),
                      "Forventet visitation i nævnet": f"{day(screening)} ({ESTIMATE})",
                      "Forventet afgørelse fra nævnet": f"{day(decision_expected)} ({ESTIMATE})"})  # fmt: skip
    expect(page.get_by_role("link", name=f"Betal gebyret ({kr(fee)})")).to_be_visible()
    assert "Bemærkninger til myndighedens udtalelse" in page.locator(".upload-form").inner_text()
    shoot(page, "joint-06-awaiting-fee")

    # The fee is paid (the demo's test payment provider).
    page.get_by_role("link", name=f"Betal gebyret ({kr(fee)})").click()
    page.get_by_role("button", name="Gennemfør testbetalingen").click()
    open_case(page, system, reference)
    reload_until(page, lambda: page.locator("td.status", has_text="Under behandling").count() > 0)
    paid_on = demo_today(page, system)
    assert_case(page, status="Under behandling", waiting="Afventer nævnet",
                deadline=(COMMENTS, when(comments_due)), suspensive=by_law,
                fee=f"{fee_text} · betalt {day(paid_on)}",
                more={"Forventet afgørelse fra nævnet": f"{day(decision_expected)} ({ESTIMATE})"})  # fmt: skip
    shoot(page, "joint-07-paid")

    # The hearing ends: "spol tiden frem" to the end of the comment period.
    spol_to_next_deadline(page, system, reference)
    expect(page.locator(".flash.success")).to_contain_text(when(deadlines.expired_at(comments_due)))
    open_case(page, system, reference)
    assert_case(page, status="Under behandling", waiting="Afventer nævnet",
                deadline=("Næste frist", "Ingen frist lige nu"), suspensive=by_law,
                fee=f"{fee_text} · betalt {day(paid_on)}")  # fmt: skip
    shoot(page, "joint-08-hearing-over")

    # The board screens the complaint and decides: the permit is annulled.
    def screen(form: Page) -> None:
        form.get_by_label("Klageren er klageberettiget").check()
        form.get_by_label("Klagen hører under nævnets kompetence").check()

    do_task(page, system, "naevn", reference, "Visitér klagen", screen)
    summary = "Nævnet ophæver landzonetilladelsen: bassinet kan placeres uden for søens nærhed."

    def decide(form: Page) -> None:
        form.get_by_label("Afgørelse", exact=True).select_option(label="Ophævelse")
        form.get_by_label("Resumé af afgørelsen til parterne").fill(summary)

    do_task(page, system, "naevn", reference, "Træf afgørelse", decide)

    # The complainant reads the outcome, the summary, the refund and the lawsuit deadline.
    log_in(page, system, "klager")
    open_case(page, system, reference)
    reload_until(page, lambda: page.locator("td.status", has_text="Afsluttet").count() > 0)
    decided = demo_today(page, system)
    lawsuit = deadlines.lawsuit_deadline(decided)
    expect(page.locator(".outcome-label")).to_have_text("Ophævet")
    expect(page.locator(".decision-summary")).to_have_text(summary)
    expect(page.locator(".refund")).to_have_text(
        "Gebyret betales tilbage, fordi afgørelsen er ændret eller ophævet. "
        f"(tilbagebetalt {day(decided)})"
    )
    expect(page.locator(".lawsuit")).to_contain_text(f"senest {day(lawsuit)}")
    expect(page.locator(".lawsuit")).to_contain_text("planloven § 62, stk. 1")
    assert_case(page, status="Afsluttet", waiting="–", deadline=(LAWSUIT, when(lawsuit)),
                suspensive=ENDED,
                fee=f"{fee_text} · betalt {day(paid_on)} · tilbagebetalt {day(decided)}",
                more={OUTCOME: "Ophævet"})  # fmt: skip
    expect(page.locator(".upload-form")).to_have_count(0)
    expect(page.get_by_role("button", name="Hvad sker der nu?")).to_have_count(0)
    labels = page.locator(".timeline li").all_inner_texts()
    assert labels[-1].endswith("Sagen er afsluttet"), labels
    shoot(page, "joint-09-decided")
    page.goto(system.url("/sager"))
    row = page.locator("tr", has=page.get_by_role("link", name=reference))
    expect(row).to_contain_text("Ophævet")
    shoot(page, "joint-10-mine-sager")

    # The permit holder reads the same outcome, without the complainant's refund.
    log_in(page, system, "ansoeger")
    open_case(page, system, reference)
    expect(page.locator(".outcome-label")).to_have_text("Ophævet")
    expect(page.locator(".refund")).to_have_count(0)
    assert facts(page)["Gebyr"] == HOLDER_FEE
    expect(page.locator(".alert")).to_contain_text("Sagen er afsluttet; du kan læse, hvordan")
    expect(page.locator(".upload-form")).to_have_count(0)
    shoot(page, "joint-11-permit-holder-decided")
    assert filed_on <= forwarded_on <= paid_on <= decided
