"""All benchmarks in one run, SQLite and PostgreSQL side by side, as one table.

Starts a private PostgreSQL cluster (the Debian package the test command installs), runs
bench/engine_throughput.py, bench/tasklist.py, bench/timers.py (two scheduler processes on
PostgreSQL) and bench/web_load.py with --json, and prints the figures with their targets,
followed by the query plans that show the indexes in use.

    .venv/bin/python bench/run.py [--quick]

--quick shrinks every data set (10x fewer rows) for a fast look; the README's figures
come from the full run.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PORT = "54339"


def bench(script: str, *args: str) -> object:
    output = subprocess.run(
        [sys.executable, str(ROOT / "bench" / script), *args, "--json"],
        cwd=ROOT, check=True, capture_output=True, text=True,
    ).stdout  # fmt: skip
    return json.loads(output)


def fresh_database(url: str, name: str) -> str:
    """A new empty database on the private cluster (each benchmark gets its own)."""
    admin = url.rsplit("/", 1)[0] + "/postgres"
    import sqlalchemy

    engine = sqlalchemy.create_engine(admin, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}"')
        connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
    engine.dispose()
    return url.rsplit("/", 1)[0] + "/" + name


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    scale = 10 if args.quick else 1
    pgdir = Path(tempfile.mkdtemp(prefix="klageflow-pg."))
    url = subprocess.check_output(
        [ROOT / "scripts/postgres.sh", "start", pgdir, PORT], text=True,
        env={**os.environ, "PG_FSYNC": "on"},  # durable, as in production
    ).strip()  # fmt: skip
    try:
        engine = bench(
            "engine_throughput.py", "--cases", str(100 // scale),
            "--postgres", fresh_database(url, "bench_engine"),
        )  # fmt: skip
        tasks = bench(
            "tasklist.py", "--instances", str(1_000_000 // scale),
            "--open-tasks", str(100_000 // scale), "--closed-tasks", str(400_000 // scale),
            "--postgres", fresh_database(url, "bench_tasks"),
        )  # fmt: skip
        timers = bench("timers.py", "--instances", str(100_000 // scale), "--due",
                       str(10_000 // scale))  # fmt: skip
        timers += bench(
            "timers.py", "--instances", str(100_000 // scale), "--due", str(10_000 // scale),
            "--no-sqlite", "--schedulers", "2", "--postgres", fresh_database(url, "bench_timers"),
        )  # fmt: skip
        http = bench("web_load.py", "--postgres", fresh_database(url, "bench_http"))
    finally:
        subprocess.run([ROOT / "scripts/postgres.sh", "stop", pgdir], check=False)
        shutil.rmtree(pgdir, ignore_errors=True)

    by = {"SQLite": {}, "PostgreSQL": {}}
    for row in engine["engine"]:
        by[row["label"]]["engine"] = f"{row['rate']:.1f} cases/s (ratio {row['ratio']:.2f})"
        by[row["label"]]["state"] = f"{row['state_median']:.0f} B"
    for row in tasks:
        by[row["label"]]["tasks"] = f"{row['p50']:.2f} / {row['p95']:.2f} ms"
    for row in timers:
        label = row["label"]
        by[label]["poll"] = f"{row['poll_p50']:.2f} / {row['poll_p99']:.2f} ms"
        fired = f"{row['backlog_s']:.1f} s"
        by[label]["backlog"] = (by[label].get("backlog", "") + " " + fired).strip()
        by[label]["late"] = f"{row['late_p50'] * 1000:.0f} / {row['late_p99'] * 1000:.0f} ms"
        by[label]["twice"] = str(row["twice"])
    for row in http:
        label = row["label"]
        for name in ("list", "complete"):
            m = row[name]
            by[label][f"http_{name}"] = (
                f"{m['rps']:.0f} req/s, p99 {m['p99_ms']:.0f} ms, {m['errors']} errors"
            )
        by[label]["memory"] = (
            f"web {row['web_worker_mb']:.0f} MB, scheduler {row['scheduler_mb']:.0f} MB"
        )

    rows = [
        ("engine: complaint cases end to end", "engine", "ratio >= 0.5"),
        ("stored state per finished case (median)", "state", "< 8 KiB"),
        ("task list p50 / p95", "tasks", "p95 < 20 ms"),
        ("timers: empty poll p50 / p99", "poll", "< 5 ms"),
        ("timers: 10,000 due fired in (PostgreSQL: 2 schedulers)", "backlog", "< 60 s"),
        ("timers: lateness p50 / p99 at a steady rate", "late", "p99 < 1 s"),
        ("timers fired twice", "twice", "0"),
        ("HTTP task list, 50 clients", "http_list", "no errors"),
        ("HTTP complete task, 50 clients", "http_complete", "no errors"),
        ("peak RSS under load", "memory", ""),
    ]
    print(f"{'measure':56} {'SQLite':34} {'PostgreSQL':34} target")
    for title, key, target in rows:
        print(
            f"{title:56} {by['SQLite'].get(key, '-'):34} {by['PostgreSQL'].get(key, '-'):34} "
            f"{target}"
        )
    print("\nquery plans")
    for row in tasks:
        print(f"task list on {row['label']}:\n{row['plan']}")
    for row in timers:
        print(f"empty timer poll on {row['label']}:\n{row['plan']}")


if __name__ == "__main__":
    main()
