"""POST /api/v1/messages and /api/v1/signals against a real `klageflow serve`."""

from __future__ import annotations

import pytest

from tests.conftest import ROOT
from tests.processes import http, serve_process, stop
from web.accounts import Accounts

pytestmark = pytest.mark.slow
BPMN = ROOT / "tests" / "engine" / "bpmn"
PASSWORD = "correct horse battery"


@pytest.fixture
def server(engine, database_url, tmp_path):
    """A real server on the test database with an admin and a designer; (base URL, tokens)."""
    engine.deploy_paths(
        [BPMN / name for name in ("message_start.bpmn", "correlation.bpmn", "signal_wait.bpmn")]
    )
    accounts = Accounts(engine.db)
    tokens = {}
    for username, role in [("adam", "admin"), ("dorte", "designer")]:
        accounts.create_user(username, role, password=PASSWORD, email=f"{username}@example.dk")
        tokens[role] = accounts.create_token(username)
    process, base, log = serve_process(database_url, tmp_path)
    yield base, tokens
    stop([process], [log])


def test_messages_start_reach_by_correlation_and_refuse_no_or_several_matches(server, engine):
    base, tokens = server
    admin = tokens["admin"]
    status, started = http(
        base, "POST", "/api/v1/messages", {"name": "form_submitted", "data": {"name": "Ada"}}, admin
    )
    assert status == 200 and started["process_key"] == "public_form"

    first = engine.start("fee_case", {"reference": "KP-2026-000001"})
    twins = sorted(engine.start("fee_case", {"reference": "KP-2026-000002"}) for _ in range(2))
    paid = {
        "name": "fee_paid",
        "correlation": {"reference": "KP-2026-000001"},
        "data": {"amount": 1800},
    }
    status, body = http(base, "POST", "/api/v1/messages", paid, admin)
    assert status == 200 and body["id"] == first and body["status"] == "completed"

    status, problem = http(base, "POST", "/api/v1/messages", paid, admin)
    assert status == 404 and problem["detail"] == (
        "no running instance waits for message 'fee_paid' with reference=KP-2026-000001"
    )
    ambiguous = {**paid, "correlation": {"reference": "KP-2026-000002"}}
    status, problem = http(base, "POST", "/api/v1/messages", ambiguous, admin)
    assert status == 409 and problem["instances"] == twins
    assert http(base, "POST", "/api/v1/messages", ambiguous, tokens["designer"])[0] == 403
    assert http(base, "POST", "/api/v1/messages", ambiguous)[0] == 401


def test_a_signal_reaches_every_waiting_instance_and_lists_the_deliveries(server, engine):
    base, tokens = server
    ids = sorted(engine.start("law_watch") for _ in range(3))
    body = {"name": "law_changed", "data": {"rule": "§ 12"}}
    assert http(base, "POST", "/api/v1/signals", body, tokens["designer"])[0] == 403

    status, report = http(base, "POST", "/api/v1/signals", body, tokens["admin"])

    assert status == 200 and report["name"] == "law_changed"
    assert sorted(row["instance_id"] for row in report["deliveries"]) == ids
    assert {row["status"] for row in report["deliveries"]} == {"delivered"}
    assert all(engine.show(i).status == "completed" for i in ids)
