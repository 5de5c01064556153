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
from collections.abc import Mapping, Sequence
from pathlib import Path

from engine.config import PROJECT_ROOT
from engine.scheduler import STOP_GRACE_SECONDS

# Mail goes nowhere: nothing listens on port 1, and a literal address needs no name lookup
# (a resolver that does not answer would hold each delivery attempt for its full timeout).
NO_SMTP = {"KLAGEFLOW_SMTP_HOST": "127.0.0.1", "KLAGEFLOW_SMTP_PORT": "1"}
# The `klageflow` command of this checkout: `[*KLAGEFLOW, "run", "--port", "8000"]`.
KLAGEFLOW = [sys.executable, "-m", "web.cli"]
# How long a process may take to answer its first request; a busy machine starts slowly.
START_SECONDS = 180


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def tails(logs: Sequence[Path]) -> str:
    return "\n".join(path.read_text()[-3000:] for path in logs if path.exists())


def start(
    commands: Sequence[Sequence[str]],
    env: Mapping[str, str],
    logs: Sequence[Path],
    ready: str,
    timeout: float = START_SECONDS,
) -> list[subprocess.Popen]:
    """Start each command in the project root with its output (stdout and stderr) in its
    own log, and return once `ready` (a URL) answers over HTTP.

    One log may serve several commands (they append). If a process exits or `ready` does not
    answer within `timeout` seconds, the processes are stopped and the test fails with the
    logs' tails.
    """
    assert len(logs) in (1, len(commands)), "one log, or one per command"
    processes: list[subprocess.Popen] = []
    for index, command in enumerate(commands):
        log = logs[index if len(logs) > 1 else 0]
        with log.open("a") as output:
            process = subprocess.Popen(
                list(command), cwd=PROJECT_ROOT, env=dict(env),
                stdout=output, stderr=subprocess.STDOUT,
            )  # fmt: skip
        processes.append(process)
    try:
        wait_for_http(ready, processes, logs, timeout)
    except BaseException:
        stop(processes, logs)
        raise
    return processes


def wait_for_http(
    url: str,
    processes: Sequence[subprocess.Popen] = (),
    logs: Sequence[Path] = (),
    timeout: float = START_SECONDS,
) -> None:
    """Wait until `url` answers (any HTTP status); fail at once if one of `processes` exits."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            urllib.request.urlopen(url, timeout=5).close()
            return
        except urllib.error.HTTPError:
            return  # it answered
        except OSError:
            exited = [p.args for p in processes if p.poll() is not None]
            assert not exited, f"exited before answering {url}: {exited}\n{tails(logs)}"
            assert time.monotonic() < deadline, f"{url} did not answer\n{tails(logs)}"
            time.sleep(0.05)


def stop(processes: Sequence[subprocess.Popen], logs: Sequence[Path] = ()) -> None:
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
        raise AssertionError(f"did not stop after SIGTERM: {hung}\n{tails(logs)}")


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
            cwd=PROJECT_ROOT, env=env, stdout=subprocess.DEVNULL, stderr=stream,
        )  # fmt: skip


def wait_for(condition, timeout: float = 90.0, what: str = "") -> float:
    """Wait until `condition()` holds; return the seconds it took."""
    started = time.monotonic()
    while not condition():
        if time.monotonic() - started > timeout:
            raise AssertionError(f"timed out waiting for {what or condition}")
        time.sleep(0.05)
    return time.monotonic() - started


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
    base = f"http://127.0.0.1:{port}"
    log = data_dir / "server.log"
    [process] = start(
        [[sys.executable, "-m", "web.cli", "serve", "--port", str(port)]],
        env, [log], ready=base + "/api/v1/openapi.json",
    )  # fmt: skip
    return process, base, log
