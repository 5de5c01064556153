"""Real scheduler processes and steps that never end: an endless timer script becomes an
incident and the scheduler goes on; a step whose process is killed is tried again and,
after too many attempts, put in an incident that no restarted scheduler claims."""

from __future__ import annotations

import dataclasses
import re
import signal
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from engine.config import load_settings
from engine.models import StepAttempt
from tests.conftest import ROOT
from tests.processes import scheduler_process, stop, wait_for
from web.accounts import Accounts
from web.app import create_app
from web.bootstrap import build_engine

pytestmark = [pytest.mark.slow, pytest.mark.both_databases]
BUDGET = [ROOT / "tests/engine/bpmn/budget.bpmn"]
PASSWORD = "correct horse battery"


def due_in(seconds: float) -> str:
    """A timer value `seconds` from now in real time (the scheduler runs on the system clock)."""
    return (datetime.now(UTC) + timedelta(seconds=seconds)).isoformat()


def attempts(engine, instance_id: str) -> int:
    """The attempts counted for a step in progress on the instance (0: none)."""
    with engine.db.read() as session:
        return (
            session.scalar(
                select(StepAttempt.attempts).where(StepAttempt.instance_id == instance_id)
            )
            or 0
        )


def test_an_endless_timer_script_becomes_an_incident_and_the_scheduler_goes_on(
    engine, database_url, tmp_path
):
    engine.deploy_paths(BUDGET)
    log = tmp_path / "scheduler.log"
    first = scheduler_process(database_url, log, step_seconds="2", memory_limit_mb="1024")
    try:
        wait_for(lambda: "scheduler started" in log.read_text(), what="the scheduler")
        unforeseen = engine.start("budget", {"behaviour": "format", "deadline_at": due_in(1.5)})
        endless = engine.start("budget", {"behaviour": "loop", "deadline_at": due_in(1)})
        later = engine.start("budget", {"behaviour": "none", "deadline_at": due_in(1.5)})
        huge = engine.start("budget", {"behaviour": "power", "deadline_at": due_in(1.5)})
        wait_for(lambda: engine.show(endless).status == "incident", what="the incident")
        wait_for(lambda: engine.show(later).active_elements == ["check"], what="the later timer")
        wait_for(lambda: engine.show(huge).status == "incident", what="the huge value")
        wait_for(lambda: engine.show(unforeseen).status == "incident", what="the memory bound")
    finally:
        stop([first], [log])
    assert first.returncode == 0
    incident = engine.show(endless).incidents[0]
    assert incident.element_id == "work" and "ran longer than 2 s" in incident.message
    took = incident.created_at - datetime.fromisoformat(engine.show(endless).data["deadline_at"])
    print(f"incident {took.total_seconds():.2f} s after the timer fell due")
    assert took.total_seconds() < 2 + 3, f"the incident came {took} after the timer fell due"
    assert "at most" in engine.show(huge).incidents[0].message
    # A value no guard foresees (a 2 GB padded %-format) meets the process's memory bound.
    assert "MemoryError" in engine.show(unforeseen).incidents[0].message

    # A restarted scheduler leaves the instance in its incident.
    second = scheduler_process(database_url, log, step_seconds="2")
    try:
        time.sleep(3)
    finally:
        stop([second], [log])
    view = engine.show(endless)
    assert view.status == "incident" and len(view.incidents) == 1
    assert [e.kind for e in view.history].count("incident") == 1
    assert attempts(engine, endless) == 0


def test_a_step_whose_process_is_killed_is_tried_again_then_put_in_an_incident(
    engine, database_url, tmp_path
):
    engine.deploy_paths(BUDGET)
    poisoned = engine.start("budget", {"behaviour": "loop", "deadline_at": due_in(1)})
    log = tmp_path / "scheduler.log"
    settings = {"step_seconds": "4", "step_attempts": "2"}
    # Twice a scheduler claims the step and is killed during it (as the OOM killer would);
    # the second claim waits for the first's lease to run out.
    for attempt in (1, 2):
        process = scheduler_process(database_url, log, **settings)
        try:
            wait_for(lambda a=attempt: attempts(engine, poisoned) == a, 40, f"attempt {attempt}")
        finally:
            process.send_signal(signal.SIGKILL)
            process.wait(timeout=30)
    assert engine.show(poisoned).status == "running" and engine.show(poisoned).incidents == []

    # The third claim puts it in an incident instead, and the scheduler goes on.
    healthy = engine.start("budget", {"behaviour": "none", "deadline_at": due_in(12)})
    third = scheduler_process(database_url, log, **settings)
    try:
        wait_for(lambda: engine.show(poisoned).status == "incident", 40, "the poison incident")
        wait_for(lambda: engine.show(healthy).active_elements == ["check"], 40, "the next timer")
        time.sleep(1)
    finally:
        stop([third], [log])
    view = engine.show(poisoned)
    assert len(view.incidents) == 1 and view.incidents[0].element_id == "wait"
    assert "did not finish in 2 attempts" in view.incidents[0].message
    assert attempts(engine, poisoned) == 0
    assert [e.kind for e in view.history].count("timer_fired") == 0

    # The admin's incident list (linked from the admin page with the open count) shows it
    # with a retry, which starts counting afresh: the step runs again (and here meets its
    # budget, a new incident).
    client = admin_client(engine, database_url, tmp_path)
    assert 'href="/admin/haendelser"' in client.get("/admin").get_data(as_text=True)
    page = client.get("/admin/haendelser").get_data(as_text=True)
    assert "did not finish in 2 attempts" in page
    retry = f"/admin/haendelser/{view.incidents[0].id}/igen"
    assert f'action="{retry}"' in page
    client.post(retry, data={"csrf_token": csrf_of(page)})
    retried = engine.show(poisoned)
    assert len(retried.incidents) == 2 and "ran longer than 1 s" in retried.incidents[1].message


def csrf_of(page: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)


def admin_client(engine, database_url: str, tmp_path: Path):
    """The web UI, logged in as an admin, on an engine whose steps may run one second."""
    settings = dataclasses.replace(
        load_settings(), step_seconds=1.0, data_dir=tmp_path, database_url=database_url,
        insecure_cookies=True,
    )  # fmt: skip
    Accounts(engine.db).create_user("adam", "admin", password=PASSWORD)
    client = create_app(settings, build_engine(settings, db=engine.db), local=True).test_client()
    token = csrf_of(client.get("/login").get_data(as_text=True))
    response = client.post(
        "/login", data={"csrf_token": token, "username": "adam", "password": PASSWORD}
    )
    assert response.status_code == 302
    return client
