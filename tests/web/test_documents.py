"""Case documents: checked before they are kept, stored by hash, shown only to the case."""

from __future__ import annotations

from datetime import date

import pytest

from engine import InvalidData, NotFound, PermissionDenied
from tests.web.test_complaints_api import GAMMELDAM
from web.complaints.documents import MAX_BYTES, Documents

PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture(autouse=True)
def _roomy_step_budget(monkeypatch):
    """Filing a complaint renders letters in its first step (about a second alone); on a
    loaded machine that step could pass the 5 s default budget, which is not under test
    here (tests/engine/test_step_budget.py is). Set before the engine fixture reads it."""
    monkeypatch.setenv("KLAGEFLOW_STEP_SECONDS", "60")


def uploads(listed):
    """The uploaded documents of a list (filing also writes letters, see below)."""
    return [d for d in listed if not d["kind"].startswith("letter_")]


@pytest.fixture
def case(app, deployed_complaint, tmp_path):
    services = app.extensions["klageflow"]
    accounts, complaints = services.accounts, services.complaints
    principal = accounts.by_username
    decision = complaints.register_decision(
        principal("sonja"), {**GAMMELDAM, "published_at": date(2025, 7, 11)}
    )
    draft = complaints.create_draft(
        principal("klara"),
        {"decision": decision["id"], "legal_basis": "planloven-35",
         "complainant_type": "private", "text": "Huset skæmmer landskabet."},
    )  # fmt: skip
    complaints.submit(principal("klara"), draft["reference"])
    documents = Documents(services.engine.db, complaints, tmp_path / "documents")
    return documents, principal, draft["reference"], tmp_path / "documents"


@pytest.fixture
def deployed_complaint(engine):
    from engine.config import PROJECT_ROOT

    engine.deploy_paths(sorted((PROJECT_ROOT / "bpmn/complaint").glob("*.*")))


def test_parties_add_documents_that_the_case_shows(case):
    documents, principal, reference, folder = case
    statement = documents.add(principal("sonja"), reference, "statement", "udtalelse.pdf", PDF)
    comment = documents.add(principal("klara"), reference, "comment", "bem.txt", b"Enig.")
    assert statement["content_type"] == "application/pdf"
    assert comment["content_type"] == "text/plain"
    listed = uploads(documents.list(principal("klara"), reference))
    assert [d["filename"] for d in listed] == ["udtalelse.pdf", "bem.txt"]
    meta, data = documents.read(principal("klara"), reference, statement["id"])
    assert data == PDF and meta["kind"] == "statement"
    stored = [p for p in folder.rglob("*") if p.is_file()]
    assert len(stored) == 2 + 2, "the uploads and the two letters written at filing"
    assert all(len(p.name) == 64 for p in stored), "named by SHA-256"


def test_a_file_whose_content_does_not_match_its_name_is_refused(case):
    documents, principal, reference, _ = case
    with pytest.raises(InvalidData) as refused:
        documents.add(principal("sonja"), reference, "statement", "udtalelse.pdf", PNG)
    assert "file" in refused.value.fields
    with pytest.raises(InvalidData):
        documents.add(principal("sonja"), reference, "statement", "script.html", b"<script>")
    with pytest.raises(InvalidData):
        documents.add(principal("sonja"), reference, "statement", "stor.pdf",
                      PDF + b"0" * MAX_BYTES)  # fmt: skip
    assert uploads(documents.list(principal("sonja"), reference)) == []


def test_a_path_in_the_file_name_is_dropped(case):
    documents, principal, reference, folder = case
    added = documents.add(principal("sonja"), reference, "case_document", "../../etc/x.pdf", PDF)
    assert added["filename"] == "x.pdf"
    assert all(folder in p.parents for p in folder.rglob("*"))


def test_only_the_case_and_the_right_role_may_add_or_read(case):
    documents, principal, reference, _ = case
    added = documents.add(principal("sonja"), reference, "statement", "udtalelse.pdf", PDF)
    with pytest.raises(PermissionDenied):
        documents.add(principal("klara"), reference, "statement", "falsk.pdf", PDF)
    with pytest.raises(NotFound):
        documents.read(principal("aage"), reference, added["id"])  # another authority
    with pytest.raises(NotFound):
        documents.add(principal("aage"), reference, "statement", "x.pdf", PDF)


def test_a_letter_is_shown_to_the_parties_it_is_addressed_to_and_to_staff(case):
    documents, principal, reference, _ = case
    kinds = {who: [d["kind"] for d in documents.list(principal(who), reference)]
             for who in ("klara", "hans", "sonja")}  # fmt: skip
    assert kinds["klara"] == ["letter_receipt"]
    assert kinds["hans"] == ["letter_permit_holder_notice"]
    assert kinds["sonja"] == ["letter_receipt", "letter_permit_holder_notice"]
    [receipt] = documents.list(principal("klara"), reference)
    assert receipt["addressed_to"] == ["complainant"]
    assert receipt["filename"] == f"Kvittering for din klage {reference}.pdf"
    meta, data = documents.read(principal("klara"), reference, receipt["id"])
    assert data.startswith(b"%PDF-") and meta["content_type"] == "application/pdf"
    with pytest.raises(NotFound):
        documents.read(principal("hans"), reference, receipt["id"])  # not addressed to him


def test_an_ended_case_takes_no_more_documents_from_the_complainant(app, case):
    documents, principal, reference, _ = case
    documents.add(principal("klara"), reference, "comment", "bem.txt", b"Inden afslutningen.")
    complaints = app.extensions["klageflow"].complaints
    assert complaints.withdraw(principal("klara"), reference)["status"] == "withdrawn"
    with pytest.raises(PermissionDenied) as refused:
        documents.add(principal("klara"), reference, "comment", "bem.txt", b"Bagefter.")
    assert refused.value.message == "the case has ended and takes no more documents"
    assert [d["filename"] for d in uploads(documents.list(principal("klara"), reference))] == [
        "bem.txt"
    ]
