"""Task-list latency with 1,000,000 instances and 100,000 open tasks, SQLite and PostgreSQL.

Measures "open tasks for my group, overdue first, page 1" through the engine (the same
call the API makes) and prints p50/p95 and the query plan. The rows are bulk-inserted
(instances carry an empty state: the task list never reads it).

    .venv/bin/python bench/tasklist.py [--instances N] [--open-tasks N] [--postgres URL]
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import insert, text  # noqa: E402

from engine import Engine, TaskFilter, clock  # noqa: E402
from engine.db import Database  # noqa: E402
from engine.models import ProcessDefinition, ProcessInstance, WorkItem  # noqa: E402
from engine.worklist import list_work_items, sort_key  # noqa: E402
from web import migrate  # noqa: E402

GROUPS = [f"authority:{n:03d}" for n in range(98)] + ["board:pkn", "board:mfkn"]
BATCH = 20_000


def populate(db: Database, instances: int, open_tasks: int, closed_tasks: int) -> None:
    """Bulk-insert instances and work items (open ones spread over 100 groups)."""
    now = clock.now()
    rng = random.Random(7)
    with db.write() as session:
        definition = ProcessDefinition(
            key="complaint",
            version=1,
            name="complaint",
            content_hash="x" * 64,
            files={},
            deployed_by="bench",
            deployed_at=now,
        )
        session.add(definition)
        session.flush()
        definition_id = definition.id
    ids = [str(uuid.UUID(int=rng.getrandbits(128))) for _ in range(instances)]
    with db.engine.begin() as connection:
        for start in range(0, instances, BATCH):
            connection.execute(
                insert(ProcessInstance),
                [
                    {
                        "id": ids[i],
                        "definition_id": definition_id,
                        "process_key": "complaint",
                        "business_key": f"KP-2025-{i:06d}",
                        "status": "running",
                        "state": b"",
                        "data": {},
                        "created_at": now,
                        "updated_at": now,
                        "version": 1,
                    }
                    for i in range(start, min(start + BATCH, instances))
                ],
            )
    rows = open_tasks + closed_tasks
    with db.engine.begin() as connection:
        for start in range(0, rows, BATCH):
            batch = []
            for i in range(start, min(start + BATCH, rows)):
                due = now + timedelta(days=rng.uniform(-30, 60)) if rng.random() < 0.9 else None
                created = now - timedelta(days=rng.uniform(0, 90))
                batch.append(
                    {
                        "id": str(uuid.UUID(int=rng.getrandbits(128))),
                        "instance_id": ids[i % instances],
                        "process_key": "complaint",
                        "business_key": f"KP-2025-{i % instances:06d}",
                        "element_id": "forward",
                        "name": "Videresend klagen",
                        "lane": "førsteinstans",
                        "candidate_group": GROUPS[i % len(GROUPS)],
                        "due_at": due,
                        "sort_key": sort_key(due, created),
                        "state": "open" if i < open_tasks else "completed",
                        "created_at": created,
                    }
                )
            connection.execute(insert(WorkItem), batch)
    with db.engine.begin() as connection:
        connection.execute(text("ANALYZE"))


def measure(engine: Engine, runs: int) -> tuple[float, float]:
    """p50 and p95 in milliseconds of page 1 of a group's open tasks, overdue first."""
    timings = []
    for n in range(runs):
        group = GROUPS[n % len(GROUPS)]
        started = time.perf_counter()
        page = engine.tasks(TaskFilter(groups=(group,)), limit=25)
        timings.append((time.perf_counter() - started) * 1000)
        assert len(page) == 25
    timings.sort()
    return statistics.median(timings), timings[int(len(timings) * 0.95) - 1]


def plan(db: Database) -> str:
    """The database's plan for the task-list query."""
    with db.read() as session:
        query = list_work_items.__wrapped__ if hasattr(list_work_items, "__wrapped__") else None
        from sqlalchemy import select

        statement = (
            select(WorkItem)
            .where(WorkItem.state == "open", WorkItem.candidate_group.in_(["board:pkn"]))
            .order_by(WorkItem.sort_key, WorkItem.id)
            .limit(25)
        )
        compiled = statement.compile(db.engine, compile_kwargs={"literal_binds": True})
        prefix = "EXPLAIN QUERY PLAN " if db.is_sqlite else "EXPLAIN "
        rows = session.execute(text(prefix + str(compiled))).all()
        assert query is None or query
        return "\n".join("    " + " ".join(str(c) for c in row) for row in rows)


def run(label: str, url: str, args) -> dict:
    db = Database(url)
    migrate.upgrade(db)
    started = time.perf_counter()
    populate(db, args.instances, args.open_tasks, args.closed_tasks)
    loaded = time.perf_counter() - started
    engine = Engine(db)
    measure(engine, 50)  # warm caches
    p50, p95 = measure(engine, args.runs)
    result = {"label": label, "p50": p50, "p95": p95, "load_s": loaded, "plan": plan(db)}
    db.dispose()
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--instances", type=int, default=1_000_000)
    parser.add_argument("--open-tasks", type=int, default=100_000)
    parser.add_argument("--closed-tasks", type=int, default=400_000)
    parser.add_argument("--runs", type=int, default=1000)
    parser.add_argument("--postgres", help="a PostgreSQL URL (default: start a private cluster)")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args()
    clock.set(datetime(2026, 3, 1, 9, tzinfo=UTC), frozen=True)
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        results.append(run("SQLite", f"sqlite:///{tmp}/tasks.sqlite", args))
        pgdir = Path(tempfile.mkdtemp(prefix="klageflow-pg."))  # its own, so postgres may enter
        url = args.postgres
        if url is None:
            url = subprocess.check_output(
                [ROOT / "scripts/postgres.sh", "start", pgdir, "54331"], text=True
            ).strip()
        try:
            results.append(run("PostgreSQL", url, args))
        finally:
            if args.postgres is None:
                subprocess.run([ROOT / "scripts/postgres.sh", "stop", pgdir], check=False)
                shutil.rmtree(pgdir, ignore_errors=True)
    if args.json:
        print(json.dumps(results, indent=2))
        return
    print(
        f"task list: page 1 of a group's open tasks, overdue first; {args.instances:,} instances, "
        f"{args.open_tasks:,} open and {args.closed_tasks:,} closed work items, 100 groups, "
        f"{args.runs} queries"
    )
    print(f"{'database':12} {'p50 ms':>8} {'p95 ms':>8} {'load s':>8}")
    for r in results:
        print(f"{r['label']:12} {r['p50']:8.2f} {r['p95']:8.2f} {r['load_s']:8.1f}")
    for r in results:
        print(f"plan on {r['label']}:\n{r['plan']}")


if __name__ == "__main__":
    main()
