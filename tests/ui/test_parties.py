"""The parties' journey in Chromium against a real `klageflow run` and its mail catcher.

The complainant invites a co-complainant by e-mail; the invitation (read from the mails
the demo system's own SMTP server caught: demo mail never leaves the machine) holds a link; the co-complainant opens it, logs in and confirms; the complaint
files itself; both get a receipt with a link to the case; the permit holder is told at
once, sees the case in Mine sager and comments while the board hears it.
"""

from __future__ import annotations

import email
import email.policy
import re
import time
from dataclasses import replace
from email.message import Message
from pathlib import Path

import pytest
from playwright.sync_api import expect

from engine.config import load_settings
from tests.processes import stop
from tests.ui.conftest import copy_database, run_demo, screenshot
from tests.ui.test_accessibility import axe_violations, horizontal_overflow
from web import demo
from web.mailcatcher import folder_of

pytestmark = pytest.mark.slow


class Inbox:
    """The mails `klageflow run` delivered to its catcher, one file each in `folder`."""

    def __init__(self, folder: Path):
        self.folder = folder

    @property
    def messages(self) -> list[Message]:
        files = sorted(self.folder.glob("*.eml")) if self.folder.is_dir() else []
        return [
            email.message_from_bytes(p.read_bytes(), policy=email.policy.default) for p in files
        ]

    def wait_for(self, to: str, subject: str, timeout: float = 30) -> Message:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for message in self.messages:
                if to in message["To"] and subject in message["Subject"]:
                    return message
            time.sleep(0.2)
        seen = [(m["To"], m["Subject"]) for m in self.messages]
        raise AssertionError(f"no mail to {to} about {subject!r}; got {seen}")


def text_of(message: Message) -> str:
    part = message.get_body(preferencelist=("plain",)) if hasattr(message, "get_body") else None
    if part is None:
        for part in message.walk():
            if part.get_content_type() == "text/plain":
                break
    return part.get_payload(decode=True).decode()


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("parties")


@pytest.fixture(scope="module")
def inbox(data_dir):
    return Inbox(folder_of(replace(load_settings(), data_dir=data_dir)))


@pytest.fixture(scope="module")
def server(data_dir, inbox, demo_database):
    """`klageflow run` on a copy of the seeded demo database; every mail goes to its catcher."""
    system, processes = run_demo(data_dir, copy_database(demo_database, data_dir))
    yield system
    stop(processes, [data_dir / "server.log"])


@pytest.fixture
def page(browser):
    """A page that lets axe-core be injected (the app's CSP forbids inline scripts; the CSP
    itself is tested in test_content_security_policy.py)."""
    context = browser.new_context(
        locale="da-DK", viewport={"width": 1280, "height": 900}, bypass_csp=True
    )
    context.set_default_timeout(15_000)
    yield context.new_page()
    context.close()


def log_in(page, server, username: str, password: str = demo.DEMO_PASSWORD) -> None:
    page.goto("about:blank")
    page.context.clear_cookies()
    page.goto(server.url("/login"))
    page.get_by_label("Brugernavn").fill(username)
    page.get_by_label("Adgangskode").fill(password)
    page.get_by_role("button", name="Log ind").click()
    page.wait_for_load_state()


def both_widths(page, name: str) -> None:
    """Screenshots at 1280 and 390 px; at each, no WCAG 2.1 AA violation and no sideways scroll."""
    assert axe_violations(page) == []
    screenshot(page, f"parties-{name}-1280")
    page.set_viewport_size({"width": 390, "height": 844})
    assert horizontal_overflow(page) == 0
    assert axe_violations(page) == []
    screenshot(page, f"parties-{name}-390")
    page.set_viewport_size({"width": 1280, "height": 900})


def test_a_joint_complaint_from_invitation_to_the_permit_holders_comment(page, server, inbox):
    server.set_clock("2025-08-04T10:15:00+02:00")

    # The complainant writes the complaint and invites the association by e-mail.
    log_in(page, server, "klager")
    page.goto(server.url("/sager/ny"))
    page.get_by_label("Afgørelse, du klager over").select_option(index=1)
    page.get_by_label("Klagens indhold").fill("Vi klager sammen: huset skæmmer landskabet.")
    page.get_by_label("Medklagers navn 1").fill("Als Naturforening")
    page.get_by_label("Medklagers e-mail 1").fill("klager@example.dk")  # own address
    page.get_by_role("button", name="Indsend klagen").click()
    expect(page.locator("#co-error")).to_contain_text("Du kan ikke invitere dig selv")
    page.get_by_label("Medklagers e-mail 1").fill("post@forening.example")
    page.get_by_label("Medklagers navn 2").fill("Als Naturforening igen")
    page.get_by_label("Medklagers e-mail 2").fill("POST@forening.example")
    page.get_by_role("button", name="Indsend klagen").click()
    expect(page.locator("#co-error")).to_contain_text("post@forening.example står der allerede")
    both_widths(page, "01-invite-errors")
    page.get_by_label("Medklagers navn 2").fill("")
    page.get_by_label("Medklagers e-mail 2").fill("")
    page.get_by_role("button", name="Indsend klagen").click()
    expect(page.locator(".flash.success")).to_contain_text("sendt til dine medklagere")
    expect(page.locator(".badge, .status-badge, td.status").first).to_contain_text(
        "Afventer medklager"
    )
    expect(page.locator(".timeline")).to_contain_text("Medklager inviteret: Als Naturforening")
    reference = re.search(r"KP-\d{4}-\d{6}", page.get_by_role("heading", level=1).inner_text())[0]
    both_widths(page, "02-awaiting-co-complainant")

    # The invitation arrives by mail with a link; the invitee opens it and logs in.
    invitation = inbox.wait_for("post@forening.example", "inviterer dig")
    link = re.search(r"http://\S+/invitation/\S+", text_of(invitation))[0]
    assert link.startswith(server.base + f"/sager/{reference}/invitation/")
    page.goto("about:blank")
    page.context.clear_cookies()
    page.goto(link)
    expect(page.get_by_role("heading", level=1)).to_have_text("Invitation til at klage sammen")
    expect(page.locator(".complaint-text")).to_contain_text("huset skæmmer landskabet")
    both_widths(page, "03-invitation")
    page.get_by_role("link", name="Log ind for at bekræfte").click()
    page.get_by_label("Brugernavn").fill("forening")
    page.get_by_label("Adgangskode").fill(demo.DEMO_PASSWORD)
    page.get_by_role("button", name="Log ind").click()
    page.get_by_role("button", name=re.compile("Bekræft klagen som Als Naturforening")).click()

    # The last confirmation files the complaint.
    expect(page.locator(".flash.success")).to_contain_text("klagen er indsendt")
    expect(page.locator("td.status")).to_have_text("Indsendt")
    expect(page.locator(".timeline")).to_contain_text(
        "Medklager har bekræftet klagen: Als Naturforening"
    )
    both_widths(page, "04-filed-by-confirmation")

    # Both complainants get a receipt with a link to the case; the receipt page says the same.
    for address in ("klager@example.dk", "post@forening.example"):
        receipt = text_of(inbox.wait_for(address, f"Kvittering: din klage {reference}"))
        assert f"{server.base}/sager/{reference}" in receipt
        assert "29. august 2025" in receipt  # the authority's forwarding deadline
    page.get_by_role("link", name="Se kvitteringen").click()
    expect(page.locator("td.reference")).to_have_text(reference)
    expect(page.locator(".next")).to_contain_text("29. august 2025")
    both_widths(page, "05-receipt")

    # The permit holder is told at once, with a link, and sees the case as a party.
    told = text_of(inbox.wait_for("ansoeger@example.dk", "Der er klaget over din tilladelse"))
    assert f"{server.base}/sager/{reference}" in told and "opsættende virkning" in told
    log_in(page, server, "ansoeger")
    page.get_by_role("link", name=reference).click()
    expect(page.locator("td.status")).to_have_text("Indsendt")
    expect(page.locator("main")).not_to_contain_text("klager@example.dk")
    expect(page.locator("main")).not_to_contain_text("post@forening.example")
    expect(page.locator(".permit-holder-later")).to_be_visible()
    expect(page.locator(".upload-form")).to_have_count(0)
    both_widths(page, "06-permit-holder-case")

    # The authority forwards the case; in the hearing the permit holder comments.
    server.set_clock("2025-08-12T09:00:00+02:00")
    log_in(page, server, "kommune")
    page.get_by_role("link", name=re.compile("Genvurdér afgørelsen")).first.click()
    page.get_by_role("button", name="Tag opgaven", exact=True).click()  # claimed first
    page.get_by_label(re.compile("Fastholder afgørelsen")).check()
    page.get_by_label(re.compile("^Udtalelse")).fill("Kommunen fastholder afgørelsen.")
    page.get_by_role("button", name="Udfør").click()
    expect(page.locator(".flash.success")).to_have_text("Opgaven er udført.")
    log_in(page, server, "ansoeger")
    expect(page.get_by_role("link", name=reference)).to_be_visible()
    both_widths(page, "07-permit-holder-mine-sager")
    page.get_by_role("link", name=reference).click()
    page.get_by_label(re.compile("Bemærkninger")).last.fill("Huset overholder lokalplanen.")
    page.get_by_role("button", name="Tilføj dokument").click()
    expect(page.locator(".flash.success")).to_have_text("Bemærkningerne er tilføjet sagen.")
    expect(page.locator(".documents")).to_contain_text("bemaerkninger.txt")
    expect(page.locator(".timeline")).to_contain_text("Klagen er videresendt til nævnet")
    both_widths(page, "08-permit-holder-commented")
