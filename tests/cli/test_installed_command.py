"""The installed `klageflow` script run as a real process: the README's session, errors,
help, and the long-running commands (run, serve, scheduler) reporting how they started."""

from __future__ import annotations

import json
import os
import queue
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import ROOT
from tests.processes import NO_SMTP

KLAGEFLOW = Path(sys.executable).with_name("klageflow")
pytestmark = pytest.mark.slow


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    return {
        **os.environ,
        "KLAGEFLOW_DATABASE_URL": f"sqlite:///{tmp_path / 'cli.sqlite'}",
        "KLAGEFLOW_DATA_DIR": str(tmp_path),
        **NO_SMTP,  # mail waits in the outbox
        "KLAGEFLOW_SCHEDULER_POLL_SECONDS": "0.2",
    }


@pytest.fixture
def klageflow(env):
    assert KLAGEFLOW.exists(), "the klageflow script is installed by `make setup`"

    def run(*args: str, status: int = 0) -> subprocess.CompletedProcess:
        result = subprocess.run(
            [str(KLAGEFLOW), *map(str, args)], capture_output=True, text=True, env=env, cwd=ROOT
        )
        assert result.returncode == status, result.stderr
        return result

    return run


def test_the_readme_session_runs_with_text_and_json_output(klageflow):
    assert klageflow("migrate").stdout.endswith("(was empty)\n")
    assert klageflow("deploy", "bpmn/examples/").stdout == "approval version 1 deployed\n"
    [definition] = json.loads(klageflow("definitions", "--json").stdout)
    assert (definition["key"], definition["version"]) == ("approval", 1)
    started = json.loads(
        klageflow("start", "approval", "--data", '{"applicant_type": "company"}',
                  "--business-key", "KP-2025-000001", "--json").stdout
    )  # fmt: skip
    assert started["status"] == "running"
    table = klageflow("tasks", "--group", "caseworkers").stdout
    assert "KP-2025-000001" in table and "Review the application" in table
    [task] = json.loads(klageflow("--json", "tasks").stdout)
    klageflow("claim", task["id"], "--actor", "anna")

    completed = klageflow(
        "complete", task["id"], "--data", '{"approved": true, "reason": "In order"}',
        "--actor", "anna",
    )  # fmt: skip
    assert completed.stderr == ""
    assert "status     running" in completed.stdout and "Final approval (board)" in completed.stdout
    shown = klageflow("show", started["id"]).stdout
    assert "active     final_approval" in shown and "task_completed review by anna" in shown

    missing = klageflow("complete", "no-such-task", status=1)
    assert (missing.stdout, missing.stderr) == ("", "error: task no-such-task does not exist\n")
    misuse = klageflow("claim", task["id"], status=2)
    assert misuse.stderr == "error: Missing option '--actor'. (see `klageflow claim --help`)\n"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Running:
    """A long-running klageflow process whose standard output is read line by line."""

    def __init__(self, args: list[str], env: dict[str, str], log: Path):
        self._log = log
        self.process = subprocess.Popen(
            [str(KLAGEFLOW), *args], cwd=ROOT, env=env, text=True,
            stdout=subprocess.PIPE, stderr=log.open("w"),
        )  # fmt: skip
        self._lines: queue.Queue[str] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        for line in self.process.stdout:
            self._lines.put(line.rstrip("\n"))

    def lines_until(self, last: str, timeout: float = 120) -> list[str]:
        """Output lines up to and including the first that starts with `last`."""
        lines: list[str] = []
        deadline = time.monotonic() + timeout
        while not lines or not lines[-1].startswith(last):
            try:
                lines.append(self._lines.get(timeout=max(0.1, deadline - time.monotonic())))
            except queue.Empty:
                raise AssertionError(f"{lines}\n{self._log.read_text()[-3000:]}") from None
        return lines

    def wait_for_log(self, text: str, timeout: float = 120) -> None:
        """Wait until the process has logged `text` (the scheduler handles signals from then on)."""
        deadline = time.monotonic() + timeout
        while text not in self._log.read_text():
            assert time.monotonic() < deadline, self._log.read_text()[-3000:]
            time.sleep(0.1)

    def stop(self) -> int:
        self.process.send_signal(signal.SIGTERM)
        return self.process.wait(timeout=60)


def get(url: str) -> int:
    deadline = time.monotonic() + 30
    while True:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                return response.status
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def test_run_migrates_deploys_seeds_and_serves_and_says_so(env, tmp_path):
    port = free_port()
    system = Running(["run", "--port", str(port)], env, tmp_path / "run.log")
    try:
        lines = system.lines_until("scheduler: ")
        assert lines[-3] == f"database: {env['KLAGEFLOW_DATABASE_URL']}"
        assert "approval v1 deployed" in lines and "complaint v1 deployed" in lines
        assert "started 3 demo instances of 'approval'" in lines
        assert "demo users (password 'klageflow-demo'): klager, " in "\n".join(lines)
        assert sum(line.startswith("demo decision: ") for line in lines) == 3
        web = f"http://127.0.0.1:{port}/"
        assert lines[-2] == f"web: {web}  (API docs: {web}api/v1/docs)"
        assert get(web + "login") == 200
    finally:
        system.stop()

    # Again as JSON, on the same database: everything is there already.
    again = Running(["run", "--no-web", "--json"], env, tmp_path / "again.log")
    try:
        report = json.loads(again.lines_until("{")[-1])
        again.wait_for_log("scheduler started")
    finally:
        assert again.stop() == 0
    assert report["database"] == env["KLAGEFLOW_DATABASE_URL"]
    assert {(row["key"], row["created"]) for row in report["deployed"]} >= {
        ("approval", False),
        ("complaint", False),
    }
    assert (report["demo_instances"], report["demo_users"]) == ([], [])
    assert report["demo_decisions"] == []  # the decisions seeded today are still open
    assert report["scheduler"] is True and "web" not in report


def test_serve_and_scheduler_report_where_they_run_in_text_and_json(klageflow, env, tmp_path):
    klageflow("migrate")
    port = free_port()
    server = Running(["serve", "--port", str(port)], env, tmp_path / "serve.log")
    try:
        web = f"http://127.0.0.1:{port}/"
        assert server.lines_until("web: ") == [
            f"database: {env['KLAGEFLOW_DATABASE_URL']}",
            f"web: {web}  (API docs: {web}api/v1/docs)",
        ]
        assert get(web + "api/v1/openapi.json") == 200
    finally:
        server.stop()
    port = free_port()
    server = Running(["serve", "--port", str(port), "--json"], env, tmp_path / "serve-json.log")
    try:
        report = json.loads(server.lines_until("{")[0])
        assert report["web"] == f"http://127.0.0.1:{port}/"
        assert get(report["web"] + "login") == 200
    finally:
        server.stop()

    scheduler = Running(["scheduler"], env, tmp_path / "scheduler.log")
    try:
        assert scheduler.lines_until("scheduler: ")[-1].startswith("scheduler: firing due timers")
        scheduler.wait_for_log("scheduler started")
    finally:
        assert scheduler.stop() == 0
    scheduler = Running(["--json", "scheduler"], env, tmp_path / "scheduler-json.log")
    try:
        report = json.loads(scheduler.lines_until("{")[0])
        scheduler.wait_for_log("scheduler started")
    finally:
        assert scheduler.stop() == 0
    assert report == {"database": env["KLAGEFLOW_DATABASE_URL"], "scheduler": True}
