"""Browser tests: Debian's Chromium driven by Playwright against a real Klageflow server.

One `klageflow run` per module (web and scheduler in one real process on a fresh
SQLite file with the shared test clock, the demo data seeded), one browser per session,
a fresh browser context (cookies) per test. Screenshots go to tests/ui/artifacts/ (or
$KLAGEFLOW_ARTIFACTS) for a person to look at; they are not committed.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from datetime import date
from pathlib import Path

import pytest

from engine.config import PROJECT_ROOT, load_settings
from engine.db import Database
from tests.processes import NO_SMTP, stop
from web import demo, migrate
from web.bootstrap import build_engine, build_services

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(os.environ.get("KLAGEFLOW_ARTIFACTS", PROJECT_ROOT / "tests/ui/artifacts"))
pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(), reason="Debian's chromium is not installed (make test installs it)"
)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """The running system: its base URL, and the shared test clock."""

    def __init__(self, base: str, database_url: str):
        self.base = base
        self.database_url = database_url

    def url(self, path: str) -> str:
        return self.base + path

    def set_clock(self, instant: str) -> None:
        request = urllib.request.Request(
            self.url("/api/v1/test/clock"), method="PUT",
            data=json.dumps({"now": instant}).encode(),
            headers={"Content-Type": "application/json"},
        )  # fmt: skip
        with urllib.request.urlopen(request, timeout=30) as response:
            assert response.status == 200


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("ui")
    url = f"sqlite:///{tmp}/klageflow.sqlite"
    db = Database(url)
    migrate.upgrade(db)
    services = build_services(load_settings(), build_engine(load_settings(), db=db))
    services.engine.deploy_paths(sorted((PROJECT_ROOT / "bpmn/complaint").glob("*.*")))
    accounts = services.accounts
    # The demo's decisions dated as the tests' Gammeldam story: the landzone permit listed
    # first was published Friday 11 July 2025 (klagefrist 8 August 2025).
    demo.seed(accounts, services.complaints, today=date(2025, 7, 14))
    accounts.upsert_organisation(
        "aabenraa", kind="authority", name="Aabenraa Kommune",
        notification_email="plan@aabenraa.example",
    )  # fmt: skip
    accounts.create_user(
        "aabenraa", "authority_caseworker", password=demo.DEMO_PASSWORD,
        organisation_id="aabenraa",
    )  # fmt: skip
    db.dispose()
    port = free_port()
    env = {
        **os.environ,
        "KLAGEFLOW_DATABASE_URL": url,
        "KLAGEFLOW_TEST_CLOCK": "1",
        "KLAGEFLOW_INSECURE_COOKIES": "1",
        **NO_SMTP,  # mail waits in the outbox
        "KLAGEFLOW_SCHEDULER_POLL_SECONDS": "0.2",
        "KLAGEFLOW_DATA_DIR": str(tmp),
    }
    # `klageflow run` is the demo system (web and scheduler in one process, the test
    # payment provider); the data above stands in for its seeding.
    processes = []
    with (tmp / "server.log").open("w") as log:
        processes.append(
            subprocess.Popen(
                [sys.executable, "-m", "web.cli", "run", "--no-seed", "--port", str(port)],
                cwd=PROJECT_ROOT,
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=log,
            )
        )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            urllib.request.urlopen(base + "/login", timeout=5).read()
            break
        except OSError:
            assert time.monotonic() < deadline, (tmp / "server.log").read_text()[-3000:]
            time.sleep(0.1)
    yield Server(base, url)
    stop(processes, [tmp / "server.log"])


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            headless=True,
            args=["--no-sandbox", "--disable-background-networking",
                  "--disable-component-update"],
        )  # fmt: skip
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="da-DK", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15_000)
    yield context.new_page()
    context.close()


@pytest.fixture
def login(server):
    """`login(page, username)` logs in with the demo password and lands on the start page."""

    def log_in(page, username: str) -> None:
        page.goto("about:blank")  # end the last page's requests before its cookies go
        page.context.clear_cookies()
        page.goto(server.url("/login"))
        page.get_by_label("Brugernavn").fill(username)
        page.get_by_label("Adgangskode").fill(demo.DEMO_PASSWORD)
        page.get_by_role("button", name="Log ind").click()
        page.wait_for_load_state()

    return log_in


def screenshot(page, name: str) -> Path:
    """Save a full-page screenshot as an artifact of the run."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
