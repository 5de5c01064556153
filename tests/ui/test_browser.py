"""The UI in a real browser: the Gammeldam complaint from filing to refund, and the guards."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from tests.ui.conftest import screenshot
from web.demo import DEMO_PASSWORD

pytestmark = pytest.mark.slow


def status(page) -> str:
    return page.locator("td.status").inner_text()


def test_the_gammeldam_complaint_through_the_browser(page, server, login):
    server.set_clock("2025-08-04T10:15:00+02:00")

    # The complainant drafts the complaint; too short a text is refused, what was typed stays.
    login(page, "klager")
    expect(page.get_by_role("heading", name="Mine sager")).to_be_visible()
    page.get_by_role("link", name="Ny klage").first.click()
    page.get_by_label("Afgørelse, du klager over").select_option(index=1)
    page.get_by_label("Klagens indhold").fill("Kort")
    page.get_by_role("button", name="Indsend klagen").click()
    expect(page.locator(".form-error-message")).to_be_visible()
    expect(page.get_by_label("Klagens indhold")).to_have_value("Kort")
    screenshot(page, "01-new-complaint-field-errors")
    page.get_by_label("Klagens indhold").fill("Huset skæmmer landskabet ved Gammeldam.")
    page.get_by_role("button", name="Indsend klagen").click()
    receipt = page.locator(".flash.success").inner_text()
    reference = re.search(r"KP-\d{4}-\d{6}", receipt).group(0)
    expect(page.locator("td.reference")).to_have_text(reference)
    screenshot(page, "02-receipt")
    page.get_by_role("link", name="Gå til sagen").click()
    assert status(page) == "Indsendt"

    # The authority's caseworker forwards it with a statement (a missing one is an error).
    server.set_clock("2025-08-12T09:00:00+02:00")
    login(page, "kommune")
    expect(page.get_by_role("heading", name="Opgaver")).to_be_visible()
    screenshot(page, "03-task-list")
    page.get_by_role("link", name=re.compile("Genvurdér afgørelsen")).first.click()
    page.get_by_role("button", name="Udfør").click()  # not claimed yet: the page says so
    expect(page.locator(".error-summary")).to_contain_text("Tag opgaven først")
    page.get_by_role("button", name="Tag opgaven", exact=True).click()
    expect(page.locator(".flash.success")).to_have_text("Opgaven er din.")
    page.get_by_label("Slags dokument").select_option("case_document")
    page.get_by_label(re.compile("^Fil")).set_input_files(
        files=[{"name": "ansoegning.pdf", "mimeType": "application/pdf",
                "buffer": b"%PDF-1.7\n%%EOF\n"}]
    )  # fmt: skip
    page.get_by_role("button", name="Tilføj dokument").click()
    expect(page.locator(".flash.success")).to_have_text("Dokumentet er tilføjet sagen.")
    expect(page.get_by_role("link", name="ansoegning.pdf")).to_be_visible()
    page.get_by_label(re.compile("Fastholder afgørelsen")).check()
    page.get_by_role("button", name="Udfør").click()
    expect(page.locator(".form-error-message")).to_be_visible()
    expect(page.get_by_label(re.compile("Fastholder afgørelsen"))).to_be_checked()
    screenshot(page, "04-task-field-errors")
    page.get_by_label(re.compile("^Udtalelse")).fill("Kommunen fastholder afgørelsen.")
    page.get_by_role("button", name="Udfør").click()
    expect(page.locator(".flash.success")).to_have_text("Opgaven er udført.")

    # The complainant sees the fee request and pays through the test provider.
    login(page, "klager")
    page.get_by_role("link", name=reference).click()
    assert status(page) == "Afventer gebyr"
    expect(page.locator(".test-provider")).to_contain_text("Testbetaling")
    expect(page.locator(".step-indicator li.current")).to_contain_text("Hos nævnet")
    expect(page.locator("#canvas")).to_have_count(0)  # the diagram is for staff
    screenshot(page, "05-case-awaiting-fee")
    page.get_by_role("link", name=re.compile("Betal gebyret")).click()
    expect(page.locator(".test-banner")).to_contain_text("Dette er en test")
    screenshot(page, "05b-test-payment-provider")
    page.get_by_role("button", name="Gennemfør testbetalingen").click()
    expect(page.locator(".flash.success")).to_have_text("Gebyret er betalt.")
    page.get_by_label("Bemærkninger til myndighedens udtalelse").fill(
        "Udtalelsen overser udsigten."
    )
    page.get_by_role("button", name="Tilføj dokument").click()
    expect(page.locator(".documents")).to_contain_text("bemaerkninger.txt")
    expect(page.locator(".documents")).to_contain_text("ansoegning.pdf")

    # The hearing ends; the scheduler hands the case to the board, which decides.
    server.set_clock("2025-09-03T08:00:00+02:00")
    login(page, "naevn")
    link = page.get_by_role("link", name="Visitér klagen")
    for _ in range(50):  # the scheduler fires the hearing timer within a poll
        if link.count():
            break
        page.wait_for_timeout(200)
        page.reload()
    link.first.click()
    page.get_by_role("button", name="Tag opgaven", exact=True).click()
    page.get_by_label("Klageren er klageberettiget").check()
    page.get_by_label("Klagen hører under nævnets kompetence").check()
    page.get_by_role("button", name="Udfør").click()
    server.set_clock("2025-11-20T14:00:00+01:00")
    page.goto(server.url("/opgaver"))
    page.get_by_role("link", name="Træf afgørelse").first.click()
    page.get_by_role("button", name="Tag opgaven", exact=True).click()
    page.get_by_label("Afgørelse", exact=True).select_option("aendring")
    page.get_by_label("Resumé af afgørelsen til parterne").fill("Tilladelsen ændres til et afslag.")
    screenshot(page, "06-board-decision")
    page.get_by_role("button", name="Udfør").click()
    expect(page.locator(".flash.success")).to_have_text("Opgaven er udført.")

    # The complainant sees the decision, the refund and the lawsuit deadline.
    login(page, "klager")
    page.get_by_role("link", name=reference).click()
    assert status(page) == "Afsluttet"
    expect(page.locator("td.outcome")).to_have_text("Ændret")
    expect(page.locator("td.fee")).to_contain_text("tilbagebetalt")
    expect(page.locator(".timeline")).to_contain_text("Klagen er videresendt til nævnet")
    expect(page.locator(".step-indicator li.current")).to_contain_text("Afgjort")
    screenshot(page, "07-case-decided")

    # The board's decision is a letter on the case page, downloaded as PDF; the case shows
    # the complainant the letters addressed to them, not the permit holder's.
    documents = page.locator(".documents")
    expect(documents).to_contain_text("Kvittering for klagen")
    expect(documents).to_contain_text("Opkrævning af klagegebyr")
    expect(documents).not_to_contain_text("Underretning om klagen")
    with page.expect_download() as download:
        page.get_by_role("link", name=f"Nævnets afgørelse {reference}.pdf").click()
    assert download.value.suggested_filename == f"Nævnets afgørelse {reference}.pdf"
    letter = PdfReader(io.BytesIO(Path(download.value.path()).read_bytes()))
    text = " ".join(" ".join(p.extract_text().split()) for p in letter.pages)
    assert "Nævnet ændrer afgørelsen" in text and "Tilladelsen ændres til et afslag." in text
    assert "20. maj 2026" in text, "the 6-month lawsuit deadline"
    assert letter.metadata.title == "Nævnets afgørelse"

    # Staff see where the case stands in the diagram.
    login(page, "naevn")
    page.goto(server.url(f"/sager/{reference}"))
    expect(page.locator("#canvas[data-ready=true]")).to_be_attached()


def test_a_caseworker_of_another_authority_cannot_open_the_case(page, server, login):
    server.set_clock("2025-08-05T10:00:00+02:00")
    login(page, "klager")
    page.goto(server.url("/sager/ny"))
    page.get_by_label("Afgørelse, du klager over").select_option(index=1)
    page.get_by_label("Klagens indhold").fill("Endnu en klage over Gammeldam.")
    page.get_by_role("button", name="Indsend klagen").click()
    reference = re.search(r"KP-\d{4}-\d{6}", page.locator(".flash.success").inner_text()).group(0)

    login(page, "aabenraa")
    response = page.goto(server.url(f"/sager/{reference}"))
    assert response.status == 404
    expect(page.get_by_role("heading", name="Siden findes ikke")).to_be_visible()
    assert "Traceback" not in page.content()
    screenshot(page, "08-not-found")

    login(page, "kommune")
    assert page.goto(server.url(f"/sager/{reference}")).status == 200


def test_pages_need_a_login_and_the_language_can_be_switched(page, server, login):
    page.goto(server.url("/opgaver"))
    expect(page.get_by_role("heading", name="Log ind")).to_be_visible()
    login(page, "admin")
    expect(page.get_by_role("heading", name="Administration")).to_be_visible()
    page.get_by_role("link", name="English").click()
    expect(page.get_by_role("heading", name="Administration")).to_be_visible()
    expect(page.get_by_role("heading", name="Authorities and boards")).to_be_visible()
    row = page.locator("table.orgs tr", has_text="Sønderborg Kommune")
    row.get_by_text("Edit").click()
    field = row.get_by_label("Notification address")
    field.fill("ny-adresse@soenderborg.example")
    field.press("Enter")
    expect(page.locator(".flash.success")).to_have_text("Saved.")
    row.get_by_text("Edit").click()
    expect(row.get_by_label("Notification address")).to_have_value("ny-adresse@soenderborg.example")
    screenshot(page, "09-admin-english")
    page.get_by_role("link", name="Dansk").click()
    login(page, "klager")
    assert page.goto(server.url("/admin")).status == 403


def test_an_administrator_creates_a_caseworker(page, server, login):
    login(page, "admin")
    page.get_by_label("Brugernavn").fill("ny-sagsbehandler")
    page.get_by_label("Rolle").select_option("authority_caseworker")
    page.get_by_label(re.compile("^Myndighed/nævn")).select_option("soenderborg")
    page.get_by_label("Adgangskode").fill(DEMO_PASSWORD)  # the login helper's password
    page.locator("form.new-user").get_by_role("button", name="Opret").click()
    expect(page.locator(".flash.success")).to_have_text("Gemt.")
    login(page, "ny-sagsbehandler")
    expect(page.get_by_role("heading", name="Opgaver")).to_be_visible()
