"""`klageflow migrate-instances`: a dry run lists each case as migratable or not, then they move."""

from __future__ import annotations

import json
import shutil
from datetime import UTC, datetime

from engine import clock
from tests.complaint.conftest import start_data
from tests.complaint.test_instance_migration import next_years_fee_table

from .conftest import COMPLAINT


def test_migrate_instances_dry_run_then_moves_the_cases_before_the_fee(cli, tmp_path):
    clock.set(datetime(2025, 8, 4, 10, 0, tzinfo=UTC), frozen=True)
    cli("deploy", COMPLAINT)
    waiting = cli(
        "start", "complaint", "--data", json.dumps(start_data()), "--business-key",
        "KP-2025-000301", "--json",
    ).json  # fmt: skip
    past = cli(
        "start", "complaint", "--data", json.dumps(start_data()), "--business-key",
        "KP-2025-000302", "--json",
    ).json  # fmt: skip
    reconsider = next(t for t in past["open_tasks"] if t["element_id"] == "reconsider")
    forward = json.dumps({"authority_action": "forward", "statement": "Fastholdes."})
    cli("complete", reconsider["id"], "--data", forward)

    next_year = tmp_path / "complaint"
    shutil.copytree(COMPLAINT, next_year)
    (next_year / "fee.dmn").write_text(next_years_fee_table())
    assert "complaint version 2 deployed" in cli("deploy", next_year).out

    dry = cli("migrate-instances", "complaint", "--from", "1", "--to", "2", "--dry-run")
    assert dry.lines == [
        f"{waiting['id']}  KP-2025-000301  migratable",
        f"{past['id']}  KP-2025-000302  refused: decide_fee, which it has completed, "
        "changed (decision_table)",
        "1 of 2 can move from version 1 to 2",
    ]
    assert cli("show", waiting["id"], "--json").json["version"] == 1

    moved = cli(
        "migrate-instances", "complaint", "--from", "1", "--to", "2", "--actor", "designer",
        "--json",
    ).json  # fmt: skip
    assert [(row["business_key"], row["migrated"]) for row in moved] == [
        ("KP-2025-000301", True),
        ("KP-2025-000302", False),
    ]
    assert moved[1]["reasons"] == ["decide_fee, which it has completed, changed (decision_table)"]
    shown = cli("show", waiting["id"], "--json").json
    assert shown["version"] == 2
    assert [e["actor"] for e in shown["history"] if e["kind"] == "instance_migrated"] == [
        "designer"
    ]
    again = cli("migrate-instances", "complaint", "--from", "1", "--to", "2")
    assert again.lines[-1] == "0 of 1 moved from version 1 to 2"

    refused = cli("migrate-instances", "complaint", "--from", "2", "--to", "9", status=1)
    assert refused.err == "error: version 9 of process 'complaint' is not deployed\n"
