"""Real scheduler processes on one database: each due timer fires exactly once, even after SIGKILL."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from engine.models import AuditEvent
from tests.conftest import ROOT
from tests.processes import NO_SMTP

pytestmark = [pytest.mark.slow, pytest.mark.both_databases]
TIMERS = 300


def arm(engine, count: int, seconds: float = 2.0) -> list[str]:
    """Start `count` instances whose timers all fall due `seconds` from now (real time)."""
    engine.deploy_paths(["tests/engine/bpmn/deadline.bpmn"])
    due = (datetime.now(UTC) + timedelta(seconds=seconds)).isoformat()
    return [engine.start("deadline", {"deadline_at": due}) for _ in range(count)]


def fired_per_instance(engine) -> dict[str, int]:
    with engine.db.read() as session:
        return dict(
            session.execute(
                select(AuditEvent.instance_id, func.count())
                .where(AuditEvent.kind == "timer_fired")
                .group_by(AuditEvent.instance_id)
            ).all()
        )


def scheduler(database_url: str, log_path, batch: int = 50) -> subprocess.Popen:
    """A real `klageflow scheduler` process; its log goes to a file (a pipe nobody reads fills up)."""
    env = {
        **os.environ,
        "KLAGEFLOW_DATABASE_URL": database_url,
        "KLAGEFLOW_SCHEDULER_BATCH_SIZE": str(batch),
        "KLAGEFLOW_SCHEDULER_POLL_SECONDS": "0.2",
        **NO_SMTP,  # mail waits in the outbox
    }
    return subprocess.Popen(
        [sys.executable, "-m", "web.cli", "scheduler"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=open(log_path, "w"),
    )


def wait_for(condition, timeout: float = 90.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("timed out")
        time.sleep(0.1)


def test_two_scheduler_processes_fire_each_of_300_timers_exactly_once(
    engine, database_url, tmp_path
):
    # Both processes are up and idle when all 300 fall due at the same instant.
    ids = arm(engine, TIMERS, seconds=12)
    logs = [tmp_path / "first.log", tmp_path / "second.log"]
    processes = [scheduler(database_url, log) for log in logs]
    try:
        wait_for(lambda: sum(fired_per_instance(engine).values()) >= TIMERS)
        time.sleep(1.0)  # give a double firing the chance to show
    finally:
        for process in processes:
            process.send_signal(signal.SIGTERM)
        codes = [process.wait(timeout=30) for process in processes]
    counts = fired_per_instance(engine)
    assert sorted(counts) == sorted(ids)
    assert set(counts.values()) == {1}
    assert codes == [0, 0], [log.read_text()[-2000:] for log in logs]
    if not engine.db.is_sqlite:
        # SKIP LOCKED lets both take instances at once (SQLite's single writer lock is
        # not fair, so there one process may well do everything).
        assert all("timer fired" in log.read_text() for log in logs), "both processes did work"
    assert all(engine.show(i).status == "completed" for i in ids[:20])


def test_a_scheduler_killed_mid_batch_loses_nothing_and_the_next_fires_the_rest_once(
    engine, database_url, tmp_path
):
    ids = arm(engine, TIMERS)
    first = scheduler(database_url, tmp_path / "killed.log", batch=10)
    try:
        wait_for(lambda: sum(fired_per_instance(engine).values()) >= 40)
    finally:
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=30)
    partial = sum(fired_per_instance(engine).values())
    assert partial < TIMERS, "the kill should land before the work is done"
    second = scheduler(database_url, tmp_path / "second.log")
    try:
        wait_for(lambda: sum(fired_per_instance(engine).values()) >= TIMERS)
        time.sleep(1.0)
    finally:
        second.send_signal(signal.SIGTERM)
        assert second.wait(timeout=30) == 0
    counts = fired_per_instance(engine)
    assert sorted(counts) == sorted(ids) and set(counts.values()) == {1}
