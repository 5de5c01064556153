"""Helpers for tests that run real Klageflow processes."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from engine.scheduler import STOP_GRACE_SECONDS

ROOT = Path(__file__).resolve().parent.parent

# Mail goes nowhere: nothing listens on port 1, and a literal address needs no name lookup
# (a resolver that does not answer would hold each delivery attempt for its full timeout).
NO_SMTP = {"KLAGEFLOW_SMTP_HOST": "127.0.0.1", "KLAGEFLOW_SMTP_PORT": "1"}


def stop(processes: list[subprocess.Popen], logs: list[Path] = ()) -> None:
    """SIGTERM each process and wait for it longer than the scheduler's own stop grace.

    A process still running after that is killed, and the test fails with its log's tail.
    """
    for process in processes:
        if process.poll() is None:
            process.terminate()
    hung = []
    for process in processes:
        try:
            process.wait(timeout=STOP_GRACE_SECONDS + 15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
            hung.append(process.args)
    if hung:
        tails = "\n".join(path.read_text()[-3000:] for path in logs if path.exists())
        raise AssertionError(f"did not stop after SIGTERM: {hung}\n{tails}")


def scheduler_process(database_url: str, log: Path, **settings: str) -> subprocess.Popen:
    """A real `klageflow scheduler` on `database_url`, polling every 0.2 s, mail going nowhere.

    `settings` become KLAGEFLOW_* variables (`step_seconds="2"`); the log is appended to
    `log` (a pipe nobody reads would fill up and block the process).
    """
    env = {
        **os.environ,
        "KLAGEFLOW_DATABASE_URL": database_url,
        "KLAGEFLOW_SCHEDULER_POLL_SECONDS": "0.2",
        **NO_SMTP,
        **{f"KLAGEFLOW_{name.upper()}": value for name, value in settings.items()},
    }
    with log.open("a") as stream:
        return subprocess.Popen(
            [sys.executable, "-m", "web.cli", "scheduler"],
            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=stream,
        )  # fmt: skip


def wait_for(condition, timeout: float = 90.0, what: str = "") -> float:
    """Wait until `condition()` holds; return the seconds it took."""
    started = time.monotonic()
    while not condition():
        if time.monotonic() - started > timeout:
            raise AssertionError(f"timed out waiting for {what or condition}")
        time.sleep(0.1)
    return time.monotonic() - started


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def http(base: str, method: str, path: str, body=None, token: str | None = None):
    """(status, JSON body) of one request to a real server."""
    request = urllib.request.Request(
        base + path,
        method=method,
        data=None if body is None else json.dumps(body).encode(),
        headers={"Content-Type": "application/json"}
        | ({"Authorization": f"Bearer {token}"} if token else {}),
    )
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            status, payload = response.status, response.read()
    except urllib.error.HTTPError as error:
        status, payload = error.code, error.read()
    return status, json.loads(payload or b"null")


def serve_process(database_url: str, data_dir: Path) -> tuple[subprocess.Popen, str, Path]:
    """A real `klageflow serve` on `database_url`, answering; (process, base URL, log)."""
    port = free_port()
    env = {
        **os.environ,
        "KLAGEFLOW_DATABASE_URL": database_url,
        "KLAGEFLOW_INSECURE_COOKIES": "1",
        "KLAGEFLOW_DATA_DIR": str(data_dir),
        **NO_SMTP,
    }
    log = data_dir / "server.log"
    with log.open("a") as stream:
        process = subprocess.Popen(
            [sys.executable, "-m", "web.cli", "serve", "--port", str(port)],
            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=stream,
        )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            http(base, "GET", "/api/v1/openapi.json")
            return process, base, log
        except OSError:
            if time.monotonic() > deadline or process.poll() is not None:
                process.kill()
                raise AssertionError(log.read_text()[-3000:]) from None
            time.sleep(0.1)
