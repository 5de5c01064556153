"""Timer benchmark: 100,000 armed timers, 10,000 of them due, fired by real scheduler processes.

Three figures, on SQLite (and PostgreSQL with --postgres or --with-postgres):

- empty poll: the cost of one scheduler round with 100,000 timers pending and none due
  (the claim query and the wake-up query), with the query plan showing the index;
- backlog: 10,000 timers that fell due while no scheduler ran; the time from starting
  the scheduler process(es) until all have fired (each exactly once);
- steady rate: further timers falling due at a steady rate while the scheduler runs;
  p50/p99 lateness after the due time, as the engine records it when firing.

The instances are real: one is started through the engine and its serialized state is
copied with each clone's own due instant, so every clone is an instance the engine loads
and fires like any other. Time is the shared test clock (KLAGEFLOW_TEST_CLOCK), moved
once to make the backlog due; it runs at real speed otherwise.

    .venv/bin/python bench/timers.py [--instances 100000] [--due 10000] [--schedulers 1]
        [--steady 2000 --rate 100] [--with-postgres | --postgres URL]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
import zlib
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import func, insert, select, text  # noqa: E402

from engine import Engine, clock, testclock  # noqa: E402
from engine.db import Database  # noqa: E402
from engine.models import AuditEvent, ProcessInstance  # noqa: E402
from engine.scheduler import Scheduler  # noqa: E402
from web import migrate  # noqa: E402

BATCH = 5_000
TEMPLATE_DUE = "2099-01-01T00:00:00+00:00"


def clone_rows(template: ProcessInstance, dues: list[datetime]) -> list[dict]:
    """Rows for instances like `template`, each with its own timer instant in state and data."""
    text_state = zlib.decompress(template.state).decode()
    assert TEMPLATE_DUE in text_state
    rows = []
    for due in dues:
        instant = due.isoformat()
        rows.append(
            {
                "id": str(uuid.uuid4()),
                "definition_id": template.definition_id,
                "process_key": template.process_key,
                "business_key": None,
                "status": "running",
                "state": zlib.compress(text_state.replace(TEMPLATE_DUE, instant).encode(), 1),
                "data": {**template.data, "deadline_at": instant},
                "next_timer_due_at": due,
                "created_at": template.created_at,
                "updated_at": template.updated_at,
                "version": 1,
            }
        )
    return rows


def insert_clones(db: Database, template: ProcessInstance, dues: list[datetime]) -> None:
    with db.engine.begin() as connection:
        for start in range(0, len(dues), BATCH):
            connection.execute(
                insert(ProcessInstance), clone_rows(template, dues[start : start + BATCH])
            )


def template_instance(engine: Engine) -> ProcessInstance:
    engine.deploy_paths([ROOT / "tests/engine/bpmn/deadline.bpmn"], deployed_by="bench")
    instance_id = engine.start("deadline", {"deadline_at": TEMPLATE_DUE})
    with engine.db.read() as session:
        row = session.get(ProcessInstance, instance_id)
        session.expunge(row)
    return row  # it stays, one more pending timer (in 2099)


def fired_count(db: Database) -> int:
    with db.read() as session:
        return session.scalar(
            select(func.count()).select_from(AuditEvent).where(AuditEvent.kind == "timer_fired")
        )


def fired_twice(db: Database) -> int:
    with db.read() as session:
        per_instance = (
            select(AuditEvent.instance_id)
            .where(AuditEvent.kind == "timer_fired")
            .group_by(AuditEvent.instance_id)
            .having(func.count() > 1)
        ).subquery()
        return session.scalar(select(func.count()).select_from(per_instance))


def lateness_since(db: Database, after_id: int) -> list[float]:
    with db.read() as session:
        details = session.scalars(
            select(AuditEvent.details).where(
                AuditEvent.kind == "timer_fired", AuditEvent.id > after_id
            )
        ).all()
    return sorted(d["late_by_seconds"] for d in details)


def last_event_id(db: Database) -> int:
    with db.read() as session:
        return session.scalar(select(func.max(AuditEvent.id))) or 0


def empty_poll(engine: Engine, runs: int = 300) -> tuple[float, float, str]:
    """p50 and p99 in ms of one empty scheduler round (claim + next due), and the plan."""
    scheduler = Scheduler(engine)
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        assert engine.claim_due_timer() is None
        scheduler.next_due()
        timings.append((time.perf_counter() - started) * 1000)
    timings.sort()
    db = engine.db
    statement = (
        select(ProcessInstance.id)
        .where(
            ProcessInstance.next_timer_due_at < clock.now(),
            ProcessInstance.status == "running",
        )
        .order_by(ProcessInstance.next_timer_due_at)
        .limit(1)
    )
    query = str(statement.compile(db.engine, compile_kwargs={"literal_binds": True}))
    prefix = "EXPLAIN QUERY PLAN " if db.is_sqlite else "EXPLAIN "
    with db.read() as session:
        rows = session.execute(text(prefix + query)).all()
    plan = "\n".join("    " + " ".join(str(c) for c in row) for row in rows)
    return statistics.median(timings), timings[int(len(timings) * 0.99) - 1], plan


def start_schedulers(url: str, count: int, logs: Path) -> list[subprocess.Popen]:
    env = {
        **os.environ,
        "KLAGEFLOW_DATABASE_URL": url,
        "KLAGEFLOW_TEST_CLOCK": "1",
        "KLAGEFLOW_SMTP_PORT": "1",
    }
    return [
        subprocess.Popen(
            [sys.executable, "-m", "web.cli", "scheduler"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=open(logs / f"scheduler-{n}.log", "w"),
        )
        for n in range(count)
    ]


def stop(processes: list[subprocess.Popen]) -> None:
    for process in processes:
        process.terminate()
    for process in processes:
        process.wait(timeout=60)


def wait_until(condition, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise SystemExit("timed out waiting for the scheduler")
        time.sleep(0.05)


def run(label: str, url: str, args, logs: Path) -> dict:
    rng = random.Random(11)
    db = Database(url)
    migrate.upgrade(db)
    engine = Engine(db)
    clock.reset()
    testclock.set_shared(db, datetime.now(UTC))
    base = clock.now()
    template = template_instance(engine)

    started = time.perf_counter()
    pending = [
        base + timedelta(days=rng.uniform(1, 60)) for _ in range(args.instances - args.due - 1)
    ]
    backlog = [base + timedelta(hours=1, seconds=rng.uniform(0, 3600)) for _ in range(args.due)]
    insert_clones(db, template, pending + backlog)
    with db.engine.begin() as connection:
        connection.execute(text("ANALYZE"))
    loaded = time.perf_counter() - started

    poll_p50, poll_p99, plan = empty_poll(engine)

    # The backlog: two hours pass with no scheduler running; then the schedulers start.
    testclock.set_shared(db, clock.now() + timedelta(hours=2))
    started = time.perf_counter()
    schedulers = start_schedulers(url, args.schedulers, logs)
    try:
        wait_until(lambda: fired_count(db) >= args.due, timeout=600)
        backlog_seconds = time.perf_counter() - started

        # Steady rate: timers fall due one after another while the schedulers run.
        mark = last_event_id(db)
        testclock.sync(db)
        first = clock.now() + timedelta(seconds=5)
        steady = [first + timedelta(seconds=n / args.rate) for n in range(args.steady)]
        insert_clones(db, template, steady)
        wait_until(lambda: fired_count(db) >= args.due + args.steady, timeout=600)
        late = lateness_since(db, mark)
    finally:
        stop(schedulers)
    twice = fired_twice(db)
    db.dispose()
    return {
        "label": label,
        "load_s": loaded,
        "poll_p50": poll_p50,
        "poll_p99": poll_p99,
        "plan": plan,
        "backlog_s": backlog_seconds,
        "late_p50": statistics.median(late),
        "late_p99": late[int(len(late) * 0.99) - 1],
        "late_max": late[-1],
        "twice": twice,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--instances", type=int, default=100_000)
    parser.add_argument("--due", type=int, default=10_000)
    parser.add_argument("--schedulers", type=int, default=1, help="scheduler processes")
    parser.add_argument("--steady", type=int, default=2_000, help="timers at a steady rate")
    parser.add_argument("--rate", type=float, default=50.0, help="timers falling due per second")
    parser.add_argument("--postgres", help="also run on this PostgreSQL URL (an empty database)")
    parser.add_argument(
        "--with-postgres", action="store_true", help="also run on a private PostgreSQL cluster"
    )
    parser.add_argument("--no-sqlite", action="store_true")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args()

    results = []
    with tempfile.TemporaryDirectory() as tmp:
        logs = Path(tmp)
        if not args.no_sqlite:
            results.append(run("SQLite", f"sqlite:///{tmp}/timers.sqlite", args, logs))
        url, pgdir = args.postgres, None
        if url is None and args.with_postgres:
            pgdir = Path(tempfile.mkdtemp(prefix="klageflow-pg."))
            url = subprocess.check_output(
                [ROOT / "scripts/postgres.sh", "start", pgdir, "54332"], text=True
            ).strip()
        try:
            if url:
                results.append(run("PostgreSQL", url, args, logs))
        finally:
            if pgdir is not None:
                subprocess.run([ROOT / "scripts/postgres.sh", "stop", pgdir], check=False)
                shutil.rmtree(pgdir, ignore_errors=True)

    if args.json:
        print(json.dumps(results, indent=2))
        return
    print(
        f"timers: {args.instances:,} armed, {args.due:,} due at once (backlog), then "
        f"{args.steady:,} falling due at {args.rate:g}/s; {args.schedulers} scheduler process(es)"
    )
    header = (
        f"{'database':12} {'poll p50 ms':>11} {'poll p99 ms':>11} {'backlog s':>9} "
        f"{'fired/s':>8} {'late p50 s':>10} {'late p99 s':>10} {'late max s':>10} {'twice':>5}"
    )
    print(header)
    for r in results:
        print(
            f"{r['label']:12} {r['poll_p50']:11.2f} {r['poll_p99']:11.2f} {r['backlog_s']:9.1f} "
            f"{args.due / r['backlog_s']:8.0f} {r['late_p50']:10.3f} {r['late_p99']:10.3f} "
            f"{r['late_max']:10.3f} {r['twice']:5d}"
        )
    for r in results:
        print(f"empty-poll plan on {r['label']} (load {r['load_s']:.1f} s):\n{r['plan']}")


if __name__ == "__main__":
    main()
