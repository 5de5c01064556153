"""An endless script started over HTTP against a real `klageflow serve`: the request ends
within the step budget with a problem naming the element, and other clients' writes
(a login, a complaint draft) go through while it runs."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from engine.config import PROJECT_ROOT
from tests.processes import NO_SMTP, free_port, http, stop
from web.accounts import Accounts

pytestmark = [pytest.mark.slow, pytest.mark.both_databases]
PASSWORD = "correct horse battery"
STEP_SECONDS = 8


def call(base: str, method: str, path: str, body=None, token: str | None = None):
    """(status, JSON body, seconds taken) of one request."""
    started = time.monotonic()
    status, payload = http(base, method, path, body, token)
    return status, payload, time.monotonic() - started


@pytest.fixture
def server(engine, database_url, tmp_path: Path):
    """A real server on the test database, with an admin, an authority caseworker and a
    complainant; yields (base URL, tokens)."""
    engine.deploy_paths([PROJECT_ROOT / "tests/engine/bpmn/budget.bpmn"])
    accounts = Accounts(engine.db)
    accounts.upsert_organisation(
        "soenderborg", kind="authority", name="Sønderborg Kommune",
        notification_email="plan@soenderborg.example",
    )  # fmt: skip
    accounts.upsert_organisation(
        "pkn", kind="board", name="Planklagenævnet",
        notification_email="pkn@naevneneshus.example", board_code="PKN",
    )  # fmt: skip
    tokens = {}
    for username, role, org in [
        ("adam", "admin", None),
        ("sonja", "authority_caseworker", "soenderborg"),
        ("klara", "complainant", None),
    ]:
        accounts.create_user(
            username, role, password=PASSWORD, organisation_id=org, email=f"{username}@example.dk"
        )
        tokens[username] = accounts.create_token(username)
    port = free_port()
    env = {
        **os.environ,
        "KLAGEFLOW_DATABASE_URL": database_url,
        "KLAGEFLOW_STEP_SECONDS": str(STEP_SECONDS),
        "KLAGEFLOW_INSECURE_COOKIES": "1",
        "KLAGEFLOW_DATA_DIR": str(tmp_path),
        **NO_SMTP,
    }
    log = tmp_path / "server.log"
    with log.open("w") as stream:
        process = subprocess.Popen(
            [sys.executable, "-m", "web.cli", "serve", "--port", str(port)],
            cwd=PROJECT_ROOT, env=env, stdout=subprocess.DEVNULL, stderr=stream,
        )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            call(base, "GET", "/api/v1/openapi.json")
            break
        except OSError:
            if time.monotonic() > deadline or process.poll() is not None:
                raise AssertionError(log.read_text()[-3000:]) from None
            time.sleep(0.1)
    yield base, tokens
    stop([process], [log])


def test_an_endless_script_answers_within_the_budget_while_other_clients_write(server):
    base, tokens = server
    status, decision, _ = call(
        base, "POST", "/api/v1/decisions", token=tokens["sonja"],
        body={"authority": "soenderborg", "title": "Landzonetilladelse, Gammeldam",
              "legal_bases": ["planloven-35"],
              "published_at": datetime.now(UTC).date().isoformat(),
              "permit_holder": {"name": "Gammeldam ApS", "email": "ansoeger@example.dk"}},
    )  # fmt: skip
    assert status == 201, decision
    past = (datetime.now(UTC) - timedelta(minutes=1)).isoformat()
    alone = call(base, "POST", "/api/v1/session", {"username": "klara", "password": PASSWORD})
    assert alone[0] == 200
    answer = {}

    def start_the_endless_script() -> None:
        answer["start"] = call(
            base, "POST", "/api/v1/instances", token=tokens["adam"],
            body={"key": "budget", "data": {"behaviour": "loop", "deadline_at": past}},
        )  # fmt: skip

    endless = threading.Thread(target=start_the_endless_script)
    endless.start()
    time.sleep(0.5)  # the step is running its script now
    login = call(base, "POST", "/api/v1/session", {"username": "klara", "password": PASSWORD})
    draft = call(
        base, "POST", "/api/v1/complaints", token=tokens["klara"],
        body={"decision": decision["id"], "legal_basis": "planloven-35",
              "complainant_type": "private", "text": "Huset skæmmer landskabet."},
    )  # fmt: skip
    writes_done = time.monotonic()
    endless.join()
    start_done = time.monotonic()

    status, problem, took = answer["start"]
    print(
        f"422 after {took:.2f} s; login {login[2]:.2f} s (alone {alone[2]:.2f} s), "
        f"draft {draft[2]:.2f} s meanwhile, done {start_done - writes_done:.2f} s before it"
    )
    assert status == 422, problem
    assert "work" in problem["detail"] and f"ran longer than {STEP_SECONDS} s" in problem["detail"]
    assert took < STEP_SECONDS + 2, f"the start answered after {took:.2f} s"
    assert login[0] == 200, login
    assert draft[0] == 201 and draft[1]["status"] == "draft", draft
    # The script holds the server's interpreter most of the time, so they are slower than
    # alone, but neither waited for the step (nor for a lock it held).
    assert start_done - writes_done > 1, "the other clients' writes were done while it ran"
