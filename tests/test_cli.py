"""The klageflow command, run as a real process: readable output, --json, exit codes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import APPROVAL_BUNDLE, ROOT


@pytest.fixture
def cli(tmp_path: Path):
    env = {**os.environ, "KLAGEFLOW_DATABASE_URL": f"sqlite:///{tmp_path / 'cli.sqlite'}"}

    def run(*args: str, check: bool = True) -> subprocess.CompletedProcess:
        result = subprocess.run(
            [sys.executable, "-m", "web.cli", *args],
            capture_output=True,
            text=True,
            env=env,
            cwd=ROOT,
        )
        if check:
            assert result.returncode == 0, result.stderr
        return result

    run("migrate")
    return run


def test_deploy_start_list_complete_show_through_the_command_line(cli):
    out = cli("deploy", *map(str, APPROVAL_BUNDLE)).stdout
    assert "approval version 1 deployed" in out
    assert "unchanged" in cli("deploy", *map(str, APPROVAL_BUNDLE)).stdout

    [definition] = json.loads(cli("definitions", "--json").stdout)
    assert (definition["key"], definition["version"]) == ("approval", 1)

    started = json.loads(
        cli(
            "start",
            "approval",
            "--data",
            '{"applicant_type": "private"}',
            "--business-key",
            "KP-1",
            "--json",
        ).stdout
    )
    assert started["status"] == "running"

    table = cli("tasks", "--group", "caseworkers").stdout
    assert "KP-1" in table and "Review the application" in table
    [task] = json.loads(cli("tasks", "--json").stdout)

    done = json.loads(
        cli(
            "complete",
            task["id"],
            "--data",
            '{"approved": false, "reason": "Not in order"}',
            "--actor",
            "anna",
            "--json",
        ).stdout
    )
    assert done["status"] == "completed"
    shown = cli("show", started["id"]).stdout
    assert "status     completed" in shown and "task_completed review by anna" in shown


def test_an_unmigrated_database_is_refused_with_the_command_that_fixes_it(tmp_path):
    env = {**os.environ, "KLAGEFLOW_DATABASE_URL": f"sqlite:///{tmp_path / 'new.sqlite'}"}
    result = subprocess.run(
        [sys.executable, "-m", "web.cli", "tasks"],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
    )
    assert result.returncode == 1
    assert "run `klageflow migrate`" in result.stderr


def test_errors_are_one_line_with_a_non_zero_exit_code(cli, tmp_path):
    result = cli("complete", "no-such-task", check=False)
    assert result.returncode == 1
    assert result.stderr.strip() == "error: task no-such-task does not exist"

    result = cli("start", "approval", "--data", "{broken", check=False)
    assert result.returncode == 1 and "not valid JSON" in result.stderr

    bad = ROOT / "tests" / "engine" / "bpmn" / "divide.bpmn"
    text = bad.read_text().replace("share = total / divisor", "share = = 1")
    target = tmp_path / "broken-divide.bpmn"
    target.write_text(text)
    result = cli("deploy", str(target), check=False)
    assert result.returncode == 1
    assert "[compute]" in result.stderr and "does not compile" in result.stderr
    result = cli("deploy", str(target), "--json", check=False)
    assert json.loads(result.stdout)["problems"][0]["element_id"] == "compute"


def test_deploy_of_a_folder_reads_bpmn20_xml_and_refuses_a_bad_dmn_without_a_traceback(
    cli, tmp_path
):
    folder = tmp_path / "models"
    folder.mkdir()
    bpmn = (ROOT / "bpmn" / "examples" / "approval.bpmn").read_text()
    (folder / "approval.bpmn20.xml").write_text(bpmn)
    (folder / "fee.dmn").write_text(
        '<definitions xmlns="https://www.omg.org/spec/DMN/20191111/MODEL/" id="defs" '
        'name="x" namespace="http://klageflow.local/dmn"><decisionService id="s" /></definitions>'
    )
    (folder / "review.form").write_bytes((ROOT / "bpmn" / "examples" / "review.form").read_bytes())
    result = cli("deploy", str(folder), check=False)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr + result.stdout
    assert "fee.dmn" in result.stderr and "approval.bpmn20.xml" not in result.stderr
    (folder / "fee.dmn").write_bytes((ROOT / "bpmn" / "examples" / "fee.dmn").read_bytes())
    assert "approval version 1 deployed" in cli("deploy", str(folder)).stdout
