"""BPMN errors thrown by service handlers: caught by error boundary events, else incidents."""

from __future__ import annotations

from pathlib import Path

import pytest

from engine import BpmnError, Engine, IncidentRaised, InvalidData

pytestmark = pytest.mark.both_databases

MODEL = Path(__file__).parent / "bpmn" / "service_errors.bpmn"


def outcome_service(_ctx, _task, params):
    """A payment provider's answer as the test data says: 'ok', or a BPMN error code."""
    if params["outcome"] != "ok":
        raise BpmnError(params["outcome"], "the bank said no")
    return {"ok": True}


@pytest.fixture
def payments(engine: Engine) -> Engine:
    engine.register_service("charge", outcome_service)
    engine.register_service("book", outcome_service)
    engine.deploy_paths([MODEL], deployed_by="designer")
    return engine


def confirm(engine: Engine, charge: str, book: str = "ok"):
    instance_id = engine.start("service_errors", {"charge_outcome": charge, "book_outcome": book})
    task = engine.show(instance_id).open_tasks[0]
    return instance_id, engine.complete_task(task.id, actor="anna")


def test_a_handler_without_an_error_completes_the_service_tasks(payments):
    instance_id, summary = confirm(payments, "ok")
    view = payments.show(instance_id)
    assert summary.status == "completed"
    assert "ended_booked" in view.completed_elements
    assert view.data["charged"] == {"ok": True}


def test_an_error_boundary_with_the_thrown_code_catches_it_and_gets_code_and_message(payments):
    instance_id, summary = confirm(payments, "card_declined")
    view = payments.show(instance_id)
    assert summary.status == "completed"
    assert "charge_card" not in view.completed_elements  # the task never completed
    assert {"declined", "note_declined", "ended_declined"} <= set(view.completed_elements)
    assert "book_payment" not in view.completed_elements
    assert view.data["charge_error"] == {"code": "card_declined", "message": "the bank said no"}
    assert view.data["result"] == "declined: the bank said no"
    [event] = [h for h in view.history if h.kind == "bpmn_error"]
    assert event.element_id == "charge_card"
    assert event.details == {
        "code": "card_declined",
        "message": "the bank said no",
        "caught_by": ["declined"],
    }
    assert view.incidents == []


def test_an_error_boundary_without_an_error_catches_every_code(payments):
    instance_id, summary = confirm(payments, "ok", book="timeout")
    assert summary.status == "running"
    assert [t.element_id for t in summary.open_tasks] == ["review_booking"]
    view = payments.show(instance_id)
    assert "book_failed" in view.completed_elements
    assert "book_payment" not in view.completed_elements
    # The boundary path goes on in later steps, from the stored state.
    done = payments.complete_task(summary.open_tasks[0].id, actor="anna")
    assert done.status == "completed"
    assert "ended_reviewed" in payments.show(instance_id).completed_elements


def test_an_uncaught_bpmn_error_is_an_incident_naming_the_code_and_the_element(payments):
    instance_id = payments.start(
        "service_errors", {"charge_outcome": "fraud_suspected", "book_outcome": "ok"}
    )
    task = payments.show(instance_id).open_tasks[0]
    with pytest.raises(IncidentRaised) as raised:
        payments.complete_task(task.id, actor="anna")
    assert raised.value.element_id == "charge_card"
    view = payments.show(instance_id)
    assert view.status == "incident"
    [incident] = view.incidents
    assert incident.element_id == "charge_card"
    assert "'fraud_suspected'" in incident.message
    assert "not caught" in incident.message
    # Nothing of the failed step was kept: the confirmation waits again.
    assert [t.element_id for t in view.open_tasks] == ["confirm"]
    assert not [h for h in view.history if h.kind == "bpmn_error"]


def test_an_error_from_a_task_in_a_subprocess_is_caught_by_the_subprocess_boundary(engine):
    engine.register_service("charge", outcome_service)
    engine.deploy_paths([MODEL.parent / "subprocess_error.bpmn"], deployed_by="designer")

    declined = engine.show(engine.start("subprocess_error", {"charge_outcome": "card_declined"}))
    assert declined.status == "completed"
    assert {"payment_failed", "ended_failed"} <= set(declined.completed_elements)
    assert "charge_in_subprocess" not in declined.completed_elements
    assert declined.data["payment_error"] == {
        "code": "card_declined",
        "message": "the bank said no",
    }
    paid = engine.show(engine.start("subprocess_error", {"charge_outcome": "ok"}))
    assert "ended_paid" in paid.completed_elements
    # A code the subprocess boundary does not catch refuses the start, naming it.
    with pytest.raises(InvalidData, match=r"charge_in_subprocess.*'expired' was not caught"):
        engine.start("subprocess_error", {"charge_outcome": "expired"})
