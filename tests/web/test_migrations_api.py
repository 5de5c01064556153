"""POST /api/v1/definitions/{key}/migrations: a dry run, then the cases before the fee move."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from engine import clock
from tests.complaint.conftest import BUNDLE, start_data
from tests.complaint.test_instance_migration import deploy_next_year
from tests.web.conftest import bearer

pytestmark = pytest.mark.both_databases
PATH = "/api/v1/definitions/complaint/migrations"


def test_a_dry_run_lists_each_case_and_the_migration_moves_those_that_can(client, tokens, engine):
    clock.set(datetime(2025, 8, 4, 10, 0, tzinfo=UTC), frozen=True)
    engine.deploy_paths(sorted(BUNDLE.glob("*.*")), deployed_by="dorte")
    waiting = engine.start("complaint", start_data(), business_key="KP-2025-000401")
    past = engine.start_summary("complaint", start_data(), business_key="KP-2025-000402")
    [reconsider] = [t for t in past.open_tasks if t.element_id == "reconsider"]
    engine.complete_task(
        reconsider.id, {"authority_action": "forward", "statement": "Fastholdes."}, actor="sonja"
    )
    deploy_next_year(engine)
    designer = bearer(tokens, "designer")

    dry = client.post(
        PATH, json={"from_version": 1, "to_version": 2, "dry_run": True}, headers=designer
    )
    assert dry.status_code == 200, dry.json
    body = dry.json
    assert (body["key"], body["from_version"], body["to_version"], body["dry_run"]) == (
        "complaint", 1, 2, True,
    )  # fmt: skip
    rows = sorted(body["instances"], key=lambda i: i["business_key"])
    assert [(i["business_key"], i["migratable"], i["reasons"]) for i in rows] == [
        ("KP-2025-000401", True, []),
        ("KP-2025-000402", False, ["decide_fee, which it has completed, changed (decision_table)"]),
    ]
    assert engine.show(waiting).version == 1

    done = client.post(PATH, json={"from_version": 1, "to_version": 2}, headers=designer)
    assert done.status_code == 200
    rows = sorted(done.json["instances"], key=lambda i: i["business_key"])
    assert [(i["business_key"], i["migrated"]) for i in rows] == [
        ("KP-2025-000401", True),
        ("KP-2025-000402", False),
    ]
    assert engine.show(waiting).version == 2
    [record] = engine.instance_migrations(waiting)
    assert record.migrated_by == "dorte"

    unknown = client.post(PATH, json={"from_version": 1, "to_version": 5}, headers=designer)
    assert unknown.status_code == 404
    assert unknown.content_type == "application/problem+json"
    wrong = client.post(PATH, json={"from_version": "1", "to_version": 2}, headers=designer)
    assert wrong.status_code == 422
    assert set(wrong.json["errors"]) == {"from_version"}
