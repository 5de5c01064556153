"""Browser tests: Debian's Chromium driven by Playwright against a real Klageflow server.

One `klageflow run` per module (web and scheduler in one real process with the shared
test clock, on its own copy of a SQLite file migrated and seeded with the demo data once
per session: seeding hashes every demo user's password), one browser per session,
a fresh browser context (cookies) per test. Screenshots go to tests/ui/artifacts/ (or
$KLAGEFLOW_ARTIFACTS) for a person to look at; they are not committed.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import urllib.request
from contextlib import closing
from datetime import date
from pathlib import Path

import pytest

from engine.config import PROJECT_ROOT, load_settings
from engine.db import Database
from tests.processes import KLAGEFLOW, NO_SMTP, free_port, start, stop
from web import demo, migrate
from web.bootstrap import build_engine, build_services

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(os.environ.get("KLAGEFLOW_ARTIFACTS", PROJECT_ROOT / "tests/ui/artifacts"))
pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(), reason="Debian's chromium is not installed (make test installs it)"
)


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


@pytest.fixture(scope="session")
def demo_database(tmp_path_factory) -> Path:
    """A SQLite file migrated, with the complaint bundle deployed and the demo seeded, made
    once per session; each module's server runs on its own copy (see `copy_database`)."""
    path = tmp_path_factory.mktemp("demo-database") / "klageflow.sqlite"
    db = Database(f"sqlite:///{path}")
    migrate.upgrade(db)
    services = build_services(load_settings(), build_engine(load_settings(), db=db))
    services.engine.deploy_paths(sorted((PROJECT_ROOT / "bpmn/complaint").glob("*.*")))
    # The demo's decisions dated as the tests' Gammeldam story: the landzone permit listed
    # first was published Friday 11 July 2025 (klagefrist 8 August 2025).
    demo.seed(services.accounts, services.complaints, today=date(2025, 7, 14))
    # A second authority, whose caseworker must not see the first one's cases.
    services.accounts.upsert_organisation(
        "aabenraa", kind="authority", name="Aabenraa Kommune",
        notification_email="plan@aabenraa.example",
    )  # fmt: skip
    services.accounts.create_user(
        "aabenraa", "authority_caseworker", password=demo.DEMO_PASSWORD,
        organisation_id="aabenraa",
    )  # fmt: skip
    db.dispose()
    return path


def copy_database(template: Path, folder: Path) -> str:
    """A copy of the SQLite file `template` as folder/klageflow.sqlite; its URL."""
    target = folder / "klageflow.sqlite"
    with closing(sqlite3.connect(template)) as source, closing(sqlite3.connect(target)) as copy:
        source.backup(copy)
    return f"sqlite:///{target}"


def run_demo(folder: Path, url: str, **env: str) -> tuple[Server, list[subprocess.Popen]]:
    """`klageflow run --no-seed` on `url` with the shared test clock, its data in `folder`
    (the mails it caught as well) and its log in folder/server.log; `env` adds settings."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    settings = {
        **os.environ,
        "KLAGEFLOW_DATABASE_URL": url,
        "KLAGEFLOW_TEST_CLOCK": "1",
        "KLAGEFLOW_INSECURE_COOKIES": "1",
        "KLAGEFLOW_SCHEDULER_POLL_SECONDS": "0.2",
        "KLAGEFLOW_DATA_DIR": str(folder),
        "KLAGEFLOW_BASE_URL": base,  # links in mails lead to this server
        **env,
    }
    processes = start(
        [[*KLAGEFLOW, "run", "--no-seed", "--port", str(port)]], settings,
        [folder / "server.log"], ready=base + "/login",
    )  # fmt: skip
    return Server(base, url), processes


@pytest.fixture(scope="module")
def server(tmp_path_factory, demo_database):
    tmp = tmp_path_factory.mktemp("ui")
    # `klageflow run` is the demo system (web and scheduler in one process, the test
    # payment provider); the copied data stands in for its seeding. Mail goes to the demo's
    # own catcher (KLAGEFLOW_SMTP_* aside) and waits there.
    system, processes = run_demo(tmp, copy_database(demo_database, tmp), **NO_SMTP)
    yield system
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
