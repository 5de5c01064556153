"""Engine throughput: a complaint-like process end to end, plain SpiffWorkflow vs the engine.

(a) in memory with plain SpiffWorkflow and a serialize/deserialize round trip per step;
(b) through the engine on a SQLite file, one committed transaction per step.
Prints instances per second for each, the ratio b/a, and the stored state size.

    .venv/bin/python bench/engine_throughput.py [--instances N]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer
from SpiffWorkflow.spiff.parser.process import SpiffBpmnParser
from SpiffWorkflow.spiff.serializer.config import SPIFF_CONFIG
from SpiffWorkflow.util.task import TaskState
from sqlalchemy import select

from engine import Engine, clock
from engine.db import Database
from engine.models import ProcessInstance

HERE = Path(__file__).resolve().parent / "bpmn"
FILES = [HERE / "complaint_like.bpmn", HERE / "fee.dmn"]
KEY = "complaint_like"
TYPES = ["private", "company", "organisation", "authority"]


def plain_spiff(count: int) -> float:
    """Instances per second with plain SpiffWorkflow, serializing after every step."""
    parser = SpiffBpmnParser()
    parser.add_bpmn_file(str(FILES[0]))
    parser.add_dmn_file(str(FILES[1]))
    spec, subprocesses = parser.get_spec(KEY), parser.get_subprocess_specs(KEY)
    serializer = BpmnWorkflowSerializer(BpmnWorkflowSerializer.configure(SPIFF_CONFIG))
    started = time.perf_counter()
    for number in range(count):
        workflow = BpmnWorkflow(spec, subprocesses)
        workflow.task_tree.data["complainant_type"] = TYPES[number % 4]
        for task in workflow.get_tasks(state=TaskState.READY):
            task.data["complainant_type"] = TYPES[number % 4]
        workflow.do_engine_steps()
        workflow = serializer.deserialize_json(serializer.serialize_json(workflow))
        while not workflow.is_completed():
            [task] = [t for t in workflow.get_tasks(state=TaskState.READY) if t.task_spec.manual]
            task.set_data(note=f"done {task.task_spec.bpmn_id}")
            task.run()
            workflow.refresh_timers()
            workflow.do_engine_steps()
            workflow = serializer.deserialize_json(serializer.serialize_json(workflow))
    return count / (time.perf_counter() - started)


def through_engine(count: int, directory: Path) -> tuple[float, list[int]]:
    """Instances per second through the engine on SQLite, and the stored state sizes."""
    db = Database(f"sqlite:///{directory / 'bench.sqlite'}")
    db.create_schema()
    engine = Engine(db)
    engine.deploy_paths(FILES)
    started = time.perf_counter()
    for number in range(count):
        summary = engine.start_summary(KEY, {"complainant_type": TYPES[number % 4]})
        while summary["open_tasks"]:
            summary = engine.complete_task(
                summary["open_tasks"][0]["id"], {"note": "done"}, actor="bench"
            )
    elapsed = time.perf_counter() - started
    with db.read() as session:
        sizes = [len(state) for state in session.scalars(select(ProcessInstance.state))]
        statuses = set(session.scalars(select(ProcessInstance.status)))
    assert statuses == {"completed"}, statuses
    db.dispose()
    return count / elapsed, sizes


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--instances", type=int, default=200)
    args = parser.parse_args()
    clock.set(datetime(2025, 7, 11, 8, tzinfo=UTC), frozen=True)
    plain_spiff(10)  # warm up imports and caches
    a = statistics.median(plain_spiff(args.instances) for _ in range(3))
    with tempfile.TemporaryDirectory() as tmp:
        runs = [
            through_engine(args.instances, Path(tmp) / f"run{i}")
            for i in range(3)
            if (Path(tmp) / f"run{i}").mkdir() is None
        ]
    b = statistics.median(rate for rate, _ in runs)
    sizes = runs[-1][1]
    print(
        f"engine throughput, complaint-like process ({args.instances} instances, median of 3 runs)"
    )
    print(f"{'variant':58} {'instances/s':>12}")
    print(f"{'(a) plain SpiffWorkflow, in memory, JSON round trip per step':58} {a:12.1f}")
    print(f"{'(b) engine, SQLite file, commit per step':58} {b:12.1f}")
    print(f"{'ratio b/a (target >= 0.5)':58} {b / a:12.2f}")
    print(
        f"stored state of a finished instance: median {statistics.median(sizes)} B, "
        f"max {max(sizes)} B (zlib JSON; target < 8 KiB)"
    )
    clock.advance(timedelta(0))


if __name__ == "__main__":
    main()
