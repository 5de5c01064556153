"""Migration decided by what an instance has reached: the element it waits at and those it
completed must be unchanged; what lies ahead may change (the complaint process's fee table:
tests/complaint/test_instance_migration.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from engine import Engine
from tests.engine.test_bpmn_errors import outcome_service

pytestmark = pytest.mark.both_databases

MODEL = (Path(__file__).parent / "bpmn" / "service_errors.bpmn").read_text()
AHEAD_CHANGED = MODEL.replace(
    "result = 'declined: ' + charge_error['message']",
    "result = 'refused: ' + charge_error['code']",
).replace('name="Confirm the charge"', 'name="Confirm the card charge"')
WAITING_CHANGED = MODEL.replace(
    '<bpmn:userTask id="confirm" name="Confirm the charge">',
    '<bpmn:manualTask id="confirm" name="Confirm the charge">',
).replace(
    '</bpmn:userTask>\n    <bpmn:serviceTask id="charge_card"',
    '</bpmn:manualTask>\n    <bpmn:serviceTask id="charge_card"',
)


@pytest.fixture
def payments(engine: Engine) -> Engine:
    engine.register_service("charge", outcome_service)
    engine.register_service("book", outcome_service)
    engine.deploy({"service_errors.bpmn": MODEL}, deployed_by="designer")
    return engine


def test_a_change_ahead_of_the_instance_lets_it_move_and_it_runs_the_new_version(payments):
    instance_id = payments.start(
        "service_errors", {"charge_outcome": "card_declined", "book_outcome": "ok"}
    )
    [task] = payments.show(instance_id).open_tasks
    payments.deploy({"service_errors.bpmn": AHEAD_CHANGED}, deployed_by="designer")

    [outcome] = payments.migrate_instances("service_errors", 1, 2, actor="designer")
    assert (outcome.migratable, outcome.migrated, outcome.reasons) == (True, True, [])
    view = payments.show(instance_id)
    assert view.version == 2
    assert [t.id for t in view.open_tasks] == [task.id]

    payments.complete_task(task.id, actor="anna")
    assert payments.show(instance_id).data["result"] == "refused: card_declined"


def test_an_instance_waiting_at_a_changed_element_stays_with_the_reason(payments):
    instance_id = payments.start("service_errors", {"charge_outcome": "ok", "book_outcome": "ok"})
    payments.deploy({"service_errors.bpmn": WAITING_CHANGED}, deployed_by="designer")

    [dry] = payments.migrate_instances("service_errors", 1, 2, dry_run=True)
    assert not dry.migratable
    assert dry.reasons == ["confirm, which it is waiting at, changed (description, typename)"]
    assert dry.obstacles == [
        {
            "element_id": "confirm",
            "state": "waiting",
            "change": "changed",
            "attributes": ["description", "typename"],
        }
    ]
    [done] = payments.migrate_instances("service_errors", 1, 2, actor="designer")
    assert (done.migrated, done.reasons) == (False, dry.reasons)
    view = payments.show(instance_id)
    assert view.version == 1
    assert not [h for h in view.history if h.kind == "instance_migrated"]
    assert payments.instance_migrations(instance_id) == []


def test_a_completed_instance_is_not_listed_and_one_in_an_incident_stays(payments):
    finished = payments.start("service_errors", {"charge_outcome": "ok", "book_outcome": "ok"})
    [task] = payments.show(finished).open_tasks
    payments.complete_task(task.id, actor="anna")
    failing = payments.start("service_errors", {"charge_outcome": "fraud", "book_outcome": "ok"})
    [task] = payments.show(failing).open_tasks
    with pytest.raises(Exception, match="fraud"):
        payments.complete_task(task.id, actor="anna")
    payments.deploy({"service_errors.bpmn": AHEAD_CHANGED}, deployed_by="designer")

    outcomes = payments.migrate_instances("service_errors", 1, 2, actor="designer")
    assert [(o.instance_id, o.status, o.migrated) for o in outcomes] == [
        (failing, "incident", False)
    ]
    assert outcomes[0].reasons == ["it has an open incident: retry it first"]
    assert payments.show(failing).version == 1
