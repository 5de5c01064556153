"""The authority's decisions: registered with type, addressee and PDF, corrected until filed."""

from __future__ import annotations

from datetime import date

import pytest

from engine import Conflict, InvalidData, NotFound, PermissionDenied
from engine.config import PROJECT_ROOT
from web.complaints.decisions import Decisions

PDF = b"%PDF-1.7\n%%EOF\n"
CARPORT = {
    "authority": "soenderborg",
    "decision_type": "tilladelse",
    "title": "Landzonetilladelse til carport, Kegnæsvej 12",
    "legal_bases": ["planloven-35"],
    "notified_at": date(2025, 9, 1),
    "notified_by": "digital",
    "addressee": {"name": "Jens Jensen", "email": "jens@example.dk"},
    "permit_holder": {"name": "Jens Jensen", "email": "jens@example.dk"},
}


@pytest.fixture
def decisions(app, tmp_path):
    services = app.extensions["klageflow"]
    return services, Decisions(services.engine.db, services.accounts, tmp_path / "documents")


def test_a_decision_is_registered_with_its_document_and_klagefrist(decisions):
    services, register = decisions
    sonja = services.accounts.by_username("sonja")
    saved = register.register(sonja, CARPORT, ("afgørelse.pdf", PDF))
    assert saved["complaint_deadline"] == "2025-09-29T23:59:59+02:00"
    assert saved["addressee"] == {"name": "Jens Jensen", "email": "jens@example.dk"}
    assert saved["document"]["filename"] == "afgørelse.pdf"
    meta, data = register.document(sonja, saved["id"])
    assert data == PDF and meta["content_type"] == "application/pdf"
    assert [d["id"] for d in register.of_authority(sonja)] == [saved["id"]]
    aage = services.accounts.by_username("aage")
    assert register.of_authority(aage) == []
    with pytest.raises(NotFound):
        register.one(aage, saved["id"])
    with pytest.raises(NotFound):
        register.document(aage, saved["id"])
    with pytest.raises(PermissionDenied):
        register.register(aage, CARPORT)


def test_the_decision_document_must_be_a_pdf(decisions):
    services, register = decisions
    with pytest.raises(InvalidData) as refused:
        register.register(
            services.accounts.by_username("sonja"), CARPORT, ("afgørelse.pdf", b"not a pdf")
        )
    assert "document" in refused.value.fields


def test_a_decision_is_corrected_until_a_complaint_against_it_is_filed(decisions, engine):
    services, register = decisions
    engine.deploy_paths(sorted((PROJECT_ROOT / "bpmn/complaint").glob("*.*")))
    sonja = services.accounts.by_username("sonja")
    saved = register.register(sonja, CARPORT)
    corrected = register.correct(sonja, saved["id"], {**CARPORT, "notified_by": "post"})
    assert corrected["complaint_deadline"] == "2025-10-07T23:59:59+02:00"
    assert corrected["updated_by"] == "sonja"

    klara = services.accounts.by_username("klara")
    draft = services.complaints.create_draft(
        klara,
        {"decision": saved["id"], "legal_basis": "planloven-35", "complainant_type": "private",
         "text": "Carporten skygger for haven."},
    )  # fmt: skip
    register.correct(sonja, saved["id"], {**CARPORT, "title": "Carport, Kegnæsvej 12"})
    services.complaints.submit(klara, draft["reference"])
    with pytest.raises(Conflict):
        register.correct(sonja, saved["id"], CARPORT)
    assert [c["reference"] for c in register.one(sonja, saved["id"])["complaints"]] == [
        draft["reference"]
    ]
