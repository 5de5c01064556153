"""Decisions and complaint drafts over HTTP: deadlines, drafts, co-complainants, who sees what."""

from __future__ import annotations

from engine.config import PROJECT_ROOT
from tests.web.conftest import bearer

GAMMELDAM = {
    "authority": "soenderborg",
    "title": "Landzonetilladelse til opførelse af enfamiliehus, Gammeldam",
    "legal_bases": ["planloven-35"],
    "published_at": "2025-07-11",
    "permit_holder": {"name": "Hans Hansen", "email": "hans@example.dk", "username": "hans"},
}


def register(client, tokens, body=None, who="authority_caseworker"):
    return client.post("/api/v1/decisions", json=body or GAMMELDAM, headers=bearer(tokens, who))


def draft(client, tokens, decision_id, **extra):
    body = {
        "decision": decision_id,
        "legal_basis": "planloven-35",
        "complainant_type": "private",
        "text": "Huset skæmmer landskabet.",
        **extra,
    }
    return client.post("/api/v1/complaints", json=body, headers=bearer(tokens, "complainant"))


def test_registering_the_gammeldam_decision_gives_its_complaint_deadline(client, tokens):
    response = register(client, tokens)
    assert response.status_code == 201, response.json
    assert response.json["complaint_deadline"] == "2025-08-08T23:59:59+02:00"
    assert response.json["id"] > 0


def test_a_decision_by_post_counts_from_the_notification_day(client, tokens):
    body = {**GAMMELDAM, "published_at": None, "notified_at": "2025-07-11", "notified_by": "post"}
    response = register(client, tokens, body)
    assert response.status_code == 201
    # Posted Friday 11 July: notified six working days later (Mon 21 July), deadline 4 weeks on.
    assert response.json["complaint_deadline"] == "2025-08-18T23:59:59+02:00"


def test_decisions_need_exactly_one_date_a_known_basis_and_the_callers_own_authority(
    client, tokens
):
    both = register(client, tokens, {**GAMMELDAM, "notified_at": "2025-07-10"})
    assert both.status_code == 422 and "published_at" in both.json["errors"]
    unknown = register(client, tokens, {**GAMMELDAM, "legal_bases": ["planloven-99"]})
    assert unknown.status_code == 422 and "legal_bases" in unknown.json["errors"]
    foreign = register(client, tokens, who="other_authority_caseworker")
    assert foreign.status_code == 403
    assert register(client, tokens, who="complainant").status_code == 403


def test_a_draft_gets_a_reference_and_only_its_complainant_sees_it(client, tokens):
    decision_id = register(client, tokens).json["id"]
    response = draft(client, tokens, decision_id)
    assert response.status_code == 201, response.json
    reference = response.json["reference"]
    assert reference.startswith("KP-") and len(reference) == len("KP-2025-000001")
    assert response.json["status"] == "draft"
    path = f"/api/v1/complaints/{reference}"
    assert client.get(path, headers=bearer(tokens, "complainant")).status_code == 200
    for who in (
        "authority_caseworker",
        "board_caseworker",
        "permit_holder",
        "other_authority_caseworker",
    ):
        assert client.get(path, headers=bearer(tokens, who)).status_code == 404, who
    assert [
        c["reference"]
        for c in client.get("/api/v1/complaints", headers=bearer(tokens, "complainant")).json
    ] == [reference]
    assert (
        client.get("/api/v1/complaints", headers=bearer(tokens, "authority_caseworker")).json == []
    )


def test_references_are_unique_and_consecutive(client, tokens):
    decision_id = register(client, tokens).json["id"]
    references = [draft(client, tokens, decision_id).json["reference"] for _ in range(3)]
    numbers = [int(r.rsplit("-", 1)[1]) for r in references]
    assert numbers == [numbers[0], numbers[0] + 1, numbers[0] + 2]


def test_the_legal_basis_must_be_one_of_the_decisions(client, tokens):
    decision_id = register(client, tokens).json["id"]
    response = draft(client, tokens, decision_id, legal_basis="planloven-19")
    assert response.status_code == 422 and "legal_basis" in response.json["errors"]


def test_a_joint_complaint_is_filed_only_when_every_co_complainant_has_confirmed(
    client, tokens, app
):
    accounts = app.extensions["klageflow"].accounts
    app.extensions["klageflow"].engine.deploy_paths(
        sorted((PROJECT_ROOT / "bpmn/complaint").glob("*.*"))
    )
    accounts.create_user("greta", "complainant", password="correct horse battery")
    greta = accounts.create_token("greta")
    decision_id = register(client, tokens).json["id"]
    co = [
        {
            "name": "Greta Grøn",
            "email": "greta@example.dk",
            "type": "organisation",
            "username": "greta",
        }
    ]
    reference = draft(client, tokens, decision_id, co_complainants=co).json["reference"]
    greta_headers = {"Authorization": f"Bearer {greta}"}
    confirmed = client.post(f"/api/v1/complaints/{reference}/confirm", headers=greta_headers)
    assert confirmed.status_code == 200
    assert confirmed.json["co_complainants"][0]["confirmed_at"]
    # A change to the draft asks for confirmation again.
    client.patch(
        f"/api/v1/complaints/{reference}",
        json={"text": "Ny begrundelse"},
        headers=bearer(tokens, "complainant"),
    )
    again = client.get(
        f"/api/v1/complaints/{reference}", headers=bearer(tokens, "complainant")
    ).json
    assert again["co_complainants"][0]["confirmed_at"] is None
    # Filing asks the co-complainant; the complaint waits, then files at the confirmation.
    waiting = client.post(
        f"/api/v1/complaints/{reference}/submit", headers=bearer(tokens, "complainant")
    )
    assert waiting.status_code == 200 and waiting.json["status"] == "awaiting_co_complainant"
    stranger = client.post(
        f"/api/v1/complaints/{reference}/confirm", headers=bearer(tokens, "complainant")
    )
    assert stranger.status_code == 403
    filed = client.post(f"/api/v1/complaints/{reference}/confirm", headers=greta_headers)
    assert filed.status_code == 200 and filed.json["status"] == "filed"
