"""The staff's work in a real browser on a fresh demo system (`klageflow run`, demo seed only).

The authority registers a decision and a complaint against it reaches the board; the
board's case file and the confirmation of an outcome that ends the case; the administrator
sees a mail stuck on a closed port with its error and sends it again through a real SMTP
server (aiosmtpd; on the production commands `klageflow serve` and `klageflow scheduler`,
since the demo delivers every mail to its own catcher), and keeps authorities, boards and users; the designer's version is
still the one new cases start on after `klageflow run` restarts on the same database.
"""

from __future__ import annotations

import email
import email.policy
import os
import re
import subprocess
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from playwright.sync_api import expect

from tests.processes import KLAGEFLOW, free_port, start, stop
from tests.ui.conftest import Server, screenshot
from web.demo import DEMO_PASSWORD
from web.formats import long_date
from workflows.complaint import deadlines

pytestmark = pytest.mark.slow
PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


class DemoSystem(Server):
    """`klageflow run` with its own demo seed on a fresh SQLite file; restartable, also as
    the production commands (`klageflow serve` and `klageflow scheduler`) on its database."""

    def __init__(self, tmp: Path, smtp_port: int):
        self.tmp = tmp
        self.smtp_port = smtp_port
        self.port = free_port()
        self.processes: list[subprocess.Popen] = []
        self.starts = 0
        super().__init__(f"http://127.0.0.1:{self.port}", f"sqlite:///{tmp}/klageflow.sqlite")

    def start(self, demo: bool = True) -> None:
        """`klageflow run`, or with `demo=False` the web app and the scheduler that send mail
        over KLAGEFLOW_SMTP_* (the demo delivers every mail to its own catcher)."""
        self.starts += 1
        env = {
            **os.environ,
            "KLAGEFLOW_DATABASE_URL": self.database_url,
            "KLAGEFLOW_DATA_DIR": str(self.tmp),
            "KLAGEFLOW_TEST_CLOCK": "1",
            # Mail to a port where nothing listens until the test starts aiosmtpd there.
            "KLAGEFLOW_SMTP_HOST": "127.0.0.1",
            "KLAGEFLOW_SMTP_PORT": str(self.smtp_port),
            "KLAGEFLOW_MAIL_BACKOFF_SECONDS": "3600",
            "KLAGEFLOW_SCHEDULER_POLL_SECONDS": "0.2",
            "KLAGEFLOW_INSECURE_COOKIES": "1",  # plain http on this machine
        }
        port = ["--port", str(self.port)]
        commands = [["run", *port]] if demo else [["serve", *port], ["scheduler"]]
        self.processes = start(
            [[*KLAGEFLOW, *command] for command in commands], env,
            [self.tmp / f"run-{self.starts}.log"], ready=self.url("/login"),
        )  # fmt: skip

    def stop(self) -> None:
        if self.processes:
            stop(self.processes, [self.tmp / f"run-{self.starts}.log"])
            self.processes = []

    def log(self) -> str:
        return (self.tmp / f"run-{self.starts}.log").read_text()


@pytest.fixture(scope="module")
def system(tmp_path_factory):
    demo_system = DemoSystem(tmp_path_factory.mktemp("staff"), free_port())
    demo_system.start()
    yield demo_system
    demo_system.stop()


@pytest.fixture(autouse=True)
def _patient(page):
    """Full-page screenshots of long pages wait for a busy machine longer than clicks do."""
    page.set_default_timeout(45_000)


class Inbox:
    """An aiosmtpd handler that keeps what it receives."""

    def __init__(self):
        self.messages: list[email.message.Message] = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(
            email.message_from_bytes(envelope.original_content, policy=email.policy.default)
        )
        return "250 Message accepted for delivery"


def log_in(page, system: DemoSystem, username: str) -> None:
    page.goto("about:blank")
    page.context.clear_cookies()
    page.goto(system.url("/login"))
    page.get_by_label("Brugernavn").fill(username)
    page.get_by_label("Adgangskode").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Log ind").click()
    page.wait_for_load_state()


def at_both_widths(page, name: str) -> None:
    """Screenshots of the open page at desktop and phone width (no sideways scrolling)."""
    for label, size in (("1280", DESKTOP), ("390", PHONE)):
        page.set_viewport_size(size)
        overflow = page.evaluate(
            "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        screenshot(page, f"staff-{name}-{label}")  # first: it shows what overflows
        assert overflow <= 0, f"{name} is {overflow}px wider than {label} px"
    page.set_viewport_size(DESKTOP)


def file_complaint(page, system: DemoSystem, username: str, decision: str, text: str) -> str:
    """The complainant files a complaint against the decision whose title has `decision`."""
    log_in(page, system, username)
    page.goto(system.url("/sager/ny"))
    option = page.locator("#decision option", has_text=decision).first
    page.locator("#decision").select_option(option.get_attribute("value"))
    page.get_by_label("Klagens indhold").fill(text)
    page.get_by_role("button", name="Indsend klagen").click()
    receipt = page.locator(".flash.success").inner_text()
    return re.search(r"KP-\d{4}-\d{6}", receipt).group(0)


def test_the_authority_registers_a_decision_and_a_complaint_against_it_reaches_the_board(
    page, system
):
    system.set_clock("2025-09-01T09:00:00+02:00")
    log_in(page, system, "kommune")
    page.get_by_role("navigation", name="Hovedmenu").get_by_role("link", name="Afgørelser").click()
    expect(page.locator("table.decisions-table")).to_contain_text("Gammeldam")
    page.get_by_role("link", name="Registrér en afgørelse").click()
    page.get_by_role("button", name="Registrér afgørelsen").click()
    summary = page.locator(".error-summary")
    expect(summary).to_contain_text("Vælg mindst ét lovgrundlag.")
    expect(summary).to_contain_text("Vælg afgørelsen som PDF-fil.")

    page.get_by_label("Slags afgørelse").select_option("tilladelse")
    page.get_by_label("Titel").fill("Landzonetilladelse til carport, Kegnæsvej 12")
    page.get_by_label("Landzonetilladelse (planloven § 35, stk. 1)").check()
    page.locator("#d-addressee_name").fill("Jens Jensen")
    page.locator("#d-addressee_email").fill("jens@example.dk")
    page.locator("#d-permit_holder_name").fill("Jens Jensen")
    page.locator("#d-permit_holder_email").fill("jens@example.dk")
    page.get_by_label("Meddelt med Digital Post").check()
    page.get_by_label("Dato for meddelelse eller offentliggørelse").fill("2025-09-01")
    page.get_by_role("button", name="Beregn klagefrist").click()
    # Notified on Monday 1 September: four weeks later is Monday 29 September.
    expect(page.locator(".deadline-preview")).to_contain_text("29. september 2025 kl. 23.59")
    at_both_widths(page, "decision-deadline-preview")
    page.get_by_label(re.compile("^Afgørelsen \\(PDF\\)")).set_input_files(
        files=[{"name": "carport.pdf", "mimeType": "application/pdf", "buffer": PDF}]
    )
    page.get_by_role("button", name="Registrér afgørelsen").click()
    expect(page.locator(".flash.success")).to_contain_text("Afgørelsen er registreret")
    expect(page.locator("td.klagefrist")).to_have_text("29. september 2025 kl. 23.59")
    expect(page.get_by_role("link", name="carport.pdf")).to_be_visible()

    # A letter counts as notified six working days after its date: the deadline moves.
    page.get_by_label("Meddelt med brev").check()
    page.get_by_role("button", name="Gem rettelserne").click()
    expect(page.locator(".flash.success")).to_have_text("Afgørelsen er rettet.")
    by_letter = long_date(deadlines.complaint_deadline(date(2025, 9, 1), via="post"), "da")
    assert by_letter == "7. oktober 2025"
    expect(page.locator("td.klagefrist")).to_have_text(f"{by_letter} kl. 23.59")
    at_both_widths(page, "decision-registered")

    system.set_clock("2025-09-02T10:00:00+02:00")
    reference = file_complaint(
        page, system, "klager", "carport", "Carporten skygger for vores have og udsigten."
    )

    # Once complained about, the decision is read-only and says why.
    log_in(page, system, "kommune")
    page.goto(system.url("/afgoerelser"))
    row = page.locator("table.decisions-table tr", has_text="carport")
    expect(row).to_contain_text(reference)
    expect(row).to_contain_text(by_letter)
    at_both_widths(page, "decisions")
    row.get_by_role("link", name=re.compile("carport")).click()
    expect(page.locator(".alert-info")).to_contain_text("kan ikke længere rettes")
    expect(page.get_by_role("button", name="Gem rettelserne")).to_have_count(0)
    expect(page.locator("td.decision-complaints")).to_contain_text(reference)
    at_both_widths(page, "decision-locked")
    page.get_by_role("navigation", name="Hovedmenu").get_by_role("link", name="Sager").click()
    expect(page.get_by_role("link", name=reference)).to_be_visible()

    # The authority claims the task before completing it, and forwards the complaint.
    page.goto(system.url("/opgaver"))
    page.locator(f"tr:has-text('{reference}') a").first.click()
    page.get_by_label(re.compile("Fastholder afgørelsen")).check()
    page.get_by_role("button", name="Udfør").click()
    expect(page.locator(".error-summary")).to_contain_text("Tag opgaven først")
    expect(page.get_by_label(re.compile("Fastholder afgørelsen"))).to_be_checked()
    at_both_widths(page, "task-claim-first")
    page.get_by_role("button", name="Tag opgaven", exact=True).click()
    page.get_by_label(re.compile("Fastholder afgørelsen")).check()
    page.get_by_label(re.compile("^Udtalelse")).fill("Carporten holder sig inden for landzonen.")
    page.get_by_role("button", name="Udfør").click()
    expect(page.locator(".flash.success")).to_have_text("Opgaven er udført.")

    log_in(page, system, "klager")
    page.goto(system.url(f"/sager/{reference}"))
    page.get_by_role("link", name=re.compile("Betal gebyret")).click()
    page.get_by_role("button", name="Gennemfør testbetalingen").click()
    expect(page.locator(".flash.success")).to_have_text("Gebyret er betalt.")

    # The hearing ends; the board screens the case with the whole case file beside it.
    system.set_clock("2025-10-15T08:00:00+02:00")
    log_in(page, system, "naevn")
    for _ in range(75):  # the scheduler fires the hearing timer within a poll
        if page.locator(f"tr:has-text('{reference}')").count():
            break
        page.wait_for_timeout(200)
        page.reload()
    page.locator(f"tr:has-text('{reference}')").get_by_role("link", name="Visitér klagen").click()
    case_file = page.locator(".case-file")
    parties = case_file.locator("ul.parties")
    for text in ("Klager", "Karen Klager", "klager@example.dk", "Tilladelsens indehaver",
                 "Jens Jensen", "jens@example.dk", "Myndighed", "Sønderborg Kommune",
                 "plan@soenderborg.example"):  # fmt: skip
        expect(parties).to_contain_text(text)
    expect(case_file.locator(".fee-status")).to_contain_text("900 kr.")
    expect(case_file.locator(".fee-status")).to_contain_text("lav sats: privatperson")
    expect(case_file.locator(".fee-status")).to_contain_text("Betalt")
    expect(case_file.locator(".suspensive")).to_contain_text("Ja (efter loven")
    expect(case_file.locator(".statement")).to_have_text(
        "Carporten holder sig inden for landzonen."
    )
    expect(case_file.get_by_role("link", name="carport.pdf")).to_be_visible()
    expect(case_file).not_to_contain_text("efter klagefristen")
    deadlines_table = case_file.locator("table.deadlines")
    expect(deadlines_table).to_contain_text(f"Klagefrist{by_letter}")
    assert not re.search(r"\d{1,2}[:.]\d{2}", deadlines_table.inner_text()), "dates, not times"
    at_both_widths(page, "board-case-file")

    # Leaving "klageberettiget" unticked rejects the complaint: the page asks first.
    page.get_by_role("button", name="Tag opgaven", exact=True).click()
    page.get_by_label("Klagen hører under nævnets kompetence").check()
    page.get_by_role("button", name="Udfør").click()
    expect(page.locator(".confirm-end")).to_contain_text("»Klageren er klageberettiget«")
    expect(page.locator(".confirm-end")).to_contain_text("afvist")
    at_both_widths(page, "board-confirm-ending")
    page.get_by_role("button", name="Nej, fortryd").click()
    expect(page.locator(".confirm-end")).to_have_count(0)
    expect(page.get_by_label("Klagen hører under nævnets kompetence")).to_be_checked()
    page.get_by_label("Klageren er klageberettiget").check()
    page.get_by_role("button", name="Udfør").click()
    expect(page.locator(".flash.success")).to_have_text("Opgaven er udført.")


def test_the_admin_sees_a_stuck_mail_with_its_error_and_sends_it_through_a_real_server(
    page, system
):
    # The demo catches every mail; the production commands send over SMTP, to a closed port.
    system.stop()
    system.start(demo=False)
    # The demo's landzone permit was published a few days before the demo started (today):
    # a complaint filed now is in time.
    system.set_clock(datetime.now(UTC).isoformat())
    reference = file_complaint(
        page, system, "forening", "Landzonetilladelse", "Huset ved Gammeldam skæmmer landskabet."
    )
    log_in(page, system, "admin")
    expect(page.locator(".alert-warning")).to_contain_text("kunne ikke afleveres")
    page.get_by_role("link", name=re.compile("^Prøves igen: [1-9]")).click()
    row = page.locator("table.mails tbody tr", has_text=reference).first
    expect(row.locator(".mail-status")).to_contain_text("Prøves igen")
    expect(row.locator(".mail-status")).to_contain_text("Næste forsøg")
    expect(row.locator(".mail-error")).to_contain_text(f"port {system.smtp_port}")
    at_both_widths(page, "admin-mails-retrying")
    mail_id = row.get_attribute("data-mail")
    subject = row.locator(".mail-subject").inner_text()

    inbox = Inbox()
    smtp = Controller(inbox, hostname="127.0.0.1", port=system.smtp_port)
    smtp.start()
    try:
        row.get_by_role("button", name=re.compile("Send igen nu")).click()
        expect(page.locator(".flash.success")).to_have_text("Sat i kø igen.")
        page.goto(system.url("/admin/e-mails?status=sent"))
        sent = page.locator(f"tr[data-mail='{mail_id}']")
        for _ in range(75):  # the scheduler delivers within a poll
            if sent.count():
                break
            page.wait_for_timeout(200)
            page.reload()
        expect(sent.locator(".mail-status")).to_contain_text("Sendt")
        at_both_widths(page, "admin-mails-sent")
        assert subject in [message["Subject"] for message in inbox.messages]
    finally:
        smtp.stop()

    page.goto(system.url("/admin/e-mails?status=retrying"))
    other = page.locator("table.mails tbody tr").first
    other_id = other.get_attribute("data-mail")
    other.get_by_role("button", name=re.compile("Annullér")).click()
    expect(page.locator(".flash.success")).to_contain_text("annulleret")
    page.goto(system.url("/admin/e-mails?status=cancelled"))
    expect(page.locator(f"tr[data-mail='{other_id}']")).to_be_visible()
    system.stop()
    system.start()  # the demo system again, for the tests after this one


def test_the_admin_creates_and_edits_an_authority_and_sees_roles_in_danish(page, system):
    log_in(page, system, "admin")
    form = page.locator("form.new-organisation")
    form.get_by_label("Myndighed", exact=True).check()
    form.get_by_label("Navn", exact=True).fill("Aabenraa Kommune")
    form.get_by_label("Kort navn (id)").fill("soenderborg")
    form.get_by_label("Underretningsadresse").fill("plan@aabenraa.example")
    form.get_by_role("button", name="Opret").click()
    expect(page.locator(".flash.error")).to_contain_text(
        "Det korte navn soenderborg er allerede i brug"
    )
    form.get_by_label("Myndighed", exact=True).check()
    form.get_by_label("Navn", exact=True).fill("Aabenraa Kommune")
    form.get_by_label("Kort navn (id)").fill("aabenraa")
    form.get_by_label("Underretningsadresse").fill("plan@aabenraa.example")
    form.get_by_role("button", name="Opret").click()
    expect(page.locator(".flash.success")).to_have_text("Aabenraa Kommune er oprettet.")
    row = page.locator("table.orgs tr", has_text="Aabenraa Kommune")
    row.locator("summary").click()
    row.get_by_label("Underretningsadresse").fill("byg@aabenraa.example")
    row.get_by_role("button", name=re.compile("Gem")).click()
    expect(page.locator(".flash.success")).to_have_text("Gemt.")
    row = page.locator("table.orgs tr", has_text="Aabenraa Kommune")
    row.locator("summary").click()
    expect(row.get_by_label("Underretningsadresse")).to_have_value("byg@aabenraa.example")

    board = page.locator("form.new-organisation")
    board.get_by_label("Klagenævn").check()
    board.get_by_label("Navn", exact=True).fill("Et nyt nævn")
    board.get_by_label("Kort navn (id)").fill("nytnaevn")
    board.get_by_label("Underretningsadresse").fill("post@nyt.example")
    board.get_by_label("Nævnets kode (kun nævn)").fill("PKN")
    board.get_by_role("button", name="Opret").click()
    expect(page.locator(".flash.error")).to_contain_text("Et andet nævn har allerede koden PKN")

    users = page.locator("table.users")
    expect(users.locator("tr", has_text="ansoeger").locator("td.role")).to_have_text(
        "Tilladelsesindehaver"
    )
    expect(users.locator("tr", has_text="Søren Sagsbehandler")).to_contain_text(
        "Sønderborg Kommune"
    )
    for code in ("permit_holder", "authority_caseworker", "board_caseworker", "complainant"):
        assert code not in page.locator("main").inner_text()
    new_user = page.locator("form.new-user")
    new_user.get_by_label("Brugernavn").fill("aabenraa-sb")
    new_user.get_by_label("Rolle").select_option(label="Sagsbehandler, myndighed")
    new_user.get_by_label("Myndighed/nævn (sagsbehandlere)").select_option(label="Aabenraa Kommune")
    new_user.get_by_label("Adgangskode").fill(DEMO_PASSWORD)
    new_user.get_by_role("button", name="Opret").click()
    expect(users.locator("tr", has_text="aabenraa-sb")).to_contain_text("Aabenraa Kommune")
    at_both_widths(page, "admin-overview")

    log_in(page, system, "aabenraa-sb")
    page.goto(system.url("/afgoerelser"))
    expect(page.locator(".alert-info")).to_have_text(re.compile("Ingen afgørelser endnu."))


def test_a_designers_version_stays_the_one_new_cases_start_on_after_a_restart(page, system):
    system.set_clock("2025-10-17T10:00:00+02:00")
    log_in(page, system, "designer")
    page.goto(system.url("/processer/complaint/rediger"))
    expect(page.locator("#canvas[data-ready=true]")).to_be_attached()
    page.evaluate(
        """() => { const m = window.klageflowModeler;
                   m.get("selection").select(m.get("elementRegistry").get("screening")); }"""
    )
    name = page.get_by_label("Navn", exact=True)
    name.fill("Visitér klagen og frister")
    name.press("Tab")
    page.get_by_role("button", name="Udrul som ny version").click()
    expect(page.locator("#result")).to_contain_text("Udrullet som version 2")

    system.stop()
    system.start()
    assert "complaint v2 up to date" in system.log()
    assert "portal_exemption v1 up to date" in system.log()

    reference = file_complaint(
        page, system, "klager", "carport", "En ny klage efter genstarten, om carporten."
    )
    log_in(page, system, "designer")
    page.goto(system.url("/processer/complaint"))
    expect(page.locator("h1")).to_contain_text("Version 2")
    page.goto(system.url("/processer/complaint?version=2"))
    waiting = page.locator("table.counts")
    expect(waiting).to_contain_text("Genvurdér afgørelsen")
    expect(waiting).not_to_contain_text("reconsider")
    at_both_widths(page, "designer-waiting-names")
    log_in(page, system, "kommune")
    page.goto(system.url("/opgaver"))
    expect(page.get_by_role("link", name=reference)).to_be_visible()


def test_the_board_excuses_one_late_complaint_and_rejects_another_with_its_reasons(page, system):
    # The demo's protection-line dispensation was published eight weeks before the demo
    # started: its klagefrist has passed, so both complaints are late.
    system.set_clock((datetime.now(UTC) + timedelta(days=1)).isoformat())
    excused = file_complaint(
        page, system, "klager", "beskyttelseslinjen", "Jeg var indlagt, da klagefristen løb."
    )
    late = file_complaint(
        page, system, "forening", "beskyttelseslinjen", "Bassinet ødelægger søbredden."
    )
    page.goto(system.url(f"/sager/{late}"))
    expect(page.locator(".alert .late")).to_be_visible()

    log_in(page, system, "kommune")
    for reference in (excused, late):
        page.goto(system.url("/opgaver"))
        page.locator(f"tr:has-text('{reference}') a").first.click()
        page.get_by_role("button", name="Tag opgaven", exact=True).click()
        page.get_by_label(re.compile("Fastholder afgørelsen")).check()
        page.get_by_label(re.compile("^Udtalelse")).fill("Kommunen fastholder afgørelsen.")
        page.get_by_role("button", name="Udfør").click()
        expect(page.locator(".flash.success")).to_have_text("Opgaven er udført.")

    log_in(page, system, "mfkn")  # a protection line is Miljø- og Fødevareklagenævnet's
    decisions = {
        excused: ("Fristoverskridelsen er undskyldelig", "Klageren var indlagt på hospital."),
        late: ("Klagen afvises som for sent indgivet", "Der er ikke oplyst undskyldende grunde."),
    }
    for reference, (ruling, reasons) in decisions.items():
        page.goto(system.url("/opgaver"))
        row = page.locator(f"tr:has-text('{reference}')")
        expect(row).to_contain_text("Vurder fristoverskridelse")
        row.get_by_role("link").first.click()
        case_file = page.locator(".case-file")
        expect(case_file).to_contain_text("efter klagefristen")
        expect(case_file.locator(".suspensive")).to_have_text(
            "Nej (efter loven: en klage indgivet efter klagefristen har ikke opsættende virkning)"
        )
        page.get_by_role("button", name="Tag opgaven", exact=True).click()
        page.get_by_label(re.compile(ruling)).check()
        page.get_by_label(re.compile("^Begrundelse")).fill(reasons)
        if reference == late:
            at_both_widths(page, "board-assess-lateness")
        page.get_by_role("button", name="Udfør").click()
        if page.locator(".confirm-end").count():  # a rejection ends the case: asked first
            page.get_by_role("button", name=re.compile("^Ja")).click()
        expect(page.locator(".flash.success")).to_have_text("Opgaven er udført.")

    # The excused complaint goes on: the fee is requested from the complainant.
    log_in(page, system, "klager")
    page.goto(system.url(f"/sager/{excused}"))
    expect(page.locator("td.status")).to_have_text("Afventer gebyr")
    expect(page.locator(".alert .late")).to_contain_text("fristoverskridelsen er undskyldelig")
    expect(page.get_by_role("link", name=re.compile("Betal gebyret"))).to_be_visible()
    at_both_widths(page, "late-excused")

    # The rejected one has ended, with the board's reasons; no fee is asked for.
    log_in(page, system, "forening")
    page.goto(system.url(f"/sager/{late}"))
    expect(page.locator("td.outcome")).to_have_text("Afvist som for sent indgivet")
    expect(page.locator(".alert .late")).to_have_count(0)  # the outcome says it now
    expect(page.locator(".decision-summary")).to_have_text(decisions[late][1])
    expect(page.get_by_role("link", name=re.compile("Betal gebyret"))).to_have_count(0)
    at_both_widths(page, "late-rejected")
