"""Engine throughput: complaint cases end to end, plain SpiffWorkflow vs the engine.

Each case is the shipped complaint process (bpmn/complaint/) walked from filing to the
board's decision: the authority forwards, the fee is paid (a message), the hearing timer
fires, the board screens and decides (a change, so the fee is refunded).

(a) plain SpiffWorkflow in memory with the same script environment, serializing and
    deserializing the workflow after every step (the cost of persistence without a
    database);
(b) the engine, one committed transaction per step (state, work items, audit events,
    outbox rows), on SQLite and, with --postgres/--with-postgres, on PostgreSQL.

Prints cases per second for each, the ratio b/a, and the stored state size.

    .venv/bin/python bench/engine_throughput.py [--cases N] [--with-postgres | --postgres URL]
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from SpiffWorkflow.bpmn import BpmnEvent, BpmnWorkflow  # noqa: E402
from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer  # noqa: E402
from SpiffWorkflow.spiff.parser.process import SpiffBpmnParser  # noqa: E402
from SpiffWorkflow.spiff.serializer.config import SPIFF_CONFIG  # noqa: E402
from SpiffWorkflow.spiff.specs.event_definitions import MessageEventDefinition  # noqa: E402
from SpiffWorkflow.util.task import TaskState  # noqa: E402
from sqlalchemy import select  # noqa: E402

from engine import TaskFilter, clock  # noqa: E402
from engine.config import load_settings  # noqa: E402
from engine.db import Database  # noqa: E402
from engine.models import ProcessInstance  # noqa: E402
from engine.scheduler import Scheduler  # noqa: E402
from engine.scripting import ScriptEngine  # noqa: E402
from tests.complaint.conftest import start_data  # noqa: E402
from web import migrate  # noqa: E402
from web.bootstrap import build_engine  # noqa: E402

BUNDLE = ROOT / "bpmn/complaint"
FILED = datetime(2025, 8, 4, 8, 15, tzinfo=UTC)
FORWARDED = datetime(2025, 8, 12, 7, 0, tzinfo=UTC)
HEARING_OVER = datetime(2025, 9, 3, 6, 0, tzinfo=UTC)
FORWARD = {"authority_action": "forward", "statement": "Kommunen fastholder afgørelsen."}
SCREEN = {"has_standing": True, "within_competence": True}
DECIDE = {"outcome": "aendring", "decision_summary": "Nævnet ændrer afgørelsen."}


def plain_spiff(count: int) -> float:
    """Cases per second with plain SpiffWorkflow, serializing after every step."""
    parser = SpiffBpmnParser()
    parser.add_bpmn_file(str(BUNDLE / "complaint.bpmn"))
    parser.add_dmn_files([str(path) for path in BUNDLE.glob("*.dmn")])
    spec, subprocesses = parser.get_spec("complaint"), parser.get_subprocess_specs("complaint")
    serializer = BpmnWorkflowSerializer(BpmnWorkflowSerializer.configure(SPIFF_CONFIG))
    # The helpers scripts see on the engine the composition root builds.
    helpers = build_engine(load_settings(), db=Database("sqlite://")).runtime.helpers
    script_engine = ScriptEngine({"send_mail": lambda task, params: {"queued": True}}, helpers)

    def round_trip(workflow):
        workflow = serializer.deserialize_json(serializer.serialize_json(workflow))
        workflow.script_engine = script_engine
        return workflow

    def complete(workflow, element_id, data):
        [task] = [
            t for t in workflow.get_tasks(state=TaskState.READY)
            if t.task_spec.bpmn_id == element_id
        ]  # fmt: skip
        task.set_data(**data)
        task.run()
        workflow.do_engine_steps()
        return round_trip(workflow)

    started = time.perf_counter()
    for number in range(count):
        clock.set(FILED, frozen=True)
        workflow = BpmnWorkflow(spec, subprocesses, script_engine=script_engine)
        data = start_data(reference=f"KP-2025-{number:06d}")
        workflow.task_tree.data.update(data)
        for task in workflow.get_tasks(state=TaskState.READY):
            task.data.update(data)
        workflow.do_engine_steps()
        workflow = round_trip(workflow)
        clock.set(FORWARDED, frozen=True)
        workflow = complete(workflow, "reconsider", FORWARD)
        workflow.send_event(
            BpmnEvent(MessageEventDefinition("fee_paid"), {"paid_at": FORWARDED.isoformat()})
        )
        workflow.do_engine_steps()
        workflow = round_trip(workflow)
        clock.set(HEARING_OVER, frozen=True)
        workflow.refresh_timers()
        workflow.do_engine_steps()
        workflow = round_trip(workflow)
        workflow = complete(workflow, "screening", SCREEN)
        workflow = complete(workflow, "decide", DECIDE)
        assert workflow.is_completed()
    return count / (time.perf_counter() - started)


def through_engine(count: int, url: str) -> tuple[float, list[int]]:
    """Cases per second through the engine on `url`, and the stored state sizes."""
    db = Database(url)
    migrate.upgrade(db)
    engine = build_engine(load_settings(), db=db)
    engine.deploy_paths(sorted(BUNDLE.glob("*.*")))
    scheduler = Scheduler(engine)

    def complete(instance_id, element_id, data, group):
        [task] = engine.tasks(TaskFilter(instance_id=instance_id))
        assert task.element_id == element_id
        engine.complete_task(task.id, data, actor="bench", actor_groups=[group])

    started = time.perf_counter()
    for number in range(count):
        clock.set(FILED, frozen=True)
        instance = engine.start("complaint", start_data(reference=f"KP-2025-{number:06d}"))
        clock.set(FORWARDED, frozen=True)
        complete(instance, "reconsider", FORWARD, "authority:soenderborg")
        engine.send_message(instance, "fee_paid", {"paid_at": FORWARDED.isoformat()})
        clock.set(HEARING_OVER, frozen=True)
        scheduler.fire_due()
        complete(instance, "screening", SCREEN, "board:pkn")
        complete(instance, "decide", DECIDE, "board:pkn")
    elapsed = time.perf_counter() - started
    with db.read() as session:
        sizes = [len(state) for state in session.scalars(select(ProcessInstance.state))]
        statuses = set(session.scalars(select(ProcessInstance.status)))
    assert statuses == {"completed"}, statuses
    db.dispose()
    return count / elapsed, sizes


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=100)
    parser.add_argument("--postgres", help="also run on this (empty) PostgreSQL database")
    parser.add_argument("--with-postgres", action="store_true", help="start a private cluster")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    plain_spiff(5)  # warm up imports and caches
    plain = statistics.median(plain_spiff(args.cases) for _ in range(3))
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        rate, sizes = through_engine(args.cases, f"sqlite:///{tmp}/bench.sqlite")
        results.append({"label": "SQLite", "rate": rate, "sizes": sizes})
        url, pgdir = args.postgres, None
        if url is None and args.with_postgres:
            pgdir = Path(tempfile.mkdtemp(prefix="klageflow-pg."))
            url = subprocess.check_output(
                [ROOT / "scripts/postgres.sh", "start", pgdir, "54334"], text=True
            ).strip()
        try:
            if url:
                rate, sizes = through_engine(args.cases, url)
                results.append({"label": "PostgreSQL", "rate": rate, "sizes": sizes})
        finally:
            if pgdir is not None:
                subprocess.run([ROOT / "scripts/postgres.sh", "stop", pgdir], check=False)
                shutil.rmtree(pgdir, ignore_errors=True)
    clock.reset()
    if args.json:
        print(json.dumps({"plain": plain, "engine": [
            {"label": r["label"], "rate": r["rate"], "ratio": r["rate"] / plain,
             "state_median": statistics.median(r["sizes"]), "state_max": max(r["sizes"])}
            for r in results
        ]}, indent=2))  # fmt: skip
        return
    print(f"engine throughput: complaint cases end to end ({args.cases} cases, 6 steps each)")
    print(f"{'variant':62} {'cases/s':>8} {'ratio':>6}")
    print(f"{'(a) plain SpiffWorkflow, in memory, JSON round trip per step':62} {plain:8.1f}")
    for r in results:
        label = f"(b) engine, {r['label']}, commit per step"
        print(f"{label:62} {r['rate']:8.1f} {r['rate'] / plain:6.2f}")
    for r in results:
        print(
            f"stored state of a finished case on {r['label']}: median "
            f"{statistics.median(r['sizes'])} B, max {max(r['sizes'])} B (zlib JSON)"
        )


if __name__ == "__main__":
    main()
