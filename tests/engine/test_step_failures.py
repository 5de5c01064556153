"""Failures inside a step: the model's own become incidents, Klageflow's bugs propagate,
and retrying an incident commits the step and the resolution together."""

from __future__ import annotations

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError

from engine import Conflict, IncidentRaised, InvalidData
from engine import runtime as runtime_module
from engine.models import AuditEvent, Incident, ProcessInstance, WorkItem
from tests.conftest import EXAMPLES

pytestmark = pytest.mark.both_databases

DIVIDE = ["tests/engine/bpmn/divide.bpmn"]
PAYMENT = ["tests/engine/bpmn/payment.bpmn"]


def stored(engine, instance_id):
    """What is committed for an instance: state, status, open tasks, history, incidents."""
    with engine.db.read() as session:
        row = session.get(ProcessInstance, instance_id)
        open_tasks = session.scalars(
            select(WorkItem.id).where(WorkItem.instance_id == instance_id, WorkItem.state == "open")
        ).all()
        history = session.scalars(
            select(AuditEvent.kind).where(AuditEvent.instance_id == instance_id)
        ).all()
        incidents = session.execute(
            select(Incident.id, Incident.resolved_at).where(Incident.instance_id == instance_id)
        ).all()
        return {
            "state": row.state,
            "status": row.status,
            "open_tasks": sorted(open_tasks),
            "history": list(history),
            "incidents": [tuple(incident) for incident in incidents],
        }


def divide_in_incident(engine):
    """A divide instance whose script failed on division by zero: (instance, task, incident)."""
    engine.deploy_paths(DIVIDE)
    instance_id = engine.start("divide", {"region": "north", "total": 10, "due": None})
    task = engine.show(instance_id).open_tasks[0]
    with pytest.raises(IncidentRaised) as caught:
        engine.complete_task(task.id, {"divisor": 0}, actor="anna")
    return instance_id, task.id, caught.value.incident_id


def refuse_incident_resolution(engine):
    """Make the database refuse the incident_resolved audit row, as a failing disk would."""
    if engine.db.is_sqlite:
        statements = [
            "CREATE TRIGGER refuse_resolution BEFORE INSERT ON audit_event "
            "WHEN NEW.kind = 'incident_resolved' "
            "BEGIN SELECT RAISE(ABORT, 'no space left'); END"
        ]
    else:
        statements = [
            "CREATE FUNCTION refuse_resolution() RETURNS trigger AS $$ BEGIN "
            "IF NEW.kind = 'incident_resolved' THEN RAISE EXCEPTION 'no space left'; END IF; "
            "RETURN NEW; END $$ LANGUAGE plpgsql",
            "CREATE TRIGGER refuse_resolution BEFORE INSERT ON audit_event "
            "FOR EACH ROW EXECUTE FUNCTION refuse_resolution()",
        ]
    with engine.db.write() as session:
        for statement in statements:
            session.execute(text(statement))


def allow_incident_resolution(engine):
    with engine.db.write() as session:
        if engine.db.is_sqlite:
            session.execute(text("DROP TRIGGER refuse_resolution"))
        else:
            session.execute(text("DROP TRIGGER refuse_resolution ON audit_event"))
            session.execute(text("DROP FUNCTION refuse_resolution()"))


# -- retrying an incident -------------------------------------------------------------------


def test_a_retry_whose_resolution_cannot_be_written_leaves_the_step_undone(engine):
    instance_id, task_id, incident_id = divide_in_incident(engine)
    before = stored(engine, instance_id)

    refuse_incident_resolution(engine)
    with pytest.raises(DBAPIError, match="no space left"):
        engine.retry_incident(incident_id, actor="operator", data={"divisor": 5})
    # The step did not happen either: no completed task behind an open incident.
    assert stored(engine, instance_id) == before
    assert before["open_tasks"] == [task_id] and before["status"] == "incident"

    allow_incident_resolution(engine)
    view = engine.retry_incident(incident_id, actor="operator", data={"divisor": 5})
    assert view.status == "completed" and view.data["share"] == 2


def test_a_retried_step_and_its_incident_resolution_are_one_commit(engine):
    instance_id, _task_id, incident_id = divide_in_incident(engine)
    view = engine.retry_incident(incident_id, actor="operator", data={"divisor": 5})

    with engine.db.read() as session:
        incident = session.get(Incident, incident_id)
        instance = session.get(ProcessInstance, instance_id)
        resolved = session.scalars(
            select(AuditEvent).where(
                AuditEvent.instance_id == instance_id, AuditEvent.kind == "incident_resolved"
            )
        ).one()
        completed = session.scalars(
            select(AuditEvent).where(
                AuditEvent.instance_id == instance_id, AuditEvent.kind == "task_completed"
            )
        ).one()
    # One step, one instant: the clock runs, so two transactions would differ.
    assert incident.resolved_at == instance.updated_at == completed.at == resolved.at
    assert (incident.resolved_by, resolved.actor, completed.actor) == (
        "operator",
        "operator",
        "anna",
    )
    assert resolved.details == {"incident_id": incident_id}
    assert view.status == "completed"
    assert [row.resolved_by for row in view.incidents] == ["operator"]


def test_a_retry_that_fails_again_keeps_the_incident_open_and_commits_nothing_of_the_step(
    engine,
):
    instance_id, task_id, incident_id = divide_in_incident(engine)
    before = stored(engine, instance_id)

    with pytest.raises(IncidentRaised) as again:
        engine.retry_incident(incident_id, actor="operator", data={"divisor": 0})
    assert again.value.element_id == "compute"

    after = stored(engine, instance_id)
    assert (after["state"], after["open_tasks"], after["status"]) == (
        before["state"],
        [task_id],
        "incident",
    )
    assert "task_completed" not in after["history"]
    assert "incident_resolved" not in after["history"]
    assert (incident_id, None) in after["incidents"]
    assert all(resolved_at is None for _id, resolved_at in after["incidents"])


def test_a_retried_incident_cannot_be_resolved_twice(engine):
    instance_id, _task_id, incident_id = divide_in_incident(engine)
    engine.retry_incident(incident_id, actor="operator", data={"divisor": 5})
    with pytest.raises(Conflict, match="already resolved"):
        engine.retry_incident(incident_id, actor="operator")
    assert stored(engine, instance_id)["history"].count("incident_resolved") == 1


# -- what becomes an incident ---------------------------------------------------------------


def test_a_failing_service_handler_is_an_incident_at_its_task_with_the_root_cause(engine):
    def issue_receipt(ctx, task, params):
        raise ConnectionError("receipt service unreachable")

    engine.register_service("issue_receipt", issue_receipt)
    engine.deploy_paths(PAYMENT)
    instance_id = engine.start("payment", {"base": 900, "factor": 2})
    with pytest.raises(IncidentRaised) as caught:
        engine.send_message(instance_id, "fee_paid", {"amount": 1800})
    assert caught.value.element_id == "receipt"
    [incident] = engine.incidents()
    assert incident.element_id == "receipt"
    assert "ConnectionError: receipt service unreachable" in incident.message
    assert engine.show(instance_id).active_elements == ["wait_payment"]


def test_a_failing_gateway_condition_is_an_incident_at_the_gateway(engine):
    approval = (EXAMPLES / "approval.bpmn").read_text()
    engine.deploy(
        {
            "approval.bpmn": approval.replace("approved == True", "approved == approval_limit"),
            "fee.dmn": (EXAMPLES / "fee.dmn").read_bytes(),
            "review.form": (EXAMPLES / "review.form").read_bytes(),
        }
    )
    engine.start("approval", {"applicant_type": "private"})
    [task] = engine.tasks()
    with pytest.raises(IncidentRaised) as caught:
        engine.complete_task(task.id, {"approved": True, "reason": "In order"})
    assert caught.value.element_id == "approved_gateway"
    assert "NameError" in caught.value.message and "approval_limit" in caught.value.message


def test_a_failing_dmn_cell_names_the_business_rule_task_and_the_root_cause(engine):
    fee_table = (EXAMPLES / "fee.dmn").read_text()
    engine.deploy(
        {
            "approval.bpmn": (EXAMPLES / "approval.bpmn").read_bytes(),
            "fee.dmn": fee_table.replace("<text>900</text>", "<text>900 // 0</text>"),
            "review.form": (EXAMPLES / "review.form").read_bytes(),
        }
    )
    with pytest.raises(InvalidData) as caught:
        engine.start("approval", {"applicant_type": "private"})
    assert "decide_fee" in caught.value.message
    assert "ZeroDivisionError" in caught.value.message
    assert engine.instances() == []


# -- what does not ----------------------------------------------------------------------------


def test_a_bug_in_the_write_back_propagates_and_is_no_incident(engine, monkeypatch):
    engine.deploy_paths(DIVIDE)
    instance_id = engine.start("divide", {"region": "north", "total": 10, "due": None})
    task_id = engine.show(instance_id).open_tasks[0].id
    before = stored(engine, instance_id)

    def summary_with_a_typo(ctx, scan, open_items):
        return ctx.instance.summary  # no such attribute: a bug in Klageflow, not in the model

    monkeypatch.setattr(runtime_module, "_summary", summary_with_a_typo)
    with pytest.raises(AttributeError, match="summary"):
        engine.complete_task(task_id, {"divisor": 2}, actor="anna")

    assert engine.incidents() == []
    assert stored(engine, instance_id) == before  # rolled back, status still running
    assert before["status"] == "running"
