"""Shared fixtures: a real SQLite file per test, an engine on it, and the clock reset after."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from engine import Engine, clock
from engine.db import Database

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "bpmn" / "examples"
APPROVAL_BUNDLE = [EXAMPLES / "approval.bpmn", EXAMPLES / "fee.dmn", EXAMPLES / "review.form"]


@pytest.fixture(autouse=True)
def _reset_clock():
    yield
    clock.reset()


@pytest.fixture
def database_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'klageflow.sqlite'}"


@pytest.fixture
def db(database_url: str) -> Database:
    database = Database(database_url)
    database.create_schema()
    yield database
    database.dispose()


@pytest.fixture
def engine(db: Database) -> Engine:
    return Engine(db)


@pytest.fixture
def frozen_now() -> datetime:
    instant = datetime(2025, 7, 11, 8, 0, tzinfo=UTC)
    clock.set(instant, frozen=True)
    return instant


@pytest.fixture
def approval(engine: Engine) -> Engine:
    engine.deploy_paths(APPROVAL_BUNDLE, deployed_by="designer")
    return engine
