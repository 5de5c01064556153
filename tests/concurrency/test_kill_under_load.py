"""SIGKILL a web worker and the scheduler during load: nothing accepted is lost, nothing doubles.

gunicorn (two workers) and a scheduler run on one database. Client threads start
instances over HTTP whose timers fall due a moment later and then queue a mail. Midway a
gunicorn worker and the scheduler are killed with SIGKILL (gunicorn replaces its worker;
a new scheduler is started). Afterwards every instance whose start was answered 2xx
exists, its timer fired exactly once, and the outbox holds its mail exactly once.
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
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from engine.config import PROJECT_ROOT
from engine.models import AuditEvent, OutboxMail, ProcessInstance
from tests.processes import NO_SMTP
from web.accounts import Accounts

pytestmark = [pytest.mark.slow, pytest.mark.both_databases]
CLIENTS = 6
LOAD_SECONDS = 4.0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_scheduler(env, log: Path) -> subprocess.Popen:
    with log.open("a") as stream:
        return subprocess.Popen(
            [sys.executable, "-m", "web.cli", "scheduler"],
            cwd=PROJECT_ROOT, env=env, stdout=subprocess.DEVNULL, stderr=stream,
        )  # fmt: skip


def test_killing_a_web_worker_and_the_scheduler_loses_and_doubles_nothing(
    engine, database_url, tmp_path
):
    engine.deploy_paths([PROJECT_ROOT / "tests/scheduler/bpmn/notify.bpmn"])
    accounts = Accounts(engine.db)
    accounts.create_user("adam", "admin")
    token = accounts.create_token("adam")
    port = free_port()
    env = {
        **os.environ,
        "KLAGEFLOW_DATABASE_URL": database_url,
        **NO_SMTP,  # mail waits in the outbox
        "KLAGEFLOW_SCHEDULER_POLL_SECONDS": "0.2",
        "KLAGEFLOW_DATA_DIR": str(tmp_path),
        "KLAGEFLOW_SECRET_KEY": "test-" + "k" * 40,
    }
    with (tmp_path / "gunicorn.log").open("w") as log:
        gunicorn = subprocess.Popen(
            [str(Path(sys.executable).parent / "gunicorn"), "web.wsgi:app",
             "--bind", f"127.0.0.1:{port}", "--workers", "2", "--log-level", "warning"],
            cwd=PROJECT_ROOT, env=env, stdout=subprocess.DEVNULL, stderr=log,
        )  # fmt: skip
    schedulers = [start_scheduler(env, tmp_path / "scheduler.log")]
    accepted: list[str] = []
    refused: list[int] = []
    try:
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

        stop = time.monotonic() + LOAD_SECONDS

        def client(number: int) -> None:
            sequence = 0
            while time.monotonic() < stop:
                sequence += 1
                body = json.dumps({
                    "key": "notify",
                    "business_key": f"LOAD-{number}-{sequence}",
                    "data": {
                        "send_at": (datetime.now(UTC) + timedelta(seconds=1)).isoformat(),
                        "recipients": [f"part{number}@example.dk"],
                        "language": "da",
                        "reference": f"LOAD-{number}-{sequence}",
                    },
                })  # fmt: skip
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                try:
                    connection.request(
                        "POST", "/api/v1/instances", body=body,
                        headers={"Authorization": f"Bearer {token}",
                                 "Content-Type": "application/json"},
                    )  # fmt: skip
                    response = connection.getresponse()
                    payload = response.read()
                    if 200 <= response.status < 300:
                        accepted.append(json.loads(payload)["id"])
                    else:
                        refused.append(response.status)
                except (OSError, http.client.HTTPException):
                    refused.append(0)  # the worker died under this request: not accepted
                finally:
                    connection.close()

        threads = [threading.Thread(target=client, args=(n,)) for n in range(CLIENTS)]
        for thread in threads:
            thread.start()
        time.sleep(LOAD_SECONDS / 2)
        workers = Path(f"/proc/{gunicorn.pid}/task/{gunicorn.pid}/children").read_text().split()
        os.kill(int(workers[0]), signal.SIGKILL)
        schedulers[0].send_signal(signal.SIGKILL)
        schedulers[0].wait(timeout=30)
        schedulers.append(start_scheduler(env, tmp_path / "scheduler.log"))
        for thread in threads:
            thread.join()
        assert len(accepted) > 20, (len(accepted), refused)

        def all_fired() -> bool:
            with engine.db.read() as session:
                return session.scalar(
                    select(func.count())
                    .select_from(AuditEvent)
                    .where(
                        AuditEvent.kind == "timer_fired",
                        AuditEvent.instance_id.in_(accepted),
                    )
                ) >= len(accepted)

        deadline = time.monotonic() + 90
        while not all_fired():
            assert time.monotonic() < deadline, "the second scheduler did not fire the rest"
            time.sleep(0.2)
        time.sleep(1.0)  # a double firing would show now
    finally:
        for process in (gunicorn, *schedulers):
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in (gunicorn, *schedulers):
            process.wait(timeout=60)

    with engine.db.read() as session:
        stored = set(session.scalars(select(ProcessInstance.id)))
        fired = dict(
            session.execute(
                select(AuditEvent.instance_id, func.count())
                .where(AuditEvent.kind == "timer_fired")
                .group_by(AuditEvent.instance_id)
            ).all()
        )
        mails = dict(
            session.execute(
                select(OutboxMail.instance_id, func.count()).group_by(OutboxMail.instance_id)
            ).all()
        )
        message_ids = session.scalars(select(OutboxMail.message_id)).all()
    assert set(accepted) <= stored, "every accepted start is persisted"
    assert all(fired.get(i) == 1 for i in accepted), "every timer fired exactly once"
    assert all(mails.get(i) == 1 for i in accepted), "every mail queued exactly once"
    assert len(message_ids) == len(set(message_ids))
    assert set(fired.values()) == {1} and set(mails.values()) == {1}
