"""The citizen's case page and Mine sager say only true things, in every state of a case.

One server for the module; complaints are filed and moved on through the JSON API (as the
complainant, the authority and the board, each logged in by the browser), and each state
is then read as the complainant sees it in Chromium. What the page must say is computed
from the rules in `workflows/complaint`, not copied from the page.
"""

from __future__ import annotations

import re
import time
from dataclasses import replace
from datetime import date, datetime

import pytest
from playwright.sync_api import expect

from tests.ui.conftest import screenshot
from tests.ui.test_accessibility import axe_violations, horizontal_overflow
from web import formats
from web.demo import DEMO_PASSWORD
from workflows.complaint import deadlines
from workflows.complaint.facts import CaseFacts
from workflows.complaint.fees import fee_for
from workflows.complaint.outcomes import outcome_text
from workflows.complaint.status import (
    STATUSES,
    WAITING_LABELS,
    comments_deadline,
    expected_decision,
    next_deadline,
)

pytestmark = pytest.mark.slow

T0 = "2025-08-20T10:00:00+02:00"  # filing: the Gammeldam deadline has passed, Hvidsten's not
T1 = "2025-08-22T10:00:00+02:00"  # the authority forwards, the fee is requested (and paid)
T2 = "2025-09-20T10:00:00+02:00"  # the payment and comment deadlines have passed
PUBLISHED = date(2025, 8, 18)
HVIDSTEN = {
    "authority": "soenderborg",
    "title": "Landzonetilladelse til carport og udhus, Hvidsten 4, Sønderborg",
    "legal_bases": ["planloven-35", "planloven-19"],
    "published_at": PUBLISHED.isoformat(),
    "permit_holder": {"name": "Gammeldam ApS", "email": "ansoeger@example.dk"},
}
DEADLINE = deadlines.complaint_deadline(PUBLISHED, published=True)
WIDTHS = {"1280": {"width": 1280, "height": 900}, "390": {"width": 390, "height": 844}}


def at(instant: str) -> datetime:
    return datetime.fromisoformat(instant)


def long_time(value: datetime) -> str:
    return formats.date_time(value, "da")


def long_day(value: datetime | date | str) -> str:
    return formats.long_date(value, "da")


class Api:
    """The JSON API as the user logged in on `page` (the session cookie and its CSRF token)."""

    def __init__(self, page, server):
        self.page = page
        self.server = server
        self.csrf = page.locator("input[name=csrf_token]").first.get_attribute("value")

    def call(self, method: str, path: str, body=None, form=None):
        headers = {"X-CSRF-Token": self.csrf}
        response = self.page.request.fetch(
            self.server.url(path), method=method, headers=headers, data=body, form=form,
            max_redirects=0,
        )  # fmt: skip
        assert response.status < 400, (method, path, response.status, response.text())
        return response.json() if "json" in response.headers.get("content-type", "") else None

    def task(self, reference: str, element_id: str, timeout: float = 20.0) -> dict:
        """The open task of the case at `element_id` (the scheduler may still be firing)."""
        end = time.monotonic() + timeout
        while True:
            items = self.call("GET", f"/api/v1/tasks?search={reference}&page_size=200")["items"]
            found = [
                t for t in items if t["element_id"] == element_id and t["business_key"] == reference
            ]
            if found:
                return found[0]
            assert time.monotonic() < end, f"no {element_id} task for {reference}"
            time.sleep(0.2)

    def complete(self, reference: str, element_id: str, data: dict) -> None:
        task = self.task(reference, element_id)
        self.call("POST", f"/api/v1/tasks/{task['id']}/claim")
        self.call("POST", f"/api/v1/tasks/{task['id']}/complete", {"data": data})


def as_user(page, server, login, username: str) -> Api:
    login(page, username)
    return Api(page, server)


def facts_row(page, header: str) -> str:
    """The text of the facts table's row whose header is `header`."""
    row = page.locator("table.facts tr", has=page.locator("th", has_text=header))
    return row.locator("td").inner_text()


def look(page, server, reference: str, name: str) -> None:
    """Open the case at both widths: WCAG 2.1 AA by axe, no sideways scrolling, and a
    screenshot of each for a person to read. (axe is injected, so this context lets the
    test's own script past the page's CSP, as the accessibility walk does.)"""
    state = page.context.storage_state()
    for width, viewport in WIDTHS.items():
        context = page.context.browser.new_context(
            locale="da-DK", viewport=viewport, bypass_csp=True, storage_state=state
        )
        seen = context.new_page()
        seen.goto(server.url(f"/sager/{reference}"))
        assert axe_violations(seen) == [], (name, width)
        assert horizontal_overflow(seen) <= 0, (name, width)
        screenshot(seen, f"case-{name}-{width}")
        context.close()


def expect_state(page, status: str, deadline: dict | None, fee: str | None, suspensive: str):
    """The visible status, whom the case waits for, the next deadline, the fee and opsættende
    virkning, as the rules give them."""
    info = STATUSES[status]
    expect(page.locator("td.status")).to_have_text(info.label_da)
    waiting = WAITING_LABELS[info.waiting_for][0] if info.waiting_for else "–"
    expect(page.locator("td.waiting")).to_have_text(waiting)
    row = page.locator("tr.next-deadline")
    if deadline is None:
        expect(row.locator("td")).to_have_text("Ingen frist lige nu")
    else:
        expect(row.locator("th")).to_have_text(deadline["label"])
        expect(row.locator("td")).to_contain_text(long_time(at(deadline["at"])))
    if fee is None:
        expect(page.locator("td.fee")).to_have_count(0)
    else:
        expect(page.locator("td.fee")).to_have_text(fee)
    expect(page.locator("td.suspensive")).to_have_text(suspensive)


@pytest.fixture(scope="module")
def cases(server, browser):
    """Every complaint of the module, filed at T0 by `klager` (references by name)."""
    context = browser.new_context(locale="da-DK")
    page = context.new_page()
    server.set_clock(T0)
    page.goto(server.url("/login"))
    page.get_by_label("Brugernavn").fill("kommune")
    page.get_by_label("Adgangskode").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Log ind").click()
    hvidsten = Api(page, server).call("POST", "/api/v1/decisions", HVIDSTEN)
    gammeldam = min(  # the demo's landzone permit (its other decisions have other bases)
        d["id"]
        for d in Api(page, server).call("GET", "/api/v1/decisions")
        if d["id"] != hvidsten["id"] and "planloven-35" in d["legal_bases"]
    )
    page.context.clear_cookies()
    page.goto(server.url("/login"))
    page.get_by_label("Brugernavn").fill("klager")
    page.get_by_label("Adgangskode").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Log ind").click()
    api = Api(page, server)
    references = {}
    names = ["filed", "unpaid", "stadfaestelse", "aendring", "ophaevelse",
             "ophaevelse_hjemvisning", "no_standing", "outside_competence", "withdrawn", "late"]  # fmt: skip
    for name in names:
        body = {
            "decision": gammeldam if name == "late" else hvidsten["id"],
            "legal_basis": "planloven-35",
            "complainant_type": "private",
            "text": f"Klage ({name}): carporten skæmmer landskabet.",
        }
        draft = api.call("POST", "/api/v1/complaints", body)
        api.call("POST", f"/api/v1/complaints/{draft['reference']}/submit")
        references[name] = draft["reference"]
    context.close()
    return {"hvidsten": hvidsten["id"], "gammeldam": gammeldam, **references}


def test_a_filed_complaint_waits_for_the_authority_to_forward_it(page, server, login, cases):
    server.set_clock(T0)
    login(page, "klager")
    page.goto(server.url(f"/sager/{cases['filed']}"))
    facts = CaseFacts(status="filed", filed_at=at(T0), complaint_deadline=DEADLINE)
    deadline = next_deadline(facts, "filed")
    assert deadline["label"] == "Myndigheden bør videresende klagen til nævnet senest"
    expect_state(page, "filed", deadline, None, "Ja (efter loven)")
    expect(page.locator("tr.expected")).to_have_count(0)  # the same day as the deadline
    expect(page.locator("tr.expected-decision")).to_have_count(0)
    expect(page.locator(".alert .late")).to_have_count(0)
    look(page, server, cases["filed"], "filed")


def test_a_late_complaint_is_flagged_before_filing_and_after(page, server, login, cases):
    server.set_clock(T0)
    login(page, "klager")
    page.goto(server.url("/sager/ny"))
    expect(page.locator("#late-warning")).to_be_hidden()
    page.get_by_label("Afgørelse, du klager over").select_option(str(cases["gammeldam"]))
    warning = page.locator("#late-warning")
    expect(warning).to_be_visible()
    expect(warning).to_contain_text("nævnet afgør, om en for sent indgivet klage kan behandles")
    expect(warning).to_contain_text("ikke opsættende virkning")
    screenshot(page, "new-complaint-late-warning")
    # Only the chosen decision's legal bases are offered, each once.
    options = page.locator("#legal_basis option")
    expect(options).to_have_count(1)
    page.get_by_label("Afgørelse, du klager over").select_option(str(cases["hvidsten"]))
    expect(warning).to_be_hidden()
    expect(options).to_have_count(2)
    assert options.all_inner_texts() == [
        "Landzonetilladelse (planloven § 35, stk. 1)",
        "Dispensation fra lokalplan (planloven § 19)",
    ]

    page.goto(server.url(f"/sager/{cases['late']}"))
    expect(page.locator(".alert .late")).to_contain_text("Nævnet afgør, om klagen alligevel")
    expect(page.locator("td.suspensive")).to_contain_text("Nej (klagen er indgivet efter")
    look(page, server, cases["late"], "late-filed")


def test_a_draft_can_be_edited_until_it_is_filed(page, server, login, cases):
    server.set_clock(T0)
    login(page, "klager")
    page.goto(server.url(f"/sager/ny?decision={cases['hvidsten']}"))
    page.get_by_label("Klagens indhold").fill("Første udkast til klagen over carporten.")
    page.get_by_role("button", name="Gem kladde").click()
    expect(page.locator(".flash.success")).to_have_text("Kladden er gemt.")
    reference = page.get_by_role("heading", level=1).inner_text().split()[-1]
    facts = CaseFacts(status="draft", complaint_deadline=DEADLINE)
    expect_state(page, "draft", next_deadline(facts, "draft"), None, "Ja (efter loven)")
    look(page, server, reference, "draft")

    page.get_by_role("link", name="Redigér kladden").click()
    expect(page.get_by_label("Klagens indhold")).to_have_value(
        "Første udkast til klagen over carporten."
    )
    screenshot(page, "draft-edit")
    page.get_by_label("Lovgrundlag").select_option("planloven-19")
    page.get_by_label("Klagens indhold").fill("Andet udkast: carporten strider mod lokalplanen.")
    page.get_by_label("Organisation eller forening").check()
    page.get_by_role("button", name="Gem ændringer").click()
    expect(page.locator(".flash.success")).to_have_text("Kladden er gemt.")
    expect(page.locator("td.status")).to_have_text("Kladde")
    page.get_by_role("button", name="Klagens indhold").click()
    expect(page.locator("p.text")).to_have_text("Andet udkast: carporten strider mod lokalplanen.")
    expect(page.locator("table.facts")).to_contain_text("Dispensation fra lokalplan")
    # A lokalplan dispensation has no suspensive effect by law.
    expect(page.locator("td.suspensive")).to_have_text("Nej (efter loven)")

    page.get_by_role("button", name="Indsend klagen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Kvittering for klage")
    page.get_by_role("link", name="Gå til sagen").click()
    expect(page.locator("td.status")).to_have_text("Indsendt")
    expect(page.get_by_role("link", name="Redigér kladden")).to_have_count(0)
    response = page.goto(server.url(f"/sager/{reference}/rediger"))
    assert response.url.endswith(f"/sager/{reference}")
    expect(page.locator(".flash.error")).to_have_text(
        "Klagen er indsendt og kan ikke længere ændres."
    )


def test_the_fee_then_consideration_then_each_way_a_case_ends(page, server, login, cases):
    # T1: the authority forwards every filed complaint but one; the fee is requested.
    server.set_clock(T1)
    authority = as_user(page, server, login, "kommune")
    forwarded = [name for name in cases if name not in ("filed", "hvidsten", "gammeldam")]
    for name in forwarded:
        authority.complete(cases[name], "reconsider", {
            "authority_action": "forward", "statement": "Kommunen fastholder afgørelsen.",
        })  # fmt: skip
    # The late complaint goes to the board first, which rejects it with its reasons.
    as_user(page, server, login, "naevn").complete(cases["late"], "assess_lateness", {
        "lateness_ruling": "reject",
        "lateness_reasons": "Klagen er indgivet efter klagefristen, og der er ikke oplyst "
                            "omstændigheder, der kan begrunde fristoverskridelsen.",
    })  # fmt: skip
    fee = fee_for("private", [], at(T1).date())
    requested = at(T1)
    fee_due = deadlines.payment_deadline(requested.date(), deadlines.DEFAULT_PAYMENT_DAYS)

    complainant = as_user(page, server, login, "klager")
    page.goto(server.url(f"/sager/{cases['unpaid']}"))
    awaiting = CaseFacts(
        status="filed", filed_at=at(T0), complaint_deadline=DEADLINE, forwarded_at=requested,
        statement_sent_at=requested, fee_requested_at=requested, fee_due_at=fee_due,
    )  # fmt: skip
    assert next_deadline(awaiting, "awaiting_fee")["label"] == "Frist for betaling af gebyr"
    expect_state(
        page, "awaiting_fee", next_deadline(awaiting, "awaiting_fee"),
        f"{formats.amount(fee.amount_dkk, 'da')} (takst for privatpersoner) · betales senest "
        f"{long_time(fee_due)}",
        "Ja (efter loven)",
    )  # fmt: skip
    comments = comments_deadline(awaiting, "awaiting_fee", at(T1))
    expect(page.locator("tr.comments-deadline th")).to_have_text(comments["label"])
    expect(page.locator("tr.comments-deadline td")).to_have_text(long_time(at(comments["at"])))
    expect(page.locator("tr.expected-decision td")).to_contain_text(
        long_day(expected_decision(awaiting, "awaiting_fee"))
    )
    look(page, server, cases["unpaid"], "awaiting-fee")

    for name in forwarded:
        if name not in ("unpaid", "late"):
            complainant.call("POST", f"/sager/{cases[name]}/betal", form={
                "csrf_token": complainant.csrf})  # fmt: skip
    page.goto(server.url(f"/sager/{cases['stadfaestelse']}"))
    paid = replace(awaiting, fee_paid_at=at(T1))
    expect_state(
        page, "under_consideration", comments_deadline(paid, "under_consideration", at(T1)),
        f"{formats.amount(fee.amount_dkk, 'da')} (takst for privatpersoner) · betalt "
        f"{long_day(at(T1))}",
        "Ja (efter loven)",
    )  # fmt: skip
    expect(page.locator("tr.expected-decision th")).to_have_text("Forventet afgørelse fra nævnet")
    expect(page.locator("tr.expected")).to_have_count(0)  # the same date: shown once
    look(page, server, cases["stadfaestelse"], "under-consideration")

    # A withdrawal asks first; "Fortryd" changes nothing.
    page.goto(server.url(f"/sager/{cases['withdrawn']}"))
    page.get_by_role("link", name="Træk klagen tilbage").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Vil du trække klagen tilbage?")
    expect(page.locator(".consequence")).to_contain_text("afsluttes sagen")
    expect(page.locator(".fee-rule")).to_have_text(
        "Du har betalt gebyret. Det betales ikke tilbage, når klagen trækkes tilbage."
    )
    screenshot(page, "withdraw-confirm")
    page.get_by_role("link", name="Fortryd").click()
    expect(page.locator("td.status")).to_have_text(STATUSES["under_consideration"].label_da)
    page.get_by_role("link", name="Træk klagen tilbage").click()
    page.get_by_role("button", name="Træk klagen tilbage").click()
    expect(page.locator(".flash.success")).to_have_text("Klagen er trukket tilbage.")
    expect_state(
        page, "withdrawn", None,
        f"{formats.amount(fee.amount_dkk, 'da')} (takst for privatpersoner) · betalt "
        f"{long_day(at(T1))}",
        "Nej (sagen er afsluttet, så klagen har ikke længere opsættende virkning)",
    )  # fmt: skip
    expect(page.locator(".case-decision")).to_contain_text(
        outcome_text("tilbagetraekning").label_da
    )
    expect(page.locator(".refund")).to_have_text(
        "Gebyret betales ikke tilbage, når klagen trækkes tilbage."
    )
    look(page, server, cases["withdrawn"], "withdrawn")

    # T2: the payment and comment deadlines pass; the board screens and decides.
    server.set_clock(T2)
    board = as_user(page, server, login, "naevn")
    outcomes = ["stadfaestelse", "aendring", "ophaevelse", "ophaevelse_hjemvisning"]
    for name in [*outcomes, "no_standing", "outside_competence"]:
        board.complete(cases[name], "screening", {
            "has_standing": name != "no_standing",
            "within_competence": name != "outside_competence",
        })  # fmt: skip
    for name in outcomes:
        board.complete(cases[name], "decide", {
            "outcome": name, "decision_summary": f"Nævnets begrundelse ({name}): se afgørelsen.",
        })  # fmt: skip
    decided_on = at(T2).date()
    lawsuit = deadlines.lawsuit_deadline(decided_on)

    login(page, "klager")
    for name, (outcome, reason) in {
        **{name: (name, None) for name in outcomes},
        "no_standing": ("afvisning", "no_standing"),
        "outside_competence": ("afvisning", "outside_competence"),
        "late": ("afvisning", "late"),
        "unpaid": ("afvisning", "non_payment"),
    }.items():
        page.goto(server.url(f"/sager/{cases[name]}"))
        words = outcome_text(outcome, reason)
        expect(page.locator("td.outcome")).to_have_text(words.label_da)
        expect(page.locator(".case-decision .outcome-meaning")).to_have_text(words.meaning_da)
        ended = CaseFacts(
            decided_at=at(T2) if name != "late" else at(T1), legal_basis="planloven-35"
        )
        deadline = next_deadline(ended, "closed")
        assert deadline["label"] == "Frist for at anlægge retssag"
        expect(page.locator("tr.next-deadline th")).to_have_text(deadline["label"])
        expect(page.locator("tr.next-deadline td")).to_have_text(long_time(at(deadline["at"])))
        expect(page.locator(".lawsuit")).to_contain_text("planloven § 62, stk. 1")
        if name in outcomes:
            expect(page.locator(".decision-summary")).to_have_text(
                f"Nævnets begrundelse ({name}): se afgørelsen."
            )
            expect(page.locator(".lawsuit")).to_contain_text(long_day(lawsuit))
            refunded = name != "stadfaestelse"
            expect(page.locator(".refund")).to_contain_text(
                "Gebyret betales tilbage" if refunded else "Gebyret betales ikke tilbage"
            )
        if name == "unpaid":
            expect(page.locator("td.fee")).to_have_text(
                f"{formats.amount(fee.amount_dkk, 'da')} (takst for privatpersoner) · Ikke "
                "betalt: gebyret skal ikke længere betales, fordi sagen er afsluttet"
            )
            expect(page.locator("td.fee")).not_to_contain_text("betales senest")
            expect(page.get_by_role("link", name=re.compile("^Betal gebyret"))).to_have_count(0)
        if name == "late":
            expect(page.locator("td.suspensive")).to_contain_text("Nej (klagen er indgivet efter")
        else:
            expect(page.locator("td.suspensive")).to_have_text(
                "Nej (sagen er afsluttet, så klagen har ikke længere opsættende virkning)"
            )
        kinds = page.locator(".timeline li").all_inner_texts()
        assert kinds[-1].endswith("Sagen er afsluttet"), kinds
        assert any(f"Nævnet har truffet afgørelse: {words.label_da}" in k for k in kinds), kinds
        expect(page.get_by_role("link", name="Træk klagen tilbage")).to_have_count(0)
        look(page, server, cases[name], f"decided-{name}")

    # Mine sager names each ending, not just "Afsluttet" (a withdrawal's status says it).
    page.goto(server.url("/sager"))
    for name, (outcome, reason) in {
        "unpaid": ("afvisning", "non_payment"), "aendring": ("aendring", None),
        "late": ("afvisning", "late"),
    }.items():  # fmt: skip
        row = page.locator("tr", has=page.get_by_role("link", name=cases[name]))
        expect(row.locator(".case-outcome")).to_have_text(outcome_text(outcome, reason).label_da)
    row = page.locator("tr", has=page.get_by_role("link", name=cases["withdrawn"]))
    expect(row.locator(".status-badge")).to_have_text(STATUSES["withdrawn"].label_da)
    expect(row.locator(".case-outcome")).to_have_count(0)
    for width, viewport in WIDTHS.items():
        page.set_viewport_size(viewport)
        page.goto(server.url("/sager"))
        screenshot(page, f"my-cases-{width}")


def test_a_comment_and_a_file_sent_together_are_both_stored(page, server, login, cases):
    login(page, "klager")
    page.goto(server.url(f"/sager/{cases['filed']}"))
    letters = page.locator(".documents-table tbody tr").count()  # the receipt, written at filing
    # The authority has made no statement yet: the field does not ask for comments on one.
    expect(page.get_by_label("Bemærkninger til myndighedens udtalelse")).to_have_count(0)
    page.get_by_label("Bemærkninger", exact=True).fill("Se også vedlagte foto.")
    page.get_by_label(re.compile("^Fil")).set_input_files(
        files=[{"name": "foto.png", "mimeType": "image/png",
                "buffer": b"\x89PNG\r\n\x1a\n" + b"\x00" * 64}]
    )  # fmt: skip
    page.get_by_role("button", name="Tilføj dokument").click()
    expect(page.locator(".flash.success")).to_have_count(2)
    expect(page.locator(".documents")).to_contain_text("foto.png")
    expect(page.locator(".documents")).to_contain_text("bemaerkninger.txt")

    # A refused file does not lose the comment typed with it, and says which one failed.
    page.get_by_label("Bemærkninger", exact=True).fill("Endnu en bemærkning.")
    page.get_by_label(re.compile("^Fil")).set_input_files(
        files=[{"name": "virus.exe", "mimeType": "application/octet-stream", "buffer": b"MZ"}]
    )  # fmt: skip
    page.get_by_role("button", name="Tilføj dokument").click()
    expect(page.locator(".flash.error")).to_have_text(
        "Filen: blev ikke gemt. Filtypen kan ikke modtages: brug PDF, PNG, JPEG eller tekst."
    )
    expect(page.locator(".flash.success")).to_have_text("Bemærkningerne er tilføjet sagen.")
    expect(page.locator(".documents-table tbody tr")).to_have_count(letters + 3)


def test_refusals_and_403_pages_are_danish(page, server, login, cases):
    login(page, "forening")
    response = page.goto(server.url(f"/sager/{cases['filed']}/tilbagetraek"))
    assert response.status == 404  # not forening's case: it is not even there for them
    login(page, "klager")
    response = page.goto(server.url("/admin"))
    assert response.status == 403
    expect(page.get_by_role("heading", level=1)).to_have_text("Ingen adgang")
    expect(page.locator("main")).to_contain_text("Du har ikke adgang")
    assert "permission" not in page.content().lower()
    screenshot(page, "forbidden")
