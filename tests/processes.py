"""Helpers for tests that run real Klageflow processes."""

from __future__ import annotations

import subprocess
from pathlib import Path

from engine.scheduler import STOP_GRACE_SECONDS

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
