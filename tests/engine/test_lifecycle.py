"""A process with user tasks, a gateway, a DMN table, scripts and two timers, run end to end.

Every step goes through the database; a fresh Engine (new connection pool, empty spec
cache) is used between steps, so nothing survives in memory from one step to the next.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from engine import Engine, TaskFilter, clock
from engine.db import Database
from tests.conftest import APPROVAL_BUNDLE

pytestmark = pytest.mark.both_databases


def fresh(database_url: str) -> Engine:
    return Engine(Database(database_url))


def kinds(view: dict) -> list[tuple[str, str | None]]:
    return [(event.kind, event.element_id) for event in view.history]


def test_an_approved_application_runs_to_the_end_with_a_save_between_every_step(
    database_url, engine, frozen_now
):
    engine.deploy_paths(APPROVAL_BUNDLE, deployed_by="designer")
    instance_id = fresh(database_url).start(
        "approval", {"applicant_type": "Private"}, business_key="KP-2025-000001", actor="anna"
    )

    view = fresh(database_url).show(instance_id)
    assert view.status == "running"
    assert view.data["applicant_type"] == "private"  # the script ran
    assert view.data["fee"] == 900  # the DMN table decided
    assert view.active_elements == ["review", "review_deadline", "review_reminder"]
    assert view.next_timer_due_at == frozen_now + timedelta(days=7)

    [task] = fresh(database_url).tasks(TaskFilter(groups=("caseworkers",)))
    assert task.element_id == "review"
    assert task.form_key == "review.form"
    assert task.due_at == frozen_now + timedelta(days=10)

    clock.advance(timedelta(days=1))
    fresh(database_url).complete_task(task.id, {"approved": True, "reason": "In order"}, actor="bo")

    view = fresh(database_url).show(instance_id)
    assert view.active_elements == ["final_approval"]
    assert view.next_timer_due_at is None  # both boundary timers went with the task
    [final] = view.open_tasks
    assert final.candidate_group == "board"

    fresh(database_url).complete_task(final.id, {}, actor="chair")
    view = fresh(database_url).show(instance_id)
    assert view.status == "completed"
    assert "done" in view.completed_elements
    assert ("task_completed", "review") in kinds(view)
    assert ("instance_completed", None) in kinds(view)
    completed = [e for e in view.history if e.kind == "task_completed"]
    assert [e.actor for e in completed] == ["bo", "chair"]


def test_a_rejection_takes_the_default_flow(approval, frozen_now):
    instance_id = approval.start("approval", {"applicant_type": "company"})
    [task] = approval.tasks()
    view = approval.complete_task(task.id, {"approved": False, "reason": "Out of scope"})
    assert view.status == "completed"
    assert "rejected" in view.completed_elements
    assert view.data["fee"] == 1800
    assert approval.show(instance_id).open_tasks == []


def test_the_cycle_timer_reminds_exactly_three_times_and_the_deadline_interrupts(
    database_url, approval, frozen_now
):
    instance_id = approval.start("approval", {"applicant_type": "private"})
    for _day in range(40):
        clock.advance(timedelta(days=1))
        fresh(database_url).advance(instance_id)
    view = fresh(database_url).show(instance_id)
    fired = [e for e in view.history if e.kind == "timer_fired"]
    assert [e.element_id for e in fired] == ["review_reminder"] * 3 + ["review_deadline"]
    assert view.status == "completed"
    assert "escalated" in view.completed_elements
    assert ("task_cancelled", "review") in kinds(view)
    assert approval.tasks() == []


def test_a_timer_does_not_fire_before_it_is_due(database_url, approval, frozen_now):
    instance_id = approval.start("approval", {"applicant_type": "private"})
    clock.set(frozen_now + timedelta(days=7) - timedelta(seconds=1), frozen=True)
    approval.advance(instance_id)
    view = approval.show(instance_id)
    assert not [e for e in view.history if e.kind == "timer_fired"]
    clock.set(frozen_now + timedelta(days=7, microseconds=1), frozen=True)
    approval.advance(instance_id)
    view = approval.show(instance_id)
    [fired] = [e for e in view.history if e.kind == "timer_fired"]
    assert fired.element_id == "review_reminder"
    assert fired.details["late_by_seconds"] < 1


def test_a_deadline_that_passed_wins_over_late_input(approval, frozen_now):
    instance_id = approval.start("approval", {"applicant_type": "private"})
    [task] = approval.tasks()
    clock.advance(timedelta(days=31))
    # No scheduler ran: the step fires the deadline before it looks at the completion.
    try:
        approval.complete_task(task.id, {"approved": True, "reason": "too late"})
    except Exception as exc:
        error = exc
    from engine import TaskNotReady

    assert isinstance(error, TaskNotReady)
    view = approval.show(instance_id)
    assert view.status == "completed"
    assert "escalated" in view.completed_elements


def test_a_message_resumes_a_waiting_instance_and_a_service_task_runs(engine):
    receipts = []

    def issue_receipt(ctx, task, params):
        receipts.append(params["amount"])
        return {"number": f"R-{len(receipts)}"}

    # Registered first: deploy refuses a service task whose operator the engine lacks.
    engine.register_service("issue_receipt", issue_receipt)
    engine.deploy_paths(["tests/engine/bpmn/payment.bpmn"])
    instance_id = engine.start("payment", {"base": 900, "factor": 2})
    assert engine.show(instance_id).active_elements == ["wait_payment"]
    view = engine.send_message(instance_id, "fee_paid", {"amount": 1800, "method": "card"})
    assert view.status == "completed"
    assert view.data["payment"] == {"amount": 1800, "method": "card"}
    assert view.data["receipt"] == {"number": "R-1"}
    assert receipts == [1800]
