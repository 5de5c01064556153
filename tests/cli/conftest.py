"""The klageflow command run in-process (its real entry function) on a SQLite file per test."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import ROOT
from web.cli import main

EXAMPLES = ROOT / "bpmn" / "examples"
COMPLAINT = ROOT / "bpmn" / "complaint"
DIVIDE = ROOT / "tests" / "engine" / "bpmn" / "divide.bpmn"


@dataclass
class Ran:
    """One finished command: exit status and what it printed."""

    code: int
    out: str
    err: str

    @property
    def json(self) -> Any:
        return json.loads(self.out)

    @property
    def lines(self) -> list[str]:
        return self.out.splitlines()


@pytest.fixture
def database_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'cli.sqlite'}"


@pytest.fixture
def klageflow(database_url: str, monkeypatch, capsys):
    """Run `klageflow ARGS...` through `web.cli.main`; by default expect exit status 0."""
    monkeypatch.setenv("KLAGEFLOW_DATABASE_URL", database_url)

    def run(*args: str, status: int = 0) -> Ran:
        capsys.readouterr()
        code = main([str(arg) for arg in args])
        out, err = capsys.readouterr()
        assert code == status, f"exit {code}, expected {status}\n{out}\n{err}"
        return Ran(code, out, err)

    return run


@pytest.fixture
def cli(klageflow):
    """The command on a migrated database."""
    klageflow("migrate")
    return klageflow


@pytest.fixture
def approval(cli):
    """The shipped example process deployed."""
    cli("deploy", EXAMPLES)
    return cli


def start_approval(cli, applicant_type: str = "company", business_key: str = "KP-2025-000001"):
    """Start the example process; return the instance and its review task (JSON)."""
    data = json.dumps({"applicant_type": applicant_type})
    instance = cli("start", "approval", "--data", data, "--business-key", business_key, "--json")
    return instance.json, instance.json["open_tasks"][0]
