"""The whole Gammeldam complaint driven only through HTTP, against real processes.

A real `klageflow serve` and a real `klageflow scheduler` run on one SQLite file with the
shared test clock; the test speaks HTTP to the server as the authority, the complainant,
the payment provider and the board, and moves the clock with PUT /api/v1/test/clock.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from engine.config import PROJECT_ROOT, load_settings
from engine.db import Database
from tests.processes import KLAGEFLOW, NO_SMTP, free_port, start, stop
from web import migrate
from web.accounts import Accounts
from web.bootstrap import build_engine

pytestmark = pytest.mark.slow
PASSWORD = "correct horse battery"
PROVIDER_SECRET = "callback-secret-" + "s" * 32
USERS = {
    "authority": ("sonja", "authority_caseworker", "soenderborg"),
    "complainant": ("klara", "complainant", None),
    "board": ("pia", "board_caseworker", "pkn"),
    "payments": ("betaling", "payment_provider", None),
}


class Api:
    """A small HTTP client with one bearer token per party."""

    def __init__(self, base: str, tokens: dict[str, str]):
        self.base = base
        self.tokens = tokens

    def call(self, method: str, path: str, who: str | None = None, body=None, headers=None):
        request = urllib.request.Request(
            self.base + path,
            method=method,
            data=None if body is None else json.dumps(body).encode(),
            headers={"Content-Type": "application/json"}
            | ({"Authorization": f"Bearer {self.tokens[who]}"} if who else {})
            | (headers or {}),
        )
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return response.status, json.loads(response.read() or b"null")
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read() or b"null")

    def ok(self, method: str, path: str, who: str | None = None, body=None, status: int = 200):
        code, payload = self.call(method, path, who, body)
        assert code == status, (method, path, code, payload)
        return payload

    def pay(self, reference: str, body: dict, key: str):
        """The payment provider's signed callback (HMAC-SHA256 of "<timestamp>.<body>")."""
        stamp = str(int(time.time()))
        raw = json.dumps(body).encode()
        digest = hmac.new(PROVIDER_SECRET.encode(), stamp.encode() + b"." + raw, hashlib.sha256)
        headers = {"Idempotency-Key": key, "X-Klageflow-Timestamp": stamp,
                   "X-Klageflow-Signature": f"sha256={digest.hexdigest()}"}  # fmt: skip
        return self.call(
            "POST", f"/api/v1/complaints/{reference}/payments", "payments", body, headers
        )

    def at(self, instant: str) -> None:
        self.ok("PUT", "/api/v1/test/clock", body={"now": instant})

    def track(self, reference: str) -> dict:
        return self.ok("GET", f"/api/v1/complaints/{reference}", "complainant")

    def task(self, who: str, element_id: str, timeout: float = 15.0) -> dict:
        """The open task at `element_id` in `who`'s list (the scheduler may still be firing)."""
        deadline = time.monotonic() + timeout
        while True:
            page = self.ok("GET", "/api/v1/tasks", who)
            items = page["items"] if isinstance(page, dict) else page
            found = [t for t in items if t["element_id"] == element_id]
            if found:
                return found[0]
            if time.monotonic() > deadline:
                raise AssertionError(f"no {element_id} task for {who}: {items}")
            time.sleep(0.1)


@pytest.fixture
def system(tmp_path: Path):
    """A migrated database with the complaint bundle, parties, and a server plus scheduler."""
    url = f"sqlite:///{tmp_path}/klageflow.sqlite"
    db = Database(url)
    migrate.upgrade(db)
    build_engine(load_settings(), db=db).deploy_paths(
        sorted((PROJECT_ROOT / "bpmn/complaint").glob("*.*"))
    )
    accounts = Accounts(db)
    accounts.upsert_organisation(
        "soenderborg", kind="authority", name="Sønderborg Kommune",
        notification_email="plan@soenderborg.example",
    )  # fmt: skip
    accounts.upsert_organisation(
        "pkn", kind="board", name="Planklagenævnet",
        notification_email="pkn@naevneneshus.example", board_code="PKN",
    )  # fmt: skip
    tokens = {}
    for party, (username, role, org) in USERS.items():
        accounts.create_user(
            username, role, password=PASSWORD, organisation_id=org, email=f"{username}@example.dk"
        )
        tokens[party] = accounts.create_token(username)
    db.dispose()

    port = free_port()
    env = {
        **os.environ,
        "KLAGEFLOW_DATABASE_URL": url,
        "KLAGEFLOW_TEST_CLOCK": "1",
        "KLAGEFLOW_INSECURE_COOKIES": "1",
        **NO_SMTP,  # mail waits in the outbox
        "KLAGEFLOW_SCHEDULER_POLL_SECONDS": "0.2",
        "KLAGEFLOW_DATA_DIR": str(tmp_path),
        "KLAGEFLOW_PAYMENT_SECRETS": f"betaling={PROVIDER_SECRET}",
    }
    api = Api(f"http://127.0.0.1:{port}", tokens)
    logs = [tmp_path / "server.log", tmp_path / "scheduler.log"]
    processes = start(
        [[*KLAGEFLOW, "serve", "--port", str(port)], [*KLAGEFLOW, "scheduler"]], env, logs,
        ready=api.base + "/api/v1/openapi.json",
    )  # fmt: skip
    yield api
    stop(processes, logs)


def test_the_gammeldam_complaint_through_http_from_filing_to_refund(system):
    api = system
    api.at("2025-07-11T09:00:00+02:00")
    decision = api.ok(
        "POST", "/api/v1/decisions", "authority", status=201,
        body={
            "authority": "soenderborg",
            "title": "Landzonetilladelse til enfamiliehus, Gammeldam",
            "legal_bases": ["planloven-35"],
            "published_at": "2025-07-11",
            "permit_holder": {"name": "Gammeldam ApS", "email": "ansoeger@example.dk"},
        },
    )  # fmt: skip
    assert decision["complaint_deadline"] == "2025-08-08T23:59:59+02:00"

    # The complainant drafts on Monday 4 August and files it; it is with the authority.
    api.at("2025-08-04T10:15:00+02:00")
    draft = api.ok(
        "POST", "/api/v1/complaints", "complainant", status=201,
        body={"decision": decision["id"], "legal_basis": "planloven-35",
              "complainant_type": "private", "text": "Huset skæmmer landskabet ved Gammeldam."},
    )  # fmt: skip
    reference = draft["reference"]
    assert draft["status"] == "draft"
    filed = api.ok("POST", f"/api/v1/complaints/{reference}/submit", "complainant")
    assert filed["status"] == "filed" and filed["waiting_for"] == "authority"
    assert filed["suspensive_effect"]["in_effect"] is True

    # The authority claims the task and forwards the complaint with its statement.
    api.at("2025-08-12T09:00:00+02:00")
    task = api.task("authority", "reconsider")
    assert api.call("GET", "/api/v1/tasks", "board")[1]["items"] == [], "not the board's yet"
    api.ok("POST", f"/api/v1/tasks/{task['id']}/claim", "authority")
    invalid, problem = api.call(
        "POST", f"/api/v1/tasks/{task['id']}/complete", "authority",
        {"data": {"authority_action": "forward"}},
    )  # fmt: skip
    assert invalid == 422 and "statement" in problem["errors"]
    api.ok(
        "POST", f"/api/v1/tasks/{task['id']}/complete", "authority",
        body={"data": {"authority_action": "forward",
                       "statement": "Kommunen fastholder afgørelsen."}},
    )  # fmt: skip
    awaiting = api.track(reference)
    assert awaiting["status"] == "awaiting_fee" and awaiting["waiting_for"] == "complainant"
    assert awaiting["fee"]["amount_dkk"] == 900
    assert awaiting["next_deadline"]["at"].startswith("2025-08-26T23:59:59")

    # The payment provider confirms the fee; the hearing runs until 2 September.
    api.at("2025-08-14T12:00:00+02:00")
    wrong, _ = api.pay(reference, {"amount_dkk": 1800}, key="T-0")
    assert wrong == 422
    code, paid = api.pay(reference, {"amount_dkk": 900, "provider_ref": "T-1"}, key="T-1")
    assert code == 200, paid
    assert paid["fee"]["paid_at"].startswith("2025-08-14")
    twice, _ = api.pay(reference, {"amount_dkk": 900}, key="T-2")
    assert twice == 409

    # Time passes the comment deadline; the scheduler fires the hearing timer.
    api.at("2025-09-03T08:00:00+02:00")
    screening = api.task("board", "screening")
    assert api.track(reference)["status"] == "under_consideration"
    api.ok("POST", f"/api/v1/tasks/{screening['id']}/claim", "board")
    api.ok(
        "POST", f"/api/v1/tasks/{screening['id']}/complete", "board",
        body={"data": {"has_standing": True, "within_competence": True}},
    )  # fmt: skip

    api.at("2025-11-20T14:00:00+01:00")
    decide = api.task("board", "decide")
    api.ok("POST", f"/api/v1/tasks/{decide['id']}/claim", "board")
    api.ok(
        "POST", f"/api/v1/tasks/{decide['id']}/complete", "board",
        body={"data": {"outcome": "aendring",
                       "decision_summary": "Nævnet ændrer landzonetilladelsen til et afslag."}},
    )  # fmt: skip
    done, _ = api.call("POST", f"/api/v1/tasks/{decide['id']}/complete", "board", {"data": {}})
    assert done == 409

    final = api.track(reference)
    assert final["status"] == "closed"
    assert final["outcome"] == "aendring"
    assert final["fee"]["refunded_at"].startswith("2025-11-20")
    assert final["lawsuit_deadline"].startswith("2026-05-20")
    kinds = [event["kind"] for event in final["timeline"]]
    assert kinds[:2] == ["drafted", "filed"] and "forwarded" in kinds and "decided" in kinds
    withdraw, _ = api.call("POST", f"/api/v1/complaints/{reference}/withdraw", "complainant")
    assert withdraw == 409, "a decided complaint cannot be withdrawn"
