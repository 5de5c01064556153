"""HTTP benchmark: the task list and task completion under 50 concurrent clients.

gunicorn (gthread workers, as in docker-compose) serves the app on loopback, a scheduler
process runs beside it, and 50 client threads with keep-alive connections call

- `GET /api/v1/tasks?page_size=25` (an authority caseworker's task list, overdue first), and
- `POST /api/v1/tasks/{id}/complete` on complaint cases (the authority forwards them:
  one step that runs scripts and a DMN table and queues two mails),

each for a bounded time. Prints requests per second, p50/p99 latency and errors, and the
peak RSS (VmHWM) of each gunicorn worker and of the scheduler.

    .venv/bin/python bench/web_load.py [--seconds 15] [--clients 50] [--workers 2 --threads 8]
        [--cases 1500] [--with-postgres | --postgres URL] [--no-sqlite] [--json]
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import queue
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from engine.config import load_settings  # noqa: E402
from engine.db import Database  # noqa: E402
from tests.complaint.conftest import start_data  # noqa: E402
from web import migrate  # noqa: E402
from web.accounts import Accounts  # noqa: E402
from web.bootstrap import build_engine  # noqa: E402


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def prepare(url: str, cases: int) -> str:
    """Migrate, deploy the complaint bundle, start `cases` complaints; return a token."""
    db = Database(url)
    migrate.upgrade(db)
    engine = build_engine(load_settings(), db=db)
    engine.deploy_paths(sorted((ROOT / "bpmn/complaint").glob("*.*")), deployed_by="bench")
    accounts = Accounts(db)
    accounts.upsert_organisation(
        "soenderborg", kind="authority", name="Sønderborg Kommune",
        notification_email="plan@soenderborg.example",
    )  # fmt: skip
    accounts.upsert_organisation(
        "pkn", kind="board", name="Planklagenævnet",
        notification_email="pkn@naevneneshus.example", board_code="PKN",
    )  # fmt: skip
    accounts.create_user("sonja", "authority_caseworker", organisation_id="soenderborg")
    token = accounts.create_token("sonja")
    for number in range(cases):
        reference = f"KP-2025-{number + 1:06d}"
        engine.start("complaint", start_data(reference=reference), business_key=reference)
    with db.engine.begin() as connection:
        connection.exec_driver_sql("ANALYZE")
    db.dispose()
    return token


class Client(threading.Thread):
    """One client: a keep-alive connection that repeats its request until time is up."""

    def __init__(self, port, token, until, make_request, results):
        super().__init__(daemon=True)
        self.port, self.token, self.until = port, token, until
        self.make_request = make_request
        self.results = results

    def run(self):
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        headers = {"Authorization": f"Bearer {self.token}", "Content-Type": "application/json"}
        while time.monotonic() < self.until:
            request = self.make_request()
            if request is None:
                break
            method, path, body = request
            started = time.perf_counter()
            try:
                connection.request(method, path, body=body, headers=headers)
                response = connection.getresponse()
                response.read()
                status = response.status
            except (OSError, http.client.HTTPException):
                status = 0
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
            self.results.append((time.perf_counter() - started, status))
        connection.close()


def load(port, token, clients, seconds, make_request) -> dict:
    results: list[tuple[float, int]] = []
    until = time.monotonic() + seconds
    threads = [Client(port, token, until, make_request, results) for _ in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    latencies = sorted(latency * 1000 for latency, _ in results)
    errors = sum(1 for _, status in results if not 200 <= status < 300)
    return {
        "requests": len(results),
        "rps": len(results) / elapsed,
        "p50_ms": statistics.median(latencies) if latencies else 0.0,
        "p99_ms": latencies[int(len(latencies) * 0.99) - 1] if latencies else 0.0,
        "errors": errors,
    }


def peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def worker_pids(master: int) -> list[int]:
    children = Path(f"/proc/{master}/task/{master}/children")
    return [int(pid) for pid in children.read_text().split()] if children.exists() else []


def run(label: str, url: str, args) -> dict:
    token = prepare(url, args.cases)
    port = free_port()
    env = {
        **os.environ,
        "KLAGEFLOW_DATABASE_URL": url,
        "KLAGEFLOW_SMTP_PORT": "1",  # nothing listens: mail waits in the outbox
        "KLAGEFLOW_DATA_DIR": tempfile.mkdtemp(prefix="klageflow-http."),
        "KLAGEFLOW_SECRET_KEY": secrets.token_urlsafe(48),  # production refuses a weak key
    }
    gunicorn = subprocess.Popen(
        [str(Path(sys.executable).parent / "gunicorn"), "web.wsgi:app",
         "--bind", f"127.0.0.1:{port}", "--workers", str(args.workers),
         "--threads", str(args.threads), "--worker-class", "gthread",
         "--keep-alive", "30", "--log-level", "warning"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    scheduler = subprocess.Popen(
        [sys.executable, "-m", "web.cli", "scheduler"], cwd=ROOT, env=env,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
                connection.request("GET", "/api/v1/openapi.json")
                connection.getresponse().read()
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise SystemExit("gunicorn did not start") from None
                time.sleep(0.2)

        listing = load(
            port, token, args.clients, args.seconds,
            lambda: ("GET", "/api/v1/tasks?page_size=25", None),
        )  # fmt: skip

        # Every open task, handed out once each to whichever client asks next.
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        headers = {"Authorization": f"Bearer {token}"}
        task_ids: queue.Queue[str] = queue.Queue()
        page = 1
        while True:
            connection.request("GET", f"/api/v1/tasks?page_size=100&page={page}", headers=headers)
            items = json.loads(connection.getresponse().read())["items"]
            for item in items:
                task_ids.put(item.id)
            if len(items) < 100:
                break
            page += 1
        body = json.dumps(
            {
                "data": {
                    "authority_action": "forward",
                    "statement": "Kommunen fastholder afgørelsen.",
                }
            }
        )

        def next_completion():
            try:
                return ("POST", f"/api/v1/tasks/{task_ids.get_nowait()}/complete", body)
            except queue.Empty:
                return None

        completing = load(port, token, args.clients, args.seconds, next_completion)
        workers = worker_pids(gunicorn.pid)
        memory = {
            "web_worker_mb": max((peak_rss_mb(pid) for pid in workers), default=0.0),
            "scheduler_mb": peak_rss_mb(scheduler.pid),
        }
    finally:
        for process in (gunicorn, scheduler):
            process.send_signal(signal.SIGTERM)
        for process in (gunicorn, scheduler):
            process.wait(timeout=60)
    return {"label": label, "list": listing, "complete": completing, **memory}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=15.0)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes")
    parser.add_argument("--threads", type=int, default=8, help="threads per worker")
    parser.add_argument("--cases", type=int, default=1500, help="complaints with an open task")
    parser.add_argument("--postgres", help="also run on this (empty) PostgreSQL database")
    parser.add_argument("--with-postgres", action="store_true", help="start a private cluster")
    parser.add_argument("--no-sqlite", action="store_true")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()

    results = []
    with tempfile.TemporaryDirectory() as tmp:
        if not args.no_sqlite:
            results.append(run("SQLite", f"sqlite:///{tmp}/http.sqlite", args))
        url, pgdir = args.postgres, None
        if url is None and args.with_postgres:
            pgdir = Path(tempfile.mkdtemp(prefix="klageflow-pg."))
            url = subprocess.check_output(
                [ROOT / "scripts/postgres.sh", "start", pgdir, "54333"], text=True
            ).strip()
        try:
            if url:
                results.append(run("PostgreSQL", url, args))
        finally:
            if pgdir is not None:
                subprocess.run([ROOT / "scripts/postgres.sh", "stop", pgdir], check=False)
                shutil.rmtree(pgdir, ignore_errors=True)
    if args.json:
        print(json.dumps(results, indent=2))
        return
    print(
        f"HTTP: {args.clients} clients, {args.seconds:g} s per phase, gunicorn "
        f"{args.workers} workers x {args.threads} threads, scheduler beside it"
    )
    print(f"{'database':12} {'request':10} {'req/s':>7} {'p50 ms':>8} {'p99 ms':>8} {'errors':>6}")
    for r in results:
        for name in ("list", "complete"):
            m = r[name]
            print(
                f"{r['label']:12} {name:10} {m['rps']:7.0f} {m['p50_ms']:8.1f} "
                f"{m['p99_ms']:8.1f} {m['errors']:6d}"
            )
    for r in results:
        print(
            f"peak RSS on {r['label']}: web worker {r['web_worker_mb']:.0f} MB, "
            f"scheduler {r['scheduler_mb']:.0f} MB"
        )


if __name__ == "__main__":
    main()
