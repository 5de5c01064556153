"""Real scheduler processes on one database start each timer-start occurrence and deliver each
signal exactly once, while one of them is killed with SIGKILL mid-work."""

from __future__ import annotations

import signal
import time
from collections import Counter

import pytest
from sqlalchemy import select

from engine.config import PROJECT_ROOT
from engine.models import AuditEvent, SignalDelivery
from tests.processes import scheduler_process, stop, wait_for

pytestmark = [pytest.mark.slow, pytest.mark.both_databases]
BPMN = PROJECT_ROOT / "tests" / "engine" / "bpmn"
SIGNALLED = 120


def every_second() -> dict[str, str]:
    """The weekly report model, started every second instead (the schedulers' real clock)."""
    text = (BPMN / "timer_start.bpmn").read_text().replace('"R/P7D"', '"R/PT1S"')
    return {"timer_start.bpmn": text}


def timer_starts(engine) -> list[str]:
    """The occurrence (due instant) each timer-started instance was started for."""
    with engine.db.read() as session:
        details = session.scalars(
            select(AuditEvent.details).where(AuditEvent.kind == "instance_started")
        ).all()
    return [d["due"] for d in details if d.get("trigger") == "timer"]


def signals_received(engine) -> Counter:
    with engine.db.read() as session:
        return Counter(
            session.scalars(
                select(AuditEvent.instance_id).where(AuditEvent.kind == "signal_received")
            )
        )


def test_three_schedulers_one_killed_start_each_timer_occurrence_exactly_once(
    engine, database_url, tmp_path
):
    engine.deploy(every_second())
    logs = [tmp_path / f"scheduler{n}.log" for n in range(3)]
    processes = [scheduler_process(database_url, log, step_seconds="10") for log in logs]
    try:
        wait_for(lambda: len(timer_starts(engine)) >= 3, timeout=180, what="the first starts")
        processes[0].send_signal(signal.SIGKILL)
        processes[0].wait(timeout=30)
        killed_at = len(timer_starts(engine))
        # The killed process's lease (budget + margin) runs out; the others go on.
        wait_for(
            lambda: len(timer_starts(engine)) >= killed_at + 5,
            timeout=180,
            what="starts after the kill",
        )
    finally:
        stop(processes[1:], logs)
    time.sleep(0.5)
    dues = timer_starts(engine)
    assert len(dues) == len(set(dues)), f"an occurrence started twice: {Counter(dues)}"
    [timer] = engine.start_timers()
    assert timer.started == len(dues)
    assert all(row.status == "completed" for row in engine.instances(key="weekly_report"))


def test_schedulers_deliver_a_signal_to_each_of_120_instances_once_despite_a_sigkill(
    engine, database_url, tmp_path
):
    engine.deploy_paths([BPMN / "signal_wait.bpmn"])
    ids = [engine.start("law_watch") for _ in range(SIGNALLED)]
    report = engine.signal("law_changed", {"rule": "§ 12"}, deliver=False)
    assert len(report.deliveries) == SIGNALLED

    logs = [tmp_path / "killed.log", tmp_path / "second.log", tmp_path / "third.log"]
    first = scheduler_process(database_url, logs[0], step_seconds="10")
    try:
        wait_for(lambda: sum(signals_received(engine).values()) >= 20, what="some deliveries")
    finally:
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=30)
    assert sum(signals_received(engine).values()) < SIGNALLED, "the kill lands mid-way"
    others = [scheduler_process(database_url, log, step_seconds="10") for log in logs[1:]]
    try:
        wait_for(lambda: sum(signals_received(engine).values()) >= SIGNALLED, what="all deliveries")
        time.sleep(1.0)  # give a double delivery the chance to show
    finally:
        stop(others, logs)
    counts = signals_received(engine)
    assert sorted(counts) == sorted(ids) and set(counts.values()) == {1}
    with engine.db.read() as session:
        statuses = set(session.scalars(select(SignalDelivery.status)))
    assert statuses == {"delivered"}
    assert all(engine.show(i).status == "completed" for i in ids[:20])
