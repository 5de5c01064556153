"""Shared fixtures: a real SQLite file per test, an engine on it, and the clock reset after."""

from __future__ import annotations

import os
import uuid
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from engine import Engine, clock
from engine.config import load_settings
from engine.db import Database
from web import migrate
from web.bootstrap import build_engine

# Tests run on loaded two-core CI machines, where a step that writes two PDF letters can
# take seconds; the budget is not what most tests test. The budget's own tests set theirs
# (and pass it to the processes they start); this default reaches every other engine and
# every server or scheduler a test starts.
os.environ.setdefault("KLAGEFLOW_STEP_SECONDS", "30")

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "bpmn" / "examples"
APPROVAL_BUNDLE = [EXAMPLES / "approval.bpmn", EXAMPLES / "fee.dmn", EXAMPLES / "review.form"]


@pytest.fixture(autouse=True, scope="session")
def _letters_ready():
    """Load WeasyPrint once, as servers and schedulers do at start (see LetterRenderer.warm),
    so that no test's first letter spends its step budget on the import."""
    import weasyprint  # noqa: F401


@pytest.fixture(autouse=True, scope="session")
def _quick_password_hashes():
    """Passwords the tests store are hashed with argon2id at a low cost (1 pass over 1 MiB,
    one lane) instead of the production cost, which takes a tenth of a second per hash on
    an idle machine and seconds on a loaded one; fixtures create users for nearly every
    test, and each login verifies. Verifying reads the cost from the stored hash, so the
    servers the tests start verify these quickly as well; what they hash themselves keeps
    the production cost."""
    from argon2 import PasswordHasher

    from web import accounts

    production = accounts._hasher
    accounts._hasher = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    yield
    accounts._hasher = production


@pytest.fixture(autouse=True)
def _reset_clock():
    yield
    clock.reset()


POSTGRES_URL = os.environ.get("KLAGEFLOW_TEST_POSTGRES_URL")


def pytest_generate_tests(metafunc):
    """Tests marked `both_databases` run on SQLite and on PostgreSQL."""
    if "backend" in metafunc.fixturenames:
        both = metafunc.definition.get_closest_marker("both_databases") is not None
        metafunc.parametrize("backend", ["sqlite", "postgresql"] if both else ["sqlite"])


@pytest.fixture
def database_url(tmp_path: Path, backend: str) -> str:
    if backend == "sqlite":
        yield f"sqlite:///{tmp_path / 'klageflow.sqlite'}"
        return
    if not POSTGRES_URL:
        pytest.skip("KLAGEFLOW_TEST_POSTGRES_URL is not set (make test starts a PostgreSQL)")
    name = f"kf_{uuid.uuid4().hex[:12]}"
    admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    yield str(make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False))
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture
def db(database_url: str) -> Database:
    database = Database(database_url)
    migrate.create_and_stamp(database)
    yield database
    database.dispose()


@pytest.fixture
def engine(db: Database, tmp_path: Path) -> Engine:
    """The engine as the composition root builds it (complaint helpers and mail included),
    keeping documents and letters in the test's own folder."""
    return build_engine(replace(load_settings(), data_dir=tmp_path), db=db)


@pytest.fixture
def frozen_now() -> datetime:
    instant = datetime(2025, 7, 11, 8, 0, tzinfo=UTC)
    clock.set(instant, frozen=True)
    return instant


@pytest.fixture
def approval(engine: Engine) -> Engine:
    engine.deploy_paths(APPROVAL_BUNDLE, deployed_by="designer")
    return engine
