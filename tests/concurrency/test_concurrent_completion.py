"""Many clients complete and claim the same task at once through several gunicorn workers.

Exactly one completion wins (200); every other gets 409 and changes nothing. The same for
claims. The instance's history holds one completion, and its version moved once.
"""

from __future__ import annotations

import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from engine import TaskFilter
from engine.config import PROJECT_ROOT
from tests.complaint.conftest import start_data
from web.accounts import Accounts

pytestmark = [pytest.mark.slow, pytest.mark.both_databases]
RACERS = 16


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def served(engine, database_url, tmp_path):
    """gunicorn with four worker processes on the test database; yields (port, tokens)."""
    engine.deploy_paths(sorted((PROJECT_ROOT / "bpmn/complaint").glob("*.*")))
    accounts = Accounts(engine.db)
    accounts.upsert_organisation(
        "soenderborg", kind="authority", name="Sønderborg Kommune",
        notification_email="plan@soenderborg.example",
    )  # fmt: skip
    tokens = []
    for number in range(RACERS):
        accounts.create_user(f"sb{number}", "authority_caseworker", organisation_id="soenderborg")
        tokens.append(accounts.create_token(f"sb{number}"))
    port = free_port()
    env = {**os.environ, "KLAGEFLOW_DATABASE_URL": database_url,
           "KLAGEFLOW_DATA_DIR": str(tmp_path),
           "KLAGEFLOW_SECRET_KEY": "test-" + "k" * 40}  # fmt: skip
    with (tmp_path / "gunicorn.log").open("w") as log:
        gunicorn = subprocess.Popen(
            [str(Path(sys.executable).parent / "gunicorn"), "web.wsgi:app",
             "--bind", f"127.0.0.1:{port}", "--workers", "4", "--log-level", "warning"],
            cwd=PROJECT_ROOT, env=env, stdout=subprocess.DEVNULL, stderr=log,
        )  # fmt: skip
    deadline = time.monotonic() + 60
    while True:
        try:
            probe = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            probe.request("GET", "/api/v1/openapi.json")
            probe.getresponse().read()
            break
        except OSError:
            assert time.monotonic() < deadline, (tmp_path / "gunicorn.log").read_text()
            time.sleep(0.2)
    yield port, tokens
    gunicorn.send_signal(signal.SIGTERM)
    gunicorn.wait(timeout=60)


def race(port: int, tokens: list[str], path: str, body: dict) -> list[int]:
    """POST `body` to `path` as RACERS different users, released at the same instant."""
    barrier = threading.Barrier(RACERS)
    statuses: list[int] = []

    def racer(token: str):
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        connection.connect()
        barrier.wait()
        connection.request(
            "POST", path, body=json.dumps(body),
            headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
        )  # fmt: skip
        response = connection.getresponse()
        response.read()
        statuses.append(response.status)

    threads = [threading.Thread(target=racer, args=(token,)) for token in tokens]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return statuses


def test_exactly_one_of_many_concurrent_completions_wins(engine, served):
    port, tokens = served
    instance = engine.start("complaint", start_data())
    [task] = engine.tasks(TaskFilter(instance_id=instance))

    statuses = race(port, tokens, f"/api/v1/tasks/{task.id}/complete",
                    {"data": {"authority_action": "change",
                              "statement": "Kommunen ændrer afgørelsen."}})  # fmt: skip

    assert sorted(statuses) == [200] + [409] * (RACERS - 1)
    history = engine.show(instance).history
    assert sum(1 for e in history if e.kind == "task_completed") == 1
    assert engine.show(instance).status == "completed"


def test_exactly_one_of_many_concurrent_claims_wins(engine, served):
    port, tokens = served
    instance = engine.start("complaint", start_data(reference="KP-2025-000124"))
    [task] = engine.tasks(TaskFilter(instance_id=instance))

    statuses = race(port, tokens, f"/api/v1/tasks/{task.id}/claim", {})

    assert statuses.count(200) == 1 and statuses.count(409) == RACERS - 1
    assert engine.task(task.id).assignee.startswith("sb")
    history = engine.show(instance).history
    assert sum(1 for e in history if e.kind == "task_claimed") == 1
