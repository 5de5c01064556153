"""The letters of the Gammeldam complaint: each made in the step that causes it, kept as a
PDF/A-2b document with its addressees, and attached to the mail that announces it."""

from __future__ import annotations

import io
import subprocess
from email import message_from_bytes
from pathlib import Path

import pikepdf
import pytest
from pypdf import PdfReader

from engine import DeploymentError, clock
from engine.models import OutboxMail
from engine.outbox import build_message
from tests.complaint.conftest import BOARD_GROUP, BUNDLE

pytestmark = pytest.mark.both_databases
ARTIFACTS = Path(__file__).resolve().parents[1] / "ui" / "artifacts" / "letters"


def letter(case, variable: str) -> tuple[dict, bytes, str]:
    """The letter a make_letter task left in `variable`: its result, PDF and text."""
    result = case.data[variable]
    pdf = case.engine.documents.read(result["attachment"]["storage_key"])
    text = " ".join(
        " ".join((page.extract_text() or "").split()) for page in PdfReader(io.BytesIO(pdf)).pages
    )
    return result, pdf, text


def assert_pdf_a(pdf: bytes, title: str, dated: str) -> None:
    """A PDF/A-2b file: the XMP identification, an sRGB output intent, embedded fonts, the
    document's title and the letter's date as its creation date, and a fixed identifier."""
    with pikepdf.open(io.BytesIO(pdf)) as document:
        meta = document.open_metadata()
        assert meta["pdfaid:part"] == "2" and meta["pdfaid:conformance"] == "B"
        assert meta["dc:title"] == title
        assert meta["xmp:CreateDate"] == dated
        assert document.Root.OutputIntents[0].S == "/GTS_PDFA1"
        assert str(document.docinfo["/CreationDate"]).startswith("D:" + dated[:10].replace("-", ""))
        assert len(document.trailer.ID) == 2
        for page in document.pages:
            for font in page.Resources.Font.values():
                descendant = font.DescendantFonts[0] if "/DescendantFonts" in font else font
                assert "/FontFile2" in descendant.FontDescriptor or (
                    "/FontFile3" in descendant.FontDescriptor
                ), "every font is embedded"


def screenshot(pdf: bytes, name: str) -> None:
    """The first page as PNG under tests/ui/artifacts/letters/ (for people to look at)."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    source = ARTIFACTS / f"{name}.pdf"
    source.write_bytes(pdf)
    subprocess.run(
        ["pdftoppm", "-png", "-r", "70", "-f", "1", "-l", "1", "-singlefile", str(source),
         str(ARTIFACTS / name)],
        check=True,
    )  # fmt: skip


def mail_attachments(case, template: str) -> list[tuple[str, bytes]]:
    [mail] = case.mails(template)
    with case.engine.db.read() as session:
        row = session.get_one(OutboxMail, mail["id"])
        message = build_message(row, "Klageflow <noreply@klageflow.local>", case.engine.documents)
    parsed = message_from_bytes(message.as_bytes())
    return [
        (part.get_filename(), part.get_payload(decode=True))
        for part in parsed.walk()
        if part.get_filename()
    ]


def test_the_gammeldam_complaint_gets_a_letter_at_each_step_attached_to_its_mail(file_complaint):
    case = file_complaint()
    receipt, pdf, text = letter(case, "receipt_letter")
    assert receipt["template"] == "receipt" and receipt["language"] == "da"
    assert "Kvittering for din klage" in text
    assert "Sønderborg Kommune" in text and "Karen Klager" in text
    assert "KP-2025-000123" in text and "Landzonetilladelse, Gammeldam" in text
    assert "4. august 2025 kl. 10.15" in text, "filed at, in Danish"
    assert "8. august 2025 kl. 23.59" in text, "the klagefrist"
    assert "29. august 2025" in text, "the authority's forwarding guideline"
    assert "Side 1 af 1" in text or "Side 1 af 2" in text
    assert_pdf_a(pdf, "Kvittering for din klage", "2025-08-04T08:15:00+00:00")
    assert mail_attachments(case, "complaint_receipt") == [
        ("Kvittering for din klage KP-2025-000123.pdf", pdf)
    ]
    screenshot(pdf, "1-kvittering")

    _notice, pdf, text = letter(case, "permit_holder_letter")
    assert "Der er klaget over din tilladelse" in text and "Gammeldam ApS" in text
    assert "Klagen har opsættende virkning" in text, "a timely landzone complaint suspends"
    assert "Karen Klager" not in text, "the permit holder's letter names no complainant"
    [(name, attached)] = mail_attachments(case, "complaint_filed_permit_holder")
    assert attached == pdf and name.endswith("KP-2025-000123.pdf")
    screenshot(pdf, "2-underretning-tilladelsens-modtager")

    case.at("2025-08-12T09:00:00+02:00")
    case.forward()
    _fee, pdf, text = letter(case, "fee_letter")
    assert "Betal klagegebyret" in text and "Planklagenævnet" in text
    assert "900 kr." in text and "fordi du klager som privatperson" in text
    assert "26. august 2025 kl. 23.59" in text, "14 days to pay"
    assert "Betal gebyr" in text and "afviser nævnet klagen" in text
    assert [a for _n, a in mail_attachments(case, "fee_request")] == [pdf]
    screenshot(pdf, "3-opkraevning")

    case.at("2025-08-14T12:00:00+02:00")
    case.pay()
    case.at("2025-09-03T00:00:01+02:00")
    case.screen()
    case.at("2025-11-20T14:00:00+01:00")
    case.decide("ophaevelse")
    decision, pdf, text = letter(case, "decision_letter")
    assert decision["template"] == "decision"
    assert "Nævnets afgørelse" in text and "Nævnet ophæver afgørelsen" in text
    assert "Nævnet har behandlet klagen." in text, "the board's reasons"
    assert "Du får klagegebyret på 900 kr. tilbage" in text
    assert "20. maj 2026" in text and "planlovens § 62, stk. 1" in text, "the lawsuit deadline"
    assert "Kopi til: Gammeldam ApS, Sønderborg Kommune" in text
    assert_pdf_a(pdf, "Nævnets afgørelse", "2025-11-20T13:00:00+00:00")
    assert [a for _n, a in mail_attachments(case, "board_decision")] == [pdf]
    screenshot(pdf, "4-afgoerelse")
    made = [e for e in case.engine.history(case.instance_id) if e.kind == "letter_made"]
    assert [e.details["template"] for e in made] == [
        "receipt", "permit_holder_notice", "fee_request", "decision"
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("how", "reason_text"),
    [
        ("late", "Klagen er kommet for sent"),
        ("no_standing", "Du er ikke klageberettiget"),
        ("outside_competence", "Klagen ligger uden for nævnets kompetence"),
        ("non_payment", "Klagegebyret er ikke betalt"),
    ],
)
def test_each_rejection_writes_a_letter_with_its_reason(file_complaint, how, reason_text):
    late = how == "late"
    case = file_complaint(filed_at="2025-08-09T00:00:30+02:00") if late else file_complaint()
    case.at("2025-08-12T09:00:00+02:00")
    case.forward()
    if late:  # the board finds no excuse for the late filing
        case.complete(
            "assess_lateness", BOARD_GROUP, lateness_ruling="reject",
            lateness_reasons="Klagen er indgivet efter klagefristen uden undskyldende grunde.",
        )  # fmt: skip
    if how == "non_payment":
        case.at("2025-08-27T00:00:01+02:00")
    elif not late:
        case.pay()
        case.at("2025-09-03T00:00:01+02:00")
        case.screen(standing=how != "no_standing", competent=how != "outside_competence")
    assert case.data["rejection_reason"] == how
    rejection, pdf, text = letter(case, "decision_letter")
    assert rejection["template"] == "rejection"
    assert "Nævnet afviser klagen" in text and reason_text in text
    assert "planlovens § 62, stk. 1" in text
    if how in ("no_standing", "outside_competence"):
        assert "Du får klagegebyret på 900 kr. tilbage" in text
    else:
        assert "tilbage" not in text.split("Klagegebyret")[-1].split("Kan du klage")[0]
    if late:
        assert "uden undskyldende grunde" in text  # the board's own reasons
        assert "9. august 2025 kl. 00.00" in text and "8. august 2025 kl. 23.59" in text
    if how == "non_payment":
        assert "26. august 2025 kl. 23.59" in text and "lov om Planklagenævnet § 8" in text
    assert_pdf_a(pdf, "Nævnet afviser klagen", case.data["decided_at"][:19] + "+00:00")
    assert [a for _n, a in mail_attachments(case, "board_decision")] == [pdf]
    screenshot(pdf, f"5-afvisning-{how}")


def test_a_withdrawal_gets_a_receipt_to_the_complainant_with_copies(file_complaint):
    case = file_complaint()
    case.at("2025-08-10T11:00:00+02:00")
    case.message("withdrawn", at=clock.now().isoformat(), by="klager")
    _withdrawal, pdf, text = letter(case, "withdrawal_letter")
    assert "Kvittering for tilbagetrækning af klagen" in text
    assert "10. august 2025 kl. 11.00" in text and "Sagen er dermed afsluttet" in text
    assert "Kopi til: Gammeldam ApS, Sønderborg Kommune" in text
    assert [a for _n, a in mail_attachments(case, "complaint_withdrawn")] == [pdf]
    screenshot(pdf, "6-kvittering-tilbagetraekning")


def test_a_letter_rendered_again_from_the_same_data_has_the_same_bytes(engine, frozen_now):
    files = {
        "x.da.letter.html": "<title>Brev</title><p>{{ reference }} {{ letter_date | long_date }}</p>"
    }
    dated = clock.now().replace(microsecond=0)

    def render(on=dated):
        return engine.letters.render(
            "hash", lambda: files, "x", "da", {"reference": "KP-1"}, dated=on, key="KP-1/x"
        ).pdf

    first = render()
    clock.set(dated.replace(year=dated.year + 1), frozen=True)
    assert render() == first, "the clock has no part in a letter"
    assert render(dated.replace(year=dated.year + 1)) != first, "the letter's date has"


def test_a_complainant_who_chose_english_gets_english_letters_and_the_others_danish(
    file_complaint,
):
    case = file_complaint(
        complainant={"name": "Karen Klager", "email": "klager@example.dk", "language": "en"}
    )
    receipt, pdf, text = letter(case, "receipt_letter")
    assert receipt["language"] == "en"
    assert "Receipt for your complaint" in text and "Case no." in text
    assert "on 4 August 2025 at 10:15" in text and "Page 1 of" in text
    assert_pdf_a(pdf, "Receipt for your complaint", "2025-08-04T08:15:00+00:00")
    [mail] = case.mails("complaint_receipt")
    assert mail["language"] == "en" and mail["subject"].startswith("Receipt: your complaint")
    _notice, _pdf, text = letter(case, "permit_holder_letter")
    assert "Der er klaget over din tilladelse" in text, "the permit holder chose no language"
    case.at("2025-08-12T09:00:00+02:00")
    case.forward()
    _fee, pdf, text = letter(case, "fee_letter")
    assert "Please pay the complaint fee" in text and "The fee is DKK 900 because" in text
    screenshot(pdf, "7-fee-request-english")


def test_deploy_refuses_a_letter_that_does_not_compile_or_is_missing(engine):
    files = {p.name: p.read_bytes() for p in sorted(BUNDLE.glob("*.*"))}
    broken = {**files, "fee_request.da.letter.html": b"<p>\n\n{{ fee_amount_dkk | }}</p>"}
    with pytest.raises(DeploymentError) as refused:
        engine.deploy(broken)
    [problem] = refused.value.problems
    assert problem.file == "fee_request.da.letter.html" and problem.line == 3
    assert "letter template does not compile" in problem.reason
    missing = {k: v for k, v in files.items() if k != "receipt.da.letter.html"}
    with pytest.raises(DeploymentError) as refused:
        engine.deploy(missing)
    [problem] = refused.value.problems
    assert problem.element_id == "make_receipt" and "receipt.da.letter.html" in problem.reason


def test_a_letter_loads_nothing_from_outside(engine, frozen_now):
    from engine.letters import LetterError

    for source in ('<img src="file:///etc/passwd">', '<link rel="stylesheet" href="http://x/y">'):
        files = {"x.da.letter.html": f"<title>Brev</title>{source}<p>Tekst</p>"}
        with pytest.raises(LetterError, match="may not load"):
            engine.letters.render(
                source, lambda f=files: f, "x", "da", {}, dated=frozen_now, key="KP-1/x"
            )
